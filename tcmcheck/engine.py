"""Evaluate a plan's indicators against reported values as of a date (the contract's status rules)."""

from __future__ import annotations

import bisect
import calendar
import functools
import math
import operator
from datetime import date

from tcmcheck.actuals import Actuals, Entry, Report
from tcmcheck.errors import Problem
from tcmcheck.model import Indicator, Milestone, Plan
from tcmcheck.result import IndicatorResult, Message, Result, Status

_EPSILON = 1e-9
_OPS = {
    ">=": lambda a, b: a >= b - _EPSILON,
    ">": lambda a, b: a > b + _EPSILON,
    "<=": lambda a, b: a <= b + _EPSILON,
    "<": lambda a, b: a < b - _EPSILON,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=_EPSILON),
}


def evaluate(plan: Plan, actuals: Actuals, as_of: date) -> Result:
    earliest = date(plan.earliest_year, 1, 1)
    items = []
    later = _Tally()
    earlier = _Tally()
    for indicator in plan.indicators:
        ordered = actuals.entries.get(indicator.id)
        if ordered:
            cut = bisect.bisect_right(ordered, (indicator.id, as_of, math.inf))
            later.add(ordered[cut:])
            earlier.add(ordered[:bisect.bisect_left(ordered, (indicator.id, earliest))])
            ordered = ordered[:cut]
        items.append(_judge(indicator, relevant(indicator, ordered or []), as_of, plan.start_year))
    warnings = actuals.warnings
    if earlier.count:
        warnings += (earlier.problem("csv-period-before-plan", f"before the plan starts ({earliest.isoformat()})",
                                     actuals.source),)
    if later.count:
        warnings += (later.problem("csv-period-after-as-of", f"after {as_of.isoformat()}; they were ignored",
                                   actuals.source),)
    return Result(plan, as_of, actuals.source, tuple(items), warnings)


class _Tally:
    """How many entries, and the one earliest in the file."""

    def __init__(self):
        self.count = 0
        self.first: Entry | None = None

    def add(self, entries: list[Entry]) -> None:
        if entries:
            self.count += len(entries)
            first = min(entries, key=operator.itemgetter(2))
            if self.first is None or first[2] < self.first[2]:
                self.first = first

    def problem(self, code: str, where: str, source: str) -> Problem:
        indicator_id, _, line, period, _ = self.first
        return Problem(code, f"{self.count} report(s) for periods ending {where} (first: {indicator_id} {period})",
                       source, line)


def relevant(indicator: Indicator, visible: list[Entry]) -> list[Report]:
    """Of the visible entries of an indicator, in date order, the reports the rules below read: all of
    them for maintain and annual targets; for the others the earliest and latest, the value at the
    deadline and the first report after it, and the baseline period's report. A submission of daily
    figures thus builds a handful of reports per indicator, not thousands."""
    if indicator.kind not in ("maintain", "annual") and len(visible) > 2:
        chosen = {0: visible[0], len(visible) - 1: visible[-1]}
        cuts = [indicator.final.due.end]
        if indicator.kind == "relative" and indicator.baseline.value is None:
            cuts.append(indicator.baseline.period.end)
            exact = [i for i, entry in enumerate(visible) if entry[3] == indicator.baseline.period]
            if exact:
                chosen[exact[-1]] = visible[exact[-1]]
        for cut in cuts:
            index = bisect.bisect_right(visible, (indicator.id, cut, math.inf))
            for near in (index - 1, index):
                if 0 <= near < len(visible):
                    chosen[near] = visible[near]
        visible = [chosen[index] for index in sorted(chosen)]
    return [Report(indicator.id, period, value, line) for _, _, line, period, value in visible]


def evaluate_indicator(indicator: Indicator, reports, as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its reports, in any order."""
    visible = sorted((r for r in reports if r.period.end <= as_of), key=lambda r: (r.period.end, r.line))
    return _judge(indicator, visible, as_of, plan_start_year)


def _judge(indicator: Indicator, visible: list[Report], as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its visible reports in date order."""
    if not visible:
        return IndicatorResult(indicator, Status.NO_DATA, Message.of("no_report", as_of=as_of.isoformat()))
    if indicator.kind == "maintain":
        return _maintain(indicator, visible, plan_start_year)
    if indicator.kind == "annual":
        return _annual(indicator, visible, as_of)
    return _dated(indicator, visible, as_of)


def value_at(reports: list[Report], when: date) -> Report | None:
    """V(t): the latest report whose period ends on or before t."""
    found = None
    for report in reports:
        if report.period.end <= when:
            found = report
        else:
            break
    return found


def _target_number(indicator: Indicator, milestone: Milestone, base: float | None) -> float:
    if indicator.kind == "range" or milestone.low is not None:
        return milestone.low
    if indicator.kind == "relative":
        return milestone.factor * base
    return milestone.value


def meets(indicator: Indicator, milestone: Milestone, value, base: float | None = None) -> bool:
    if indicator.kind == "milestone":
        return value is True
    if indicator.kind == "grade":
        scale = indicator.scale
        return scale.place(value) >= scale.place(milestone.grade)
    op = indicator.op if indicator.kind in ("threshold", "maintain", "annual") else ">="
    return _OPS[op](value, _target_number(indicator, milestone, base))


def _relative_base(indicator: Indicator, visible: list[Report]) -> float | None:
    baseline = indicator.baseline
    if baseline.value is not None:
        return float(baseline.value)
    exact = [r for r in visible if r.period == baseline.period]
    if exact:
        return exact[-1].value
    report = value_at(visible, baseline.period.end)
    return report.value if report else None


def _start_point(indicator: Indicator, visible: list[Report], base: float | None) -> tuple[date, float] | None:
    """Where the trajectory starts: the baseline, else the earliest report."""
    if indicator.kind == "relative":
        return indicator.baseline.period.end, base
    if indicator.baseline is not None and isinstance(indicator.baseline.value, (int, float)):
        return indicator.baseline.period.end, float(indicator.baseline.value)
    return None


def _progress(indicator: Indicator, report: Report, visible: list[Report], base: float | None) -> float | None:
    final = indicator.final
    if indicator.kind == "milestone":
        return 1.0 if report.value is True else 0.0
    if indicator.kind == "grade":
        target = indicator.scale.place(final.grade)
        return 1.0 if target == 0 else indicator.scale.place(report.value) / target
    target = _target_number(indicator, final, base)
    start_point = _start_point(indicator, visible, base)
    if start_point is not None:
        start = start_point[1]
    elif visible[0] is not report and visible[0].period.end < report.period.end:
        start = visible[0].value
    elif not indicator.lower_is_better:
        start = 0.0
    else:
        return None
    if math.isclose(target, start):
        return 1.0 if meets(indicator, final, report.value, base) else 0.0
    return (report.value - start) / (target - start)


def _dated(indicator: Indicator, visible: list[Report], as_of: date) -> IndicatorResult:
    """threshold, range, relative, grade and milestone kinds."""
    final = indicator.final
    base = None
    if indicator.kind == "relative":
        base = _relative_base(indicator, visible)
        if base is None:
            return IndicatorResult(indicator, Status.NO_DATA,
                                   Message.of("no_baseline", period=indicator.baseline.period.label))

    def result(status: Status, report: Report, detail: Message) -> IndicatorResult:
        return IndicatorResult(indicator, status, detail, report, _progress(indicator, report, visible, base))

    deadline = final.due.end
    if deadline <= as_of:
        report = value_at(visible, deadline) or next(r for r in visible if r.period.end > deadline)
        if meets(indicator, final, report.value, base):
            return result(Status.PASS, report, Message.of("met_at_deadline", due=final.due.end.isoformat()))
        return result(Status.FAIL, report, Message.of("missed_at_deadline", due=final.due.end.isoformat()))

    latest = visible[-1]
    if meets(indicator, final, latest.value, base):
        return result(Status.PASS, latest, Message.of("met_early", due=final.due.end.isoformat()))
    missed = [m for m in indicator.milestones[:-1] if m.due.end <= as_of and not meets(indicator, m, latest.value, base)]
    if missed:
        return result(Status.LAG, latest, Message.of("interim_missed", milestone=missed[-1], due=missed[-1].due.end.isoformat()))
    if indicator.kind in ("grade", "milestone") or indicator.op == "==":
        return result(Status.ON_TRACK, latest, Message.of("due_later", due=final.due.end.isoformat()))

    upcoming = next(m for m in indicator.milestones if m.due.end > as_of)
    start_point = _start_point(indicator, visible, base)
    if start_point is None:
        earliest = visible[0]
        if earliest is latest or earliest.period.end >= latest.period.end:
            return result(Status.ON_TRACK, latest, Message.of("trend_not_assessed", due=final.due.end.isoformat()))
        start_point = (earliest.period.end, earliest.value)
    start_date, start_value = start_point
    target = _target_number(indicator, upcoming, base)
    span = _months(upcoming.due.end) - _months(start_date)
    elapsed = _months(latest.period.end) - _months(start_date)
    if span <= 0 or elapsed <= 0:
        return result(Status.ON_TRACK, latest, Message.of("trend_not_assessed", due=final.due.end.isoformat()))
    expected = start_value + (target - start_value) * min(elapsed / span, 1.0)
    behind = latest.value > expected + _EPSILON if indicator.lower_is_better else latest.value < expected - _EPSILON
    key = "behind_trajectory" if behind else "on_trajectory"
    return result(Status.LAG if behind else Status.ON_TRACK, latest,
                  Message.of(key, expected=expected, due=upcoming.due.end.isoformat()))


@functools.lru_cache(maxsize=4096)
def _months(day: date) -> float:
    """Months since year 0, a month's last day counting as the whole month: the line between year
    ends then runs in whole months, so a value exactly halfway at the halfway year end is on it."""
    length = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + day.month - 1 + day.day / length


def _maintain(indicator: Indicator, visible: list[Report], plan_start_year: int) -> IndicatorResult:
    final = indicator.final
    window_start = indicator.since.start if indicator.since else date(plan_start_year, 1, 1)
    window_end = final.due.end
    inside = [r for r in visible if window_start <= r.period.end <= window_end]
    if not inside:
        return IndicatorResult(indicator, Status.NO_DATA, Message.of(
            "no_report_in_window", start=window_start.isoformat(), end=window_end.isoformat()))
    broken = [r for r in inside if not meets(indicator, final, r.value)]
    progress = (len(inside) - len(broken)) / len(inside)
    if broken:
        return IndicatorResult(indicator, Status.FAIL, Message.of(
            "maintain_broken", periods=tuple(r.period.label for r in broken)), broken[0], progress)
    return IndicatorResult(indicator, Status.PASS, Message.of(
        "maintain_held", count=len(inside), end=window_end.isoformat()), inside[-1], progress)


def _year_report(reports: list[Report], year: int) -> Report | None:
    """A year's own value: its full-year report, else the latest report inside that year."""
    inside = [r for r in reports if r.period.start >= date(year, 1, 1) and r.period.end <= date(year, 12, 31)]
    full = [r for r in inside if r.period.start == date(year, 1, 1) and r.period.end == date(year, 12, 31)]
    return (full or inside or [None])[-1]


def _annual(indicator: Indicator, visible: list[Report], as_of: date) -> IndicatorResult:
    failed: list[tuple[int, Report]] = []
    missing: list[int] = []
    met = 0
    behind: tuple[int, Report, float] | None = None
    current: Report | None = None
    for milestone in indicator.milestones:
        year = milestone.due.end.year
        report = _year_report(visible, year)
        if milestone.due.end <= as_of:
            if report is None:
                missing.append(year)
            elif meets(indicator, milestone, report.value):
                met += 1
                current = report
            else:
                failed.append((year, report))
        elif report is not None:
            current = report
            if not indicator.lower_is_better and not meets(indicator, milestone, report.value):
                year_days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
                share = _target_number(indicator, milestone, None) * ((report.period.end - date(year, 1, 1)).days + 1) / year_days
                if report.value < share - _EPSILON:
                    behind = (year, report, share)
    progress = met / len(indicator.milestones)
    if failed:
        return IndicatorResult(indicator, Status.FAIL, Message.of(
            "annual_missed", years=tuple(str(y) for y, _ in failed)), failed[0][1], progress)
    if current is None and not missing:
        first = indicator.milestones[0].due.end.year
        return IndicatorResult(indicator, Status.NO_DATA, Message.of("no_report_for_year", year=str(first)))
    if missing:
        return IndicatorResult(indicator, Status.NO_DATA, Message.of(
            "annual_not_reported", years=tuple(str(y) for y in missing)), current, progress)
    if indicator.final.due.end <= as_of:
        return IndicatorResult(indicator, Status.PASS, Message.of("annual_all_met", count=met), current, progress)
    if behind is not None:
        year, report, share = behind
        return IndicatorResult(indicator, Status.LAG, Message.of(
            "annual_behind", year=str(year), expected=share), report, progress)
    return IndicatorResult(indicator, Status.ON_TRACK, Message.of("annual_on_track", count=met), current, progress)
