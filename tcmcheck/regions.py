"""Counties (区县): each region's status, the city's status from its regions, and the ranking
(the contract's "Regions" section)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from tcmcheck.actuals import END, INDICATOR_ID, LINE, PERIOD, SOURCE, VALUE, Entry
from tcmcheck.errors import Problem
from tcmcheck.model import Indicator
from tcmcheck.result import (SEVERITY, STATUSES, IndicatorResult, Message, RegionResult, RegionSummary, Report,
                             Result, Status)

MISMATCH = 0.005
"""A city figure and the sum of its regions' figures may differ by this share before it is warned about."""

Judge = Callable[[Indicator, list[Entry]], IndicatorResult]


def _report(entry: Entry) -> Report:
    return Report(entry[INDICATOR_ID], entry[PERIOD], entry[VALUE], entry[LINE], *entry[SOURCE:])


def region_results(indicator: Indicator, regional: dict[str, list[Entry]], expected: tuple[str, ...],
                   allocated: dict[str, Indicator], judge: Judge) -> tuple[RegionResult, ...]:
    """Each region's view of one indicator, in the order of `expected` then of the regions seen: a status
    against the plan's target (scope `each`) or its allocation, else its latest value with no status."""
    results = []
    for region in _ordered(expected, regional):
        entries = regional.get(region, [])
        target = indicator if indicator.scope == "each" else allocated.get(region)
        if target is None:
            latest = _report(entries[-1]) if entries else None
            results.append(RegionResult(region, None, None, latest))
            continue
        item = judge(target, entries)
        results.append(RegionResult(region, item.status, item.detail, item.actual, item.progress, item.late, target))
    return tuple(results)


def _ordered(expected: tuple[str, ...], regional: dict[str, list[Entry]]) -> list[str]:
    return [*expected, *sorted(region for region in regional if region not in expected)]


def city_from_regions(indicator: Indicator, regional: dict[str, list[Entry]], results: tuple[RegionResult, ...],
                      expected: tuple[str, ...], judge: Judge) -> IndicatorResult:
    """The city's result when the submission has no city row for the indicator: the worst region for
    `each`, the regions' sum for a `sum` indicator when every region reported, else no data, saying why."""
    if indicator.scope == "each":
        missing = tuple(r.region for r in results if r.region in expected and r.status in (None, Status.NO_DATA))
        if missing:
            return IndicatorResult(indicator, Status.NO_DATA, Message.of("regions_missing", regions=missing))
        judged = [r for r in results if r.status is not None]
        worst = max(judged, key=lambda r: (SEVERITY.index(r.status), -(r.progress or 0.0)))
        return IndicatorResult(indicator, worst.status, Message.of("worst_region", region=worst.region,
                                                                     detail=worst.detail),
                               worst.actual, worst.progress, worst.late)
    if not indicator.sums:
        return IndicatorResult(indicator, Status.NO_DATA, Message.of("city_figure_needed"))
    sums, gaps = summed(indicator.id, regional, expected)
    if not sums:
        latest = max(gaps, key=lambda gap: gap[0].end) if gaps else None
        regions = latest[1] if latest else expected
        return IndicatorResult(indicator, Status.NO_DATA, Message.of("regions_missing", regions=regions))
    item = judge(indicator, sums)
    later_gaps = [gap for gap in gaps if gap[0].end > sums[-1][END]]
    if later_gaps:
        period, regions = later_gaps[-1]
        item = item._replace(detail=Message.of("sum_incomplete", detail=item.detail, period=period.label,
                                               regions=regions))
    return item


def summed(indicator_id: str, regional: dict[str, list[Entry]],
           expected: tuple[str, ...]) -> tuple[list[Entry], list[tuple]]:
    """Per period, the sum of the regions' values where every expected region reported for it (as
    entries with no line), and for the other periods the regions missing, in period order."""
    by_period: dict[str, dict[str, Entry]] = {}
    for region, entries in regional.items():
        for entry in entries:
            by_period.setdefault(entry[PERIOD].label, {})[region] = entry
    sums, gaps = [], []
    for reports in sorted(by_period.values(), key=lambda reports: next(iter(reports.values()))[END]):
        first = next(iter(reports.values()))
        missing = tuple(region for region in expected if region not in reports)
        if missing:
            gaps.append((first[PERIOD], missing))
            continue
        total = sum(entry[VALUE] for entry in reports.values())
        sums.append((indicator_id, first[END], None, first[PERIOD], float(total)))
    return sums, gaps


def mismatches(indicator: Indicator, city: list[Entry], regional: dict[str, list[Entry]],
               expected: tuple[str, ...], source: str) -> list[Problem]:
    """`csv-region-sum-mismatch` for each period where the city's own figure and its regions' sum differ
    by more than MISMATCH."""
    if not indicator.sums or not city:
        return []
    sums = {entry[PERIOD].label: entry[VALUE] for entry in summed(indicator.id, regional, expected)[0]}
    found = []
    for entry in city:
        total = sums.get(entry[PERIOD].label)
        value = entry[VALUE]
        if total is None or abs(value - total) <= MISMATCH * max(abs(value), abs(total)):
            continue
        found.append(Problem("csv-region-sum-mismatch", "mismatch", source, entry[LINE], indicator=indicator.id,
                             period=entry[PERIOD].label, city=plain_number(value), total=plain_number(total)))
    return found


def plain_number(value: float) -> str:
    """A figure in a message: 120 rather than 120.0, 0.25 as it is."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def ranking(items: Iterable[IndicatorResult]) -> tuple[RegionSummary, ...]:
    """Every region's counts, ranked 1 = best: fewest fail, then fewest lag, then the largest share of
    pass, then name. Ties in all three share a rank."""
    counts: dict[str, dict[Status, int]] = {}
    untargeted: dict[str, int] = {}
    for item in items:
        for region in item.regions:
            tally = counts.setdefault(region.region, {status: 0 for status in STATUSES})
            untargeted.setdefault(region.region, 0)
            if region.status is None:
                untargeted[region.region] += 1
            else:
                tally[region.status] += 1

    def key(region: str) -> tuple:
        tally = counts[region]
        judged = sum(tally.values())
        share = tally[Status.PASS] / judged if judged else 0.0
        return tally[Status.FAIL], tally[Status.LAG], -share

    ordered = sorted(counts, key=lambda region: (key(region), region))
    summaries = []
    for position, region in enumerate(ordered, 1):
        rank = summaries[-1].rank if summaries and key(summaries[-1].region) == key(region) else position
        summaries.append(RegionSummary(region, counts[region], rank, untargeted[region]))
    return tuple(summaries)


def narrowed(result: Result, region: str) -> Result:
    """The result as one region sees it: each indicator on which the region has a status of its own,
    judged on the region's figures (`status --region`)."""
    items = tuple(IndicatorResult(view.indicator, view.status, view.detail, view.actual, view.progress, view.late)
                  for item in result.indicators for view in item.regions
                  if view.region == region and view.status is not None)
    summaries = tuple(summary for summary in result.regions if summary.region == region)
    return dataclasses.replace(result, source=f"{result.source} ({region})", indicators=items, regions=summaries)
