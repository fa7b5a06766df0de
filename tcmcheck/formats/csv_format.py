"""CSV, one row per indicator, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from tcmcheck import describe
from tcmcheck.formats import RenderOptions
from tcmcheck.result import STATUSES, Result, Summary

COLUMNS = ("plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line")
SUMMARY_COLUMNS = ("file", "plan", *(s.value for s in STATUSES), "worst", "error", "line", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (OWASP CSV injection); numbers stay as they are."""
    if cell.startswith(_FORMULA_START):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def render(result: Result, options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    _write_rows(writer, result, options)
    return buffer.getvalue()


def render_summary(summary: Summary, options: RenderOptions) -> str:
    """One row per (file, plan): the status counts, the worst status, or the error."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for outcome in summary.outcomes:
        if outcome.error is not None:
            first = outcome.error.problems[0]
            cells = (outcome.source, outcome.plan_id or "", *("" for _ in STATUSES), "error",
                     first.code, first.line or "", first.message)
        else:
            counts = outcome.result.summary
            cells = (outcome.source, outcome.plan_id, *(counts[s] for s in STATUSES),
                     outcome.worst.value if outcome.worst else "", "", "", "")
        writer.writerow([neutralise(str(cell)) for cell in cells])
    return buffer.getvalue()


def _write_rows(writer, result: Result, options: RenderOptions) -> None:
    for item in result.indicators:
        report = item.actual
        actual = "" if report is None else (
            ("yes" if report.value else "no") if isinstance(report.value, bool)
            else report.value if isinstance(report.value, str) else describe.number(report.value).replace(",", ""))
        writer.writerow([neutralise(str(cell)) for cell in (
            result.plan.id,
            item.indicator.id,
            item.indicator.name(options.lang),
            item.status.value,
            describe.target_text(item.indicator, options.lang),
            actual,
            report.period.label if report else "",
            "" if item.progress is None else f"{item.progress:.4f}",
            describe.detail_text(item, options.lang),
            report.line if report else "",
        )])
