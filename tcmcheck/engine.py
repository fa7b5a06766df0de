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


_PASS, _ON_TRACK, _LAG, _FAIL, _NO_DATA = Status.PASS, Status.ON_TRACK, Status.LAG, Status.FAIL, Status.NO_DATA


def evaluate(plan: Plan, actuals: Actuals, as_of: date) -> Result:
    earliest = date(plan.earliest_year, 1, 1)
    no_report = Message.of("no_report", as_of=as_of.isoformat())
    entries = actuals.entries
    items = []
    later = _Tally()
    earlier = _Tally()
    for indicator in plan.indicators:
        ordered = entries.get(indicator.id)
        if ordered and ordered[0][1] < earliest:
            earlier.add(ordered[:bisect.bisect_left(ordered, (indicator.id, earliest))])
        if ordered and ordered[-1][1] > as_of:
            cut = bisect.bisect_right(ordered, (indicator.id, as_of, math.inf))
            later.add(ordered[cut:])
            ordered = ordered[:cut]
        if ordered:
            items.append(_judge(indicator, _relevant(indicator, ordered), as_of, plan.start_year))
        else:
            items.append(IndicatorResult(indicator, _NO_DATA, no_report))
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
    """Of the visible entries of an indicator, in date order, the reports the rules below read."""
    return [_report(entry) for entry in _relevant(indicator, visible)]


def _relevant(indicator: Indicator, visible: list[Entry]) -> list[Entry]:
    """All of the entries for maintain and annual targets; for the others the earliest and latest,
    the value at the deadline and the first report after it, and the baseline period's report. A
    submission of daily figures thus keeps a handful of entries per indicator, not thousands."""
    if len(visible) <= 2 or indicator.kind in ("maintain", "annual"):
        return visible
    last = len(visible) - 1
    chosen = {0, last}
    if indicator.kind == "relative" and indicator.baseline.value is None:
        baseline = indicator.baseline.period
        exact = [i for i, entry in enumerate(visible) if entry[3] == baseline]
        if exact:
            chosen.add(exact[-1])
        _add_around(chosen, visible, indicator.id, baseline.end)
    _add_around(chosen, visible, indicator.id, indicator.milestones[-1].due.end)
    return visible if len(chosen) > last else [visible[index] for index in sorted(chosen)]


def _add_around(chosen: set[int], visible: list[Entry], indicator_id: str, cut: date) -> None:
    """The last entry on or before `cut` and the first after it."""
    index = bisect.bisect_right(visible, (indicator_id, cut, math.inf))
    if index:
        chosen.add(index - 1)
    if index < len(visible):
        chosen.add(index)


def _report(entry: Entry) -> Report:
    indicator_id, _, line, period, value = entry
    return Report(indicator_id, period, value, line)


def evaluate_indicator(indicator: Indicator, reports, as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its reports, in any order."""
    visible = sorted((r.indicator_id, r.period.end, r.line, r.period, r.value) for r in reports if r.period.end <= as_of)
    if not visible:
        return IndicatorResult(indicator, _NO_DATA, Message.of("no_report", as_of=as_of.isoformat()))
    return _judge(indicator, visible, as_of, plan_start_year)


def _judge(indicator: Indicator, visible: list[Entry], as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its visible entries (at least one) in date order."""
    if indicator.kind == "maintain":
        return _maintain(indicator, visible, plan_start_year)
    if indicator.kind == "annual":
        return _annual(indicator, visible, as_of)
    return _dated(indicator, visible, as_of)


def _value_at(visible: list[Entry], indicator_id: str, when: date) -> Entry | None:
    """V(t): the latest entry whose period ends on or before t."""
    index = bisect.bisect_right(visible, (indicator_id, when, math.inf))
    return visible[index - 1] if index else None


def _target_number(indicator: Indicator, milestone: Milestone, base: float | None) -> float:
    if indicator.kind == "range" or milestone.low is not None:
        return milestone.low
    if indicator.kind == "relative":
        return milestone.factor * base
    return milestone.value


def meets(indicator: Indicator, milestone: Milestone, value, base: float | None = None) -> bool:
    kind = indicator.kind
    if kind == "milestone":
        return value is True
    if kind == "grade":
        scale = indicator.scale
        return scale.place(value) >= scale.place(milestone.grade)
    op = indicator.op if kind in ("threshold", "maintain", "annual") else ">="
    return _OPS[op](value, _target_number(indicator, milestone, base))


def _relative_base(indicator: Indicator, visible: list[Entry]) -> float | None:
    baseline = indicator.baseline
    if baseline.value is not None:
        return float(baseline.value)
    exact = [entry for entry in visible if entry[3] == baseline.period]
    if exact:
        return exact[-1][4]
    entry = _value_at(visible, indicator.id, baseline.period.end)
    return entry[4] if entry else None


def _start_point(indicator: Indicator, base: float | None) -> tuple[date, float] | None:
    """Where the trajectory starts: the baseline, else the earliest report."""
    if indicator.kind == "relative":
        return indicator.baseline.period.end, base
    if indicator.baseline is not None and isinstance(indicator.baseline.value, (int, float)):
        return indicator.baseline.period.end, float(indicator.baseline.value)
    return None


def _progress(indicator: Indicator, entry: Entry, visible: list[Entry], base: float | None) -> float | None:
    final = indicator.milestones[-1]
    value = entry[4]
    if indicator.kind == "milestone":
        return 1.0 if value is True else 0.0
    if indicator.kind == "grade":
        target = indicator.scale.place(final.grade)
        return 1.0 if target == 0 else indicator.scale.place(value) / target
    target = _target_number(indicator, final, base)
    start_point = _start_point(indicator, base)
    if start_point is not None:
        start = start_point[1]
    elif visible[0] is not entry and visible[0][1] < entry[1]:
        start = visible[0][4]
    elif not indicator.lower_is_better:
        start = 0.0
    else:
        return None
    if math.isclose(target, start):
        return 1.0 if meets(indicator, final, value, base) else 0.0
    return (value - start) / (target - start)


def _dated(indicator: Indicator, visible: list[Entry], as_of: date) -> IndicatorResult:
    """threshold, range, relative, grade and milestone kinds."""
    milestones = indicator.milestones
    final = milestones[-1]
    base = None
    if indicator.kind == "relative":
        base = _relative_base(indicator, visible)
        if base is None:
            return IndicatorResult(indicator, _NO_DATA,
                                   Message.of("no_baseline", period=indicator.baseline.period.label))
    deadline = final.due.end
    if deadline <= as_of:
        entry = _value_at(visible, indicator.id, deadline) or visible[0]
        if meets(indicator, final, entry[4], base):
            return _result(indicator, _PASS, entry, Message.of("met_at_deadline", due=deadline.isoformat()), visible, base)
        return _result(indicator, _FAIL, entry, Message.of("missed_at_deadline", due=deadline.isoformat()), visible, base)

    latest = visible[-1]
    value = latest[4]
    if meets(indicator, final, value, base):
        return _result(indicator, _PASS, latest, Message.of("met_early", due=deadline.isoformat()), visible, base)
    missed = None
    for milestone in milestones[:-1]:
        if milestone.due.end <= as_of and not meets(indicator, milestone, value, base):
            missed = milestone
    if missed is not None:
        return _result(indicator, _LAG, latest, Message.of(
            "interim_missed", milestone=missed, due=missed.due.end.isoformat()), visible, base)
    if indicator.kind in ("grade", "milestone") or indicator.op == "==":
        return _result(indicator, _ON_TRACK, latest, Message.of("due_later", due=deadline.isoformat()), visible, base)

    upcoming = next(m for m in milestones if m.due.end > as_of)
    start_point = _start_point(indicator, base)
    if start_point is None:
        earliest = visible[0]
        if earliest is latest or earliest[1] >= latest[1]:
            return _result(indicator, _ON_TRACK, latest, Message.of("trend_not_assessed", due=deadline.isoformat()),
                           visible, base)
        start_point = (earliest[1], earliest[4])
    start_date, start_value = start_point
    target = _target_number(indicator, upcoming, base)
    start_months = _months(start_date)
    span = _months(upcoming.due.end) - start_months
    elapsed = _months(latest[1]) - start_months
    if span <= 0 or elapsed <= 0:
        return _result(indicator, _ON_TRACK, latest, Message.of("trend_not_assessed", due=deadline.isoformat()),
                       visible, base)
    expected = start_value + (target - start_value) * min(elapsed / span, 1.0)
    behind = value > expected + _EPSILON if indicator.lower_is_better else value < expected - _EPSILON
    return _result(indicator, _LAG if behind else _ON_TRACK, latest, Message.of(
        "behind_trajectory" if behind else "on_trajectory", expected=expected, due=upcoming.due.end.isoformat()),
        visible, base)


def _result(indicator: Indicator, status: Status, entry: Entry, detail: Message, visible: list[Entry],
            base: float | None) -> IndicatorResult:
    indicator_id, _, line, period, value = entry
    return IndicatorResult(indicator, status, detail, Report(indicator_id, period, value, line),
                           _progress(indicator, entry, visible, base))


@functools.lru_cache(maxsize=4096)
def _months(day: date) -> float:
    """Months since year 0, a month's last day counting as the whole month: the line between year
    ends then runs in whole months, so a value exactly halfway at the halfway year end is on it."""
    length = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + day.month - 1 + day.day / length


def _maintain(indicator: Indicator, visible: list[Entry], plan_start_year: int) -> IndicatorResult:
    final = indicator.milestones[-1]
    window_start = indicator.since.start if indicator.since else date(plan_start_year, 1, 1)
    window_end = final.due.end
    inside = [entry for entry in visible if window_start <= entry[1] <= window_end]
    if not inside:
        return IndicatorResult(indicator, _NO_DATA, Message.of(
            "no_report_in_window", start=window_start.isoformat(), end=window_end.isoformat()))
    broken = [entry for entry in inside if not meets(indicator, final, entry[4])]
    progress = (len(inside) - len(broken)) / len(inside)
    if broken:
        return IndicatorResult(indicator, _FAIL, Message.of(
            "maintain_broken", periods=tuple(entry[3].label for entry in broken)), _report(broken[0]), progress)
    return IndicatorResult(indicator, _PASS, Message.of(
        "maintain_held", count=len(inside), end=window_end.isoformat()), _report(inside[-1]), progress)


def _year_entry(visible: list[Entry], year: int) -> Entry | None:
    """A year's own value: its full-year report, else the latest report inside that year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    inside = [entry for entry in visible if entry[3].start >= first and entry[1] <= last]
    full = [entry for entry in inside if entry[3].start == first and entry[1] == last]
    return (full or inside or [None])[-1]


def _annual(indicator: Indicator, visible: list[Entry], as_of: date) -> IndicatorResult:
    failed: list[tuple[int, Entry]] = []
    missing: list[int] = []
    met = 0
    behind: tuple[int, Entry, float] | None = None
    current: Entry | None = None
    for milestone in indicator.milestones:
        year = milestone.due.end.year
        entry = _year_entry(visible, year)
        if milestone.due.end <= as_of:
            if entry is None:
                missing.append(year)
            elif meets(indicator, milestone, entry[4]):
                met += 1
                current = entry
            else:
                failed.append((year, entry))
        elif entry is not None:
            current = entry
            if not indicator.lower_is_better and not meets(indicator, milestone, entry[4]):
                year_days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
                share = _target_number(indicator, milestone, None) * ((entry[1] - date(year, 1, 1)).days + 1) / year_days
                if entry[4] < share - _EPSILON:
                    behind = (year, entry, share)
    progress = met / len(indicator.milestones)
    if failed:
        return IndicatorResult(indicator, _FAIL, Message.of(
            "annual_missed", years=tuple(str(y) for y, _ in failed)), _report(failed[0][1]), progress)
    if current is None and not missing:
        first = indicator.milestones[0].due.end.year
        return IndicatorResult(indicator, _NO_DATA, Message.of("no_report_for_year", year=str(first)))
    current_report = _report(current) if current is not None else None
    if missing:
        return IndicatorResult(indicator, _NO_DATA, Message.of(
            "annual_not_reported", years=tuple(str(y) for y in missing)), current_report, progress)
    if indicator.milestones[-1].due.end <= as_of:
        return IndicatorResult(indicator, _PASS, Message.of("annual_all_met", count=met), current_report, progress)
    if behind is not None:
        year, entry, share = behind
        return IndicatorResult(indicator, _LAG, Message.of(
            "annual_behind", year=str(year), expected=share), _report(entry), progress)
    return IndicatorResult(indicator, _ON_TRACK, Message.of("annual_on_track", count=met), current_report, progress)
