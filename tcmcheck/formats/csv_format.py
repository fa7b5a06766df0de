"""CSV, one row per indicator (or per file, for a summary), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from tcmcheck import describe
from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import STATUSES, IndicatorResult, Result, Status, Summary
from tcmcheck.text import visible

COLUMNS = ("plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line", "late")
SUMMARY_COLUMNS = ("file", "plan", *(s.value for s in STATUSES), "worst", "error", "line", "message", "fail_ids",
                   "lag_ids", "regions", "region_ranking")
"""A summary's columns: blank regions and region_ranking for a file without region rows."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (OWASP CSV injection): a cell, or any line
    of it, that starts like a formula gets a leading `'`; numbers stay as they are."""
    if "\n" in cell or "\r" in cell:
        return "\n".join(neutralise(line) for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if cell.startswith(_FORMULA_START):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def _cell(value) -> str:
    return neutralise(visible(str(value)))


def _writer(buffer: io.StringIO):
    # QUOTE_MINIMAL quotes a cell holding a character of the line terminator; with "\r\n" that is any
    # cell holding CR or LF, so no cell can start a new row.
    return csv.writer(buffer, lineterminator="\r\n")


def _row(result: Result, item: IndicatorResult, lang: str) -> tuple:
    """The cells of COLUMNS for an indicator (or a region's view of one)."""
    report = item.actual
    actual = "" if report is None else (
        ("yes" if report.value else "no") if isinstance(report.value, bool)
        else report.value if isinstance(report.value, str) else describe.number(report.value).replace(",", ""))
    return (
        result.plan.id,
        item.indicator.id,
        item.indicator.name(lang),
        item.status.value,
        describe.target_text(item.indicator, lang),
        actual,
        report.period.label if report else "",
        "" if item.progress is None else f"{item.progress:.4f}",
        describe.detail_text(item, lang),
        report.line if report and report.line is not None else "",
        "true" if item.late else "",
    )


class CsvFormatter(Formatter):
    """Indicator rows, then one row per warning with status `warning`, the code as id and the message
    as detail. Line ends are CRLF (RFC 4180)."""

    def status(self, result: Result) -> str:
        """With region data, a `region` column at the end: empty on the city's rows, and a row per
        (indicator, region) with a status after them."""
        buffer = io.StringIO()
        writer = _writer(buffer)
        regional = shared.has_region_views(result)
        writer.writerow(COLUMNS + ("region",) if regional else COLUMNS)
        lang = self.options.lang
        city = ("",) if regional else ()
        for item in self.rows(result.indicators):
            writer.writerow([_cell(cell) for cell in (*_row(result, item, lang), *city)])
        for row in shared.region_rows(result, self.options) if regional else ():
            writer.writerow([_cell(cell) for cell in (*_row(result, row.item, lang), row.region)])
        for warning in result.warnings:
            writer.writerow([_cell(cell) for cell in (
                result.plan.id, warning.code, "", "warning", "", "", "", "", warning.text(lang),
                warning.line or "", "", *city)])
        return buffer.getvalue()

    def summary(self, summary: Summary) -> str:
        """One row per (file, plan): the status counts, the worst status and the ids of the fail and lag
        indicators, space-separated, and with region rows the number of regions and their ranking
        ('1 鹤山市, 2 蓬江区, …'); or the error. Then one row per warning, with `warning` as the worst status."""
        buffer = io.StringIO()
        writer = _writer(buffer)
        writer.writerow(SUMMARY_COLUMNS)
        blank = tuple("" for _ in STATUSES)
        warnings = []
        for outcome in self.files(summary):
            if outcome.error is not None:
                first = outcome.error.problems[0]
                cells = (outcome.source, outcome.plan_id or "", *blank, "error", first.code, first.line or "",
                         first.text(self.options.lang), "", "", "", "")
            else:
                result = outcome.result
                counts = result.summary
                cells = (outcome.source, outcome.plan_id, *(counts[s] for s in STATUSES),
                         outcome.worst.value if outcome.worst else "", "", "", "",
                         *(" ".join(i.indicator.id for i in result.indicators if i.status is status)
                           for status in (Status.FAIL, Status.LAG)),
                         shared.summary_regions_cell(outcome), shared.ranked_regions(result, self.options.lang))
                warnings.extend((outcome, w) for w in result.warnings)
            writer.writerow([_cell(cell) for cell in cells])
        for outcome, warning in warnings:
            writer.writerow([_cell(cell) for cell in (
                warning.file or outcome.source, outcome.plan_id, *blank, "warning", warning.code,
                warning.line or "", warning.text(self.options.lang), "", "", "", "")])
        return buffer.getvalue()
