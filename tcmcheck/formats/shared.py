"""The cells and lines the formats a person reads (table, plain, markdown) share, and the region rows every
format shows. Every piece of text goes through `visible`, since names, ids and paths come from files."""

from __future__ import annotations

from typing import NamedTuple

from tcmcheck import describe
from tcmcheck.formats.interface import RenderOptions, worst_first
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, Result, Status, Summary
from tcmcheck.text import visible

HEADERS = {
    "en": ("id", "indicator", "target", "actual", "period", "progress", "status", "detail"),
    "zh": ("编号", "指标", "目标", "实际值", "期间", "进度", "状态", "说明"),
}
WORDS = {
    "en": {"warning": "warning: ", "error": "error: ", "total": "total", "comma": ", ", "colon": ": ",
           "semicolon": "; ", "findings": "Failing and lagging indicators", "listed": "Indicators by status"},
    "zh": {"warning": "警告：", "error": "错误：", "total": "合计", "comma": "、", "colon": "：",
           "semicolon": "；", "findings": "未达标和滞后的指标", "listed": "按状态列出的指标"},
}


def row(item: IndicatorResult, lang: str) -> tuple[str, ...]:
    """The cells every tabular format shows for one indicator."""
    return tuple(visible(cell) for cell in (
        item.indicator.id,
        item.indicator.name(lang),
        describe.target_text(item.indicator, lang),
        describe.actual_text(item, lang),
        describe.period_text(item.actual),
        describe.progress_text(item.progress),
        item.status.label(lang),
        describe.detail_text(item, lang),
    ))


def title(result: Result, lang: str) -> str:
    plan = result.plan
    if lang == "zh":
        text = f"{plan.city_zh} {plan.title}（截至{result.as_of.isoformat()}）"
    else:
        text = f"{plan.city_en} ({plan.city_zh}) {plan.title}, as of {result.as_of.isoformat()}"
    return visible(text)


def count_label(result: Result, lang: str) -> str:
    return f"共{len(result.indicators)}项" if lang == "zh" else f"{len(result.indicators)} indicators"


def counts_text(counts: dict[Status, int], lang: str) -> str:
    """'pass 40, on-track 26, …' or '达标 40，序时推进 26，…'."""
    separator = "，" if lang == "zh" else ", "
    return separator.join(f"{status.label(lang)} {counts[status]}" for status in STATUSES)


def summary_line(result: Result, lang: str) -> str:
    colon = WORDS[lang]["colon"]
    return f"{count_label(result, lang)}{colon}{counts_text(result.summary, lang)}{placeholders_note(result, lang)}"


def placeholders_note(result: Result, lang: str) -> str:
    """The placeholders read as not reported, for the line under a table; empty when there are none."""
    if not result.placeholders:
        return ""
    if lang == "zh":
        return f"；{result.placeholders}个占位值（如“/”“无”）按未报送处理"
    return f"; {result.placeholders} placeholder value(s) (/, -, N/A …) read as not reported"


def shown_note(options: RenderOptions, shown: int, noun: str = "rows") -> str:
    """What `--only` left in: 'shown: lag, fail (11 rows)', '(1 row)'; empty without it."""
    if options.only is None:
        return ""
    lang = options.lang
    chosen = WORDS[lang]["comma"].join(s.label(lang) for s in STATUSES if s in options.only)
    if lang == "zh":
        return f"显示{chosen}（{shown}{'项' if noun == 'rows' else '个文件'}）"
    return f"shown: {chosen} ({shown} {noun if shown != 1 else noun.removesuffix('s')})"


def footer(result: Result, options: RenderOptions, shown: int) -> str:
    """The line under a status table: every status counted, and what `--only` left in."""
    note = shown_note(options, shown)
    return summary_line(result, options.lang) + (WORDS[options.lang]["semicolon"] + note if note else "")


def warning_lines(result: Result, lang: str) -> str:
    """Warnings, one a line; empty when there are none. A problem's text is already made visible."""
    prefix = WORDS[lang]["warning"]
    return "".join(f"{prefix}{w.located(lang)}\n" for w in result.warnings)


SUMMARY_HEADERS = {
    "en": ("file", "plan", *(s.value for s in STATUSES), "worst"),
    "zh": ("文件", "规划", *(s.zh for s in STATUSES), "最差"),
}


def summary_row(outcome: Outcome, lang: str) -> tuple[str, ...]:
    """file, plan, a count per status, and the worst status, or the error in its place."""
    plan = outcome.plan_id or "—"
    if outcome.error is not None:
        first = outcome.error.problems[0]
        cells = (outcome.source, plan, *("" for _ in STATUSES), f"{WORDS[lang]['error']}{first.code}")
    else:
        counts = outcome.result.summary
        worst = outcome.worst.label(lang) if outcome.worst else "—"
        cells = (outcome.source, plan, *(str(counts[s]) for s in STATUSES), worst)
    return tuple(visible(cell) for cell in cells)


def summary_total_row(summary: Summary, lang: str) -> tuple[str, ...]:
    totals = summary.totals
    errors = summary.error_count
    if not errors:
        text = ""
    elif lang == "zh":
        text = f"{errors}个文件出错"
    else:
        text = f"{errors} error(s)"
    return (WORDS[lang]["total"], f"{len(summary.outcomes)}", *(str(totals[s]) for s in STATUSES), text)


def summary_title(summary: Summary, lang: str) -> str:
    if lang == "zh":
        return f"报送汇总（截至{summary.as_of.isoformat()}）"
    return f"Submissions as of {summary.as_of.isoformat()}"


def finding_statuses(options: RenderOptions) -> tuple[Status, ...]:
    """The statuses whose indicators a summary lists by id under its table: fail and lag, or the
    statuses `--only` names, worst first."""
    chosen = options.only if options.only is not None else (Status.FAIL, Status.LAG)
    return tuple(sorted(chosen, key=worst_first))


def findings_heading(options: RenderOptions) -> str:
    return WORDS[options.lang]["findings" if options.only is None else "listed"]


def findings(outcomes: tuple[Outcome, ...], options: RenderOptions) -> list[tuple[str, list[tuple[Status, str]]]]:
    """For each file with an indicator of a listed status: the file's name and, per status, its ids
    ('examples/x.csv', [(fail, 'a, b'), (lag, 'c')]). A file checked against several plans is
    named with the plan."""
    lang = options.lang
    comma = WORDS[lang]["comma"]
    statuses = finding_statuses(options)
    named = {}
    for outcome in outcomes:
        named[outcome.source] = named.get(outcome.source, 0) + 1
    found = []
    for outcome in outcomes:
        if outcome.result is None:
            continue
        parts = []
        for status in statuses:
            ids = [item.indicator.id for item in outcome.result.indicators if item.status is status]
            if ids:
                parts.append((status, visible(comma.join(ids))))
        if parts:
            name = outcome.source if named[outcome.source] == 1 else f"{outcome.source} ({outcome.plan_id})"
            found.append((visible(name), parts))
    return found


def finding_lines(outcomes: tuple[Outcome, ...], options: RenderOptions) -> list[str]:
    """'examples/x.csv: fail: a, b; lag: c', one a file."""
    words = WORDS[options.lang]
    return [name + words["colon"] + words["semicolon"].join(f"{status.label(options.lang)}{words['colon']}{ids}"
                                                             for status, ids in parts)
            for name, parts in findings(outcomes, options)]


def problem_lines(outcomes: tuple[Outcome, ...], lang: str) -> str:
    """Each unusable file's problems, then every file's warnings, one a line."""
    words = WORDS[lang]
    lines = []
    for outcome in outcomes:
        if outcome.error is not None:
            lines.extend(f"{words['error']}{line}" for line in outcome.error.text(lang).splitlines())
    for outcome in outcomes:
        if outcome.result is not None:
            lines.extend(f"{words['warning']}{w.located(lang)}" for w in outcome.result.warnings)
    return "".join(line + "\n" for line in lines)


# Regions (区县): each region's rows, the matrix of regions by indicator, and the ranking.

GLYPHS = {
    Status.PASS: "✔P",
    Status.ON_TRACK: "▸T",
    Status.LAG: "▴L",
    Status.FAIL: "✖F",
    Status.NO_DATA: "◦N",
}
"""A region's status in the matrix: a mark and a letter. No mark is of East Asian ambiguous width, which
CJK terminals draw two cells wide, so every cell is two cells wide in any terminal."""
NO_TARGET = "-"
"""A matrix cell where the region has no target of its own."""
REGION_WORDS = {
    "en": {"matrix": "Regions: status by indicator", "no_target": "no target", "ranking": "Regions ranked",
           "rule": "1 = best: fewest fail, fewest lag, largest share of pass",
           "rows": "Regions: each indicator", "region": "region", "rank": "rank", "regions": "regions"},
    "zh": {"matrix": "各区县指标状态", "no_target": "无目标", "ranking": "区县排名",
           "rule": "1为最好：未达标最少，其次滞后最少，再次达标占比最高",
           "rows": "各区县指标明细", "region": "区县", "rank": "排名", "regions": "区县数"},
}
RANKING_HEADERS = {lang: (words["region"], *(s.label(lang) for s in STATUSES), words["rank"])
                   for lang, words in REGION_WORDS.items()}
REGION_HEADERS = {lang: (headers[0], REGION_WORDS[lang]["region"], *headers[2:]) for lang, headers in HEADERS.items()}


class RegionRow(NamedTuple):
    """One region's view of one indicator where the region has a status: `item` holds the indicator as the
    region is judged on it (the plan's target, or the region's allocation), its figures and status."""

    region: str
    item: IndicatorResult


def region_rows(result: Result, options: RenderOptions) -> tuple[RegionRow, ...]:
    """Each (indicator, region) where the region has a status, indicator by indicator in the plan's order and
    each indicator's regions in the plan's order; with `only`, those of a chosen status; with sort "status",
    the worst first."""
    rows = tuple(RegionRow(view.region, IndicatorResult(view.indicator, view.status, view.detail, view.actual,
                                                        view.progress, view.late))
                 for item in result.indicators for view in item.regions if view.status is not None)
    if options.only is not None:
        rows = tuple(row for row in rows if row.item.status in options.only)
    if options.sort == "status":
        rows = tuple(sorted(rows, key=lambda row: worst_first(row.item.status)))
    return rows


def region_row(entry: RegionRow, lang: str) -> tuple[str, ...]:
    """The cells of REGION_HEADERS: the indicator's row with the region in place of its name."""
    cells = row(entry.item, lang)
    return (cells[0], visible(entry.region), *cells[2:])


def has_region_views(result: Result) -> bool:
    """Whether the result holds each region's view of its indicators (one narrowed to a region with
    `--region` holds only that region's statuses, as its indicators)."""
    return any(item.regions for item in result.indicators)


def region_names(result: Result) -> tuple[str, ...]:
    """The regions of a result, the plan's listed ones first in the plan's order, then the others by name."""
    seen = {summary.region for summary in result.regions}
    listed = [region.zh for region in result.plan.regions if region.zh in seen]
    return (*listed, *sorted(seen.difference(listed)))


def region_label(result: Result, region: str) -> str:
    """A region's shortest name, for a matrix column: 台山 for 台山市."""
    names = next((r.names for r in result.plan.regions if r.zh == region), (region,))
    return visible(min(names, key=len))


class Matrix(NamedTuple):
    """Regions as columns (`labels`: their short names), indicators as rows: each row an indicator id and, per
    region, its cell text (a glyph, NO_TARGET, or blank where `only` leaves the status out) and status.
    `names`: the regions' full names; `items`: each row's indicator result."""

    labels: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[str, Status | None], ...]], ...]
    names: tuple[str, ...] = ()
    items: tuple[IndicatorResult, ...] = ()


def region_matrix(result: Result, options: RenderOptions) -> Matrix:
    """The indicators on which some region has a status (with `only`, a chosen status), in the plan's order
    or, with sort "status", by the worst status shown in the row."""
    names = region_names(result)
    only = options.only
    rows = []
    for item in result.indicators:
        statuses = {view.region: view.status for view in item.regions}
        shown = [status for status in statuses.values() if status is not None and (only is None or status in only)]
        if not shown:
            continue
        cells = []
        for name in names:
            status = statuses.get(name)
            if status is None:
                cells.append((NO_TARGET, None))
            elif only is not None and status not in only:
                cells.append(("", None))
            else:
                cells.append((GLYPHS[status], status))
        rows.append((min(map(worst_first, shown)), visible(item.indicator.id), tuple(cells), item))
    if options.sort == "status":
        rows.sort(key=lambda entry: entry[0])
    return Matrix(tuple(region_label(result, name) for name in names), tuple(entry[1:3] for entry in rows), names,
                  tuple(entry[3] for entry in rows))


def legend(lang: str) -> str:
    """What the matrix's cells mean: '✔P pass  ▸T on-track  …  - no target'."""
    return "  ".join([*(f"{GLYPHS[s]} {s.label(lang)}" for s in STATUSES),
                      f"{NO_TARGET} {REGION_WORDS[lang]['no_target']}"])


def fold(widths: list[int], room: int, gap: int = 2) -> list[range]:
    """The columns of `widths` in as few blocks as fit `room` cells each (a gap before every column), as
    even as possible; one column a block when even one doesn't fit."""
    most = 0
    used = 0
    for width in sorted(widths, reverse=True):
        used += width + gap
        if used > room:
            break
        most += 1
    most = max(most, 1)
    blocks = -(-len(widths) // most)
    size = -(-len(widths) // blocks) if blocks else 0
    return [range(start, min(start + size, len(widths))) for start in range(0, len(widths), size or 1)]


def ranking_rows(result: Result) -> list[tuple[str, ...]]:
    """The cells of RANKING_HEADERS, one row a region in rank order."""
    return [(visible(summary.region), *(str(summary.counts[s]) for s in STATUSES), str(summary.rank))
            for summary in result.regions]


def ranking_heading(lang: str) -> str:
    words = REGION_WORDS[lang]
    return f"{words['ranking']}（{words['rule']}）" if lang == "zh" else f"{words['ranking']} ({words['rule']})"


def has_regions(outcomes: tuple[Outcome, ...]) -> bool:
    """Whether a file of a summary has region data."""
    return any(outcome.result is not None and outcome.result.regions for outcome in outcomes)


def summary_regions_cell(outcome: Outcome) -> str:
    """A summary row's count of regions; blank for a file without region data or that could not be checked."""
    return str(len(outcome.result.regions)) if outcome.result is not None and outcome.result.regions else ""


def region_rank_lines(outcomes: tuple[Outcome, ...], lang: str) -> list[str]:
    """For each file with region data, its regions in rank order: 'examples/x.csv: 1 鹤山市, 2 蓬江区, …'."""
    words = WORDS[lang]
    named: dict[str, int] = {}
    for outcome in outcomes:
        named[outcome.source] = named.get(outcome.source, 0) + 1
    lines = []
    for outcome in outcomes:
        if outcome.result is None or not outcome.result.regions:
            continue
        name = outcome.source if named[outcome.source] == 1 else f"{outcome.source} ({outcome.plan_id})"
        lines.append(visible(name + words["colon"] + ranked_regions(outcome.result, lang)))
    return lines


def ranked_regions(result: Result, lang: str) -> str:
    """A result's regions in rank order with their ranks: '1 鹤山市, 2 蓬江区, …' (not yet made visible)."""
    return WORDS[lang]["comma"].join(f"{s.rank} {s.region}" for s in result.regions)


ON_SCHEDULE = (Status.PASS, Status.ON_TRACK)
"""At or ahead of schedule (达到序时进度): met already, or not yet due and on its path."""


def on_schedule(counts: dict[Status, int]) -> int:
    """How many indicators are at or ahead of schedule (the supervision line's N)."""
    return sum(counts[status] for status in ON_SCHEDULE)
