"""Nanyang (宛政办〔2023〕34号, issued 2023-09-20): the encoding decisions of the plan review, each checked
through the command line on a small submission."""

import json

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import load_builtin

ANNUAL = ["signed-residents-annual-service", "key-groups-annual-service-12", "western-doctors-learning-tcm-annual"]
FULL = {"signed-residents-annual-service": 100, "key-groups-annual-service-12": 100,
        "western-doctors-learning-tcm-annual": 1000}


def run_status(tmp_path, rows, as_of, *extra):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("indicator,period,value\n" + "".join(f"{i},{p},{v}\n" for i, p, v in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["status", "nanyang", str(actuals), "--as-of", as_of, "--format", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    return result, {item["id"]: item for item in document["indicators"]}


# 1. Annual windows: the plan was issued on 2023-09-20 and names no years for its 每年 targets, so 2023
#    is not assessed; a missed 2023 must not fail the city.

@pytest.mark.parametrize("indicator", ANNUAL)
def test_a_missed_2023_does_not_fail_an_annual_target_met_in_2024(tmp_path, indicator):
    full = FULL[indicator]
    result, items = run_status(tmp_path, [(indicator, 2023, full / 2), (indicator, 2024, full)], "2024-12-31")
    assert result.exit_code == 0
    assert items[indicator]["status"] == "on-track"
    assert "2023" not in items[indicator]["detail"]


@pytest.mark.parametrize("indicator", ANNUAL)
def test_annual_targets_start_in_2024_and_a_missed_2024_still_fails(tmp_path, indicator):
    full = FULL[indicator]
    result, items = run_status(tmp_path, [(indicator, 2023, full), (indicator, 2024, full - 1)], "2024-12-31")
    assert result.exit_code == 1
    assert items[indicator]["status"] == "fail"
    assert "2024" in items[indicator]["detail"]
    assert [m["due"][:4] for m in items[indicator]["milestones"]] == ["2024", "2025"]


# 2. 凝练 20 个左右 (about 20) is approximate: 19 is within the default 5% tolerance.

def test_nineteen_against_about_twenty_at_the_deadline_is_pass(tmp_path):
    result, items = run_status(tmp_path, [("advantage-disease-types", 2025, 19)], "2025-12-31")
    item = items["advantage-disease-types"]
    assert result.exit_code == 0
    assert item["status"] == "pass"
    assert "tolerance" in item["detail"]
    assert item["target"].startswith("≈ 20 (±5%)")
    assert item["milestones"][-1]["approx"] is True


def test_eighteen_against_about_twenty_at_the_deadline_is_fail(tmp_path):
    result, items = run_status(tmp_path, [("advantage-disease-types", 2025, 18)], "2025-12-31")
    assert result.exit_code == 1
    assert items["advantage-disease-types"]["status"] == "fail"


# 3. Annual targets take their last year, 2025, from the plan's end: deadline inferred (rule 1).

def test_annual_targets_say_their_deadline_is_inferred():
    result = CliRunner().invoke(main, ["show", "nanyang", "-v"])
    assert result.exit_code == 0
    blocks = {block.split()[1]: block for block in result.stdout.split("\n\n") if block[:1].isdigit()}
    for indicator in ANNUAL:
        head = blocks[indicator].splitlines()[1]
        assert "kind: annual" in head and "deadline inferred" in head, head


# 4. 倍增 (rule 3): the TCM industry's output doubling, and the 南阳艾产业高质量发展倍增计划 read as a
#    doubling of the moxa industry's annual output value over 2020 (not only a programme name).

@pytest.mark.parametrize("value, status, code", [(150, "fail", 1), (200, "pass", 0)])
def test_moxa_industry_doubling_is_judged_against_twice_the_2020_value(tmp_path, value, status, code):
    rows = [("moxa-industry-output-doubling", 2020, 100), ("moxa-industry-output-doubling", 2025, value)]
    result, items = run_status(tmp_path, rows, "2025-12-31")
    item = items["moxa-industry-output-doubling"]
    assert result.exit_code == code
    assert item["status"] == status
    assert item["kind"] == "relative" and item["milestones"][-1]["factor"] == 2
    assert "2020" in item["target"]


def test_moxa_industry_doubling_without_the_2020_baseline_is_not_a_pass(tmp_path):
    _, items = run_status(tmp_path, [("moxa-industry-output-doubling", 2025, 300)], "2025-12-31")
    item = items["moxa-industry-output-doubling"]
    assert item["status"] != "pass"
    assert "2020" in item["detail"]


@pytest.mark.parametrize("value, status", [(700, "fail"), (800, "pass")])
def test_tcm_industry_doubling_is_judged_against_twice_the_2022_value(tmp_path, value, status):
    rows = [("tcm-industry-output-doubling", 2022, 400), ("tcm-industry-output-doubling", 2025, value)]
    _, items = run_status(tmp_path, rows, "2025-12-31")
    assert items["tcm-industry-output-doubling"]["status"] == status


# Rule 2: 全部/均达到 is a share of units, in %; the old grade encoding asked for the lowest EMR level.

def test_emr_targets_are_shares_of_hospitals_in_percent(tmp_path):
    rows = [("tertiary-tcm-hospitals-emr-level-4-share", 2025, 50),
            ("secondary-tcm-hospitals-emr-level-3-share", 2025, 100)]
    result, items = run_status(tmp_path, rows, "2025-12-31")
    assert result.exit_code == 1
    assert items["tertiary-tcm-hospitals-emr-level-4-share"]["status"] == "fail"
    assert items["secondary-tcm-hospitals-emr-level-3-share"]["status"] == "pass"
    assert all(items[i]["unit"] == "percent" for i in ("tertiary-tcm-hospitals-emr-level-4-share",
                                                       "secondary-tcm-hospitals-emr-level-3-share"))


# What to report: every indicator says which figure to submit, in both languages.

def test_every_indicator_has_a_report_sentence_in_both_languages():
    plan = load_builtin("nanyang")
    missing = [i.id for i in plan.indicators if not (i.report_zh or "").strip() or not (i.report_en or "").strip()]
    assert missing == []


def test_the_report_sentence_reaches_the_status_output(tmp_path):
    _, items_en = run_status(tmp_path, [("family-doctor-signing-rate", 2023, 91)], "2024-12-31")
    assert "write 90 for 90%" in items_en["family-doctor-signing-rate"]["report"]
    _, items_zh = run_status(tmp_path, [("family-doctor-signing-rate", 2023, 91)], "2024-12-31", "--lang", "zh")
    assert "90%填90" in items_zh["family-doctor-signing-rate"]["report"]
    assert all(item["report"] for item in items_zh.values())


def test_percent_reports_say_how_to_write_the_percentage():
    plan = load_builtin("nanyang")
    for indicator in plan.indicators:
        if indicator.unit == "percent":
            assert "%" in indicator.report_zh and "填" in indicator.report_zh, indicator.id
            assert "in %" in indicator.report_en, indicator.id
