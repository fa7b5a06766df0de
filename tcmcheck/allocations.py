"""Allocations (分解目标): regions' own targets for `city` indicators, from a file of indicator, region,
due and value (`--targets FILE`)."""

from __future__ import annotations

import dataclasses
import difflib

from tcmcheck.actuals import CITY_WIDE, clean_cell, parse_number, parse_table, region_names
from tcmcheck.cells import as_text
from tcmcheck.errors import ActualsError, InvalidValue, Problem
from tcmcheck.model import Indicator, Milestone, Plan
from tcmcheck.periods import parse_period
from tcmcheck.text import quoted

MAX_PROBLEMS = 20


def read_allocations(data: bytes, source: str, plan: Plan, encoding: str | None = None,
                     delimiter: str | None = None, sheet: str | None = None) -> dict[str, dict[str, Indicator]]:
    """indicator id -> region -> the indicator with that region's targets in place of the plan's, for the
    milestones the file names. Every row is checked; the problems found are raised together."""
    table = parse_table(data, source, encoding, delimiter, sheet)
    problems: list[Problem] = []
    indicators = {indicator.id: indicator for indicator in plan.indicators}
    names = region_names(plan)
    found: dict[tuple[str, str], dict[int, tuple[object, int]]] = {}
    columns = table.columns
    if "region" not in columns:
        raise ActualsError(Problem("targets-missing-column", "no region column; an allocation file has the columns "
                                   "indicator, region, due and value", source, table.header_line))

    def problem(code: str, message: str, line: int, column: str) -> None:
        problems.append(Problem(code, message, source, line, columns[column] + 1, column))

    for line, cells in table.rows():
        if table.records is not None:
            cells = list(map(as_text, cells))
        ident, region, due, raw = (clean_cell(table.cell(cells, name)) for name in ("indicator", "region", "period",
                                                                                     "value"))
        indicator = indicators.get(ident)
        if indicator is None:
            close = difflib.get_close_matches(ident, list(indicators), n=3, cutoff=0.6)
            problem("targets-unknown-indicator", f"no indicator {quoted(ident)} in plan {plan.id}"
                    + (f"; did you mean {', '.join(close)}?" if close else ""), line, "indicator")
            continue
        if indicator.kind == "milestone":
            problem("targets-not-allocatable", f"{indicator.id} is a deliverable; it has no figure to allocate",
                    line, "indicator")
            continue
        folded = region.replace(" ", "")
        if not folded or folded in CITY_WIDE or plan.is_named(folded):
            problem("targets-no-region", "an allocation names a region, not the city", line, "region")
            continue
        if plan.regions:
            if folded not in names:
                problem("targets-unknown-region", f"no region {quoted(region)} in plan {plan.id} (its regions: "
                        f"{', '.join(r.zh for r in plan.regions)})", line, "region")
                continue
            folded = names[folded]
        try:
            end = parse_period(due).end
        except InvalidValue as exc:
            problem("targets-bad-due", str(exc), line, "period")
            continue
        index = next((i for i, m in enumerate(indicator.milestones) if m.due.end == end), None)
        if index is None:
            dues = ", ".join(m.due.label for m in indicator.milestones)
            problem("targets-bad-due", f"{indicator.id} has no milestone due {due}; its milestones are due {dues}",
                    line, "period")
            continue
        try:
            value = _value(raw, indicator)
        except InvalidValue as exc:
            problem("targets-bad-value", f"{quoted(raw)} for {indicator.id}: {exc}", line, "value")
            continue
        known = found.setdefault((indicator.id, folded), {})
        if index in known and known[index][0] != value:
            problem("targets-duplicate", f"{indicator.id} for {folded} due {due} is {quoted(raw)} here but "
                    f"{known[index][0]} on line {known[index][1]}", line, "value")
            continue
        known[index] = (value, line)
    if problems:
        raise ActualsError(*problems[:MAX_PROBLEMS], omitted=max(0, len(problems) - MAX_PROBLEMS))
    allocations: dict[str, dict[str, Indicator]] = {}
    for (indicator_id, region), values in found.items():
        indicator = indicators[indicator_id]
        milestones = tuple(_allocated(indicator, indicator.milestones[index], value)
                           for index, (value, _) in sorted(values.items()))
        allocations.setdefault(indicator_id, {})[region] = dataclasses.replace(
            indicator, milestones=milestones, first_year=None if indicator.kind != "annual" else indicator.first_year)
    return allocations


def _value(raw: str, indicator: Indicator):
    if indicator.kind == "grade":
        level = indicator.scale.canonical(raw)
        if level is None:
            raise InvalidValue(f"expected a grade on the scale {', '.join(indicator.scale.levels)}")
        return level
    return parse_number(raw, allow_percent=indicator.unit == "percent")


def _allocated(indicator: Indicator, milestone: Milestone, value) -> Milestone:
    """The plan's milestone with the region's target in place of the city's."""
    if indicator.kind == "grade":
        return dataclasses.replace(milestone, grade=value)
    if indicator.kind == "relative":
        return dataclasses.replace(milestone, factor=value)
    if milestone.low is not None:
        return dataclasses.replace(milestone, low=value, high=max(value, milestone.high or value))
    return dataclasses.replace(milestone, value=value)
