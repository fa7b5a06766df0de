"""Read a submission CSV: one row per indicator per reporting period."""

from __future__ import annotations

import csv
import functools
import io
import itertools
import math
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date

from tcmcheck.errors import ActualsError, InvalidValue, Problem
from tcmcheck.model import Indicator, Plan, derived
from tcmcheck.periods import Period, parse_period
from tcmcheck.text import quoted
from tcmcheck.result import Report

MAX_PROBLEMS = 20
MAX_CSV_BYTES = 256 * 2**20
"""The most bytes read of one CSV; a larger file is refused."""
_READ_CHUNK = 2**20

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
_DIGIT_GROUP = re.compile(r"^\d{3}(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


Entry = tuple[str, date, int, Period, float | str | bool]
"""One report as evaluation reads it: (indicator id, period end, line, period, value), its fields read
with the indices below. A plain tuple, the cheapest to build, as one is built for every row. One
indicator's entries sort by period end, then line."""
INDICATOR_ID, END, LINE, PERIOD, VALUE = range(5)


@dataclass(frozen=True)
class Actuals:
    """The reports of one plan from one file: per indicator, its entries in date order, then file order."""

    source: str
    encoding: str
    entries: dict[str, list[Entry]]
    warnings: tuple[Problem, ...] = ()

    def reports_for(self, indicator_id: str) -> list[Report]:
        """One indicator's reports, in period order (then file order)."""
        return [Report(indicator_id, entry[PERIOD], entry[VALUE], entry[LINE])
                for entry in self.entries.get(indicator_id, ())]


@dataclass(frozen=True)
class Table:
    """A decoded CSV and where its columns are; rows are read on demand."""

    source: str
    encoding: str
    text: str
    header: tuple[str, ...]
    columns: dict[str, int]

    def rows(self):
        """(line, cells) for every row after the header that is not blank."""
        for line, cells in self.numbered_rows():
            if any(cells) and any(cell.strip() for cell in cells):
                yield line, cells

    def numbered_rows(self):
        """(line, cells) for every row after the header, blank ones included (as [] or [''])."""
        lines = self._lines
        if lines is not None:
            return zip(itertools.count(2), map(str.split, itertools.islice(lines, 1, None), itertools.repeat(",")))
        return self._csv_rows()

    @functools.cached_property
    def _lines(self) -> list[str] | None:
        return _unquoted_lines(self.text)

    def _csv_rows(self):
        """Rows numbered by the line they start on: a quoted cell may span lines."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        start = 1
        try:
            next(reader)
            start = reader.line_num + 1
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise _csv_error(exc, self.source, start) from None

    def cell(self, cells, column: str) -> str:
        index = self.columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def plan_cells(self) -> list[str]:
        """The distinct values of the plan column, in order of appearance (blank included)."""
        if "plan" not in self.columns:
            return []
        return list(dict.fromkeys(self.cell(cells, "plan") for _, cells in self.rows()))


_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _unquoted_lines(text: str) -> list[str] | None:
    """The physical lines of a CSV that has no quote character and no over-long line, else None.
    Such a file's rows are its lines split at commas, exactly as csv.reader reads them: csv.reader
    ends a row only at \\r, \\n or \\r\\n, and a cell can span lines only inside quotes."""
    if '"' in text:
        return None
    if any(mark in text for mark in _OTHER_LINE_BREAKS):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    else:
        lines = text.splitlines()
    limit = csv.field_size_limit()
    if len(text) > limit and max(map(len, lines)) > limit:
        return None
    return lines


def _canonical_column(name: str) -> str | None:
    folded = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "_")
    for column, aliases in COLUMN_ALIASES.items():
        if folded in aliases:
            return column
    return None


def parse_number(text: str, allow_percent: bool) -> float:
    """'1,380', '30%', '30 %', '３０％' -> float; InvalidValue when it is not a number."""
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if math.isfinite(number) and "_" not in text:
            return number
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
            raise ActualsError(Problem("csv-encoding", f"unknown encoding {quoted(encoding)}",
                                       field="--encoding")) from None
        except UnicodeDecodeError as exc:
            raise failed(f"not valid {encoding}", exc) from None
        except ValueError as exc:
            raise ActualsError(Problem("csv-encoding", f"can't read with {quoted(encoding)}: {exc}",
                                       field="--encoding")) from None
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


_SPECIAL_FILES = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_bytes(path: str) -> bytes:
    """The bytes of an ACTUALS argument, '-' being standard input: a file or a FIFO of at most
    MAX_CSV_BYTES. A directory, device or socket is refused before it is opened."""
    source = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            if sys.stdin is None:
                raise ActualsError(Problem("csv-unreadable", "standard input is closed", source))
            return _read_limited(sys.stdin.buffer, source)
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise ActualsError(Problem("csv-not-file", "is a directory, expected a CSV file", path))
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            kind = next((kind for test, kind in _SPECIAL_FILES if test(mode)), "a special file")
            raise ActualsError(Problem("csv-not-regular", f"is {kind}, not a regular file; expected a CSV file", path))
        with open(path, "rb") as stream:
            return _read_limited(stream, path)
    except FileNotFoundError:
        raise ActualsError(Problem("csv-not-found", "no such file", path)) from None
    except OSError as exc:
        raise ActualsError(Problem("csv-unreadable", exc.strerror or str(exc), source)) from None


def _read_limited(stream, source: str) -> bytes:
    """All of `stream` when it holds at most MAX_CSV_BYTES. Its reported size only sizes the first
    read: a FIFO or a file under /proc reports 0, and a file may grow while it is read."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):
        size = 0
    if size > MAX_CSV_BYTES:
        raise _too_large(source)
    wanted = size + 1
    parts = []
    total = 0
    while True:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        total += len(part)
        if total > MAX_CSV_BYTES:
            raise _too_large(source)
        wanted = min(_READ_CHUNK, MAX_CSV_BYTES + 1 - total)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _too_large(source: str) -> ActualsError:
    return ActualsError(Problem(
        "csv-too-large", f"larger than {MAX_CSV_BYTES // 2**20} MiB, the most tcmcheck reads of one CSV; "
        "split it into several files", source))


def read_actuals(data: bytes, plan: Plan, source: str, encoding: str | None = None) -> Actuals:
    """Reports for `plan` from a CSV; rows of a `plan` column that name another plan are left out."""
    return read_reports(parse_table(data, source, encoding), plan)


def parse_table(data: bytes, source: str, encoding: str | None = None) -> Table:
    text, used = decode(data, source, encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ActualsError(Problem("csv-nul-byte", "contains a NUL byte; is this really a CSV file?", source, line))
    if not text or text.isspace():
        raise ActualsError(Problem("csv-empty", "the file is empty; expected a header row indicator,period,value", source, 1))
    header = _header(text, source)
    return Table(source, used, text, header, _header_columns(header, source))


def _header(text: str, source: str) -> tuple[str, ...]:
    """The first row. A first line without quotes is split at commas, as csv.reader would read it,
    without handing the whole text to csv.reader."""
    ends = [end for end in (text.find("\n"), text.find("\r")) if end >= 0]
    first = text[:min(ends)] if ends else text
    if '"' not in first and len(first) <= csv.field_size_limit():
        return tuple(first.split(",")) if first else ()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return tuple(next(reader))
    except csv.Error as exc:
        raise _csv_error(exc, source, 1) from None


def _csv_error(exc: csv.Error, source: str, line: int) -> ActualsError:
    if "field larger than field limit" in str(exc):
        return ActualsError(Problem(
            "csv-field-too-large", f"a cell is longer than {csv.field_size_limit()} characters (an unclosed quote?)",
            source, line))
    return ActualsError(Problem("csv-syntax", str(exc), source, line))


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


def read_reports(table: Table, plan: Plan, take_blank: bool = True, expected: frozenset[str] = frozenset()) -> Actuals:
    """The reports of `plan` in `table`, holding per (indicator, period) only the value and its line.
    With a plan column, rows naming another plan are skipped; rows with a blank plan cell are taken
    when `take_blank`. Rows naming another plan give a warning unless that name is in `expected`.

    Most rows of a large file are plain values for known indicators and periods already seen; those
    take the short path below. Anything else, or anything that needs a warning or an error, goes
    through `_Collector.row`, which applies every check."""
    collector = _Collector(table, plan, take_blank, expected)
    rows = table.numbered_rows()
    if table.columns.keys() <= {"indicator", "period", "value", "note"}:
        _read_plain_rows(rows, collector, "_" in table.text)
    else:
        for line, cells in rows:
            collector.row(line, cells)
    return collector.finish()


def _read_plain_rows(rows, collector: _Collector, underscores: bool) -> None:
    """Store the reports of plain rows directly and hand every other row to the collector. Plain: the
    header's cell count, a known indicator, a period, and a number inside the indicator's bounds or an
    exact grade or yes/no spelling, for a period not yet reported."""
    id_column, period_column, value_column = collector.required
    width = collector.width
    numbers, words, known_periods = collector.numbers, collector.words, _KNOWN_PERIODS
    for line, cells in rows:
        if len(cells) == width:
            known = known_periods.get(cells[period_column]) or _known_period(cells[period_column])
            if known is not None:
                period, label, end = known
                number = numbers.get(cells[id_column])
                if number is not None:
                    indicator_id, reports, lowest, highest = number
                    raw = cells[value_column]
                    try:
                        value = float(raw)
                    except ValueError:
                        value = None
                    if value is not None and lowest <= value <= highest and label not in reports \
                            and not (underscores and "_" in raw):
                        reports[label] = (indicator_id, end, line, period, value)
                        continue
                elif cells[id_column] in words:
                    indicator_id, reports, spellings = words[cells[id_column]]
                    value = spellings.get(cells[value_column])
                    if value is not None and label not in reports:
                        reports[label] = (indicator_id, end, line, period, value)
                        continue
        collector.row(line, cells)


_KNOWN_PERIODS: dict[str, tuple[Period, str, date]] = {}
"""Period cells already parsed, in any file: cell -> (period, its label, its end); at most
MAX_KNOWN_PERIODS of them."""
MAX_KNOWN_PERIODS = 100_000


def _known_period(cell: str) -> tuple[Period, str, date] | None:
    """(period, label, end) for a period cell, remembered; None when the cell is not a period."""
    try:
        period = parse_period(cell)
    except InvalidValue:
        return None
    if len(_KNOWN_PERIODS) >= MAX_KNOWN_PERIODS:
        _KNOWN_PERIODS.clear()
    known = _KNOWN_PERIODS[cell] = (period, period.label, period.end)
    return known


class _Collector:
    """Every check on a row, and the reports and problems found so far: per indicator, period label -> entry."""

    def __init__(self, table: Table, plan: Plan, take_blank: bool, expected: frozenset[str]):
        self.table, self.plan, self.take_blank, self.expected = table, plan, take_blank, expected
        self.source = table.source
        self.required = tuple(table.columns[c] for c in REQUIRED_COLUMNS)
        self.width = len(table.header)
        self.indicators = {i.id: i for i in plan.indicators}
        self.reports: dict[str, dict[str, Entry]] = {i.id: {} for i in plan.indicators}
        reports = self.reports
        bounds, spellings = _reading_tables(plan)
        self.numbers = {ident: (ident, reports[ident], lowest, highest) for ident, lowest, highest in bounds}
        self.words = {ident: (ident, reports[ident], words) for ident, words in spellings}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.other_plans: dict[str, int] = {}

    def row(self, line: int, cells: list[str]) -> None:
        table, source = self.table, self.source
        if not any(cell.strip() for cell in cells):
            return
        if "plan" in table.columns:
            named = table.cell(cells, "plan")
            if named and not self.plan.is_named(named):
                if named not in self.expected:
                    self.other_plans.setdefault(named, line)
                return
            if not named and not self.take_blank:
                return
        id_column, period_column, value_column = self.required
        if len(cells) > self.width or len(cells) <= max(self.required):
            self.problems.append(self._row_length(line, cells))
            return
        raw_value = cells[value_column].strip()
        if not raw_value:
            return
        indicator_id = cells[id_column].strip()
        indicator = self.indicators.get(indicator_id)
        if indicator is None:
            self.problems.append(Problem(
                "csv-unknown-indicator",
                f"no indicator {quoted(indicator_id)} in plan {self.plan.id}"
                f"{_suggest(indicator_id, list(self.indicators))}",
                source, line, id_column + 1, "indicator"))
            return
        raw_period = cells[period_column]
        try:
            period = parse_period(raw_period)
        except InvalidValue as exc:
            self.problems.append(Problem("csv-bad-period", str(exc), source, line, period_column + 1, "period"))
            return
        try:
            value = parse_value(raw_value, indicator)
        except InvalidValue as exc:
            self.problems.append(Problem(
                "csv-bad-value", f"{quoted(raw_value)} for {indicator.id}: {exc}", source, line, value_column + 1,
                "value"))
            return
        known = self.reports[indicator.id]
        earlier = known.get(period.label)
        if earlier is not None:
            if earlier[VALUE] != value:
                self.problems.append(Problem(
                    "csv-duplicate-report",
                    f"{indicator.id} for {period} is {quoted(raw_value)} here but {quoted(_shown(earlier[VALUE]))} "
                    f"on line {earlier[LINE]}", source, line, value_column + 1, "value"))
            else:
                self.warnings.append(Problem(
                    "csv-repeated-report", f"{indicator.id} for {period} repeats line {earlier[LINE]}; read once",
                    source, line))
            return
        known[period.label] = (indicator.id, period.end, line, period, value)
        self.warnings.extend(_suspicious(indicator, value, raw_value, line, table.cell(cells, "unit"), source))

    def _row_length(self, line: int, cells: list[str]) -> Problem:
        message = f"{len(cells)} cells, the header has {self.width}"
        extra = len(cells) - self.width
        if extra <= 0:
            return Problem("csv-row-length", message, self.source, line)
        value_column = self.required[2]
        number = _split_number(cells, value_column)
        if number is not None:
            return Problem(
                "csv-row-length", f"{message}: is {quoted(number)} one number? Quote a number that has a "
                'thousands separator ("1,380") or leave the commas out', self.source, line, value_column + 1, "value")
        return Problem("csv-row-length", f"{message}; a cell that holds a comma must be quoted", self.source, line)

    def finish(self) -> Actuals:
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            raise ActualsError(*shown, omitted=len(self.problems) - len(shown))
        entries = {indicator_id: sorted(known.values()) for indicator_id, known in self.reports.items() if known}
        warnings = _capped(self.warnings)
        if self.other_plans:
            names = ", ".join(quoted(name) for name in self.other_plans)
            warnings += (Problem("csv-other-plan", f"rows for other plans were left out: {names}", self.source,
                                 min(self.other_plans.values())),)
        return Actuals(self.source, self.table.encoding, entries, warnings)


def _split_number(cells: list[str], start: int) -> str | None:
    """'1,380' when the cells from `start` on are the pieces of a number cut at its thousands separators."""
    end = start + 1
    while end < len(cells) and _DIGIT_GROUP.match(cells[end].strip()):
        end += 1
    number = ",".join(cell.strip() for cell in cells[start:end])
    return number if end > start + 1 and _THOUSANDS.match(number) else None


def _reading_tables(plan: Plan) -> tuple[tuple[tuple[str, float, float], ...], tuple[tuple[str, dict], ...]]:
    """What reading needs to know of a plan: per numeric indicator the values that need no warning
    (0-100 for percentages, no negatives except for ratios), and per grade or yes/no indicator its
    exact spellings."""
    return derived(_READING_TABLES, plan, _build_reading_tables)


def _build_reading_tables(plan: Plan):
    bounds = tuple((i.id, -1e300 if i.unit == "ratio" else 0.0, 100.0 if i.unit == "percent" else 1e300)
                   for i in plan.indicators if i.value_type == "number")
    return bounds, tuple((i.id, _spellings(i)) for i in plan.indicators if i.value_type != "number")


_READING_TABLES: dict[int, tuple] = {}


def _spellings(indicator: Indicator) -> dict[str, object]:
    """Exact spellings of grades and yes/no answers, read without normalising."""
    if indicator.value_type == "yes_no":
        return {**{word: True for word in YES}, **{word: False for word in NO}}
    return {level: level for level in indicator.scale.levels}


def _shown(value) -> str:
    if value.__class__ is float and value.is_integer():
        return str(int(value))
    return str(value)


def _capped(warnings: list[Problem]) -> tuple[Problem, ...]:
    """At most MAX_PROBLEMS warnings of each kind, then one that counts the rest."""
    kept: list[Problem] = []
    shown: dict[str, int] = {}
    extra: dict[str, int] = {}
    for warning in sorted(warnings, key=lambda w: w.line or 0):
        if shown.get(warning.code, 0) < MAX_PROBLEMS:
            shown[warning.code] = shown.get(warning.code, 0) + 1
            kept.append(warning)
        else:
            extra[warning.code] = extra.get(warning.code, 0) + 1
    for code, count in extra.items():
        kept.append(Problem(code, f"... and {count} more like this", warnings[0].file))
    return tuple(kept)


def _suspicious(indicator: Indicator, value, raw: str, line: int, unit: str, source: str) -> list[Problem]:
    """Usable values that look wrong."""
    found = []
    if value.__class__ is float:
        if indicator.unit == "percent" and value > 100:
            found.append(Problem("csv-percent-over-100", f"{indicator.id} is {quoted(raw)}, above 100%", source, line))
        if value < 0 and indicator.unit != "ratio":
            found.append(Problem("csv-negative-value", f"{indicator.id} is negative ({quoted(raw)})", source, line))
    if unit and unit != indicator.unit:
        found.append(Problem(
            "csv-unit-mismatch",
            f"{indicator.id} is given in {quoted(unit)}; the plan measures it in {indicator.unit!r}", source, line))
    return found


def _suggest(wanted: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""
