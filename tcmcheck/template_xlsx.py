"""The submission template as an .xlsx workbook: what an official fills in, with the plan's facts locked,
each value checked against its indicator as it is typed, and a sheet of instructions."""

from __future__ import annotations

import io
import re

import xlsxwriter
from wcwidth import wcswidth, wcwidth
from xlsxwriter.utility import xl_rowcol_to_cell

from tcmcheck import describe
from tcmcheck.model import Indicator, Plan
from tcmcheck.text import visible, xml_safe
from tcmcheck.views import TEMPLATE_COLUMNS, TemplateRow, template_header, template_rows

PLACEHOLDERS = ("/", "-", "—", "——", "无", "暂无", "N/A", "NA", "#N/A")
"""Cells that mean "not reported", as the instructions list them."""

LOCKED_COLUMNS = frozenset({"indicator", "name", "unit", "target", "report", "plan"})
WIDTH_LIMITS = {"indicator": 40, "name": 40, "target": 36, "report": 60}
"""The widest a column grows (in Excel's units, about one Latin digit); longer text wraps."""
WIDTH_MINIMUMS = {"period": 12, "value": 12, "note": 24}
"""The narrowest a column to fill in is, room to type."""
MESSAGE_LIMIT = 255
"""What Excel holds of a validation's message."""
_LIST_LIMIT = 255
"""What Excel holds of a drop-down list written into the validation itself."""
LINE_HEIGHT = 16
"""Points per line of wrapped text, room for Chinese and Latin fonts alike."""
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAKS = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]*\\s*")
"""Where wrapped text may break: around each Chinese character, after a word and its spaces."""

_TEXT = {
    "zh": {
        "sheet": "填报", "instructions": "说明", "target": "目标", "baseline": "基期值", "check": "请检查",
        "percent": "填百分数的数值：25%填25（0–100）。", "rank": "填名次，整数，1为第一。",
        "number": "填数字（不小于0）。", "ratio": "填数字。", "grade": "从下拉列表选择等级。",
        "grade_levels": "填等级：{levels}。", "yes_no": "已完成选“是”，未完成选“否”。",
        "empty": "未报送的留空。", "yes": "是", "no": "否",
        "base_target": "填报{period}的数值，作为目标（{target}）的基数。",
        "period_title": "期间",
        "period_message": "该数值所属期间的截止期：2024（全年）、2024-06、2024-06-30、2024Q2、2024H1、2024年或日期。",
        "period_error": "应为期间：2024、2024-06、2024-06-30、2024Q2、2024H1、2024年，或日期。",
    },
    "en": {
        "sheet": "Submission", "instructions": "Instructions", "target": "Target", "baseline": "Baseline",
        "check": "Check the value",
        "percent": "A percentage as a number: 25 for 25% (0–100).", "rank": "The rank, a whole number (1 = first).",
        "number": "A number, 0 or more.", "ratio": "A number.", "grade": "Pick the grade from the list.",
        "grade_levels": "A grade: {levels}.", "yes_no": "yes when done, no when not.",
        "empty": "Leave it empty when not reported.", "yes": "yes", "no": "no",
        "base_target": "The value for {period}, the base of the target ({target}).",
        "period_title": "Period",
        "period_message": "The end of the period the value describes: 2024 (the year), 2024-06, 2024-06-30, "
                          "2024Q2, 2024H1, 2024年, or a date.",
        "period_error": "Expected a period: 2024, 2024-06, 2024-06-30, 2024Q2, 2024H1, 2024年, or a date.",
    },
}

_FILL_LOCKED, _FILL_BASELINE, _FILL_INPUT, _FILL_HEADER = "#F2F2F2", "#FCE4D6", "#FFF2CC", "#D9E1F2"


def template_workbook(plan: Plan, lang: str, period: str | None = None, with_plan: bool = False) -> bytes:
    """The workbook's bytes: a sheet to fill in, one row per template row, then the instructions."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    words = _TEXT[lang]
    book.set_properties({"title": _shown(f"{plan.city(lang)} {plan.title}"), "subject": "tcmcheck template"})
    formats = _Formats(book)
    header = template_header(lang, with_plan)
    rows = template_rows(plan, lang, period, with_plan)
    _submission_sheet(book.add_worksheet(words["sheet"]), formats, header, rows, lang, with_plan)
    _instructions_sheet(book.add_worksheet(words["instructions"]), formats, plan, lang)
    book.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, book):
        edge = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
        self.header = book.add_format({**edge, "bold": True, "bg_color": _FILL_HEADER, "text_wrap": True})
        self.locked = book.add_format({**edge, "bg_color": _FILL_LOCKED, "text_wrap": True})
        self.baseline = book.add_format({**edge, "bg_color": _FILL_BASELINE, "text_wrap": True})
        self.text_input = book.add_format({**edge, "bg_color": _FILL_INPUT, "locked": False, "num_format": "@"})
        self.value_input = book.add_format({**edge, "bg_color": _FILL_INPUT, "locked": False})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.section = book.add_format({"bold": True, "valign": "top"})
        self.prose = book.add_format({"text_wrap": True, "valign": "top"})


def _submission_sheet(sheet, formats: _Formats, header: tuple[str, ...], rows: list[TemplateRow], lang: str,
                      with_plan: bool) -> None:
    names = (("plan",) if with_plan else ()) + TEMPLATE_COLUMNS["en"]
    column = {name: index for index, name in enumerate(names)}
    widths = []
    for name, index in column.items():
        width = column_width([header[index], *(row.cells[index] for row in rows)], WIDTH_LIMITS.get(name))
        widths.append(max(width, WIDTH_MINIMUMS.get(name, 0)))
        sheet.set_column(index, index, widths[-1])
    for index, text in enumerate(header):
        sheet.write_string(0, index, text, formats.header)
    for number, row in enumerate(rows, start=1):
        shown = formats.baseline if row.baseline else formats.locked
        for name, index in column.items():
            cell = row.cells[index]
            if name in LOCKED_COLUMNS:
                sheet.write_string(number, index, cell if name in ("indicator", "plan") else _shown(cell), shown)
            elif name == "value":
                sheet.write_blank(number, index, None, formats.value_input)
            elif cell:
                sheet.write_string(number, index, cell, formats.text_input)
            else:
                sheet.write_blank(number, index, None, formats.text_input)
        sheet.set_row(number, row_height(zip(row.cells, widths)))
        sheet.data_validation(number, column["value"], number, column["value"], _value_rule(row, lang))
    if rows:
        sheet.data_validation(1, column["period"], len(rows), column["period"], _period_rule(column["period"], lang))
    sheet.freeze_panes(1, 0)
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _value_rule(row: TemplateRow, lang: str) -> dict:
    """The check on a value cell: a drop-down for grades and yes/no, bounds for numbers; its input
    message shows the target."""
    words = _TEXT[lang]
    indicator = row.indicator
    rule, hint = _value_check(indicator, words)
    target = describe.target_text(indicator, lang)
    if row.baseline:
        title = words["baseline"]
        about = words["base_target"].format(period=indicator.baseline.period.label, target=target)
    else:
        title = words["target"]
        about = target
    return {**rule, "input_title": title,
            "input_message": fit(f"{_shown(about)}\n{_shown(hint)}{words['empty']}", MESSAGE_LIMIT),
            "error_type": "warning", "error_title": words["check"],
            "error_message": fit(f"{_shown(hint)}{words['empty']}", MESSAGE_LIMIT)}


def _value_check(indicator: Indicator, words: dict) -> tuple[dict, str]:
    if indicator.value_type == "grade":
        levels = indicator.scale.levels
        listed = ",".join(levels)
        if len(listed) <= _LIST_LIMIT and not any("," in level or '"' in level for level in levels):
            return {"validate": "list", "source": list(levels)}, words["grade"]
        return {"validate": "any"}, words["grade_levels"].format(levels=", ".join(levels))
    if indicator.value_type == "yes_no":
        return {"validate": "list", "source": [words["yes"], words["no"]]}, words["yes_no"]
    if indicator.unit == "percent":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}, words["percent"]
    if indicator.unit == "ratio":
        return {"validate": "any"}, words["ratio"]
    if indicator.unit == "rank":
        return {"validate": "integer", "criteria": ">=", "value": 1}, words["rank"]
    return {"validate": "decimal", "criteria": ">=", "value": 0}, words["number"]


def _period_rule(column: int, lang: str) -> dict:
    """A period cell holds a date (or a year as a number), or text that starts with a year followed by
    what a period may go on with: nothing, - / . Q H or 年."""
    cell = xl_rowcol_to_cell(1, column)
    words = _TEXT[lang]
    formula = (f'=OR(AND(ISNUMBER({cell}),OR(AND({cell}>=1900,{cell}<=2100),'
               f'AND({cell}>=DATE(1990,1,1),{cell}<DATE(2101,1,1)))),'
               f'AND(ISTEXT({cell}),ISNUMBER(-LEFT({cell},4)),ISNUMBER(FIND(MID({cell},5,1),"-/.QqHh年"))))')
    return {"validate": "custom", "value": formula, "input_title": words["period_title"],
            "input_message": words["period_message"], "error_type": "warning",
            "error_title": words["check"], "error_message": words["period_error"]}


def _instructions_sheet(sheet, formats: _Formats, plan: Plan, lang: str) -> None:
    lines = _instructions(plan, lang)
    widths = (column_width([topic for topic, _ in lines[1:]]), column_width([text for _, text in lines[1:]], 80))
    sheet.set_column(0, 0, widths[0])
    sheet.set_column(1, 1, widths[1])
    sheet.write_string(0, 0, _shown(lines[0][1]), formats.title)
    for number, (topic, text) in enumerate(lines[1:], start=2):
        if topic:
            sheet.write_string(number, 0, topic, formats.section)
        if text:
            sheet.write_string(number, 1, _shown(text), formats.prose)
        sheet.set_row(number, row_height(zip((topic, text), widths)))
    sheet.fit_to_pages(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _instructions(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """(topic, text) lines of the instructions sheet; the first is its title. A topic is never a column's
    name alone, so that the sheet is not read as a submission."""
    names = {name: f"“{shown}”列" if lang == "zh" else f"“{shown}” column"
             for name, shown in zip(TEMPLATE_COLUMNS["en"], TEMPLATE_COLUMNS[lang])}
    placeholders = "  ".join(PLACEHOLDERS)
    if lang == "zh":
        return [
            ("", f"{plan.city_zh}《{plan.title}》指标填报模板"),
            ("填写", "在“填报”表中每个指标一行：填写“期间”“数值”，需要时填写“备注”。灰色列来自规划，已锁定，请勿修改。"),
            (names["indicator"], "指标编号，tcmcheck按此识别指标。"),
            (names["name"], "指标名称。"),
            (names["unit"], "计量单位（percent为百分比，count为个数，yes_no为是否完成，grade为等级）。"),
            (names["target"], "规划目标及到期时间。"),
            (names["report"], "应填报的数值口径：累计还是新增、单位、起算时间等。"),
            (names["period"], "该数值所属期间的截止期，见下文“期间”。"),
            (names["value"], "百分比填数值（25%填25）；等级、是/否从下拉列表选择；其余填数字。"
                             "选中单元格时会显示该指标的目标。"),
            (names["note"], "供填报单位说明情况，不参与计算。"),
            ("基期行", "橙色行是基期行：某些目标（倍增、新增）以基期数为基数，请在该行填报基期的数值。"),
            ("未报送", f"没有数据的留空。以下内容同样视为未报送，不参与计算：{placeholders}"),
            ("期间的写法", "期间以截止日期表示：2024 即2024年全年（至2024-12-31）；2024-06 为2024年6月；"
                     "2024-06-30 或日期单元格为该日；2024Q2 为第二季度；2024H1 为上半年。"
                     "也可写作 2024年、2024年6月、2024年第二季度、2024年上半年、2024/6/30。"),
            ("多个期间", "一份表填一个期间；其他期间可另生成模板：tcmcheck template "
                         f"{plan.id} --period 2025 --lang zh -o 文件.xlsx"),
            ("检查", f"填好后可用 tcmcheck status {plan.id} 文件.xlsx 检查。"),
        ]
    return [
        ("", f"{plan.city_en}: {plan.title_en or plan.title}, submission template"),
        ("Filling in", "One row per indicator on the Submission sheet: fill in period and value, and a note if "
                       "you wish. The grey columns come from the plan and are locked."),
        (names["indicator"], "The indicator's id, by which tcmcheck knows it."),
        (names["name"], "The indicator's name."),
        (names["unit"], "Its unit (percent, count, yes_no for done or not, grade, ...)."),
        (names["target"], "The plan's target and when it is due."),
        (names["report"], "Which figure to report: cumulative or new, since when, in what unit."),
        (names["period"], "The end of the period the value describes; see Periods below."),
        (names["value"], "Percentages as numbers (25 for 25%); grades and yes/no from the drop-down list; "
                         "other values as numbers. Selecting a cell shows the indicator's target."),
        (names["note"], "Anything you want to say about the value; tcmcheck does not read it."),
        ("Baseline rows", "Orange rows ask for a baseline: targets such as doubling or an increase are reckoned "
                          "from the value of the baseline period, given in that row."),
        ("Not reported", f"Leave the value empty. These are read as not reported too: {placeholders}"),
        ("Periods", "A period is named by its end: 2024 is the year 2024 (to 2024-12-31); 2024-06 is June "
                    "2024; 2024-06-30 or a date cell is that day; 2024Q2 the second quarter; 2024H1 the first "
                    "half. 2024年, 2024年6月, 2024年第二季度, 2024年上半年 and 2024/6/30 are read too."),
        ("Several periods", "One period per workbook; make another for the next period: tcmcheck template "
                            f"{plan.id} --period 2025 -o FILE.xlsx"),
        ("Checking", f"Check the filled-in workbook with: tcmcheck status {plan.id} FILE.xlsx"),
    ]


def column_width(texts, limit: int | None = None) -> int:
    """A column width that fits the widest line of `texts` as East-Asian text is shown: a Chinese
    character takes two Latin ones. Excel's unit is about one Latin digit; 2 is added for the margins."""
    widest = max((display_width(text) for text in texts), default=0) + 2
    return min(widest, limit) if limit else widest


def display_width(text: str) -> int:
    """The columns `text`'s widest line takes on a terminal, as wcwidth counts them."""
    return max(_line_width(line) for line in text.split("\n"))


def _line_width(line: str) -> int:
    width = wcswidth(line)
    return width if width >= 0 else sum(max(wcwidth(char), 0) for char in line)


def row_height(cells) -> float:
    """The height in points of a row of (text, column width) cells whose text wraps: a line of 16
    points for each line the tallest cell wraps to. Spreadsheet programs don't all work it out when
    they open a file."""
    return LINE_HEIGHT * max((wrapped_lines(text, width - 1) for text, width in cells), default=1)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a column `width` Latin characters wide, broken between words
    and between any two Chinese characters."""
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for piece in _BREAKS.findall(paragraph):
            size = _line_width(piece.rstrip(" "))
            if used and used + size > width:
                count += 1
                used = 0
            used += _line_width(piece)
    return count


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _shown(text: str) -> str:
    """Text from a plan, as a cell may hold it: line breaks kept, other control characters written
    visibly, and only what XML allows."""
    return "\n".join(xml_safe(visible(line)) for line in text.split("\n"))
