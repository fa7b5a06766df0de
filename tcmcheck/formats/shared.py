"""The cells and lines the formats a person reads (table, plain, markdown) share. Every piece of text
goes through `visible`, since names, ids and paths come from files."""

from __future__ import annotations

from tcmcheck import describe
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, Result, Summary
from tcmcheck.text import visible

HEADERS = {
    "en": ("id", "indicator", "target", "actual", "period", "progress", "status", "detail"),
    "zh": ("编号", "指标", "目标", "实际值", "期间", "进度", "状态", "说明"),
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


def summary_line(result: Result, lang: str) -> str:
    counts = result.summary
    separator = "，" if lang == "zh" else ", "
    parts = [f"{status.label(lang)} {counts[status]}" for status in STATUSES]
    return f"{count_label(result, lang)}: " + separator.join(parts)


def warning_lines(result: Result) -> str:
    """Warnings, one a line; empty when there are none. A problem's text is already made visible."""
    return "".join(f"warning: {w}\n" for w in result.warnings)


SUMMARY_HEADERS = {
    "en": ("file", "plan", *(s.value for s in STATUSES), "worst"),
    "zh": ("文件", "规划", *(s.zh for s in STATUSES), "最差"),
}


def summary_row(outcome: Outcome, lang: str) -> tuple[str, ...]:
    """file, plan, a count per status, and the worst status, or the error in its place."""
    plan = outcome.plan_id or "—"
    if outcome.error is not None:
        first = outcome.error.problems[0]
        cells = (outcome.source, plan, *("" for _ in STATUSES), f"error: {first.code}")
    else:
        counts = outcome.result.summary
        worst = outcome.worst.label(lang) if outcome.worst else "—"
        cells = (outcome.source, plan, *(str(counts[s]) for s in STATUSES), worst)
    return tuple(visible(cell) for cell in cells)


def summary_total_row(summary: Summary, lang: str) -> tuple[str, ...]:
    totals = summary.totals
    label = "合计" if lang == "zh" else "total"
    errors = f"{summary.error_count} error(s)" if summary.error_count else ""
    return (label, f"{len(summary.outcomes)}", *(str(totals[s]) for s in STATUSES), errors)


def summary_title(summary: Summary, lang: str) -> str:
    if lang == "zh":
        return f"报送汇总（截至{summary.as_of.isoformat()}）"
    return f"Submissions as of {summary.as_of.isoformat()}"


def problem_lines(summary: Summary) -> str:
    """Each unusable file's problems, then every file's warnings, one a line."""
    lines = []
    for outcome in summary.outcomes:
        if outcome.error is not None:
            lines.extend(f"error: {line}" for line in str(outcome.error).splitlines())
    for outcome in summary.outcomes:
        if outcome.result is not None:
            lines.extend(f"warning: {w}" for w in outcome.result.warnings)
    return "".join(line + "\n" for line in lines)
