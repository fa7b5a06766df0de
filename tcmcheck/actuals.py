"""Read a submission CSV: one row per indicator per reporting period."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tcmcheck.errors import ActualsError, InvalidValue, Problem
from tcmcheck.model import Indicator, Plan
from tcmcheck.periods import Period, parse_period

MAX_PROBLEMS = 20

COLUMN_ALIASES = {
    "indicator": ("indicator", "indicator_id", "id", "指标", "指标id", "指标编号", "指标代码"),
    "period": ("period", "期间", "时期", "报告期", "统计期"),
    "value": ("value", "数值", "值", "实际值", "完成值"),
    "note": ("note", "notes", "备注", "说明"),
    "plan": ("plan", "计划", "规划", "方案"),
    "unit": ("unit", "单位"),
}
REQUIRED_COLUMNS = ("indicator", "period", "value")

YES = {"yes", "y", "true", "1", "done", "是", "已完成", "完成", "已建成", "达标"}
NO = {"no", "n", "false", "0", "not done", "否", "未完成", "未建成", "未达标"}

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Report:
    indicator_id: str
    period: Period
    value: float | str | bool
    raw: str
    line: int
    note: str = ""


@dataclass(frozen=True)
class Actuals:
    source: str
    encoding: str
    reports: tuple[Report, ...]
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Table:
    """A decoded CSV: where its columns are, and its rows with their line numbers."""

    source: str
    encoding: str
    header: tuple[str, ...]
    columns: dict[str, int]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def cell(self, cells: tuple[str, ...], column: str) -> str:
        index = self.columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def plan_cells(self) -> list[str]:
        """The distinct values of the plan column, in order of appearance (blank included)."""
        if "plan" not in self.columns:
            return []
        return list(dict.fromkeys(self.cell(cells, "plan") for _, cells in self.rows))


def _canonical_column(name: str) -> str | None:
    folded = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "_")
    for column, aliases in COLUMN_ALIASES.items():
        if folded in aliases:
            return column
    return None


def parse_number(text: str, allow_percent: bool) -> float:
    """'1,380', '30%', '30 %', '３０％' -> float; InvalidValue when it is not a number."""
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if raw.endswith("%"):
        if not allow_percent:
            raise InvalidValue("a percent sign on a value that is not a percentage")
        raw = raw[:-1]
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        raise InvalidValue("expected a number")
    number = float(raw)
    if not math.isfinite(number):
        raise InvalidValue("the number is too large")
    return number


def parse_yes_no(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise InvalidValue("expected yes/no (是/否, 已完成/未完成, true/false)")


def parse_value(text: str, indicator: Indicator) -> float | str | bool:
    if indicator.value_type == "yes_no":
        return parse_yes_no(text)
    if indicator.value_type == "grade":
        level = indicator.scale.canonical(text) if indicator.scale else None
        if level is None:
            levels = ", ".join(indicator.scale.levels) if indicator.scale else ""
            raise InvalidValue(f"expected a grade on the scale {levels}")
        return level
    return parse_number(text, allow_percent=indicator.unit == "percent")


SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM), else GB18030."""
    if data.startswith(SPREADSHEET_SIGNATURES):
        raise ActualsError(Problem("csv-spreadsheet", "this is an Excel/WPS workbook, not CSV; save it as CSV (UTF-8)", source))

    def failed(message: str, exc: UnicodeDecodeError, offset: int = 0) -> ActualsError:
        start = exc.start + offset
        return ActualsError(Problem("csv-encoding", f"{message} (byte {start})", source, data.count(b"\n", 0, start) + 1))

    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise ActualsError(Problem("csv-encoding", f"unknown encoding {encoding!r}", field="--encoding")) from None
        except UnicodeDecodeError as exc:
            raise failed(f"not valid {encoding}", exc) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise failed("starts with a UTF-8 byte order mark but is not UTF-8", exc, 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise failed("neither UTF-8 nor GB18030/GBK; save the file as UTF-8 or give --encoding", exc) from None


def read_bytes(path: str) -> bytes:
    """The bytes of an ACTUALS argument; '-' is standard input."""
    if path == "-":
        import sys
        return sys.stdin.buffer.read()
    target = Path(path)
    try:
        if target.is_dir():
            raise ActualsError(Problem("csv-not-file", "is a directory, expected a CSV file", path))
        return target.read_bytes()
    except FileNotFoundError:
        raise ActualsError(Problem("csv-not-found", "no such file", path)) from None
    except OSError as exc:
        raise ActualsError(Problem("csv-unreadable", exc.strerror or str(exc), path)) from None


def read_actuals(data: bytes, plan: Plan, source: str, encoding: str | None = None) -> Actuals:
    """Reports for `plan` from a CSV; rows of a `plan` column that name another plan are left out."""
    return read_reports(parse_table(data, source, encoding), plan)


def parse_table(data: bytes, source: str, encoding: str | None = None) -> Table:
    text, used = decode(data, source, encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ActualsError(Problem("csv-nul-byte", "contains a NUL byte; is this really a CSV file?", source, line))
    if not text.strip():
        raise ActualsError(Problem("csv-empty", "the file is empty; expected a header row indicator,period,value", source, 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = tuple(next(reader))
        columns = _header_columns(header, source)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, tuple(cells)))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ActualsError(Problem(
                "csv-field-too-large", f"a cell is longer than {csv.field_size_limit()} characters (an unclosed quote?)",
                source, reader.line_num)) from None
        raise ActualsError(Problem("csv-syntax", str(exc), source, reader.line_num)) from None
    return Table(source, used, header, columns, tuple(rows))


def _header_columns(header: tuple[str, ...], source: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _canonical_column(name)
        if column is None:
            continue
        if column in columns:
            raise ActualsError(Problem(
                "csv-duplicate-column",
                f"columns {header[columns[column]]!r} and {name!r} both name {column!r}",
                source, 1, index + 1))
        columns[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        hint = ""
        if len(header) == 1 and any(mark in header[0] for mark in ";\t|"):
            hint = "; the file seems separated by something other than commas: save it as comma-separated CSV"
        raise ActualsError(Problem(
            "csv-missing-column",
            f"no {', '.join(missing)} column; the header must name indicator, period and value "
            f"(or 指标, 期间, 数值); found {', '.join(repr(h) for h in header)}{hint}",
            source, 1))
    return columns


def read_reports(table: Table, plan: Plan, take_blank: bool = True) -> Actuals:
    """The reports of `plan` in `table`. With a plan column, rows naming another plan are
    skipped; rows with a blank plan cell are taken when `take_blank`."""
    source, columns, width = table.source, table.columns, len(table.header)
    required_width = max(columns[c] for c in REQUIRED_COLUMNS)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[tuple[str, Period], Report] = {}
    reports: list[Report] = []
    known_ids = [i.id for i in plan.indicators]
    earliest = date(plan.earliest_year, 1, 1)
    for line, cells in table.rows:
        if "plan" in columns:
            named = table.cell(cells, "plan")
            if (named and not plan.is_named(named)) or (not named and not take_blank):
                continue
        if (len(cells) > width and any(cell.strip() for cell in cells[width:])) or len(cells) <= required_width:
            problems.append(Problem("csv-row-length", f"{len(cells)} cells, the header has {width}", source, line))
            continue
        indicator_id, raw_period, raw_value = (table.cell(cells, c) for c in REQUIRED_COLUMNS)
        if not raw_value:
            continue
        indicator = plan.indicator(indicator_id)
        if indicator is None:
            problems.append(Problem(
                "csv-unknown-indicator",
                f"no indicator {indicator_id!r} in plan {plan.id}{_suggest(indicator_id, known_ids)}",
                source, line, columns["indicator"] + 1, "indicator"))
            continue
        try:
            period = parse_period(raw_period)
        except InvalidValue as exc:
            problems.append(Problem("csv-bad-period", str(exc), source, line, columns["period"] + 1, "period"))
            continue
        try:
            value = parse_value(raw_value, indicator)
        except InvalidValue as exc:
            problems.append(Problem(
                "csv-bad-value", f"{raw_value!r} for {indicator.id}: {exc}",
                source, line, columns["value"] + 1, "value"))
            continue
        key = (indicator.id, period)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier.value != value:
                problems.append(Problem(
                    "csv-duplicate-report",
                    f"{indicator.id} for {period} is {raw_value!r} here but {earlier.raw!r} on line {earlier.line}",
                    source, line, columns["value"] + 1, "value"))
            else:
                warnings.append(Problem(
                    "csv-repeated-report", f"{indicator.id} for {period} repeats line {earlier.line}; read once",
                    source, line))
            continue
        report = Report(indicator.id, period, value, raw_value, line, table.cell(cells, "note"))
        seen[key] = report
        reports.append(report)
        warnings.extend(_suspicious(report, indicator, table.cell(cells, "unit"), earliest, source))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        raise ActualsError(*shown, omitted=len(problems) - len(shown))
    return Actuals(source, table.encoding, tuple(reports), tuple(warnings))


def _suspicious(report: Report, indicator: Indicator, unit: str, earliest: date, source: str) -> list[Problem]:
    """Usable values that look wrong."""
    found = []
    value = report.value
    if isinstance(value, float) and not isinstance(value, bool):
        if indicator.unit == "percent" and value > 100:
            found.append(Problem("csv-percent-over-100", f"{indicator.id} is {report.raw}, above 100%", source, report.line))
        if value < 0 and indicator.unit not in ("ratio",):
            found.append(Problem("csv-negative-value", f"{indicator.id} is negative ({report.raw})", source, report.line))
    if report.period.end < earliest:
        found.append(Problem(
            "csv-period-before-plan", f"{indicator.id} is reported for {report.period}, before the plan starts",
            source, report.line))
    if unit and unit != indicator.unit:
        found.append(Problem(
            "csv-unit-mismatch", f"{indicator.id} is given in {unit!r}; the plan measures it in {indicator.unit!r}",
            source, report.line))
    return found


def _suggest(wanted: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""
