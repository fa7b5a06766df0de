"""The cells and lines the formats a person reads (table, plain, markdown) share. Every piece of text
goes through `visible`, since names, ids and paths come from files."""

from __future__ import annotations

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
    return f"{count_label(result, lang)}: {counts_text(result.summary, lang)}{placeholders_note(result, lang)}"


def placeholders_note(result: Result, lang: str) -> str:
    """The placeholders read as not reported, for the line under a table; empty when there are none."""
    if not result.placeholders:
        return ""
    if lang == "zh":
        return f"；{result.placeholders}个占位值（如“/”“无”）按未报送处理"
    return f"; {result.placeholders} placeholder value(s) (/, -, N/A …) read as not reported"


def shown_note(options: RenderOptions, shown: int, noun: str = "rows") -> str:
    """What `--only` left in: 'shown: lag, fail (11 rows)'; empty without it."""
    if options.only is None:
        return ""
    lang = options.lang
    chosen = WORDS[lang]["comma"].join(s.label(lang) for s in STATUSES if s in options.only)
    if lang == "zh":
        return f"显示{chosen}（{shown}{'项' if noun == 'rows' else '个文件'}）"
    return f"shown: {chosen} ({shown} {noun})"


def footer(result: Result, options: RenderOptions, shown: int) -> str:
    """The line under a status table: every status counted, and what `--only` left in."""
    note = shown_note(options, shown)
    return summary_line(result, options.lang) + (WORDS[options.lang]["semicolon"] + note if note else "")


def warning_lines(result: Result, lang: str) -> str:
    """Warnings, one a line; empty when there are none. A problem's text is already made visible."""
    prefix = WORDS[lang]["warning"]
    return "".join(f"{prefix}{w}\n" for w in result.warnings)


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
            lines.extend(f"{words['error']}{line}" for line in str(outcome.error).splitlines())
    for outcome in outcomes:
        if outcome.result is not None:
            lines.extend(f"{words['warning']}{w}" for w in outcome.result.warnings)
    return "".join(line + "\n" for line in lines)
