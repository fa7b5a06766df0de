"""Evaluate a plan's indicators against reported values as of a date (the contract's status rules)."""

from __future__ import annotations

import bisect
import calendar
import functools
import math
import operator
from collections.abc import Sequence
from datetime import date

from tcmcheck.actuals import END, INDICATOR_ID, LINE, PERIOD, SOURCE, VALUE, Actuals, Entry
from tcmcheck.errors import Problem
from tcmcheck.model import Indicator, Plan, derived
from tcmcheck.regions import city_from_regions, mismatches, plain_number, ranking, region_results
from tcmcheck.result import IndicatorResult, Message, Report, Result, Status

_EPSILON = 1e-9
_OPS = {
    ">=": lambda a, b: a >= b - _EPSILON,
    ">": lambda a, b: a > b + _EPSILON,
    "<=": lambda a, b: a <= b + _EPSILON,
    "<": lambda a, b: a < b - _EPSILON,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=_EPSILON),
}


_PASS, _ON_TRACK, _LAG, _FAIL, _NO_DATA = Status.PASS, Status.ON_TRACK, Status.LAG, Status.FAIL, Status.NO_DATA


def evaluate(plan: Plan, actuals: Actuals, as_of: date, history: bool = False,
             allocations: dict[str, dict[str, Indicator]] | None = None) -> Result:
    """Each indicator's status as of `as_of`. With `history`, each result also holds every report of
    its indicator up to that date (`IndicatorResult.history`), for formats that chart them. Where the
    submission has region rows, or `allocations` gives regions targets of their own (indicator id ->
    region -> the indicator with the region's targets), each result holds every region's view, and the
    result ranks the regions."""
    earliest = date(plan.earliest_year, 1, 1)
    no_report = Message.of("no_report", as_of=as_of.isoformat())
    entries = actuals.entries
    items = []
    later = _Tally()
    earlier = _Tally()
    suspicious: list[Problem] = []
    regional_entries = actuals.regional
    allocations = allocations or {}
    expected = tuple(region.zh for region in plan.regions) or actuals.regions
    regional_view = bool(regional_entries or allocations)

    def judge(indicator: Indicator, region_entries: list[Entry]) -> IndicatorResult:
        visible = region_entries[:_ending_by(region_entries, as_of)]
        if not visible:
            return IndicatorResult(indicator, _NO_DATA, no_report)
        return _judge(_rule(indicator), visible, as_of, plan.start_year)

    for rule in _plan_rules(plan):
        ordered = entries.get(rule.id)
        if ordered and rule.fraction_limit is not None and ordered[0][VALUE] <= 1:
            suspicious.extend(_fractions(rule, ordered, actuals.source))
        if ordered and ordered[0][END] < earliest:
            earlier.add(ordered[:_ending_before(ordered, earliest)])
        if ordered and ordered[-1][END] > as_of:
            cut = _ending_by(ordered, as_of)
            later.add(ordered[cut:])
            ordered = ordered[:cut]
        if not ordered:
            items.append(IndicatorResult(rule.indicator, _NO_DATA, no_report))
        else:
            reports = _History(ordered) if history else ()
            if len(ordered) > _FEW:
                ordered = _relevant(rule, ordered)
            item = rule.judge(rule, ordered, as_of, plan.start_year)
            if history:
                item = item._replace(history=reports)
            items.append(item)
            if rule.kind == "relative" and rule.indicator.baseline.value is None and item.status is not _NO_DATA:
                suspicious.extend(_zero_base(rule, ordered, actuals.source))
        if regional_view:
            regional = regional_entries.get(rule.id, {})
            allocated = allocations.get(rule.id, {})
            if regional or allocated:
                views = region_results(rule.indicator, regional, expected, allocated, judge)
                if not ordered and regional:
                    items[-1] = city_from_regions(rule.indicator, regional, views, expected, judge)
                items[-1] = items[-1]._replace(regions=views)
                suspicious.extend(mismatches(rule.indicator, ordered or [], regional, expected, actuals.source))
    warnings = actuals.warnings + tuple(suspicious)
    if earlier.count:
        warnings += (earlier.problem("csv-period-before-plan", "before", actuals.source, start=earliest.isoformat()),)
    if later.count:
        warnings += (later.problem("csv-period-after-as-of", "after", actuals.source, as_of=as_of.isoformat()),)
    return Result(plan, as_of, actuals.source, tuple(items), warnings, actuals.placeholders,
                  ranking(items) if regional_view else ())


def _fractions(rule: _Rule, ordered: list[Entry], source: str) -> list[Problem]:
    """A percentage reported as a fraction (0.25 for 25%): every value of the indicator at most 1, one
    above 0, while its target is above 1."""
    values = [entry[VALUE] for entry in ordered]
    if max(values) > 1 or max(values) <= 0:
        return []
    first = ordered[0]
    return [Problem("csv-percent-as-fraction", "fraction", source, first[LINE], indicator=rule.id,
                    value=plain_number(first[VALUE]), period=first[PERIOD].label,
                    target=plain_number(rule.fraction_limit))]


def _zero_base(rule: _Rule, visible: list[Entry], source: str) -> list[Problem]:
    entry = _base_entry(rule, visible)
    if entry is None or entry[VALUE] != 0:
        return []
    return [Problem("csv-zero-baseline", "zero", source, entry[LINE], indicator=rule.id, period=entry[PERIOD].label)]


def evaluate_indicator(indicator: Indicator, reports, as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its reports, in any order."""
    visible = sorted((r.indicator_id, r.period.end, r.line, r.period, r.value) for r in reports if r.period.end <= as_of)
    if not visible:
        return IndicatorResult(indicator, _NO_DATA, Message.of("no_report", as_of=as_of.isoformat()))
    return _judge(_rule(indicator), visible, as_of, plan_start_year)


def relevant(indicator: Indicator, visible: list[Entry]) -> list[Report]:
    """Of the visible entries of an indicator, in date order, the reports the rules below read."""
    return [_report(entry) for entry in _relevant(_rule(indicator), visible)]


class _Tally:
    """How many entries, and the one earliest in the file."""

    def __init__(self):
        self.count = 0
        self.first: Entry | None = None

    def add(self, entries: list[Entry]) -> None:
        if entries:
            self.count += len(entries)
            first = min(entries, key=_LINE)
            if self.first is None or first[LINE] < self.first[LINE]:
                self.first = first

    def problem(self, code: str, variant: str, source: str, **params) -> Problem:
        first = self.first
        return Problem(code, variant, source, first[LINE], count=self.count, indicator=first[INDICATOR_ID],
                       period=first[PERIOD].label, **params)


class _Rule:
    """What the status rules need of one indicator, worked out once: each milestone's due date and
    target, the comparison, the start of the trajectory, and the details that depend on nothing else."""

    __slots__ = (
        "based",
        "baseline_end",
        "check",
        "deadline",
        "due_ends",
        "due_later",
        "due_months",
        "due_texts",
        "fraction_limit",
        "grade_places",
        "id",
        "increase",
        "indicator",
        "judge",
        "kind",
        "lower_is_better",
        "met_at_deadline",
        "met_early",
        "milestones",
        "missed_at_deadline",
        "not_assessed",
        "numeric",
        "places",
        "qualified",
        "slack",
        "start_point",
        "targets",
        "trajectory",
        "window_start",
    )

    def __init__(self, indicator: Indicator):
        kind = indicator.kind
        milestones = indicator.assessed
        self.indicator, self.id, self.kind, self.milestones = indicator, indicator.id, kind, milestones
        self.due_ends = tuple(m.due.end for m in milestones)
        self.due_texts = tuple(end.isoformat() for end in self.due_ends)
        self.due_months = tuple(_months(end) for end in self.due_ends)
        self.deadline = self.due_ends[-1]
        self.targets = tuple(m.low if kind == "range" or m.low is not None else None if kind == "relative" else m.value
                             for m in milestones)
        self.slack = tuple(m.tolerance * abs(target) if m.approx and target is not None else 0.0
                           for m, target in zip(milestones, self.targets))
        self.based = kind in ("relative", "increase")
        self.increase = kind == "increase"
        self.judge = _maintain if kind == "maintain" else _annual if kind == "annual" else _dated
        self.qualified = kind == "relative" or any(self.slack)
        """Whether a met target's detail may need a word on the tolerance or a zero baseline."""
        largest = max((target for target in self.targets if target is not None), default=None)
        self.fraction_limit = largest if indicator.unit == "percent" and largest is not None and largest > 1 \
            and kind != "increase" else None
        self.check = _OPS[indicator.op if kind in ("threshold", "maintain", "annual", "increase") else ">="]
        self.places = self.grade_places = None
        if kind == "grade":
            self.places = indicator.scale.places
            self.grade_places = tuple(self.places[m.grade] for m in milestones)
        self.numeric = kind not in ("grade", "milestone")
        self.trajectory = self.numeric and indicator.op != "=="
        self.lower_is_better = indicator.lower_is_better
        baseline = indicator.baseline
        self.baseline_end = baseline.period.end if baseline is not None else None
        self.start_point = None
        if not self.based and baseline is not None and isinstance(baseline.value, (int, float)):
            self.start_point = (baseline.period.end, float(baseline.value))
        self.window_start = indicator.since.start if indicator.since else None
        due = self.due_texts[-1]
        self.met_at_deadline = Message.of("met_at_deadline", due=due)
        self.missed_at_deadline = Message.of("missed_at_deadline", due=due)
        self.met_early = Message.of("met_early", due=due)
        self.due_later = Message.of("due_later", due=due)
        self.not_assessed = Message.of("trend_not_assessed", due=due)

    def target(self, index: int, base: float | None) -> float:
        """Milestone `index`'s target as a value to reach: a multiple of the baseline, the baseline plus
        the increase, or the value itself."""
        target = self.targets[index]
        if target is None:
            return self.milestones[index].factor * base
        return base + target if self.increase else target

    def meets(self, index: int, value, base: float | None = None) -> bool:
        """Whether `value` meets milestone `index` (-1: the final target), within the tolerance of an
        approximate one."""
        if self.numeric:
            target = self.target(index, base)
            slack = self.slack[index]
            if not slack:
                return self.check(value, target)
            if self.lower_is_better:
                return self.check(value, target + slack)
            if self.indicator.op == "==":
                return abs(value - target) <= slack + _EPSILON
            return self.check(value, target - slack)
        if self.kind == "milestone":
            return value is True
        return self.places[value] >= self.grade_places[index]

    def only_within_tolerance(self, index: int, value, base: float | None) -> bool:
        """Whether `value` meets an approximate milestone only thanks to its tolerance."""
        return bool(self.slack[index]) and not self.check(value, self.target(index, base))

    def start(self, base: float | None) -> tuple[date, float] | None:
        """Where the trajectory starts: the baseline, else (None) the earliest report."""
        return (self.baseline_end, base) if self.based else self.start_point


_RULES: dict[int, tuple] = {}
_PLAN_RULES: dict[int, tuple] = {}
_FEW = 8
"""Up to this many entries an indicator is judged on all of them, beyond it on the relevant ones."""


def _rule(indicator: Indicator) -> _Rule:
    return derived(_RULES, indicator, _Rule)


def _plan_rules(plan: Plan) -> tuple[_Rule, ...]:
    return derived(_PLAN_RULES, plan, lambda plan: tuple(map(_rule, plan.indicators)))


def _relevant(rule: _Rule, visible: list[Entry]) -> list[Entry]:
    """All of the entries for maintain and annual targets; for the others the earliest and latest,
    the value at the deadline and the first report after it, and the baseline period's report. A
    submission of daily figures thus keeps a handful of entries per indicator, not thousands."""
    if len(visible) <= 2 or rule.kind in ("maintain", "annual"):
        return visible
    last = len(visible) - 1
    chosen = {0, last}
    baseline = rule.indicator.baseline
    if rule.based and baseline.value is None:
        exact = [i for i, entry in enumerate(visible) if entry[PERIOD] == baseline.period]
        if exact:
            chosen.add(exact[-1])
        _add_around(chosen, visible, baseline.period.end)
    _add_around(chosen, visible, rule.deadline)
    return visible if len(chosen) > last else [visible[index] for index in sorted(chosen)]


def _add_around(chosen: set[int], visible: list[Entry], cut: date) -> None:
    """The last entry on or before `cut` and the first after it."""
    index = _ending_by(visible, cut)
    if index:
        chosen.add(index - 1)
    if index < len(visible):
        chosen.add(index)


_new_report = functools.partial(tuple.__new__, Report)


def _report(entry: Entry) -> Report:
    source = entry[SOURCE] if len(entry) > SOURCE else None
    return _new_report((entry[INDICATOR_ID], entry[PERIOD], entry[VALUE], entry[LINE], source))


class _History(Sequence):
    """An indicator's reports in date order, each built when it is read: a big submission holds
    thousands per indicator, of which a chart reads a few dozen."""

    __slots__ = ("_entries",)

    def __init__(self, entries: list[Entry]):
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(map(_report, self._entries[index]))
        return _report(self._entries[index])

    def __iter__(self):
        return map(_report, self._entries)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


def _judge(rule: _Rule, visible: list[Entry], as_of: date, plan_start_year: int) -> IndicatorResult:
    """The status of one indicator from its visible entries (at least one) in date order."""
    return rule.judge(rule, visible, as_of, plan_start_year)


_END = operator.itemgetter(END)
_LINE = operator.itemgetter(LINE)


def _ending_by(entries: list[Entry], day: date) -> int:
    """How many of the entries (in date order) end on or before `day`."""
    return bisect.bisect_right(entries, day, key=_END)


def _ending_before(entries: list[Entry], day: date) -> int:
    """How many of the entries (in date order) end before `day`."""
    return bisect.bisect_left(entries, day, key=_END)


def _value_at(visible: list[Entry], when: date) -> Entry | None:
    """V(t): the latest entry whose period ends on or before t."""
    index = _ending_by(visible, when)
    return visible[index - 1] if index else None


def _base_entry(rule: _Rule, visible: list[Entry]) -> Entry | None:
    """The report a baseline is read from: the one for the baseline period, else the latest before it."""
    period = rule.indicator.baseline.period
    exact = [entry for entry in visible if entry[PERIOD] == period]
    return exact[-1] if exact else _value_at(visible, period.end)


def _base(rule: _Rule, visible: list[Entry]) -> float | None:
    """The baseline of a relative or increase target: the plan's, else the data's."""
    baseline = rule.indicator.baseline
    if baseline.value is not None:
        return float(baseline.value)
    entry = _base_entry(rule, visible)
    return entry[VALUE] if entry else None


def _progress(rule: _Rule, entry: Entry, visible: list[Entry], base: float | None) -> float | None:
    value = entry[VALUE]
    if not rule.numeric:
        if rule.kind == "milestone":
            return 1.0 if value is True else 0.0
        target = rule.grade_places[-1]
        return 1.0 if target == 0 else rule.places[value] / target
    target = rule.target(-1, base)
    start_point = rule.start(base)
    if start_point is not None:
        start = start_point[1]
    elif visible[0] is not entry and visible[0][END] < entry[END]:
        start = visible[0][VALUE]
    elif not rule.lower_is_better:
        start = 0.0
    else:
        return None
    if math.isclose(target, start):
        return 1.0 if rule.meets(-1, value, base) else 0.0
    return (value - start) / (target - start)


def _result(rule: _Rule, status: Status, entry: Entry, detail: Message, visible: list[Entry],
            base: float | None, late: bool = False) -> IndicatorResult:
    return IndicatorResult(rule.indicator, status, detail, _report(entry), _progress(rule, entry, visible, base), late)


def _met(rule: _Rule, detail: Message, value, base: float | None) -> Message:
    """The detail of a met target, saying so when it was met only within an approximate target's
    tolerance, or against a baseline of zero."""
    if not rule.qualified:
        return detail
    if rule.only_within_tolerance(-1, value, base):
        detail = Message.of("within_tolerance", met=detail, target=rule.milestones[-1])
    if rule.kind == "relative" and base == 0:
        detail = Message.of("zero_baseline", met=detail, period=rule.indicator.baseline.period.label)
    return detail


def _dated(rule: _Rule, visible: list[Entry], as_of: date, plan_start_year: int) -> IndicatorResult:
    """threshold, range, relative, grade and milestone kinds."""
    base = None
    if rule.based:
        base = _base(rule, visible)
        if base is None:
            return IndicatorResult(rule.indicator, _NO_DATA,
                                   Message.of("no_baseline", period=rule.indicator.baseline.period.label))
    if rule.deadline <= as_of:
        entry = _value_at(visible, rule.deadline)
        if entry is None:  # nothing reported by the deadline: judged on the first report after it, as late
            entry = visible[0]
            late = {"period": entry[PERIOD].label, "due": rule.due_texts[-1]}
            if rule.meets(-1, entry[VALUE], base):
                return _result(rule, _PASS, entry, _met(rule, Message.of("met_late", **late), entry[VALUE], base),
                               visible, base, late=True)
            return _result(rule, _FAIL, entry, Message.of("missed_late", **late), visible, base, late=True)
        if rule.meets(-1, entry[VALUE], base):
            return _result(rule, _PASS, entry, _met(rule, rule.met_at_deadline, entry[VALUE], base), visible, base)
        return _result(rule, _FAIL, entry, rule.missed_at_deadline, visible, base)

    latest = visible[-1]
    value = latest[VALUE]
    if rule.meets(-1, value, base):
        return _result(rule, _PASS, latest, _met(rule, rule.met_early, value, base), visible, base)
    upcoming = bisect.bisect_right(rule.due_ends, as_of)  # the deadline is later: an interim, or the last
    for missed in range(upcoming - 1, -1, -1):
        if not rule.meets(missed, value, base):
            return _result(rule, _LAG, latest, Message.of(
                "interim_missed", milestone=rule.milestones[missed], due=rule.due_texts[missed]), visible, base)
    if not rule.trajectory:
        return _result(rule, _ON_TRACK, latest, rule.due_later, visible, base)

    start_point = rule.start(base)
    if start_point is None:
        earliest = visible[0]
        if earliest is latest or earliest[END] >= latest[END]:
            return _result(rule, _ON_TRACK, latest, rule.not_assessed, visible, base)
        start_point = (earliest[END], earliest[VALUE])
    start_date, start_value = start_point
    target = rule.target(upcoming, base)
    start_months = _months(start_date)
    span = rule.due_months[upcoming] - start_months
    elapsed = _months(latest[END]) - start_months
    if span <= 0 or elapsed <= 0:
        return _result(rule, _ON_TRACK, latest, rule.not_assessed, visible, base)
    expected = start_value + (target - start_value) * min(elapsed / span, 1.0)
    behind = value > expected + _EPSILON if rule.lower_is_better else value < expected - _EPSILON
    detail = Message("behind_trajectory" if behind else "on_trajectory",
                     (("expected", expected), ("due", rule.due_texts[upcoming])))
    return _result(rule, _LAG if behind else _ON_TRACK, latest, detail, visible, base)


@functools.lru_cache(maxsize=4096)
def _months(day: date) -> float:
    """Months since year 0, a month's last day counting as the whole month: the line between year
    ends then runs in whole months, so a value exactly halfway at the halfway year end is on it."""
    length = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + day.month - 1 + day.day / length


def _maintain(rule: _Rule, visible: list[Entry], as_of: date, plan_start_year: int) -> IndicatorResult:
    indicator = rule.indicator
    window_start = rule.window_start or date(plan_start_year, 1, 1)
    window_end = rule.deadline
    inside = _ending_within(visible, window_start, window_end)
    if not inside:
        return IndicatorResult(indicator, _NO_DATA, Message.of(
            "no_report_in_window", start=window_start.isoformat(), end=window_end.isoformat()))
    broken = [entry for entry in inside if not rule.meets(-1, entry[VALUE])]
    progress = (len(inside) - len(broken)) / len(inside)
    if broken:
        return IndicatorResult(indicator, _FAIL, Message.of(
            "maintain_broken", periods=tuple(entry[PERIOD].label for entry in broken)), _report(broken[0]), progress)
    return IndicatorResult(indicator, _PASS, Message.of(
        "maintain_held", count=len(inside), end=window_end.isoformat()), _report(inside[-1]), progress)


def _ending_within(visible: list[Entry], first: date, last: date) -> list[Entry]:
    """The entries whose period ends on one of the days from `first` to `last`."""
    return visible[_ending_before(visible, first):_ending_by(visible, last)]


def _year_entry(visible: list[Entry], year: int) -> Entry | None:
    """A year's own value: its full-year report, else the latest report inside that year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    inside = [entry for entry in _ending_within(visible, first, last) if entry[PERIOD].start >= first]
    full = [entry for entry in inside if entry[PERIOD].start == first and entry[END] == last]
    return (full or inside or [None])[-1]


def _annual(rule: _Rule, visible: list[Entry], as_of: date, plan_start_year: int) -> IndicatorResult:
    indicator = rule.indicator
    failed: list[tuple[int, Entry]] = []
    missing: list[int] = []
    met = 0
    behind: tuple[int, Entry, float] | None = None
    current: Entry | None = None
    running: int | None = None
    for index, due_end in enumerate(rule.due_ends):
        year = due_end.year
        entry = _year_entry(visible, year)
        if due_end <= as_of:
            if entry is None:
                missing.append(year)
            elif rule.meets(index, entry[VALUE]):
                met += 1
                current = entry
            else:
                failed.append((year, entry))
        elif entry is not None:
            current = entry
            running = year
            if not rule.lower_is_better and not rule.meets(index, entry[VALUE]):
                year_days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
                share = rule.target(index, None) * ((entry[END] - date(year, 1, 1)).days + 1) / year_days
                if entry[VALUE] < share - _EPSILON:
                    behind = (year, entry, share)
    progress = met / len(rule.due_ends)
    if failed:
        return IndicatorResult(indicator, _FAIL, Message.of(
            "annual_missed", years=tuple(str(y) for y, _ in failed)), _report(failed[0][1]), progress)
    if current is None and not missing:
        first = rule.due_ends[0].year
        return IndicatorResult(indicator, _NO_DATA, Message.of("no_report_for_year", year=str(first)))
    current_report = _report(current) if current is not None else None
    if missing:
        return IndicatorResult(indicator, _NO_DATA, Message.of(
            "annual_not_reported", years=tuple(str(y) for y in missing)), current_report, progress)
    if rule.deadline <= as_of:
        return IndicatorResult(indicator, _PASS, Message.of("annual_all_met", count=met), current_report, progress)
    if behind is not None:
        year, entry, share = behind
        return IndicatorResult(indicator, _LAG, Message.of(
            "annual_behind", year=str(year), expected=share), _report(entry), progress)
    if running is None:
        upcoming = next(end.year for end in rule.due_ends if end > as_of)
        return IndicatorResult(indicator, _ON_TRACK, Message.of("annual_next_year", count=met, year=str(upcoming)),
                               current_report, progress)
    return IndicatorResult(indicator, _ON_TRACK, Message.of("annual_on_track", count=met), current_report, progress)
