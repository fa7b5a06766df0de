"""The contract's "Evaluation as of a date D" rules, one by one."""

from datetime import date

import pytest

from helpers import PERFORMANCE, indicator, milestone, reports
from tcmcheck.engine import evaluate_indicator
from tcmcheck.result import Status
from tcmcheck.describe import detail_text

START = 2023


def judge(ind, rows, as_of):
    return evaluate_indicator(ind, rows, date.fromisoformat(as_of), START)


def test_no_report_on_or_before_the_date_is_no_data():
    result = judge(indicator(), reports(("2025", 30)), "2024-12-31")
    assert result.status is Status.NO_DATA
    assert "2024-12-31" in detail_text(result, "en")


def test_reports_after_the_as_of_date_are_ignored():
    rows = reports(("2023", 20), ("2024", 21), ("2025", 30))
    assert judge(indicator(), rows, "2025-12-31").status is Status.PASS
    replay = judge(indicator(), rows, "2024-12-31")
    assert replay.status is Status.LAG
    assert replay.actual.period.label == "2024"


def test_due_target_is_judged_on_the_value_at_its_deadline():
    rows = reports(("2025", 26), ("2026", 10))
    result = judge(indicator(), rows, "2026-12-31")
    assert result.status is Status.PASS
    assert result.actual.period.label == "2025"


def test_due_target_without_a_report_by_the_deadline_uses_the_first_report_after_it():
    result = judge(indicator(), reports(("2026Q1", 20), ("2026Q2", 30)), "2026-12-31")
    assert result.status is Status.FAIL
    assert result.actual.period.label == "2026Q1"


def test_missed_final_deadline_fails():
    result = judge(indicator(), reports(("2024", 20), ("2025", 24.9)), "2026-01-01")
    assert result.status is Status.FAIL
    assert "missed" in detail_text(result, "en")


@pytest.mark.parametrize("value, status", [(40, Status.FAIL), (40.5, Status.PASS)])
def test_strict_greater_than(value, status):
    ind = indicator(op=">", milestones=[milestone(2025, value=40)])
    assert judge(ind, reports(("2025", value)), "2025-12-31").status is status


@pytest.mark.parametrize("rank, status", [(95, Status.PASS), (100, Status.PASS), (101, Status.FAIL)])
def test_rank_lower_is_better(rank, status):
    ind = indicator(op="<=", unit="rank", milestones=[milestone(2025, value=100)])
    assert judge(ind, reports(("2025", rank)), "2025-12-31").status is status


def test_rank_trajectory_runs_downwards():
    ind = indicator(op="<=", unit="rank", baseline=("2023", 120), milestones=[milestone(2025, value=100)])
    assert judge(ind, reports(("2024", 108)), "2024-12-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2024", 115)), "2024-12-31").status is Status.LAG


def test_grade_on_an_ordered_scale():
    ind = indicator(kind="grade", scale=PERFORMANCE, milestones=[milestone(2025, grade="A")])
    assert judge(ind, reports(("2025", "A+")), "2025-12-31").status is Status.PASS
    assert judge(ind, reports(("2025", "B+")), "2025-12-31").status is Status.FAIL
    not_due = judge(ind, reports(("2023", "D"), ("2024", "B")), "2024-12-31")
    assert not_due.status is Status.ON_TRACK


def test_grade_met_early_passes():
    ind = indicator(kind="grade", scale=PERFORMANCE, milestones=[milestone(2025, grade="A")])
    assert judge(ind, reports(("2024", "A")), "2024-12-31").status is Status.PASS


def test_milestone_deliverable():
    ind = indicator(kind="milestone", milestones=[milestone("2024-06")])
    assert judge(ind, reports(("2024-03", False)), "2024-03-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2024-03", False), ("2024-06", True)), "2024-12-31").status is Status.PASS
    assert judge(ind, reports(("2024-06", False)), "2024-12-31").status is Status.FAIL


def test_maintain_breach_names_the_period_and_fails():
    ind = indicator(kind="maintain", milestones=[milestone(2025, value=30)])
    rows = reports(("2023", 31), ("2024Q2", 28.5), ("2024", 32))
    result = judge(ind, rows, "2024-12-31")
    assert result.status is Status.FAIL
    assert "2024Q2" in detail_text(result, "en")
    assert result.actual.value == 28.5


def test_maintain_held_passes_and_ignores_reports_before_the_window():
    ind = indicator(kind="maintain", milestones=[milestone(2025, value=30)])
    rows = reports(("2022", 10), ("2023", 31), ("2024", 30))
    assert judge(ind, rows, "2024-12-31").status is Status.PASS
    since = indicator(kind="maintain", since=milestone("2024").due, milestones=[milestone(2025, value=30)])
    assert judge(since, reports(("2023", 10), ("2024", 31)), "2024-12-31").status is Status.PASS


def test_maintain_without_a_report_inside_the_window_is_no_data():
    ind = indicator(kind="maintain", milestones=[milestone(2025, value=30)])
    assert judge(ind, reports(("2022", 40)), "2024-12-31").status is Status.NO_DATA


def annual(values=(1000, 1000, 1000)):
    return indicator(kind="annual", milestones=[milestone(y, value=v) for y, v in zip((2023, 2024, 2025), values)])


def test_annual_missed_year_fails_and_names_the_year():
    result = judge(annual(), reports(("2023", 1100), ("2024", 900)), "2025-03-31")
    assert result.status is Status.FAIL
    assert "2024" in detail_text(result, "en")


def test_annual_all_years_met_and_window_over_passes():
    rows = reports(("2023", 1000), ("2024", 1200), ("2025", 1001))
    assert judge(annual(), rows, "2026-01-01").status is Status.PASS


def test_annual_years_met_so_far_is_on_track():
    result = judge(annual(), reports(("2023", 1000)), "2024-03-31")
    assert result.status is Status.ON_TRACK
    assert detail_text(result, "en") == "1 completed year(s) met; 2024 not yet reported"
    running = judge(annual(), reports(("2023", 1000), ("2024Q1", 300)), "2024-03-31")
    assert detail_text(running, "en") == "1 completed year(s) met; current year on pace"


def test_annual_approximate_range_year_is_met_within_its_tolerance():
    ind = indicator(kind="annual", unit="count", milestones=(
        milestone(2024, low=20, high=30, approx=True), milestone(2025, low=20, high=30, approx=True)))
    assert judge(ind, reports(("2024", 19)), "2024-12-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2024", 18.9)), "2024-12-31").status is Status.FAIL


def test_annual_part_year_below_pro_rata_lags():
    rows = reports(("2023", 1000), ("2024H1", 300))
    result = judge(annual(), rows, "2024-06-30")
    assert result.status is Status.LAG
    rows = reports(("2023", 1000), ("2024H1", 600))
    assert judge(annual(), rows, "2024-06-30").status is Status.ON_TRACK


def test_annual_uses_each_years_own_value():
    rows = reports(("2023Q4", 200), ("2023", 1000))
    assert judge(annual(), rows, "2024-01-31").status is Status.ON_TRACK


def test_annual_completed_year_without_report_is_no_data():
    result = judge(annual(), reports(("2024", 1000)), "2024-12-31")
    assert result.status is Status.NO_DATA
    assert "2023" in detail_text(result, "en")


def relative(baseline):
    return indicator(kind="relative", unit="count", baseline=baseline, milestones=[milestone(2025, factor=2)])


def test_relative_with_baseline_from_the_plan():
    ind = relative(("2022", 50))
    assert judge(ind, reports(("2025", 100)), "2025-12-31").status is Status.PASS
    assert judge(ind, reports(("2025", 99)), "2025-12-31").status is Status.FAIL


def test_relative_with_baseline_from_the_data():
    ind = relative(("2022", None))
    assert judge(ind, reports(("2022", 40), ("2025", 80)), "2025-12-31").status is Status.PASS
    assert judge(ind, reports(("2022", 40), ("2025", 79)), "2025-12-31").status is Status.FAIL


def test_relative_without_a_baseline_report_is_no_data():
    result = judge(relative(("2022", None)), reports(("2024", 80)), "2024-12-31")
    assert result.status is Status.NO_DATA
    assert "2022" in detail_text(result, "en")


def test_relative_trajectory_runs_from_the_baseline():
    ind = relative(("2022", 100))
    assert judge(ind, reports(("2023", 140)), "2023-12-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2023", 120)), "2023-12-31").status is Status.LAG


def test_interim_milestone_missed_lags():
    ind = indicator(unit="count", milestones=[milestone(2024, value=1500), milestone(2025, value=2000)])
    result = judge(ind, reports(("2023", 1000), ("2024", 1400)), "2024-12-31")
    assert result.status is Status.LAG
    assert "1500" in detail_text(result, "en")
    met = judge(ind, reports(("2023", 1000), ("2024", 1600)), "2024-12-31")
    assert met.status is Status.ON_TRACK


def test_trajectory_from_the_baseline():
    ind = indicator(baseline=("2022", 20))
    # the line runs from 20 at 2022-12-31 to 25 at 2025-12-31: about 21.7 at the end of 2023
    assert judge(ind, reports(("2023", 21.8)), "2023-12-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2023", 21.5)), "2023-12-31").status is Status.LAG


def test_trajectory_from_the_earliest_report_without_a_baseline():
    rows = reports(("2023", 10), ("2024", 19))
    assert judge(indicator(), rows, "2024-12-31").status is Status.ON_TRACK
    rows = reports(("2023", 10), ("2024", 15))
    assert judge(indicator(), rows, "2024-12-31").status is Status.LAG


def test_single_report_without_baseline_is_on_track_trend_not_assessed():
    result = judge(indicator(), reports(("2024", 5)), "2024-12-31")
    assert result.status is Status.ON_TRACK
    assert "trend not assessed" in detail_text(result, "en")


def test_target_met_before_its_deadline_passes():
    assert judge(indicator(), reports(("2024", 25)), "2024-12-31").status is Status.PASS


def test_range_needs_the_low_end_and_exceeding_the_high_end_is_no_failure():
    ind = indicator(kind="range", unit="count", milestones=[milestone(2025, low=3, high=5)])
    assert judge(ind, reports(("2025", 3)), "2025-12-31").status is Status.PASS
    assert judge(ind, reports(("2025", 7)), "2025-12-31").status is Status.PASS
    assert judge(ind, reports(("2025", 2)), "2025-12-31").status is Status.FAIL


def test_progress_is_the_share_from_start_to_target():
    result = judge(indicator(baseline=("2022", 20)), reports(("2024", 23)), "2024-12-31")
    assert result.progress == pytest.approx(0.6)
    over = judge(indicator(baseline=("2022", 20)), reports(("2024", 30)), "2024-12-31")
    assert over.progress == pytest.approx(2.0)


def test_details_render_in_chinese():
    result = judge(indicator(), reports(("2024", 5)), "2024-12-31")
    assert "未评估趋势" in detail_text(result, "zh")


def test_annual_range_is_met_at_its_low_end_each_year():
    ind = indicator(kind="annual", milestones=[milestone(y, low=2, high=3) for y in (2024, 2025)])
    assert judge(ind, reports(("2024", 2), ("2025", 5)), "2025-12-31").status is Status.PASS
    result = judge(ind, reports(("2024", 1), ("2025", 3)), "2025-12-31")
    assert result.status is Status.FAIL and "2024" in detail_text(result, "en")


def test_exactly_halfway_at_the_halfway_year_end_is_on_the_line():
    # 2024 has 366 days; the line is measured in months, so 2024-12-31 is exactly halfway
    ind = indicator(unit="count", baseline=("2023", 10), milestones=[milestone(2025, value=20)])
    assert judge(ind, reports(("2024", 15)), "2024-12-31").status is Status.ON_TRACK
    assert judge(ind, reports(("2024", 14.9)), "2024-12-31").status is Status.LAG
    quarter = judge(ind, reports(("2024Q1", 11.25)), "2024-03-31")
    assert quarter.status is Status.ON_TRACK


def test_of_two_reports_ending_the_same_day_the_later_line_decides():
    for rows, actual in (((("2025Q4", 20), ("2025H2", 22), ("2025", 26)), "2025"),
                         ((("2025", 26), ("2025H2", 22), ("2025Q4", 20)), "2025Q4")):
        result = judge(indicator(), reports(*rows), "2025-12-31")
        assert result.actual.period.label == actual
        assert result.status is (Status.PASS if actual == "2025" else Status.FAIL)


def test_annual_takes_the_full_year_report_over_a_q4_or_h2_report():
    rows = reports(("2023", 1000), ("2024H2", 600), ("2024", 1200), ("2024Q4", 300))
    result = judge(annual(), rows, "2025-03-31")
    assert result.status is Status.ON_TRACK
    assert (result.actual.period.label, result.actual.value) == ("2024", 1200)
    only_h2 = judge(annual(), reports(("2023", 1000), ("2024H2", 600)), "2025-03-31")
    assert only_h2.status is Status.FAIL and "2024" in detail_text(only_h2, "en")


def test_reports_after_the_as_of_date_and_before_the_plan_are_counted_from_the_first_line(sample_plan):
    from tcmcheck.actuals import read_actuals
    from tcmcheck.engine import evaluate

    plan = sample_plan
    text = ("indicator,period,value\nvisits,2026,10\nvisits,2021Q4,10\nvisits,2021H2,11\n"
            "physician-share,2025Q4,30\nphysician-share,2021,20\nvisits,2024,1600\n")
    result = evaluate(plan, read_actuals(text.encode(), plan, "sub.csv"), date(2024, 12, 31))
    warnings = {w.code: (w.line, w.message) for w in result.warnings}
    assert warnings["csv-period-before-plan"] == (3, "3 report(s) for periods ending before the plan starts "
                                                      "(2022-01-01) (first: visits 2021Q4)")
    assert warnings["csv-period-after-as-of"] == (2, "2 report(s) for periods ending after 2024-12-31; they were "
                                                      "ignored (first: visits 2026)")
