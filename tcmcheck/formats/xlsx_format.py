"""The report as an Excel workbook, for people who read it in Excel or WPS: for `status` the results, with
regions a matrix of their statuses, one of their figures and their ranking, then the warnings and an overview;
for `summary` a row per file, a row per (file, indicator), the problems and an overview. Status cells carry
the status colour and its text, numbers are numbers shown in the plan's units, and text from files is always
written as text, never as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from itertools import chain

import xlsxwriter

from tcmcheck import __version__, describe
from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.model import Indicator
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, RegionResult, Result, Status, Summary
from tcmcheck.template_xlsx import column_width, row_height
from tcmcheck.text import visible, xml_safe

STATUS_COLOURS = {
    Status.PASS: ("#C6EFCE", "#006100"),
    Status.ON_TRACK: ("#CCF0F5", "#005B66"),
    Status.LAG: ("#FFEB9C", "#9C5700"),
    Status.FAIL: ("#FFC7CE", "#9C0006"),
    Status.NO_DATA: ("#EDEDED", "#595959"),
}
"""(fill, font) of each status: green, cyan, yellow, red and grey, as the terminal shows them."""
ERROR_COLOURS = ("#9C0006", "#FFFFFF")
CELL_LIMIT = 32767
"""The most characters an Excel cell holds."""
SUFFIX_LIMIT = 60
"""The most characters of a unit shown in a number format (Excel allows 255 for the whole format)."""
ROW_LIMIT = 1048576
"""The most rows an Excel sheet holds; longer lists go on to another sheet."""
WIDTH_LIMITS = {"name": 36, "target": 32, "detail": 48, "report": 48, "responsible": 32, "message": 64,
                "file": 48, "region": 16, "region_ranking": 64}
"""The widest a column of text grows, in Excel's units (about one Latin digit); longer text wraps."""

_WORDS = {
    "en": {
        "results": "Results", "warnings": "Warnings", "overview": "Overview", "files": "Files",
        "indicators": "Indicators", "problems": "Errors and warnings",
        "plan": "plan", "id": "id", "name": "name", "status": "status", "target": "target", "actual": "actual",
        "period": "period", "progress": "progress", "detail": "detail", "line": "line", "late": "late",
        "report": "report", "responsible": "responsible", "code": "code", "file": "file", "message": "message",
        "kind": "kind", "worst": "worst", "error": "error", "fail_ids": "fail", "lag_ids": "lag",
        "on_schedule_share": "on schedule", "yes": "yes", "document": "Document", "submission": "Submission",
        "as_of": "As of", "count": "indicators", "share": "share", "total": "total", "files_checked": "Files",
        "files_failed": "Files that could not be checked", "warning": "warning",
        "on_schedule": "On schedule (pass + on-track)",
        "matrix": "Regions matrix", "figures": "Region figures", "ranking": "Ranking", "region": "region",
        "rank": "rank", "untargeted": "without target", "regions": "regions", "region_ranking": "regions ranked",
    },
    "zh": {
        "results": "结果", "warnings": "警告", "overview": "概览", "files": "文件", "indicators": "指标",
        "problems": "错误和警告",
        "plan": "规划", "id": "编号", "name": "指标", "status": "状态", "target": "目标", "actual": "实际值",
        "period": "期间", "progress": "进度", "detail": "说明", "line": "行号", "late": "逾期",
        "report": "填报口径", "responsible": "责任单位", "code": "代码", "file": "文件", "message": "信息",
        "kind": "类别", "worst": "最差", "error": "错误", "fail_ids": "未达标指标", "lag_ids": "滞后指标",
        "on_schedule_share": "序时进度占比", "yes": "是", "document": "规划文件", "submission": "报送文件",
        "as_of": "截至", "count": "指标数", "share": "占比", "total": "合计", "files_checked": "文件数",
        "files_failed": "无法检查的文件", "warning": "警告",
        "on_schedule": "达到序时进度（达标+序时推进）",
        "matrix": "区县矩阵", "figures": "区县数值", "ranking": "排名", "region": "区县", "rank": "排名",
        "untargeted": "无目标指标", "regions": "区县数", "region_ranking": "区县排名",
    },
}
RESULT_COLUMNS = ("plan", "id", "name", "status", "target", "actual", "period", "progress", "detail", "line",
                  "late", "report", "responsible")
"""The columns of the CSV format, then the figure to report and the responsible units."""
FILE_COLUMNS = ("file", "plan", *STATUSES, "worst", "on_schedule_share", "code", "line", "message", "fail_ids",
                "lag_ids")
LONG_COLUMNS = ("file", "id", "status")
WARNING_COLUMNS = ("code", "file", "line", "message")
PROBLEM_COLUMNS = ("kind", "file", "plan", "code", "line", "message")
RANKING_COLUMNS = ("region", *STATUSES, "rank", "untargeted")
REGION_FILE_COLUMNS = ("regions", "region_ranking")
"""The Files sheet's last columns when some file has regions: their number and their names in rank order."""


def on_schedule_line(counts: dict[Status, int], lang: str) -> str:
    """«达到序时进度 N 项，占比 X%»: pass and on-track, as a share of every indicator."""
    total = sum(counts.values())
    met = shared.on_schedule(counts)
    share = f"{met / total * 100:.1f}%" if total else "—"
    if lang == "zh":
        return f"达到序时进度 {met} 项，占比 {share}"
    return f"On schedule (pass or on-track): {met} of {total}, {share}"


def cell_text(text: str) -> str:
    """Text from a file as a cell holds it: control characters written visibly, only what XML allows,
    no longer than a cell can be."""
    text = xml_safe(visible(text))
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 1] + "…"


TextRow = tuple[tuple[str, object], tuple[str, object], tuple[str, object]]
"""A row of three cells, each its text and its XlsxWriter format (or None)."""
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def inline_string(text: str) -> str:
    """A cell's text as the XML of an inline string: `_x0041_` kept as it reads (Excel would read it as
    an escape for "A"), &, < and > escaped, and spaces at either end kept."""
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f"<is><t{space}>{text}</t></is>"


def number_format(suffix: str, decimals: int) -> str:
    """'#,##0.0"%"': the value with its decimals and the unit after it, so 25 for a percentage reads 25%.
    The unit is a quoted literal, a quote in it written as \\" between two literals, and cut short so that
    the format stays within the 255 characters Excel allows."""
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    if not suffix:
        return digits
    literal = cell_text(suffix)[:SUFFIX_LIMIT].replace('"', '"\\""')
    return f'{digits}"{literal}"'


def _decimals(value: float) -> int:
    text = f"{value:.4f}".rstrip("0")
    return len(text) - text.index(".") - 1


def _unit_suffix(indicator: Indicator, lang: str) -> str:
    """The unit as the other formats write it after a number: '%', '人次', ' person-times', or ''."""
    return describe.value_text(0.0, indicator, lang)[1:]


def _fitted_width(texts, limit: int) -> int:
    """`column_width` of texts, up to `limit`: no more of a text is measured than could fit."""
    return column_width([text[:limit] for text in texts], limit)


def _print_setup(sheet) -> None:
    """Printed on A4 landscape, as wide as one page, the header row on every page."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


class _Book:
    """One workbook being written and the cell formats it has made."""

    def __init__(self, lang: str, title: str, as_of):
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.book.set_properties({"title": cell_text(title), "subject": "tcmcheck report",
                                  "author": "tcmcheck", "comments": f"tcmcheck {__version__}",
                                  "created": datetime(as_of.year, as_of.month, as_of.day)})
        self.words = _WORDS[lang]
        self.lang = lang
        add = self.book.add_format
        edge = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
        self.header = add({**edge, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True})
        self.text = add({"valign": "top"})
        self.wrapped = add({"valign": "top", "text_wrap": True})
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.count = add({"valign": "top", "num_format": "0"})
        self.share = add({"valign": "top", "num_format": "0.0%"})
        self.progress = add({"valign": "top", "num_format": "0%"})
        self.status = {status: add({"valign": "top", "bold": True, "bg_color": fill, "font_color": font})
                       for status, (fill, font) in STATUS_COLOURS.items()}
        self.status_header = {status: add({**edge, "bold": True, "bg_color": fill, "font_color": font,
                                           "text_wrap": True})
                              for status, (fill, font) in STATUS_COLOURS.items()}
        self.error = add({"valign": "top", "bold": True, "bg_color": ERROR_COLOURS[0],
                          "font_color": ERROR_COLOURS[1]})
        self.filled = {status: add({"valign": "top", "bg_color": fill, "font_color": font})
                       for status, (fill, font) in STATUS_COLOURS.items()}
        self._numbers: dict[tuple, object] = {}
        self._later: list[tuple[object, list]] = []

    def sheet(self, name: str, columns: tuple, widths, part: int = 1, headings: tuple[str, ...] = (),
              frozen: int = 0):
        """A sheet with a frozen header row of `columns` (words, or statuses in their colours) and then
        `headings` (text from files), and its first `frozen` columns frozen; the second part of a long list
        is named 'Indicators 2'."""
        title = self.words[name] if part == 1 else f"{self.words[name]} {part}"
        sheet = self.book.add_worksheet(title)
        for index, column in enumerate(columns):
            if isinstance(column, Status):
                sheet.write_string(0, index, column.label(self.lang), self.status_header[column])
            else:
                sheet.write_string(0, index, self.words[column], self.header)
        for index, heading in enumerate(headings, start=len(columns)):
            sheet.write_string(0, index, heading, self.header)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, frozen)
        _print_setup(sheet)
        if frozen:
            sheet.repeat_columns(0, frozen - 1)
        return sheet

    def heading(self, column) -> str:
        return column.label(self.lang) if isinstance(column, Status) else self.words[column]

    def write_actual(self, sheet, row: int, column: int, indicator: Indicator, value,
                     status: Status | None = None) -> None:
        """A reported number as a number shown in the indicator's unit; a grade or yes/no as text; filled
        with the colour of `status` when one is given."""
        if value.__class__ is float or value.__class__ is int:
            key = (indicator.unit, indicator.unit_label, _decimals(value), status)
            style = self._numbers.get(key)
            if style is None:
                look = {"valign": "top", "num_format": number_format(_unit_suffix(indicator, self.lang), key[2])}
                if status is not None:
                    look.update(bg_color=STATUS_COLOURS[status][0], font_color=STATUS_COLOURS[status][1])
                style = self._numbers[key] = self.book.add_format(look)
            sheet.write_number(row, column, value, style)
        else:
            sheet.write_string(row, column, cell_text(describe.value_text(value, indicator, self.lang)),
                               self.text if status is None else self.filled[status])

    def text_rows(self, sheet, rows: list[TextRow]) -> None:
        """Rows of three (text, format) cells below the header of `sheet`, put into the sheet's XML once
        XlsxWriter has written the book: much faster than writing a long list cell by cell. The text must
        be `cell_text` already, and the formats used in some other cell, so that they are in the book."""
        self._later.append((sheet, rows))

    def close(self) -> bytes:
        self.book.close()
        data = self.buffer.getvalue()
        return self._with_text_rows(data) if self._later else data

    def _with_text_rows(self, data: bytes) -> bytes:
        sheets = self.book.worksheets()
        later = {f"xl/worksheets/sheet{sheets.index(sheet) + 1}.xml": rows for sheet, rows in self._later}
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as written, zipfile.ZipFile(out, "w") as book:
            for info in written.infolist():
                part = written.read(info)
                rows = later.get(info.filename)
                if rows is None:
                    book.writestr(info, part)
                else:  # a long list of inline strings: the fastest deflate still packs it well
                    book.writestr(info, _spliced(part, rows), compresslevel=1)
        return out.getvalue()


def _spliced(sheet_xml: bytes, rows: list[TextRow]) -> bytes:
    """A sheet's XML, which holds only its header row, with `rows` (in columns A to C) after it and its
    dimension grown to fit."""
    if not rows:
        return sheet_xml
    known: dict[tuple[str, object], str] = {}
    for text, style in set(chain.from_iterable(rows)):
        index = style.xf_index if style is not None else None
        known[text, style] = (f' s="{index}"' if index else "") + f' t="inlineStr">{inline_string(text)}</c>'
    shown = known.__getitem__
    parts = [f'<row r="{n}"><c r="A{n}"{shown(a)}<c r="B{n}"{shown(b)}<c r="C{n}"{shown(c)}</row>'
             for n, (a, b, c) in enumerate(rows, start=2)]
    last = f"C{len(rows) + 1}"
    sheet_xml = re.sub(rb'<dimension ref="A1(:[A-Z]+1)?"/>', f'<dimension ref="A1:{last}"/>'.encode(), sheet_xml,
                       count=1)
    return sheet_xml.replace(b"</sheetData>", "".join(parts).encode() + b"</sheetData>", 1)


class XlsxFormatter(Formatter):
    """An .xlsx workbook (XlsxWriter), built in memory and returned as bytes: it is written only to a file."""

    binary = True

    def status(self, result: Result) -> bytes:
        lang = self.options.lang
        book = _Book(lang, shared.title(result, lang), result.as_of)
        items = self.rows(result.indicators)
        self._results_sheet(book, result, items)
        if shared.has_region_views(result):
            self._region_sheets(book, result)
        if result.regions:
            self._ranking_sheet(book, result)
        self._warnings_sheet(book, result)
        self._status_overview(book, result)
        return book.close()

    def summary(self, summary: Summary) -> bytes:
        lang = self.options.lang
        book = _Book(lang, shared.summary_title(summary, lang), summary.as_of)
        outcomes = self.files(summary)
        self._files_sheet(book, outcomes)
        self._long_sheet(book, outcomes)
        self._problems_sheet(book, outcomes)
        self._summary_overview(book, summary)
        return book.close()

    def _results_sheet(self, book: _Book, result: Result, items: tuple[IndicatorResult, ...]) -> None:
        lang = book.lang
        rows = []
        for item in items:
            indicator = item.indicator
            report = item.actual
            rows.append({
                "plan": cell_text(result.plan.id),
                "id": cell_text(indicator.id),
                "name": cell_text(indicator.name(lang)),
                "target": cell_text(describe.target_text(indicator, lang)),
                "actual": describe.actual_text(item, lang),
                "period": cell_text(report.period.label) if report else "",
                "detail": cell_text(describe.detail_text(item, lang)),
                "report": cell_text(indicator.report(lang) or ""),
                "responsible": cell_text(("、" if lang == "zh" else ", ").join(indicator.responsible)),
            })
        widths = []
        for column in RESULT_COLUMNS:
            texts = [book.heading(column), *(row.get(column, "") for row in rows)]
            if column == "status":
                texts += [status.label(lang) for status in STATUSES]
            widths.append(max(column_width(texts, WIDTH_LIMITS.get(column)), 8))
        sheet = book.sheet("results", RESULT_COLUMNS, widths)
        place = {column: index for index, column in enumerate(RESULT_COLUMNS)}
        wrapping = [(c, widths[place[c]]) for c in ("name", "target", "detail", "report", "responsible")]
        for number, (item, cells) in enumerate(zip(items, rows), start=1):
            for column in ("plan", "id", "period"):
                sheet.write_string(number, place[column], cells[column], book.text)
            for column in ("name", "target", "detail", "report", "responsible"):
                sheet.write_string(number, place[column], cells[column], book.wrapped)
            sheet.write_string(number, place["status"], item.status.label(lang), book.status[item.status])
            if item.actual is not None:
                book.write_actual(sheet, number, place["actual"], item.indicator, item.actual.value)
                if item.actual.line is not None:
                    sheet.write_number(number, place["line"], item.actual.line, book.count)
            if item.progress is not None:
                sheet.write_number(number, place["progress"], item.progress, book.progress)
            if item.late:
                sheet.write_string(number, place["late"], book.words["yes"], book.text)
            sheet.set_row(number, row_height((cells[column], width) for column, width in wrapping))
        sheet.autofilter(0, 0, len(items), len(RESULT_COLUMNS) - 1)
        sheet.activate()

    def _region_sheets(self, book: _Book, result: Result) -> None:
        """Regions as columns, indicators as rows: the matrix of statuses (the indicators on which some region
        has a status, as `only` and `sort` choose them; a region's cell blank where it has no target or
        `only` leaves its status out), then the same rows with each region's figure, followed (without
        `only`) by the indicators its regions report on with no target of their own."""
        lang = book.lang
        matrix = shared.region_matrix(result, self.options)
        only = self.options.only
        rows = list(matrix.items)
        if only is None:
            rows += [item for item in result.indicators
                     if item.regions and all(view.status is None for view in item.regions)]
        names = [cell_text(name) for name in matrix.names]
        ids = [cell_text(item.indicator.id) for item in rows]
        titles = [cell_text(item.indicator.name(lang)) for item in rows]
        labels = [status.label(lang) for status in STATUSES]
        widths = [column_width([book.heading("id"), *ids], 40),
                  max(column_width([book.heading("name"), *titles], WIDTH_LIMITS["name"]), 8),
                  *(max(column_width([name, *labels], WIDTH_LIMITS["region"]), 8) for name in names)]
        header_height = row_height(zip(names, widths[2:]))
        for key, shown in (("matrix", matrix.items), ("figures", rows)):
            sheet = book.sheet(key, ("id", "name"), widths, headings=tuple(names), frozen=2)
            sheet.set_row(0, header_height)
            for number, item in enumerate(shown, start=1):
                sheet.write_string(number, 0, ids[number - 1], book.text)
                sheet.write_string(number, 1, titles[number - 1], book.wrapped)
                views = {view.region: view for view in item.regions}
                for column, name in enumerate(matrix.names, start=2):
                    view = views.get(name)
                    if view is None:
                        continue
                    status = view.status if only is None or view.status in only else None
                    if key == "matrix":
                        if status is not None:
                            sheet.write_string(number, column, status.label(lang), book.filled[status])
                    else:
                        self._write_figure(book, sheet, number, column, item, view, status)
                sheet.set_row(number, row_height([(titles[number - 1], widths[1])]))
            sheet.autofilter(0, 0, len(shown), len(names) + 1)

    @staticmethod
    def _write_figure(book: _Book, sheet, row: int, column: int, item: IndicatorResult, view: RegionResult,
                      status: Status | None) -> None:
        """A region's figure: the report that decided its status, else its latest; in its status's colour."""
        if view.actual is not None:
            book.write_actual(sheet, row, column, item.indicator, view.actual.value, status)
        elif status is not None:
            sheet.write_blank(row, column, None, book.filled[status])

    def _ranking_sheet(self, book: _Book, result: Result) -> None:
        """The regions in rank order (1 = best): the five counts, the rank, and the indicators each reports on
        with no target of its own."""
        names = [cell_text(summary.region) for summary in result.regions]
        widths = [max(column_width([book.heading(column), *(names if column == "region" else ())]), 8)
                  for column in RANKING_COLUMNS]
        sheet = book.sheet("ranking", RANKING_COLUMNS, widths)
        for number, (summary, name) in enumerate(zip(result.regions, names), start=1):
            sheet.write_string(number, 0, name, book.text)
            for column, status in enumerate(STATUSES, start=1):
                sheet.write_number(number, column, summary.counts[status], book.count)
            sheet.write_number(number, len(STATUSES) + 1, summary.rank, book.count)
            sheet.write_number(number, len(STATUSES) + 2, summary.untargeted, book.count)
        sheet.autofilter(0, 0, len(names), len(RANKING_COLUMNS) - 1)

    def _warnings_sheet(self, book: _Book, result: Result) -> None:
        rows = [(cell_text(w.code), cell_text(w.file or result.source), w.line, cell_text(w.text(book.lang)))
                for w in result.warnings]
        widths = [column_width([book.heading(column), *(str(row[i] or "") for row in rows)],
                               WIDTH_LIMITS.get(column)) for i, column in enumerate(WARNING_COLUMNS)]
        sheet = book.sheet("warnings", WARNING_COLUMNS, widths)
        for number, (code, file, line, message) in enumerate(rows, start=1):
            sheet.write_string(number, 0, code, book.text)
            sheet.write_string(number, 1, file, book.wrapped)
            if line is not None:
                sheet.write_number(number, 2, line, book.count)
            sheet.write_string(number, 3, message, book.wrapped)
            sheet.set_row(number, row_height([(file, widths[1]), (message, widths[3])]))
        sheet.autofilter(0, 0, len(rows), len(WARNING_COLUMNS) - 1)

    def _status_overview(self, book: _Book, result: Result) -> None:
        plan = result.plan
        document = "，".join(part for part in (plan.title, plan.number) if part) if book.lang == "zh" else \
            ", ".join(part for part in (plan.title_en or plan.title, plan.number) if part)
        facts = [("document", cell_text(document)), ("submission", cell_text(result.source)),
                 ("as_of", result.as_of.isoformat())]
        self._overview(book, shared.title(result, book.lang), facts, result.summary)

    def _summary_overview(self, book: _Book, summary: Summary) -> None:
        facts = [("as_of", summary.as_of.isoformat()), ("files_checked", len(summary.outcomes)),
                 ("files_failed", summary.error_count)]
        self._overview(book, shared.summary_title(summary, book.lang), facts, summary.totals)

    def _overview(self, book: _Book, title: str, facts: list[tuple[str, str | int]],
                  counts: dict[Status, int]) -> None:
        """The title, a few facts, the count and share of each status, and the on-schedule line."""
        words = book.words
        labels = [words[key] for key, _ in facts] + [words["status"], words["total"], words["on_schedule"]]
        labels += [status.label(book.lang) for status in STATUSES]
        values = [str(value) for _, value in facts]
        sheet = book.book.add_worksheet(words["overview"])
        sheet.set_column(0, 0, column_width(labels, 40))
        sheet.set_column(1, 1, max(column_width(values, 60), 10))
        sheet.set_column(2, 2, 10)
        sheet.write_string(0, 0, cell_text(title), book.title)
        row = 2
        for key, value in facts:
            sheet.write_string(row, 0, words[key], book.bold)
            if isinstance(value, int):
                sheet.write_number(row, 1, value, book.count)
            else:
                sheet.write_string(row, 1, value, book.wrapped)
            row += 1
        row += 1
        for index, key in enumerate(("status", "count", "share")):
            sheet.write_string(row, index, words[key], book.header)
        total = sum(counts.values())
        for status in STATUSES:
            row += 1
            sheet.write_string(row, 0, status.label(book.lang), book.status[status])
            sheet.write_number(row, 1, counts[status], book.count)
            if total:
                sheet.write_number(row, 2, counts[status] / total, book.share)
        row += 1
        sheet.write_string(row, 0, words["total"], book.bold)
        sheet.write_number(row, 1, total, book.count)
        row += 2
        met = shared.on_schedule(counts)
        sheet.write_string(row, 0, words["on_schedule"], book.bold)
        sheet.write_number(row, 1, met, book.count)
        if total:
            sheet.write_number(row, 2, met / total, book.share)
        sheet.write_string(row + 1, 0, on_schedule_line(counts, book.lang), book.bold)

    def _files_sheet(self, book: _Book, outcomes: tuple[Outcome, ...]) -> None:
        lang = book.lang
        words = book.words
        separator = "、" if lang == "zh" else ", "
        columns = FILE_COLUMNS + (REGION_FILE_COLUMNS if shared.has_regions(outcomes) else ())
        rows = []
        for outcome in outcomes:
            cells = {"file": cell_text(outcome.source), "plan": cell_text(outcome.plan_id or "")}
            if outcome.error is not None:
                first = outcome.error.problems[0]
                cells.update(code=cell_text(first.code), message=cell_text(first.text(lang)), line=first.line)
            else:
                indicators = outcome.result.indicators
                for key, status in (("fail_ids", Status.FAIL), ("lag_ids", Status.LAG)):
                    cells[key] = cell_text(separator.join(i.indicator.id for i in indicators if i.status is status))
                if outcome.result.regions:
                    cells["regions"] = len(outcome.result.regions)
                    cells["region_ranking"] = cell_text(shared.ranked_regions(outcome.result, lang))
            rows.append(cells)
        widths = []
        for column in columns:
            texts = [book.heading(column), *(str(cells.get(column) or "") for cells in rows)]
            if column == "worst":
                texts += [status.label(lang) for status in STATUSES] + [words["error"]]
            widths.append(max(_fitted_width(texts, WIDTH_LIMITS.get(column, 40)), 6))
        sheet = book.sheet("files", columns, widths)
        place = {column: index for index, column in enumerate(columns)}
        for number, (outcome, cells) in enumerate(zip(outcomes, rows), start=1):
            sheet.write_string(number, place["file"], cells["file"], book.text)
            sheet.write_string(number, place["plan"], cells["plan"], book.text)
            if outcome.error is not None:
                sheet.write_string(number, place["worst"], words["error"], book.error)
                sheet.write_string(number, place["code"], cells["code"], book.text)
                if cells["line"] is not None:
                    sheet.write_number(number, place["line"], cells["line"], book.count)
                sheet.write_string(number, place["message"], cells["message"], book.text)
                continue
            counts = outcome.result.summary
            for status in STATUSES:
                sheet.write_number(number, place[status], counts[status], book.count)
            worst = outcome.worst
            if worst is not None:
                sheet.write_string(number, place["worst"], worst.label(lang), book.status[worst])
            total = sum(counts.values())
            if total:
                sheet.write_number(number, place["on_schedule_share"],
                                   shared.on_schedule(counts) / total, book.share)
            for key in ("fail_ids", "lag_ids"):
                if cells[key]:
                    sheet.write_string(number, place[key], cells[key], book.text)
            if "regions" in cells:
                sheet.write_number(number, place["regions"], cells["regions"], book.count)
                sheet.write_string(number, place["region_ranking"], cells["region_ranking"], book.text)
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
        sheet.activate()

    def _long_sheet(self, book: _Book, outcomes: tuple[Outcome, ...]) -> None:
        """Every (file, indicator) with its status; a file checked against several plans is named with
        the plan. Past a sheet's last row the list goes on in another sheet (指标 2, …)."""
        lang = book.lang
        checked = [outcome for outcome in outcomes if outcome.result is not None]
        plans: dict[str, int] = {}
        for outcome in checked:
            plans[outcome.source] = plans.get(outcome.source, 0) + 1
        names = [cell_text(o.source if plans[o.source] == 1 else f"{o.source} ({o.plan_id})") for o in checked]
        some_ids = {i.indicator.id for outcome in checked[:50] for i in outcome.result.indicators}
        widths = (_fitted_width([book.heading("file"), *names], WIDTH_LIMITS["file"]),
                  column_width([book.heading("id"), *map(cell_text, some_ids)], 40),
                  column_width([book.heading("status"), *(s.label(lang) for s in STATUSES)]))
        statuses = {status: (status.label(lang), book.status[status]) for status in STATUSES}
        ids: dict[str, tuple[str, None]] = {}
        sheet = book.sheet("indicators", LONG_COLUMNS, widths)
        parts, rows = 1, []
        for outcome, name in zip(checked, names):
            file = (name, None)
            for item in self.rows(outcome.result.indicators):
                if len(rows) == ROW_LIMIT - 1:
                    sheet.autofilter(0, 0, len(rows), len(LONG_COLUMNS) - 1)
                    book.text_rows(sheet, rows)
                    parts += 1
                    sheet = book.sheet("indicators", LONG_COLUMNS, widths, part=parts)
                    rows = []
                ident = item.indicator.id
                shown = ids.get(ident)
                if shown is None:
                    shown = ids[ident] = (cell_text(ident), None)
                rows.append((file, shown, statuses[item.status]))
        sheet.autofilter(0, 0, len(rows), len(LONG_COLUMNS) - 1)
        book.text_rows(sheet, rows)

    def _problems_sheet(self, book: _Book, outcomes: tuple[Outcome, ...]) -> None:
        words = book.words
        rows = []
        for outcome in outcomes:
            if outcome.error is not None:
                rows.extend((words["error"], p.file or outcome.source, outcome.plan_id, p.code, p.line,
                             p.text(book.lang))
                            for p in outcome.error.problems)
        for outcome in outcomes:
            if outcome.result is not None:
                rows.extend((words["warning"], w.file or outcome.source, outcome.plan_id, w.code, w.line,
                             w.text(book.lang))
                            for w in outcome.result.warnings)
        rows = [(kind, cell_text(file), cell_text(plan or ""), cell_text(code), line, cell_text(message))
                for kind, file, plan, code, line, message in rows]
        widths = [_fitted_width([book.heading(column), *(str(row[i] or "") for row in rows)],
                                WIDTH_LIMITS.get(column, 40)) for i, column in enumerate(PROBLEM_COLUMNS)]
        sheet = book.sheet("problems", PROBLEM_COLUMNS, widths)
        for number, (kind, file, plan, code, line, message) in enumerate(rows, start=1):
            sheet.write_string(number, 0, kind, book.error if kind == words["error"] else book.text)
            sheet.write_string(number, 1, file, book.text)
            sheet.write_string(number, 2, plan, book.text)
            sheet.write_string(number, 3, code, book.text)
            if line is not None:
                sheet.write_number(number, 4, line, book.count)
            sheet.write_string(number, 5, message, book.text)
        sheet.autofilter(0, 0, len(rows), len(PROBLEM_COLUMNS) - 1)
