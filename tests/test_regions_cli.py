"""Regions through the command line: region rows, several files as one submission, unknown regions,
allocations, --region and the JSON that carries them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tcmcheck.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
JIANGMEN = ("蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(path, rows, header="indicator,region,period,value"):
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), "utf-8")
    return path


def document(result):
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def indicator(doc, ident):
    return next(i for i in doc["indicators"] if i["id"] == ident)


def test_each_indicator_gets_a_status_per_region_and_the_city_the_worst(tmp_path):
    rows = [f"county-hospitals-two-specialties-share,{r},2025,100" for r in JIANGMEN[:-1]]
    rows.append("county-hospitals-two-specialties-share,恩平,2025,80")
    doc = document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--as-of", "2025-12-31",
                       "--format", "json"))
    item = indicator(doc, "county-hospitals-two-specialties-share")
    assert item["scope"] == "each"
    assert [(v["region"], v["status"]) for v in item["regions"]] == [*((r, "pass") for r in JIANGMEN[:-1]),
                                                                    ("恩平市", "fail")]
    assert item["status"] == "fail" and "恩平市" in item["detail"]
    assert doc["regions"][-1] == {"region": "恩平市", "summary": {"pass": 0, "on-track": 0, "lag": 0, "fail": 1,
                                                                   "no-data": 0}, "rank": 7, "without_target": 0}


def test_sum_indicator_city_value_is_the_sum_when_every_region_reported(tmp_path):
    rows = [f"talent-361-young,{r},2025,15" for r in JIANGMEN]
    item = indicator(document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--as-of", "2025-12-31",
                                  "--format", "json")), "talent-361-young")
    assert item["actual"] == 105 and item["status"] == "pass" and item["line"] is None
    assert all(v["status"] is None and v["actual"] == 15 for v in item["regions"])


def test_sum_indicator_with_regions_missing_has_no_city_value_and_names_them(tmp_path):
    rows = [f"talent-361-young,{r},2025,30" for r in JIANGMEN[:5]]
    item = indicator(document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--as-of", "2025-12-31",
                                  "--format", "json")), "talent-361-young")
    assert item["status"] == "no-data" and "鹤山市" in item["detail"] and "恩平市" in item["detail"]


def test_city_row_and_regions_sum_that_differ_are_warned_about(tmp_path):
    rows = [f"talent-361-young,{r},2024,10" for r in JIANGMEN] + ["talent-361-young,全市,2024,80"]
    doc = document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--as-of", "2024-12-31",
                       "--format", "json"))
    assert [(w["code"], w["line"]) for w in doc["warnings"]] == [("csv-region-sum-mismatch", 9)]
    assert "80" in doc["warnings"][0]["message"] and "70" in doc["warnings"][0]["message"]
    assert indicator(doc, "talent-361-young")["actual"] == 80


def test_unknown_region_is_an_error_with_the_closest_names(tmp_path):
    result = run("status", "jiangmen", write(tmp_path / "x.csv", ["talent-361-young,台山县,2024,10"]))
    assert result.exit_code == 2 and result.stdout == ""
    assert "x.csv:2:2: region: csv-unknown-region" in result.stderr and "台山市" in result.stderr


def test_short_and_full_names_are_one_region(tmp_path):
    rows = ["talent-361-young,台山,2023,10", "talent-361-young,台山市,2024,12"]
    doc = document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--as-of", "2024-12-31",
                       "--format", "json"))
    taishan = next(v for v in indicator(doc, "talent-361-young")["regions"] if v["region"] == "台山市")
    assert taishan["actual"] == 12 and taishan["period"] == "2024"


def test_several_files_are_one_submission_and_conflicts_name_both_files(tmp_path):
    a = write(tmp_path / "taishan.csv", ["talent-361-young,台山市,2024,12"])
    b = write(tmp_path / "kaiping.csv", ["talent-361-young,开平市,2024,9", "talent-361-young,台山市,2024,12"])
    doc = document(run("status", "jiangmen", a, b, "--as-of", "2024-12-31", "--format", "json"))
    views = {v["region"]: v["actual"] for v in indicator(doc, "talent-361-young")["regions"]}
    assert views["台山市"] == 12 and views["开平市"] == 9
    assert [w["code"] for w in doc["warnings"]] == ["csv-repeated-report"]
    c = write(tmp_path / "again.csv", ["talent-361-young,台山市,2024,13"])
    result = run("status", "jiangmen", a, c, "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert "again.csv:2: value: csv-duplicate-report" in result.stderr and "taishan.csv on line 2" in result.stderr


def test_allocations_give_city_indicators_region_statuses(tmp_path):
    rows = [f"talent-361-young,{r},2025,{v}" for r, v in zip(JIANGMEN, (20, 10, 15, 18, 12, 14, 11))]
    targets = write(tmp_path / "targets.csv", ["talent-361-young,蓬江区,2025,20", "talent-361-young,江海区,2025,12"],
                    header="indicator,region,due,value")
    doc = document(run("status", "jiangmen", write(tmp_path / "x.csv", rows), "--targets", targets,
                       "--as-of", "2025-12-31", "--format", "json"))
    views = {v["region"]: v for v in indicator(doc, "talent-361-young")["regions"]}
    assert views["蓬江区"]["status"] == "pass" and views["蓬江区"]["target"].startswith("≥ 20")
    assert views["江海区"]["status"] == "fail"
    assert views["新会区"]["status"] is None and views["新会区"]["target"] is None


def test_allocation_problems_are_located(tmp_path):
    targets = write(tmp_path / "targets.csv", ["talent-361-youngx,蓬江区,2025,20", "talent-361-young,蓬江县,2025,1",
                                               "talent-361-young,蓬江区,2024,3", "party-administration-separation,蓬江区,2023,1"],
                    header="indicator,region,due,value")
    result = run("status", "jiangmen", write(tmp_path / "x.csv", []), "--targets", targets)
    assert result.exit_code == 2
    assert "targets.csv:2:1: indicator: targets-unknown-indicator" in result.stderr
    assert "targets.csv:3:2: region: targets-unknown-region" in result.stderr
    assert "targets.csv:4:3: period: targets-bad-due" in result.stderr
    assert "targets.csv:5:1: indicator: targets-not-allocatable" in result.stderr


def test_region_option_shows_one_regions_view(tmp_path):
    rows = [f"county-hospitals-two-specialties-share,{r},2025,{100 if r != '恩平市' else 80}" for r in JIANGMEN]
    path = write(tmp_path / "x.csv", rows)
    doc = document(run("status", "jiangmen", path, "--as-of", "2025-12-31", "--format", "json", "--region", "恩平"))
    assert [(i["id"], i["status"], i["actual"]) for i in doc["indicators"]] == [
        ("county-hospitals-two-specialties-share", "fail", 80)]
    assert doc["actuals"].endswith("(恩平市)")
    wrong = run("status", "jiangmen", path, "--region", "北京")
    assert wrong.exit_code == 2 and "region-unknown" in wrong.stderr


def test_without_a_region_list_any_name_is_a_region(tmp_path):
    rows = ["township-tcm-halls,稠城街道,2025,100", "township-tcm-halls,佛堂镇,2025,90"]
    doc = document(run("status", "yiwu", write(tmp_path / "x.csv", rows), "--as-of", "2025-12-31", "--format", "json"))
    item = indicator(doc, "township-tcm-halls")
    assert [(v["region"], v["status"]) for v in item["regions"]] == [("稠城街道", "pass"), ("佛堂镇", "fail")]
    assert item["status"] == "fail" and [r["region"] for r in doc["regions"]] == ["稠城街道", "佛堂镇"]


def test_a_submission_without_regions_has_empty_region_lists(tmp_path):
    doc = document(run("status", "jiangmen", EXAMPLES / "jiangmen-2024.csv", "--as-of", "2024-12-31",
                       "--format", "json"))
    assert doc["regions"] == [] and all(i["regions"] == [] for i in doc["indicators"])
