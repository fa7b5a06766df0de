"""A small inline SVG chart of one indicator: its reports against its targets over the plan's time,
drawn from the result model through the template below, without a plotting library.

The x axis runs from the plan's start (or an earlier baseline or report) to the final due date (or a
later report). Numbers: the path from the start point through each milestone's target, the reports
as points, a band where a target is a range or approximate. Grades: a step chart on the scale's
levels. Deliverables: a timeline with the due dates. The as-of date is a vertical line. Every text
that comes from a plan or a submission is made visible and escaped."""

from __future__ import annotations

import bisect
import html
import math
import operator
import string
from collections.abc import Sequence
from datetime import date

from tcmcheck import describe
from tcmcheck.model import Indicator, Milestone
from tcmcheck.result import IndicatorResult, Report
from tcmcheck.text import visible

LEFT, RIGHT, TOP, BOTTOM = 40, 232, 12, 80
"""The plot area inside the chart's viewBox, 240 × 100."""
SPANS = 40
"""At most this many reports are drawn: the latest of each of this many equal spans of the x axis
(and always the one that decided the status)."""

_SVG = string.Template(
    '<svg class="chart" viewBox="0 0 240 100" role="img" aria-label="$label"><title>$label</title>'
    '$grid$bands$path$series$targets$as_of$labels</svg>')
_WORDS = {
    "en": {"as_of": "as of", "due": "due {day}", "reports": "{count} report(s)",
           "thinned": f", the latest of each of {SPANS} spans of time drawn", "target": "target",
           "path": "path to the targets"},
    "zh": {"as_of": "截至", "due": "{day}到期", "reports": "{count}期报送", "thinned": f"，按时间分{SPANS}段各取最新一期绘制",
           "target": "目标", "path": "目标路径"},
}
_DATED = ("threshold", "range", "relative", "increase")
"""The numeric kinds judged against a path to their milestones; maintain and annual ones hold a level."""


def esc(text: str) -> str:
    """Text from a file, safe as HTML text or an attribute value."""
    return html.escape(visible(text))


_end = operator.attrgetter("period.end")


class _Frame:
    """Maps dates and values to the plot area."""

    def __init__(self, first: date, last: date, low: float, high: float):
        self.first, self.last = first.toordinal(), max(last.toordinal(), first.toordinal() + 1)
        self.low, self.high = low, high if high > low else low + 1

    def x(self, day: date) -> float:
        return LEFT + (RIGHT - LEFT) * (day.toordinal() - self.first) / (self.last - self.first)

    def y(self, value: float) -> float:
        return BOTTOM - (BOTTOM - TOP) * (value - self.low) / (self.high - self.low)

    def inside(self, day: date) -> bool:
        return self.first <= day.toordinal() <= self.last


def _f(number: float) -> str:
    return f"{number:.1f}"


def chart(item: IndicatorResult, plan_start: int, as_of: date, lang: str) -> str:
    """The chart of one indicator's result, or "" when it has no report. It draws the result's
    history, else the deciding report alone."""
    reports = item.history or ((item.actual,) if item.actual is not None else ())
    if not reports:
        return ""
    indicator = item.indicator
    words = _WORDS[lang]
    milestones = indicator.assessed
    first = min(date(plan_start, 1, 1), _end(reports[0]))
    if indicator.baseline is not None:
        first = min(first, indicator.baseline.period.end)
    last = max(milestones[-1].due.end, _end(reports[-1]))
    drawn = _thinned(reports, item.actual, first, last)
    label = f"{indicator.name(lang)}: {words['reports'].format(count=len(reports))}"
    if len(drawn) < len(reports):
        label += words["thinned"]
    label += f"; {words['target']} {describe.target_text(indicator, lang)}"
    if indicator.kind == "grade":
        parts = _grade(item, drawn, first, last, lang)
    elif indicator.kind == "milestone":
        parts = _deliverable(item, drawn, first, last, lang)
    else:
        parts = _numeric(item, reports, drawn, first, last, date(plan_start, 1, 1), lang)
    frame, parts = parts
    parts["as_of"] = _as_of_line(frame, as_of, words) if frame.inside(as_of) else ""
    parts["grid"] = _years(frame, first, last) + parts["grid"]
    return _SVG.substitute(label=esc(label), **parts)


def _thinned(reports: Sequence[Report], deciding: Report | None, first: date, last: date) -> list[Report]:
    """The reports to draw, in date order: all of them when there are few, else the latest of each span."""
    count = len(reports)
    if count <= SPANS:
        return list(reports)
    days = last.toordinal() - first.toordinal()
    chosen = []
    taken = 0
    step = count // SPANS
    for span in range(1, SPANS + 1):
        cut = date.fromordinal(first.toordinal() + days * span // SPANS)
        index = _ending_by(reports, cut, taken, taken + step)
        if index > taken:
            chosen.append(reports[index - 1])
            step = index - taken
            taken = index
    if taken < count:
        chosen.append(reports[-1])
    if deciding is not None and deciding not in chosen:
        chosen.append(deciding)
        chosen.sort(key=lambda report: (report.period.end, report.line))
    return chosen


def _ending_by(reports: Sequence[Report], cut: date, known: int, guess: int) -> int:
    """How many reports end on or before `cut`, given that the first `known` do and that the answer is
    probably near `guess` (the previous span's step, where reports come evenly): a few reads, as a
    history builds each report it is asked for."""
    count = len(reports)
    low, high = min(max(known, guess - 1), count), min(count, guess + 1)
    if low > known and _end(reports[low - 1]) > cut:
        return bisect.bisect_right(reports, cut, known, low - 1, key=_end)
    if high < count and _end(reports[high]) <= cut:
        return bisect.bisect_right(reports, cut, high + 1, count, key=_end)
    return bisect.bisect_right(reports, cut, low, high, key=_end)


def _years(frame: _Frame, first: date, last: date) -> str:
    """A faint line at each new year, and each year's number under its stretch of the axis."""
    parts = []
    for year in range(first.year, last.year + 1):
        start = max(date(year, 1, 1), first)
        end = min(date(year, 12, 31), last)
        left, right = frame.x(start), frame.x(end)
        if year > first.year:
            parts.append(f'<line class="yr" x1="{_f(left)}" y1="{TOP}" x2="{_f(left)}" y2="{BOTTOM}"/>')
        if right - left >= 20:
            parts.append(f'<text class="xl" x="{_f((left + right) / 2)}" y="{BOTTOM + 11}">{year}</text>')
    return "".join(parts)


def _as_of_line(frame: _Frame, as_of: date, words: dict) -> str:
    x = frame.x(as_of)
    anchor = ' text-anchor="end"' if x > RIGHT - 16 else ' text-anchor="start"' if x < LEFT + 16 else ""
    return (f'<line class="asof" x1="{_f(x)}" y1="{TOP - 4}" x2="{_f(x)}" y2="{BOTTOM}"/>'
            f'<text class="asofl" x="{_f(x)}" y="{TOP - 5}"{anchor}>{words["as_of"]} {as_of.isoformat()}</text>')


def _point(frame: _Frame, report: Report, y: float, indicator: Indicator, item: IndicatorResult, lang: str,
           extra: str = "") -> str:
    value = describe.value_text(report.value, indicator, lang)
    deciding = item.actual is not None and report == item.actual
    classes = f"pt{extra}" + (f" dec s-{item.status.value}" if deciding else "")
    radius = "3.2" if deciding else "2"
    return (f'<circle class="{classes}" cx="{_f(frame.x(_end(report)))}" cy="{_f(y)}" r="{radius}">'
            f'<title>{esc(f"{report.period.label}: {value}")}</title></circle>')


def _base(indicator: Indicator, reports: Sequence[Report]) -> float | None:
    """The baseline of a relative or increase target, as evaluation finds it: the plan's, else the
    report for the baseline period, else the latest one before it."""
    baseline = indicator.baseline
    if baseline.value is not None:
        return float(baseline.value)
    day = baseline.period.end
    index = bisect.bisect_right(reports, day, key=_end)
    same_day = reports[bisect.bisect_left(reports, day, hi=index, key=_end):index]
    exact = [report for report in same_day if report.period == baseline.period]
    if exact:
        return exact[-1].value
    return reports[index - 1].value if index else None


def _target(indicator: Indicator, milestone: Milestone, base: float | None) -> tuple[float | None, tuple | None]:
    """A milestone's target as a value to reach, and the band around it (a range's low and high ends,
    an approximate target's tolerance), or None."""
    kind = indicator.kind
    if milestone.low is not None:
        high = milestone.high if milestone.high is not None else milestone.low
        return milestone.low, (milestone.low, high)
    if kind == "relative":
        return (None, None) if base is None else (milestone.factor * base, None)
    value = milestone.value
    if kind == "increase":
        if base is None:
            return None, None
        value = base + milestone.value
    if milestone.approx:
        slack = milestone.tolerance * abs(milestone.value)
        return value, (value - slack, value + slack)
    return value, None


def _numeric(item: IndicatorResult, reports: Sequence[Report], drawn: list[Report], first: date, last: date,
             plan_start: date, lang: str):
    indicator = item.indicator
    kind = indicator.kind
    words = _WORDS[lang]
    base = _base(indicator, reports) if kind in ("relative", "increase") else None
    milestones = indicator.assessed
    targets = [_target(indicator, milestone, base) for milestone in milestones]
    start = _start(indicator, reports, base) if kind in _DATED and indicator.op != "==" else None
    values = [float(report.value) for report in drawn]
    for target, band in targets:
        if target is not None:
            values.append(target)
        if band is not None:
            values.extend(band)
    if start is not None:
        values.append(start[1])
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 if high > low else max(abs(high) * 0.1, 1.0)
    bottom, top = low - pad, high + pad
    if low >= 0 > bottom:
        bottom = 0.0
    frame = _Frame(first, last, bottom, top)
    grid = _value_grid(frame)
    bands, path, marks = [], "", []
    window = indicator.since.start if indicator.since is not None else plan_start
    if kind in ("maintain", "annual"):
        segments = []
        for milestone, (target, band) in zip(milestones, targets):
            left = max(window if kind == "maintain" else milestone.due.start, first)
            x1, x2 = _f(frame.x(left)), _f(frame.x(milestone.due.end))
            if band is not None:
                bands.append(_band(frame, left, milestone.due.end, band))
            segments.append(f"M{x1} {_f(frame.y(target))}H{x2}")
            marks.append(_target_mark(frame, indicator, milestone, target, lang))
        path = f'<path class="path" d="{"".join(segments)}"><title>{words["path"]}</title></path>'
    else:
        corners = []
        previous = start[0] if start is not None else first
        if start is not None:
            corners.append((start[0], start[1]))
        for milestone, (target, band) in zip(milestones, targets):
            if target is None:
                continue
            if band is not None:
                bands.append(_band(frame, previous, milestone.due.end, band))
            corners.append((milestone.due.end, target))
            marks.append(_target_mark(frame, indicator, milestone, target, lang))
            previous = milestone.due.end
        if start is not None and len(corners) > 1:
            points = " ".join(f"{_f(frame.x(day))},{_f(frame.y(value))}" for day, value in corners)
            path = f'<polyline class="path" points="{points}"><title>{words["path"]}</title></polyline>'
    series = []
    if len(drawn) > 1:
        points = " ".join(f"{_f(frame.x(_end(r)))},{_f(frame.y(float(r.value)))}" for r in drawn)
        series.append(f'<polyline class="line" points="{points}"/>')
    series.extend(_point(frame, r, frame.y(float(r.value)), indicator, item, lang) for r in drawn)
    labels = _final_label(frame, indicator, milestones, targets, lang)
    return frame, {"grid": grid, "bands": "".join(bands), "path": path, "series": "".join(series),
                   "targets": "".join(marks), "labels": labels}


def _start(indicator: Indicator, reports: Sequence[Report], base: float | None) -> tuple[date, float] | None:
    """Where the path to the targets starts, as the status rules draw it: the baseline, else the
    earliest report when a later one follows; None when there is no such point."""
    baseline = indicator.baseline
    if indicator.kind in ("relative", "increase"):
        return None if base is None else (baseline.period.end, base)
    if baseline is not None and isinstance(baseline.value, (int, float)) and not isinstance(baseline.value, bool):
        return baseline.period.end, float(baseline.value)
    if len(reports) > 1 and _end(reports[0]) < _end(reports[-1]):
        return _end(reports[0]), float(reports[0].value)
    return None


def _band(frame: _Frame, left: date, right: date, band: tuple[float, float]) -> str:
    x1, x2 = frame.x(left), frame.x(right)
    y1, y2 = frame.y(band[1]), frame.y(band[0])
    return (f'<rect class="band" x="{_f(x1)}" y="{_f(y1)}" width="{_f(max(x2 - x1, 2.0))}" '
            f'height="{_f(max(y2 - y1, 1.0))}"/>')


def _target_mark(frame: _Frame, indicator: Indicator, milestone: Milestone, target: float, lang: str) -> str:
    x, y = frame.x(milestone.due.end), frame.y(target)
    return (f'<path class="tg" d="M{_f(x)} {_f(y - 3.5)}l3.5 3.5l-3.5 3.5l-3.5-3.5z">'
            f'<title>{esc(describe.milestone_text(indicator, milestone, lang))}</title></path>')


def _final_label(frame: _Frame, indicator: Indicator, milestones, targets, lang: str) -> str:
    target = targets[-1][0]
    if target is None:
        return ""
    text = describe.condition_text(indicator, milestones[-1], lang)
    x, y = frame.x(milestones[-1].due.end) - 5, frame.y(target)
    y = y - 5 if y - 5 > TOP + 2 else y + 10
    return f'<text class="tl" x="{_f(x)}" y="{_f(y)}" text-anchor="end">{esc(text)}</text>'


def _value_grid(frame: _Frame) -> str:
    """Two to four round values on the y axis, with faint lines."""
    span = frame.high - frame.low
    rough = span / 3
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    parts = []
    tick = math.ceil(frame.low / step) * step
    while tick <= frame.high + step * 1e-9:
        y = frame.y(tick)
        parts.append(f'<line class="g" x1="{LEFT}" y1="{_f(y)}" x2="{RIGHT}" y2="{_f(y)}"/>'
                     f'<text class="yl" x="{LEFT - 3}" y="{_f(y + 3)}">{describe.number(round(tick, 10))}</text>')
        tick += step
    return "".join(parts)


def _grade(item: IndicatorResult, drawn: list[Report], first: date, last: date, lang: str):
    indicator = item.indicator
    scale = indicator.scale
    levels = scale.levels
    places = scale.places
    frame = _Frame(first, last, -0.5, len(levels) - 0.5)
    targets = {places[m.grade] for m in indicator.assessed}
    shown = {0, len(levels) - 1} | targets if len(levels) > 5 else set(range(len(levels)))
    grid = "".join(
        f'<line class="g" x1="{LEFT}" y1="{_f(frame.y(place))}" x2="{RIGHT}" y2="{_f(frame.y(place))}"/>'
        + (f'<text class="yl" x="{LEFT - 3}" y="{_f(frame.y(place) + 3)}">{esc(level)}</text>'
           if place in shown else "")
        for place, level in enumerate(levels))
    marks, lines = [], []
    for milestone in indicator.assessed:
        place = places[milestone.grade]
        y = _f(frame.y(place))
        lines.append(f"M{LEFT} {y}H{_f(frame.x(milestone.due.end))}")
        marks.append(_target_mark(frame, indicator, milestone, place, lang))
    path = f'<path class="path" d="{"".join(lines)}"><title>{_WORDS[lang]["path"]}</title></path>'
    on_scale = [r for r in drawn if isinstance(r.value, str) and r.value in places]
    series = []
    if on_scale:
        steps = f"M{_f(frame.x(_end(on_scale[0])))} {_f(frame.y(places[on_scale[0].value]))}"
        for report in on_scale[1:]:
            steps += f"H{_f(frame.x(_end(report)))}V{_f(frame.y(places[report.value]))}"
        series.append(f'<path class="line" d="{steps}"/>')
        series.extend(_point(frame, r, frame.y(places[r.value]), indicator, item, lang) for r in on_scale)
    return frame, {"grid": grid, "bands": "", "path": path, "series": "".join(series), "targets": "".join(marks),
                   "labels": ""}


def _deliverable(item: IndicatorResult, drawn: list[Report], first: date, last: date, lang: str):
    indicator = item.indicator
    words = _WORDS[lang]
    frame = _Frame(first, last, 0.0, 1.0)
    middle = _f(frame.y(0.55))
    grid = f'<line class="axis" x1="{LEFT}" y1="{middle}" x2="{RIGHT}" y2="{middle}"/>'
    marks = []
    for milestone in indicator.assessed:
        x = frame.x(milestone.due.end)
        anchor = "end" if x > RIGHT - 30 else "start" if x < LEFT + 30 else "middle"
        due = words["due"].format(day=milestone.due.end.isoformat())
        marks.append(f'<line class="due" x1="{_f(x)}" y1="{_f(frame.y(0.8))}" x2="{_f(x)}" y2="{_f(frame.y(0.3))}"/>'
                     f'<text class="tl" x="{_f(x)}" y="{_f(frame.y(0.3) + 9)}" text-anchor="{anchor}">{due}</text>')
    series = []
    for report in drawn:
        done = report.value is True
        series.append(_point(frame, report, frame.y(0.55), indicator, item, lang, " done" if done else " open"))
    return frame, {"grid": grid, "bands": "", "path": "", "series": "".join(series), "targets": "".join(marks),
                   "labels": ""}
