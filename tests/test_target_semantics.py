"""The contract's approximate targets, `increase`, annual windows, late deliverables (rule 6), and the
warnings for a zero baseline and for percentages given as fractions."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from helpers import indicator, milestone, reports
from tcmcheck.cli import main
from tcmcheck.describe import detail_text, target_text
from tcmcheck.engine import evaluate_indicator
from tcmcheck.result import Status

START = 2023


def judge(ind, rows, as_of):
    return evaluate_indicator(ind, rows, date.fromisoformat(as_of), START)


def approx_count(op=">=", value=300, **fields):
    return indicator(op=op, unit="count", milestones=(milestone(2024, value=value, approx=True, **fields),))


# Approximate targets (左右, 约)

@pytest.mark.parametrize("value, status, within", [
    (300, Status.PASS, False), (310, Status.PASS, False), (295, Status.PASS, True), (285, Status.PASS, True),
    (284.9, Status.FAIL, False),
])
def test_approximate_floor_is_met_within_its_tolerance(value, status, within):
    result = judge(approx_count(), reports(("2024", value)), "2024-12-31")
    assert result.status is status
    assert ("tolerance" in detail_text(result, "en")) is within
    assert ("容差" in detail_text(result, "zh")) is within


@pytest.mark.parametrize("value, status", [(315, Status.PASS), (315.1, Status.FAIL)])
def test_approximate_ceiling_is_met_within_its_tolerance(value, status):
    assert judge(approx_count("<="), reports(("2024", value)), "2024-12-31").status is status


def test_a_tolerance_other_than_five_percent():
    ind = approx_count(tolerance=0.1)
    assert judge(ind, reports(("2024", 270)), "2024-12-31").status is Status.PASS
    assert judge(ind, reports(("2024", 269)), "2024-12-31").status is Status.FAIL
    assert target_text(ind, "en") == "≈ 300 (±10%) by 2024-12-31"


def test_approximate_target_is_shown_with_its_tolerance_in_both_languages():
    ind = approx_count()
    assert target_text(ind, "en") == "≈ 300 (±5%) by 2024-12-31"
    assert target_text(ind, "zh") == "≈ 300 (±5%) 2024-12-31前"


def test_approximate_met_early_says_so():
    ind = indicator(op=">=", unit="count", milestones=(milestone(2025, value=300, approx=True),))
    result = judge(ind, reports(("2024", 290)), "2024-12-31")
    assert result.status is Status.PASS and "tolerance" in detail_text(result, "en")


# increase (新增 over a stock)

def increase(value=5, baseline=("2020", 2)):
    return indicator(kind="increase", op=">=", unit="count", milestones=(milestone(2025, value=value),),
                     baseline=baseline)


@pytest.mark.parametrize("total, status", [(7, Status.PASS), (6, Status.FAIL), (2, Status.FAIL)])
def test_increase_is_judged_on_the_value_less_the_stock(total, status):
    assert judge(increase(), reports(("2025", total)), "2025-12-31").status is status


def test_increase_reads_its_stock_from_the_data_and_its_progress_is_the_increase():
    ind = increase(baseline=("2020", None))
    result = judge(ind, reports(("2020", 10), ("2025", 13)), "2025-12-31")
    assert result.status is Status.FAIL and result.progress == pytest.approx(3 / 5)
    assert judge(ind, reports(("2020", 10), ("2025", 15)), "2025-12-31").status is Status.PASS


def test_increase_without_its_stock_is_no_data():
    result = judge(increase(baseline=("2020", None)), reports(("2024", 13)), "2024-12-31")
    assert result.status is Status.NO_DATA and "2020" in detail_text(result, "en")


def test_increase_trajectory_runs_from_the_stock():
    ind = increase(value=10, baseline=("2020", 0))
    assert judge(ind, reports(("2022", 6)), "2022-12-31").status is Status.ON_TRACK  # 4 expected by then
    assert judge(ind, reports(("2022", 3)), "2022-12-31").status is Status.LAG


def test_increase_target_text():
    assert target_text(increase(), "en") == "≥ +5 over 2020 (2) by 2025-12-31"
    assert target_text(increase(), "zh") == "较2020（2）新增 ≥ +5 2025-12-31前"


# Rule 6: a due target judged on a report after its deadline

def deliverable():
    return indicator(kind="milestone", milestones=(milestone(2023),))


def test_deliverable_done_only_after_its_deadline_is_late():
    result = judge(deliverable(), reports(("2024Q3", True)), "2024-12-31")
    assert result.status is Status.PASS and result.late
    english = detail_text(result, "en")
    assert "2024Q3" in english and "after the 2023-12-31 deadline" in english and "met at" not in english
    assert "逾期完成" in detail_text(result, "zh")


def test_deliverable_reported_by_its_deadline_is_not_late():
    result = judge(deliverable(), reports(("2023Q4", True)), "2024-12-31")
    assert result.status is Status.PASS and not result.late
    assert detail_text(result, "en") == "met at the 2023-12-31 deadline"


def test_late_report_that_misses_fails_and_says_so():
    result = judge(deliverable(), reports(("2024Q3", False)), "2024-12-31")
    assert result.status is Status.FAIL and result.late
    assert "nothing reported by the 2023-12-31 deadline" in detail_text(result, "en")


# Plans through the command line: annual windows, late in machine formats, the new warnings

PLAN = """\
id: edge
city: {{zh: 边市, en: Edge}}
province: {{zh: 边省, en: Edgeland}}
document: {{title: 边市方案, issued: "2023-09-20"}}
period: {{start: 2023, end: 2025}}
indicators:
  - id: trained
    name: {{zh: 每年培训人数, en: Trained each year}}
    report: {{zh: 填报当年培训人数（人）, en: the number trained in the year}}
    section: 一
    quote: 每年培训100人
    kind: annual
    unit: count
    op: ">="
{years_named}    milestones: [{{due: 2023, value: 100}}, {{due: 2024, value: 100}}, {{due: 2025, value: 100}}]
  - id: centre
    name: {{zh: 中心建成, en: Centre built}}
    report: {{zh: 建成填是, en: yes once built}}
    section: 一
    quote: 2023年建成中心
    kind: milestone
    unit: yes_no
    milestones: [{{due: 2023}}]
  - id: share
    name: {{zh: 占比, en: Share}}
    report: {{zh: "填报占比（%），25%填25", en: "the share in %, 25 for 25%"}}
    section: 一
    quote: 占比达到25%
    kind: threshold
    unit: percent
    op: ">="
    milestones: [{{due: 2025, value: 25}}]
  - id: visits
    name: {{zh: 诊疗人次翻番, en: Visits doubled}}
    report: {{zh: 填报年度诊疗人次, en: the year's visits}}
    section: 一
    quote: 诊疗人次翻一番
    kind: relative
    unit: person_times
    baseline: {{period: 2022}}
    milestones: [{{due: 2025, factor: 2}}]
"""


def run_plan(tmp_path, rows, years_named="", fmt="json", as_of="2024-12-31"):
    plan = tmp_path / "edge.yaml"
    plan.write_text(PLAN.format(years_named=years_named), "utf-8")
    data = tmp_path / "edge.csv"
    data.write_text("indicator,period,value\n" + "".join(f"{r}\n" for r in rows), "utf-8")
    return CliRunner().invoke(main, ["status", str(plan), str(data), "--as-of", as_of, "--format", fmt])


def statuses(result):
    return {i["id"]: i for i in json.loads(result.stdout)["indicators"]}


def test_annual_window_starts_with_the_first_full_year_after_issue(tmp_path):
    result = run_plan(tmp_path, ["trained,2023,50", "trained,2024,120"])
    trained = statuses(result)["trained"]
    assert trained["status"] == "on-track", trained["detail"]
    assert trained["target"] == "≥ 100 each year (2024, 2025)"


def test_annual_years_named_by_the_document_are_all_assessed(tmp_path):
    result = run_plan(tmp_path, ["trained,2023,50", "trained,2024,120"], years_named="    years_named: true\n")
    trained = statuses(result)["trained"]
    assert trained["status"] == "fail" and "2023" in trained["detail"]


def test_show_says_which_annual_years_are_assessed(tmp_path):
    run_plan(tmp_path, [])
    text = CliRunner().invoke(main, ["show", str(tmp_path / "edge.yaml"), "-v"]).stdout
    assert "years: 2024–2025, from the first full year after the issue date (2023 not assessed)" in text
    assert "report: the number trained in the year" in text


def test_machine_formats_carry_late(tmp_path):
    rows = ["centre,2024Q3,是", "share,2024,20"]
    centre = statuses(run_plan(tmp_path, rows))["centre"]
    assert centre["late"] is True and centre["status"] == "pass"
    csv_text = run_plan(tmp_path, rows, fmt="csv").stdout
    header, *lines = csv_text.splitlines()
    assert header.endswith(",late")
    assert next(line for line in lines if ",centre," in line).endswith(",true")
    summary = CliRunner().invoke(main, ["summary", str(tmp_path / "edge.csv"), "--plan", str(tmp_path / "edge.yaml"),
                                        "--as-of", "2024-12-31", "--format", "json"])
    records = {r["id"]: r for r in json.loads(summary.stdout)["files"][0]["indicators"]}
    assert records["centre"]["late"] is True and records["share"]["late"] is False


def test_percentages_given_as_fractions_are_warned_about(tmp_path):
    result = run_plan(tmp_path, ["share,2023,0.2", "share,2024,0.25"])
    warnings = json.loads(result.stdout)["warnings"]
    assert [w["code"] for w in warnings] == ["csv-percent-as-fraction"]
    assert warnings[0]["line"] == 2 and "25 for 25%" in warnings[0]["message"]
    assert not json.loads(run_plan(tmp_path, ["share,2023,0.2", "share,2024,25"]).stdout)["warnings"]


def test_a_zero_baseline_from_the_data_is_said_and_warned_about(tmp_path):
    result = run_plan(tmp_path, ["visits,2022,0", "visits,2024,3"])
    document = json.loads(result.stdout)
    visits = {i["id"]: i for i in document["indicators"]}["visits"]
    assert visits["status"] == "pass" and "baseline for 2022 is 0" in visits["detail"]
    assert [(w["code"], w["line"]) for w in document["warnings"]] == [("csv-zero-baseline", 2)]


def test_a_zero_baseline_in_the_plan_is_refused(tmp_path):
    plan = tmp_path / "edge.yaml"
    plan.write_text(PLAN.format(years_named="").replace("baseline: {period: 2022}", "baseline: {period: 2022, value: 0}"),
                    "utf-8")
    result = CliRunner().invoke(main, ["validate", str(plan)])
    assert result.exit_code == 2 and "plan-invalid" in result.stderr and "zero baseline" in result.stderr


def test_an_annual_target_whose_years_all_precede_the_window_is_refused(tmp_path):
    plan = tmp_path / "edge.yaml"
    text = PLAN.format(years_named="").replace(
        "[{due: 2023, value: 100}, {due: 2024, value: 100}, {due: 2025, value: 100}]", "[{due: 2023, value: 100}]")
    plan.write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["validate", str(plan)])
    assert result.exit_code == 2 and "years_named" in result.stderr
