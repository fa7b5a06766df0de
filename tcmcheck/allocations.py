"""Allocations (分解目标): regions' own targets for `city` indicators, from a file of indicator, region,
due and value (`--targets FILE`)."""

from __future__ import annotations

import dataclasses

from tcmcheck.actuals import UNKNOWN_REGION, clean_cell, parse_number, parse_table, region_named, suggestion
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
    found: dict[tuple[str, str], dict[int, tuple[object, int]]] = {}
    columns = table.columns
    if "region" not in columns:
        raise ActualsError(Problem("targets-missing-column", "region", source, table.header_line))

    def problem(code: str, variant: str, line: int, column: str, /, **params) -> None:
        problems.append(Problem(code, variant, source, line, columns[column] + 1, column, **params))

    for line, cells in table.rows():
        if table.records is not None:
            cells = list(map(as_text, cells))
        ident, region, due, raw = (clean_cell(table.cell(cells, name)) for name in ("indicator", "region", "period",
                                                                                     "value"))
        indicator = indicators.get(ident)
        if indicator is None:
            problem("targets-unknown-indicator", "unknown", line, "indicator", indicator=quoted(ident), plan=plan.id,
                    hint=suggestion(ident, list(indicators)))
            continue
        if indicator.kind == "milestone":
            problem("targets-not-allocatable", "deliverable", line, "indicator", indicator=indicator.id)
            continue
        folded = region_named(plan, region)
        if folded is None:
            problem("targets-no-region", "city", line, "region")
            continue
        if folded is UNKNOWN_REGION:
            problem("targets-unknown-region", "unknown", line, "region", region=quoted(region), plan=plan.id,
                    regions=tuple(r.zh for r in plan.regions))
            continue
        try:
            end = parse_period(due).end
        except InvalidValue as exc:
            problem("targets-bad-due", "reason", line, "period", reason=exc.reason)
            continue
        index = next((i for i, m in enumerate(indicator.milestones) if m.due.end == end), None)
        if index is None:
            problem("targets-bad-due", "no-milestone", line, "period", indicator=indicator.id, due=due,
                    dues=tuple(m.due.label for m in indicator.milestones))
            continue
        try:
            value = _value(raw, indicator)
        except InvalidValue as exc:
            problem("targets-bad-value", "value", line, "value", value=quoted(raw), indicator=indicator.id,
                    reason=exc.reason)
            continue
        known = found.setdefault((indicator.id, folded), {})
        if index in known and known[index][0] != value:
            problem("targets-duplicate", "differs", line, "value", indicator=indicator.id, region=folded, due=due,
                    value=quoted(raw), earlier=str(known[index][0]), earlier_line=known[index][1])
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
            raise InvalidValue("grade", levels=indicator.scale.levels)
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
