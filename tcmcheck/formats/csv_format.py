"""CSV, one row per indicator, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from tcmcheck import describe
from tcmcheck.formats import RenderOptions
from tcmcheck.result import Result

COLUMNS = ("plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line")
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
    return buffer.getvalue()
