"""Regions in every format a person or a CI job reads, through the command line on the shipped regional
example: the matrix and ranking in table, plain and markdown; a row, case or annotation per (indicator,
region) with a status in csv, junit and github; each file's regions in summary."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from tcmcheck import cli
from tcmcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ("jiangmen", "examples/jiangmen-regions-2024.csv", "--targets", "examples/jiangmen-targets-2025.txt",
           "--as-of", "2024-12-31")
SHORT = ("蓬江", "江海", "新会", "台山", "开平", "鹤山", "恩平")
GLYPH = {"pass": "✔P", "on-track": "▸T", "lag": "▴L", "fail": "✖F", "no-data": "◦N"}
ANSI = re.compile("\x1b\\[[0-9;]*m")


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def run(*args, env=None, color=False):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, color=color)


def on_terminal(monkeypatch, *args, columns=80, color=False):
    """As on a terminal `columns` wide."""
    monkeypatch.setattr(cli, "_to_terminal", lambda output: output is None)
    env = {"COLUMNS": str(columns), "NO_COLOR": None if color else "1"}
    return run(*args, env=env, color=color)


def example(fmt, *more):
    result = run("status", *EXAMPLE, "--format", fmt, *more)
    assert result.exit_code == 1, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def views():
    """Each (indicator, region) with a status, from the JSON: {(id, region): view}."""
    result = CliRunner().invoke(main, ["status", *EXAMPLE, "--format", "json"])
    document = json.loads(result.stdout)
    return {(item["id"], view["region"]): view for item in document["indicators"] for view in item["regions"]
            if view["status"] is not None}


def matrix_rows(text):
    """The matrix's rows as {id: cells}, from a table or plain report (every block)."""
    rows = {}
    for line in text.splitlines():
        cells = line.split()
        if len(cells) > 1 and all(cell in (*GLYPH.values(), "-") for cell in cells[1:]):
            rows.setdefault(cells[0], []).extend(cells[1:])
    return rows


def test_table_has_the_city_view_then_a_matrix_of_regions_and_the_ranking_within_80_columns(monkeypatch, views):
    result = on_terminal(monkeypatch, "status", *EXAMPLE)
    assert result.exit_code == 1, result.stderr
    text = result.stdout
    assert text.index("79 indicators: pass 34") < text.index("Regions: status by indicator") < text.index(
        "Regions ranked") < text.index("warning: ")
    assert "✔P pass  ▸T on-track  ▴L lag  ✖F fail  ◦N no-data  - no target" in text
    header = next(line for line in text.splitlines() if line.startswith("id ") and "蓬江" in line)
    assert header.split()[1:] == list(SHORT)
    report = text[:text.index("warning: ")].splitlines()
    assert all(wcswidth(line) <= 80 for line in report), max(report, key=wcswidth)
    rows = matrix_rows(text)
    assert rows["party-administration-separation"] == [
        GLYPH[views[("party-administration-separation", region)]["status"]]
        for region in ("蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市")]
    assert rows["party-administration-separation"] == ["✔P", "✖F", "✔P", "✖F", "✖F", "✔P", "✖F"]
    # worst first on a terminal: the rows with a fail lead
    assert list(rows)[:3] == ["party-administration-separation", "county-hospital-preventive-dept",
                              "geriatrics-dept-coverage"]
    ranking = text[text.index("Regions ranked"):].splitlines()
    assert ranking[1].split() == ["region", "pass", "on-track", "lag", "fail", "no-data", "rank"]
    assert ranking[3].split() == ["鹤山市", "9", "9", "2", "0", "0", "1"]
    assert ranking[9].split() == ["恩平市", "3", "6", "8", "3", "0", "7"]


def test_table_in_chinese_has_chinese_headings(monkeypatch):
    text = on_terminal(monkeypatch, "status", *EXAMPLE, "--lang", "zh").stdout
    assert "各区县指标状态" in text and "✔P 达标  ▸T 序时推进  ▴L 滞后  ✖F 未达标  ◦N 未报送  - 无目标" in text
    assert "区县排名（1为最好" in text
    assert "区县    达标  序时推进  滞后  未达标  未报送  排名" in text
    assert all(wcswidth(line) <= 80 for line in text[:text.index("警告：")].splitlines())


def test_matrix_cells_are_coloured_on_a_terminal_and_plain_text_elsewhere(monkeypatch):
    coloured = on_terminal(monkeypatch, "status", *EXAMPLE, color=True).stdout
    assert "\x1b[1;31m✖F\x1b[0m" in coloured and "\x1b[32m✔P\x1b[0m" in coloured and "\x1b[33m▴L\x1b[0m" in coloured
    assert matrix_rows(ANSI.sub("", coloured)) == matrix_rows(on_terminal(monkeypatch, "status", *EXAMPLE).stdout)
    piped = example("table")
    assert "\x1b" not in piped and "✖F" in piped


def test_wide_cities_fold_the_matrix_into_blocks_that_fit(monkeypatch, tmp_path):
    """Nanyang's 16 reporting units at 80 columns: two blocks of 8, each with the ids."""
    names = ("宛城区 卧龙区 南召县 方城县 西峡县 镇平县 内乡县 淅川县 社旗县 唐河县 新野县 桐柏县 邓州市 城乡一体化示范区 高新区 "
             "官庄工区").split()
    rows = "".join(f"public-health-tcm-service-share,{name},2024,{60 + n}\n" for n, name in enumerate(names))
    submission = tmp_path / "nanyang.csv"
    submission.write_text("indicator,region,period,value\n" + rows, "utf-8")
    result = on_terminal(monkeypatch, "status", "nanyang", submission, "--as-of", "2024-12-31")
    assert result.exit_code in (0, 1), result.stderr
    lines = result.stdout.splitlines()
    assert all(wcswidth(line) <= 80 for line in lines), max(lines, key=wcswidth)
    headers = [line.split() for line in lines if line.startswith("id ") and ("宛城" in line or "社旗" in line)]
    assert headers == [["id", "宛城", "卧龙", "南召", "方城", "西峡", "镇平", "内乡", "淅川"],
                       ["id", "社旗", "唐河", "新野", "桐柏", "邓州", "示范区", "高新区", "官庄工区"]]
    assert sum(map(len, matrix_rows(result.stdout).values())) == 16  # an id may wrap in a narrower block
    # the narrower the terminal, the more blocks; still within the width
    narrow = on_terminal(monkeypatch, "status", "nanyang", submission, "--as-of", "2024-12-31", columns=50).stdout
    matrix = narrow[narrow.index("Regions: status"):narrow.index("Regions ranked")]
    assert all(wcswidth(line) <= 50 for line in matrix.splitlines())
    assert sum(1 for line in matrix.splitlines() if line.startswith("id ")) > 2


def test_only_keeps_matrix_rows_with_a_chosen_status_and_blanks_the_other_cells(monkeypatch):
    text = on_terminal(monkeypatch, "status", *EXAMPLE, "--only", "fail").stdout
    matrix = text[text.index("Regions: status"):text.index("Regions ranked")]
    lines = matrix.splitlines()
    body = lines[next(n for n, line in enumerate(lines) if line.startswith("───")) + 1:]
    assert [line.split()[0] for line in body if line] == ["party-administration-separation",
                                                          "county-hospital-preventive-dept", "geriatrics-dept-coverage"]
    assert body[0].split()[1:] == ["✖F", "✖F", "✖F", "✖F"]
    assert not any(glyph in line for line in body for glyph in ("✔P", "▸T", "▴L", "◦N"))
    # the ranking still counts every status
    assert "恩平市     3         6    8     3        0     7" in text


def test_plain_has_the_matrix_and_ranking(views):
    text = example("plain")
    assert text.index("79 indicators") < text.index("Regions: status by indicator") < text.index("Regions ranked")
    rows = matrix_rows(text)
    assert set(rows) == {ident for ident, _ in views}
    assert rows["talent-361-young"] == ["▴L", "✔P", "▸T", "▸T", "✔P", "▸T", "✔P"]
    assert "\x1b" not in text
    zh = example("plain", "--lang", "zh")
    assert "各区县指标状态" in zh and "区县排名" in zh


def test_markdown_has_a_region_section_with_the_matrix_the_ranking_and_a_row_per_region(views):
    text = example("markdown")
    section = text[text.index("#### Regions: status by indicator"):]
    assert section.index("| id ") < section.index("#### Regions ranked") < section.index("#### Regions: each indicator")
    matrix = section[:section.index("#### Regions ranked")]
    assert "| id " in matrix and all(f"| {name}" in matrix for name in SHORT)
    assert re.search(r"\| party-administration-separation +\| ✔P +\| ✖F +\|", matrix)
    ranking = section[section.index("#### Regions ranked"):section.index("#### Regions: each")]
    assert re.search(r"\| 鹤山市 +\| +9 \| +9 \| +2 \| +0 \| +0 \| +1 \|", ranking)
    rows = section[section.index("#### Regions: each"):section.index("#### Warnings")]
    body = [line for line in rows.splitlines() if line.startswith("| ") and not line.startswith("| id ")]
    assert len(body) == len(views)
    first = [cell.strip() for cell in body[0].strip("|").split("|")]
    assert first[:2] == ["county-hospital-capability-standard", "蓬江区"] and first[6] == "on-track"
    talent = next(line for line in body if line.startswith("| talent-361-young ") and "| 台山市 " in line)
    assert "≥ 14 by 2025-12-31" in talent  # the region's allocation, not the city's target


def test_csv_adds_a_region_column_and_a_row_per_region_with_a_status(views):
    rows = list(csv.reader(io.StringIO(example("csv"))))
    assert rows[0] == ["plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line",
                       "late", "region"]
    city = rows[1:80]
    assert all(row[11] == "" and row[3] != "warning" for row in city)
    regional = [row for row in rows[80:] if row[3] != "warning"]
    assert {(row[1], row[11]): row[3] for row in regional} == {key: view["status"] for key, view in views.items()}
    assert len(regional) == len(views) == 140
    assert rows[-1][3] == "warning" and rows[-1][1] == "csv-region-sum-mismatch" and rows[-1][11] == ""
    talent = next(row for row in regional if row[1] == "talent-361-young" and row[11] == "台山市")
    assert talent[4] == "≥ 14 by 2025-12-31" and talent[9] == str(views[("talent-361-young", "台山市")]["line"])


def test_csv_region_rows_follow_only_and_sort():
    rows = list(csv.reader(io.StringIO(example("csv", "--only", "fail,lag", "--sort", "status"))))
    regional = [row for row in rows[1:] if row[11]]
    statuses = [row[3] for row in regional]
    assert set(statuses) == {"fail", "lag"} and statuses == sorted(statuses, key=("fail", "lag").index)
    assert statuses.count("fail") == 10


def test_without_regions_and_in_a_region_view_the_csv_keeps_its_columns():
    header = ["plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line", "late"]
    plain = run("status", "jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31", "--format", "csv")
    assert next(csv.reader(io.StringIO(plain.stdout))) == header
    one = list(csv.reader(io.StringIO(example("csv", "--region", "台山"))))
    assert one[0] == header and all(len(row) == len(header) for row in one) and len(one) == 1 + 20 + 1


def test_junit_has_a_case_per_region_with_a_status_valid_and_uniquely_named(views):
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is a test dependency: pip install '.[test]'")
    import xml.etree.ElementTree as ET

    text = example("junit", "--fail-on", "fail,lag")
    xmlschema.XMLSchema(str(ROOT / "tests" / "schemas" / "junit-10.xsd")).validate(text)
    suite = ET.fromstring(text).find("testsuite")
    cases = suite.findall("testcase")
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)) == 79 + len(views) == int(suite.get("tests"))
    regional = {name: case for name, case in zip(names, cases) if name.endswith("]")}
    assert set(regional) == {f"jiangmen.{ident}[{region}]" for ident, region in views}
    assert names.index("jiangmen.county-hospital-capability-standard[蓬江区]") == 79
    failed = [name for name, case in regional.items() if case.find("failure") is not None]
    assert len(failed) == sum(1 for view in views.values() if view["status"] in ("fail", "lag"))
    case = regional["jiangmen.party-administration-separation[台山市]"]
    assert case.find("failure").get("message").startswith("fail: 台山市: ")
    assert case.find("system-out").text.startswith("region: 台山市\n")
    city_failures = sum(1 for case in cases[:79] if case.find("failure") is not None)
    assert int(suite.get("failures")) == city_failures + len(failed)


def test_github_annotates_region_findings_after_the_citys_within_the_limits():
    lines = example("github", "--fail-on", "fail,lag").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    titles = [re.search(r"title=([^:]+)::", line).group(1) for line in errors]
    # the city's five fails first, then the regions' fails, by indicator and region
    assert [title.endswith("]") for title in titles] == [False] * 5 + [True] * 5
    assert titles[5] == "jiangmen.party-administration-separation[江海区]"
    assert "::fail: 江海区: " in errors[5]
    assert "not annotated, as GitHub shows 10 of each kind per step" in lines[-1]
    # as warnings (fail not in --fail-on): the city's fails, then the regions'
    warned = run("status", *EXAMPLE, "--format", "github", "--fail-on", "none").stdout.splitlines()
    warnings = [re.search(r"title=([^:]+)::", line).group(1) for line in warned if line.startswith("::warning ")]
    assert warnings[:5] == ["jiangmen.tcm-museums", "jiangmen.party-administration-separation",
                            "jiangmen.county-hospital-preventive-dept", "jiangmen.geriatrics-dept-coverage",
                            "jiangmen.jiangmen-tcm-culture-gazetteer"]
    assert warnings[5:10] == ["jiangmen.party-administration-separation[江海区]",
                              "jiangmen.party-administration-separation[台山市]",
                              "jiangmen.party-administration-separation[开平市]",
                              "jiangmen.party-administration-separation[恩平市]",
                              "jiangmen.county-hospital-preventive-dept[江海区]"]


def test_github_region_lags_follow_the_citys_lags_and_the_submissions_warnings(tmp_path):
    regions = ("蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市")
    rows = [f"county-hospitals-two-specialties-share,{region},{year},{value}" for region in regions
            for year, value in ((2023, 10), (2024, 11))]
    rows += ["talent-361-young,,2023,1", "talent-361-young,,2024,2",
             *(f"talent-361-young,{region},2024,1" for region in regions)]
    submission = tmp_path / "x.csv"
    submission.write_text("indicator,region,period,value\n" + "\n".join(rows) + "\n", "utf-8")
    lines = run("status", "jiangmen", submission, "--as-of", "2024-12-31", "--format", "github").stdout.splitlines()
    titles = [re.search(r"title=([^:]+)::", line).group(1) for line in lines if line.startswith("::warning ")]
    assert titles[:3] == ["tcmcheck csv-region-sum-mismatch", "jiangmen.talent-361-young",
                          "jiangmen.county-hospitals-two-specialties-share"]
    assert titles[3:] == [f"jiangmen.county-hospitals-two-specialties-share[{region}]" for region in regions]


def test_summary_counts_and_ranks_each_files_regions(tmp_path):
    text = run("summary", "examples/", "--as-of", "2024-12-31", "--format", "plain").stdout
    header = text.splitlines()[2].split()
    assert header[-2:] == ["worst", "regions"]
    row = next(line for line in text.splitlines() if line.startswith("examples/jiangmen-regions-2024.csv "))
    assert row.split()[-2:] == ["fail", "7"]
    assert next(line for line in text.splitlines() if line.startswith("examples/jiangmen-2024.csv ")).split()[-1] \
        == "fail"
    assert "Regions ranked\n  examples/jiangmen-regions-2024.csv: 1 蓬江区, 2 鹤山市, " in text
    markdown = run("summary", "examples/", "--as-of", "2024-12-31", "--format", "markdown", "--lang", "zh").stdout
    assert "| 区县数" in markdown and "#### 区县排名" in markdown
    table = run("summary", "examples/", "--as-of", "2024-12-31").stdout
    assert "regions" in table.splitlines()[2] and "Regions ranked" in table


def test_summary_csv_gives_each_files_number_of_regions_and_their_ranking():
    text = run("summary", "examples/", "--as-of", "2024-12-31", "--format", "csv", "--lang", "zh").stdout
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0])[-2:] == ["regions", "region_ranking"]
    files = {row["file"]: row for row in rows if row["worst"] not in ("warning", "error")}
    regional = files.pop("examples/jiangmen-regions-2024.csv")
    assert regional["regions"] == "7"
    assert regional["region_ranking"].split("、")[:2] == ["1 蓬江区", "2 鹤山市"]
    assert {(row["regions"], row["region_ranking"]) for row in files.values()} == {("", "")}
    assert all(row["regions"] == row["region_ranking"] == "" for row in rows if row["worst"] in ("warning", "error"))


def test_summary_html_gives_each_files_regions_in_rank_order():
    page = run("summary", "examples/", "--as-of", "2024-12-31", "--format", "html").stdout
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", page).group(1)
    assert header.endswith('<th class="c-regions">Regions ranked</th>')
    rows = re.findall(r'<tr class="file-row[^>]*><td><a href="#f\d+">([^<]+)</a>(.*?)</tr>', page)
    cells = {name: re.findall(r"<td[^>]*>(.*?)</td>", rest)[-1] for name, rest in rows}
    assert cells.pop("examples/jiangmen-regions-2024.csv").startswith("1 蓬江区, 2 鹤山市, 3 新会区")
    assert not [value for value in cells.values() if re.match(r"1 \w", value)]


def test_summary_without_region_data_has_no_regions_column(tmp_path):
    (tmp_path / "jiangmen-2024.csv").write_bytes((ROOT / "examples" / "jiangmen-2024.csv").read_bytes())
    for fmt in ("table", "plain", "markdown", "html"):
        text = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", fmt).stdout
        assert "regions" not in text.lower().replace("td.regions", ""), fmt
    rows = list(csv.reader(io.StringIO(run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "csv").stdout)))
    assert rows[1][-2:] == ["", ""]


def test_summary_json_lists_each_files_regions_as_json_dumps_writes_them():
    result = run("summary", "examples/", "--as-of", "2024-12-31", "--format", "json")
    document = json.loads(result.stdout)
    assert result.stdout == json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    regions = {entry["file"]: entry["regions"] for entry in document["files"]}
    assert regions.pop("examples/jiangmen-regions-2024.csv") == ["蓬江区", "鹤山市", "新会区", "开平市", "江海区",
                                                                  "台山市", "恩平市"]
    assert set(map(tuple, regions.values())) == {()}


def test_summary_json_of_a_file_that_could_not_be_checked_has_no_regions(tmp_path):
    (tmp_path / "jiangmen-x.csv").write_text("indicator,period,value\nno-such-indicator,2024,1\n", "utf-8")
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["files"][0]["regions"] == [] and document["files"][0]["error"] is not None
    assert result.stdout == json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_a_region_view_shows_its_line_of_the_ranking_and_no_matrix():
    text = example("table", "--region", "台山")
    assert "Regions: status by indicator" not in text
    ranking = text[text.index("Regions ranked"):].splitlines()
    assert ranking[3].split() == ["台山市", "3", "9", "5", "3", "0", "6"] and ranking[4].startswith("warning")


def test_region_names_from_a_file_are_shown_without_control_characters(tmp_path):
    """Yiwu lists no regions, so any name is one: a name holding an escape sequence or a pipe."""
    submission = tmp_path / "yiwu.csv"
    submission.write_text("indicator,region,period,value\n"
                          "secondary-hospitals-tcm-department,\"稠城\x1b[2J\",2025,80\n"
                          "secondary-hospitals-tcm-department,a|b,2025,100\n", "utf-8")
    for fmt in ("table", "plain", "markdown", "csv", "junit", "github"):
        result = run("status", "yiwu", submission, "--as-of", "2025-12-31", "--format", fmt)
        assert result.exit_code in (0, 1), result.stderr
        assert "\x1b" not in result.stdout and "稠城\\x1b[2J" in result.stdout, fmt
    markdown = run("status", "yiwu", submission, "--as-of", "2025-12-31", "--format", "markdown").stdout
    assert "| a\\|b " in markdown and "| a|b " not in markdown


def test_github_annotations_of_a_submission_in_several_files_name_the_file_of_the_report(tmp_path):
    """One file per county: an annotation points at the file and line that decided it, not at all the files."""
    county = tmp_path / "taishan.csv"
    county.write_text("indicator,region,period,value\nparty-administration-separation,台山,2023,否\n", "utf-8")
    city = tmp_path / "city.csv"
    city.write_text("indicator,region,period,value\ntcm-museums,,2024,否\n", "utf-8")
    lines = run("status", "jiangmen", county, city, "--as-of", "2024-12-31", "--format", "github").stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors[0].startswith(f"::error file={city},line=2,title=jiangmen.tcm-museums::")
    assert errors[1].startswith(f"::error file={county},line=2,title=jiangmen.party-administration-separation[台山市]::")
