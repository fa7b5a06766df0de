"""Read a submission: one row per indicator per reporting period, from a CSV, a text export or a workbook."""

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
from dataclasses import dataclass, field
from datetime import date

from tcmcheck.errors import ActualsError, InvalidValue, Problem
from tcmcheck.messages import Phrase, Semicolons, os_reason
from tcmcheck.model import Indicator, Plan, derived
from tcmcheck.periods import Period, parse_period, serial_date
from tcmcheck.text import quoted
from tcmcheck.result import Report
from tcmcheck.cells import ErrorCell, as_text, cell_name

MAX_PROBLEMS = 20
MAX_CSV_BYTES = 256 * 2**20
"""The most bytes read of one CSV; a larger file is refused."""
_READ_CHUNK = 2**20

COLUMN_ALIASES = {
    "indicator": ("indicator", "indicator_id", "id", "指标", "指标id", "指标编号", "指标代码"),
    "period": ("period", "期间", "时期", "报告期", "统计期", "年份", "年度", "统计年度", "due", "到期", "期限"),
    "value": ("value", "数值", "值", "实际值", "完成值", "实际完成值", "完成情况"),
    "note": ("note", "notes", "备注", "说明"),
    "plan": ("plan", "计划", "规划", "方案"),
    "unit": ("unit", "单位"),
    "region": ("region", "区县", "县区", "县", "县市区", "地区", "行政区", "行政区划"),
}
CITY_WIDE = ("全市", "市本级", "合计", "全市合计")
"""Region cells that mean the city as a whole, as a blank cell or the city's own name do."""
REQUIRED_COLUMNS = ("indicator", "period", "value")
NAME_ALIASES = ("name", "indicator_name", "指标名称", "名称")
"""A column of indicator names, read as the indicator column when there is none."""
HEADER_SEARCH_ROWS = 10
"""The header is looked for in this many rows from the top, below any title rows."""

PLACEHOLDERS = frozenset({"/", "-", "–", "—", "——", "--", "无", "暂无", "n/a", "na", "#n/a"})
"""Cells that say "no figure" (after NFKC and case folding): read as not reported, and counted."""
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
UNIT_WORDS = {
    "percent": ("%",), "person_times": ("人次",), "yuan": ("元",), "yuan_10k": ("万元",), "yuan_100m": ("亿元",),
    "mu": ("亩",), "mu_10k": ("万亩",), "hectare": ("公顷",), "hectare_10k": ("万公顷",), "tonne": ("吨",),
    "count": ("个",), "rank": ("名", "位"), "per_1000": ("‰",), "per_10000": ("‱",),
}
"""The measure words a value may carry after its number, per unit; an indicator's unit_label counts too."""
MEASURE_WORDS = frozenset({w for words in UNIT_WORDS.values() for w in words} | set(
    "个家人张所项名次处届种类部床位篇门间座支批本条例户台套"))
"""Measure words known to mean a unit: one that doesn't fit the indicator is an error naming both."""
_MEASURED = r"^([+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+))(万|亿)?(.*)$"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGES = f"^[\\s{_INVISIBLE}]+|[\\s{_INVISIBLE}]+$"
"""Patterns compiled when first used (by re's cache), as most files need neither."""
_SEP_LINE = re.compile(r"^\ufeff*sep=(.)$")
_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)$")

YES = {"yes", "y", "true", "1", "done", "是", "已完成", "完成", "已建成", "达标"}
NO = {"no", "n", "false", "0", "not done", "否", "未完成", "未建成", "未达标"}

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DIGIT_GROUP = re.compile(r"^\d{3}(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


Entry = tuple[str, date, int, Period, float | str | bool]
"""One report as evaluation reads it: (indicator id, period end, line, period, value), its fields read
with the indices below. A plain tuple, the cheapest to build, as one is built for every row. One
indicator's entries sort by period end, then line."""
INDICATOR_ID, END, LINE, PERIOD, VALUE, SOURCE = range(6)
"""SOURCE, the file, is there only in entries merged from several files."""


@dataclass(frozen=True)
class Actuals:
    """The reports of one plan from one file: per indicator, its entries in date order, then file order.
    `placeholders` counts the values that said "no figure" (/, -, 无, N/A …), read as not reported."""

    source: str
    encoding: str
    entries: dict[str, list[Entry]]
    warnings: tuple[Problem, ...] = ()
    placeholders: int = 0
    regional: dict[str, dict[str, list[Entry]]] = field(default_factory=dict)
    """Per indicator, per region (its full name), the region rows' entries in date order."""
    regions: tuple[str, ...] = ()
    """The regions the submission names, in order of first appearance."""

    def reports_for(self, indicator_id: str) -> list[Report]:
        """One indicator's reports, in period order (then file order)."""
        return [Report(indicator_id, entry[PERIOD], entry[VALUE], entry[LINE])
                for entry in self.entries.get(indicator_id, ())]


@dataclass(frozen=True)
class Table:
    """A decoded CSV or a workbook's sheet, and where its columns are. A CSV's rows are read on demand,
    after the header on line `header_line`, split at `delimiter`; a sheet's are `records`, already text.
    `notes` are warnings about how it was read (a header below title rows, sheets left out)."""

    source: str
    encoding: str
    text: str
    header: tuple[str, ...]
    columns: dict[str, int]
    delimiter: str = ","
    header_line: int = 1
    records: list[tuple[int, list[str]]] | None = None
    notes: tuple[Problem, ...] = ()

    @property
    def underscores(self) -> bool:
        """Whether a cell may hold an underscore, which float() would read inside a number."""
        return self.records is not None or "_" in self.text

    def rows(self):
        """(line, cells) for every row after the header that is not blank, its cells text."""
        if self.records is not None:
            for line, cells in self.records:
                cells = list(map(as_text, cells))
                if any(cell.strip() for cell in cells):
                    yield line, cells
            return
        for line, cells in self.numbered_rows():
            if any(cells) and any(cell.strip() for cell in cells):
                yield line, cells

    def numbered_rows(self):
        """(line, cells) for every row after the header, blank ones included (as [] or ['']). A workbook's
        cells may be numbers or dates, not yet text (see workbook.Sheet)."""
        if self.records is not None:
            return iter(self.records)
        lines = self._lines
        start = self.header_line
        if lines is not None:
            return zip(itertools.count(start + 1),
                       map(str.split, itertools.islice(lines, start, None), itertools.repeat(self.delimiter)))
        return self._csv_rows()

    @functools.cached_property
    def _lines(self) -> list[str] | None:
        return _unquoted_lines(self.text)

    def _csv_rows(self):
        """Rows numbered by the line they start on: a quoted cell may span lines."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        start = 1
        try:
            for _ in reader:
                if start >= self.header_line:
                    break
                start = reader.line_num + 1
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


@functools.lru_cache(maxsize=1024)
def _canonical_column(name: str) -> str | None:
    """The column a header cell names: NFKC, without byte order marks, zero-width characters or a unit
    in brackets (数值（%）), spaces inside ignored (指　标) or read as _ (indicator id)."""
    folded = unicodedata.normalize("NFKC", name).lower()
    for mark in _INVISIBLE:
        folded = folded.replace(mark, "")
    folded = _UNIT_SUFFIX.sub("", folded.strip()).strip()
    joined = "_".join(folded.split())
    closed = "".join(folded.split())
    for column, aliases in COLUMN_ALIASES.items():
        if joined in aliases or closed in aliases:
            return column
    if joined in NAME_ALIASES or closed in NAME_ALIASES:
        return "name"
    return None


def clean_cell(text: str) -> str:
    """A cell without surrounding white space (NBSP and the ideographic space included) or zero-width
    characters."""
    stripped = text.strip()
    if stripped and (stripped[0] in _INVISIBLE or stripped[-1] in _INVISIBLE):
        return re.sub(_EDGES, "", stripped)
    return stripped


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
            raise InvalidValue("percent-sign")
        raw = raw[:-1]
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        raise InvalidValue("number")
    number = float(raw)
    if not math.isfinite(number):
        raise InvalidValue("number-too-large")
    return number


def parse_yes_no(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise InvalidValue("yes-no")


class WrongUnit(InvalidValue):
    """A value whose measure word contradicts the indicator's unit (12家 for a percentage)."""


def parse_value(text: str, indicator: Indicator) -> float | str | bool:
    if indicator.value_type == "yes_no":
        return parse_yes_no(text)
    if indicator.value_type == "grade":
        level = indicator.scale.canonical(text) if indicator.scale else None
        if level is None:
            raise InvalidValue("grade", levels=indicator.scale.levels if indicator.scale else ())
        return level
    percent = indicator.unit == "percent"
    try:
        return parse_number(text, allow_percent=percent)
    except InvalidValue as exc:
        measured = _measured_number(text, indicator)
        if measured is None:
            raise exc from None
        return measured


def unit_words(indicator: Indicator) -> tuple[str, ...]:
    """The measure words that may follow a number of this indicator: its unit's and its unit_label."""
    words = UNIT_WORDS.get(indicator.unit, ())
    if indicator.unit_label:
        words = (indicator.unit_label, *words)
    return words


def _measured_number(text: str, indicator: Indicator) -> float | None:
    """A number followed by 万 or 亿 and/or a measure word (12个, 1380人次, 0.138万, 1.2亿元): its value in
    the indicator's unit; None when the text is not of that form. A measure word that is another unit's is
    WrongUnit."""
    raw = "".join(unicodedata.normalize("NFKC", text).split())
    match = re.match(_MEASURED, raw)
    if match is None:
        return None
    digits, multiplier, word = match.groups()
    if not multiplier and (not word or word == "%"):
        return None
    try:
        number = parse_number(digits, allow_percent=False)
    except InvalidValue:
        return None
    allowed = unit_words(indicator)
    percent = indicator.unit == "percent"
    if word and (multiplier or "") + word in allowed:
        return number
    if word and word not in allowed:
        if (multiplier or "") + word in MEASURE_WORDS or word in MEASURE_WORDS or word.rstrip("数") in MEASURE_WORDS:
            shown = "/".join(allowed) or indicator.unit
            raise WrongUnit("wrong-unit", word=quoted((multiplier or "") + word), indicator=indicator.id, units=shown,
                            unit=indicator.unit)
        return None
    if multiplier and percent:
        raise WrongUnit("multiplier-on-percent", multiplier=multiplier, factor=f"{_MULTIPLIERS[multiplier]:,.0f}")
    value = number * _MULTIPLIERS[multiplier] if multiplier else number
    return float(f"{value:.12g}") if multiplier else value


_UTF_16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
"""How a ZIP file (.xlsx, .xlsm, .ods) and an OLE2 file (.xls) begin: read as a workbook, not as text."""


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-16 with a byte order mark (Excel's "Unicode text"),
    UTF-8 (with or without BOM), else GB18030."""

    def failed(variant: str, exc: UnicodeDecodeError, offset: int = 0, **params) -> ActualsError:
        start = exc.start + offset
        return ActualsError(Problem("csv-encoding", variant, source, data.count(b"\n", 0, start) + 1, byte=start,
                                    **params))

    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise ActualsError(Problem("csv-encoding", "unknown", field="--encoding",
                                       encoding=quoted(encoding))) from None
        except UnicodeDecodeError as exc:
            raise failed("not-valid", exc, encoding=encoding) from None
        except ValueError as exc:
            raise ActualsError(Problem("csv-encoding", "unusable", field="--encoding", encoding=quoted(encoding),
                                       reason=str(exc))) from None
    for bom, name in _UTF_16_BOMS:
        if data.startswith(bom):
            try:
                return data[2:].decode(name), "utf-16"
            except UnicodeDecodeError as exc:
                raise failed("utf16", exc, 2, encoding=name.upper()) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise failed("utf8-bom", exc, 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise failed("undetected", exc) from None


_SPECIAL_FILES = ((stat.S_ISCHR, "character-device"), (stat.S_ISBLK, "block-device"), (stat.S_ISSOCK, "socket"))


def read_bytes(path: str) -> bytes:
    """The bytes of an ACTUALS argument, '-' being standard input: a file or a FIFO of at most
    MAX_CSV_BYTES. A directory, device or socket is refused before it is opened."""
    source = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            if sys.stdin is None:
                raise ActualsError(Problem("csv-unreadable", "stdin-closed", source))
            return _read_limited(sys.stdin.buffer, source)
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise ActualsError(Problem("csv-not-file", "directory", path))
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            kind = next((kind for test, kind in _SPECIAL_FILES if test(mode)), "special-file")
            raise ActualsError(Problem("csv-not-regular", "special", path, what=Phrase.of(kind)))
        with open(path, "rb", buffering=0) as stream:
            return _read_limited(stream, path)
    except FileNotFoundError:
        raise ActualsError(Problem("csv-not-found", "missing", path)) from None
    except OSError as exc:
        raise ActualsError(Problem("csv-unreadable", "os", source, reason=os_reason(exc))) from None


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
        if size and total == size:
            break  # the whole file, as its size said when it was opened
        wanted = min(_READ_CHUNK, MAX_CSV_BYTES + 1 - total)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _too_large(source: str) -> ActualsError:
    return ActualsError(Problem("csv-too-large", "limit", source, limit=MAX_CSV_BYTES // 2**20))


def read_actuals(data: bytes, plan: Plan, source: str, encoding: str | None = None, delimiter: str | None = None,
                 sheet: str | None = None) -> Actuals:
    """Reports for `plan` from a CSV, a text export or a workbook (its first sheet with a header, or
    `sheet`); rows of a `plan` column that name another plan are left out."""
    return read_reports(parse_table(data, source, encoding, delimiter, sheet), plan)


def parse_table(data: bytes, source: str, encoding: str | None = None, delimiter: str | None = None,
                sheet: str | None = None) -> Table:
    """The submission table of a CSV or text export; of a workbook, its first sheet with a header (or `sheet`),
    with the sheets left out before it said in its notes."""
    tables = parse_tables(data, source, encoding, delimiter, sheet, every_sheet=False)
    return tables[0]


def parse_tables(data: bytes, source: str, encoding: str | None = None, delimiter: str | None = None,
                 sheet: str | None = None, every_sheet: bool = True) -> list[Table]:
    """The submission tables of a file: one for a CSV or text export; for a workbook, every sheet whose
    header fits (or only `sheet`; with `every_sheet` false, only the first that fits)."""
    if data.startswith(WORKBOOK_SIGNATURES):
        from tcmcheck import workbook

        kind = workbook.kind_of(data)
        if kind is not None:
            return _sheet_tables(workbook.Workbook(data, source, kind), sheet, every_sheet)
    text, used = decode(data, source, encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ActualsError(Problem("csv-nul-byte", "nul", source, line))
    if not text or text.isspace():
        raise ActualsError(Problem("csv-empty", "file", source, 1))
    return [_text_table(text, source, used, delimiter)]


def _text_table(text: str, source: str, encoding: str, delimiter: str | None) -> Table:
    """The header of a CSV or text export: in its first rows (below a `sep=` line and title rows), with
    cells split at `delimiter`, else at tabs or commas, whichever finds the header."""
    first = _first_lines(text, 1)[0]
    skip = 0
    separator = _SEP_LINE.match(first)
    if separator:
        skip = 1
        delimiter = delimiter or separator.group(1)
    if delimiter:
        candidates = (delimiter,)
    else:
        candidates = ("\t", ",") if encoding == "utf-16" else (",", "\t")
    tried = []
    for candidate in candidates:
        records = _head_records(text, source, candidate, skip)
        found = _find_header(records, source)
        if found is not None:
            line, header, columns = found
            notes = ()
            title = next((cell.strip() for number, cells in records if number < line for cell in cells
                          if cell.strip()), "")
            if title:
                notes = (Problem("csv-header-below-title", "skipped", source, line, header_line=line,
                                 count=line - skip - 1, title=quoted(title)),)
            return Table(source, encoding, text, header, columns, candidate, line, None, notes)
        tried.append(records)
    raise _no_header(tried[0], source, delimiter)


def _first_lines(text: str, count: int) -> list[str]:
    """The first `count` physical lines, ending at \\r\\n, \\r or \\n, without splitting the whole text."""
    lines = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start:match.start()])
        start = match.end()
        if len(lines) == count:
            return lines
    if start < len(text) or not lines:
        lines.append(text[start:])
    return lines


_LINE_END = re.compile(r"\r\n|\r|\n")


def _head_records(text: str, source: str, delimiter: str, skip: int) -> list[tuple[int, list[str]]]:
    """The first HEADER_SEARCH_ROWS rows after `skip` lines, each with the line it starts on."""
    count = skip + HEADER_SEARCH_ROWS
    lines = _first_lines(text, count)
    if not any('"' in line for line in lines) and max(map(len, lines)) <= csv.field_size_limit():
        return [(number, line.split(delimiter)) for number, line in enumerate(lines, start=1)][skip:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    start = 1
    try:
        for cells in reader:
            if start > skip:
                records.append((start, cells))
            start = reader.line_num + 1
            if len(records) == HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise _csv_error(exc, source, start) from None
    return records


def _find_header(records: list[tuple[int, list]], source: str) -> tuple[int, tuple[str, ...], dict[str, int]] | None:
    """(line, header, columns) of the first row that names every required column."""
    for line, cells in records:
        named = [_canonical_column(cell) if cell.__class__ is str else None for cell in cells]
        if all(column in named for column in REQUIRED_COLUMNS) or (
                "indicator" not in named and "name" in named and "period" in named and "value" in named):
            header = tuple(cell if cell.__class__ is str else "" for cell in cells)
            return line, header, _header_columns(header, source, line)
    return None


def _no_header(records: list[tuple[int, list]], source: str, delimiter: str | None) -> ActualsError:
    """The error for a file whose first rows hold no header: what the likeliest row lacks."""
    best_line, best = (records[0] if records else (1, []))
    best_count = -1
    for line, cells in records:
        named = {_canonical_column(cell) for cell in cells if cell.__class__ is str}
        count = len(named & set(REQUIRED_COLUMNS))
        if count > best_count:
            best_line, best, best_count = line, cells, count
    named = {_canonical_column(cell) for cell in best if cell.__class__ is str}
    missing = tuple(column_phrase(column) for column in REQUIRED_COLUMNS if column not in named)
    hint = ""
    if len(best) == 1 and any(mark in str(best[0]) for mark in ";|\t"):
        hint = Phrase.of("delimiter-hint")
    found = ", ".join(repr(str(cell)) for cell in best)
    where = Phrase.of("in-first-rows", rows=HEADER_SEARCH_ROWS) if len(records) > 1 else ""
    return ActualsError(Problem("csv-missing-column", "none", source, best_line, missing=missing, where=where,
                                found=found, hint=hint))


def column_phrase(column: str) -> Phrase:
    """A column's name in words: indicator, 指标."""
    return Phrase.of(f"column-{column}")


def _csv_error(exc: csv.Error, source: str, line: int) -> ActualsError:
    if "field larger than field limit" in str(exc):
        return ActualsError(Problem("csv-field-too-large", "limit", source, line, limit=csv.field_size_limit()))
    return ActualsError(Problem("csv-syntax", "csv", source, line, reason=str(exc)))


def _header_columns(header: tuple[str, ...], source: str, line: int = 1) -> dict[str, int]:
    """Column -> index. Two columns naming one that is read are an error; of two notes (备注 and 说明), which
    are not read, the first is kept. A column of names stands in for a missing indicator column."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _canonical_column(name)
        if column is None:
            continue
        if column in columns:
            if column in ("note", "name"):
                continue
            raise ActualsError(Problem("csv-duplicate-column", "both", source, line, index + 1,
                                       first=repr(header[columns[column]]), second=repr(name),
                                       meaning=column_phrase(column)))
        columns[column] = index
    names = columns.pop("name", None)
    if "indicator" not in columns and names is not None:
        columns["indicator"] = names
    return columns


def _sheet_tables(book, wanted: str | None, every_sheet: bool) -> list[Table]:
    """The sheets whose header fits, as tables located `file.xlsx[Sheet]`; a sheet that is left out but
    looks like a submission (a header that fits, or names some of the columns) is said in a note."""
    names = book.names
    if wanted is not None:
        names = [_chosen_sheet(book, wanted)]
    tables: list[Table] = []
    skipped: list[tuple[str, Phrase, bool]] = []
    """(sheet, why, whether a warning says so)"""
    for name in names:
        values = book.values(name)
        where = f"{book.source}[{name}]"
        head = [(line, [cell if cell.__class__ is str else "" for cell in row])
                for line, row in values[:HEADER_SEARCH_ROWS]]
        found = _find_header(head, where)
        if found is None:
            named = {_canonical_column(cell) for _, row in head for cell in row} & set(REQUIRED_COLUMNS)
            if wanted is not None:
                raise _no_header(head, where, None) if head else ActualsError(Problem("csv-empty", "sheet", where))
            if named:
                missing = tuple(column_phrase(column) for column in REQUIRED_COLUMNS if column not in named)
                skipped.append((name, Phrase.of("sheet-no-columns", missing=missing), True))
            else:
                skipped.append((name, Phrase.of("sheet-no-header" if values else "sheet-empty"), False))
            continue
        if tables and not every_sheet:
            skipped.append((name, Phrase.of("sheet-second-header"), True))
            continue
        line, header, columns = found
        used = tuple(sorted({columns[c] for c in (*REQUIRED_COLUMNS, "plan", "unit") if c in columns}))
        rows = book.rows(name, used, values[line - values[0][0] + 1:])
        notes = ()
        if line > head[0][0]:
            title = next((cell.strip() for cell in head[0][1] if cell.strip()), "")
            notes = (Problem("csv-header-below-title", "skipped", where, line, header_line=line,
                             count=line - head[0][0], title=quoted(title)),)
        tables.append(Table(where, book.kind, "", header, columns, ",", line, rows, notes))
    if not tables:
        reasons = Semicolons(Phrase.of("sheet-reason", sheet=quoted(name), reason=reason)
                             for name, reason, _ in skipped) or Phrase.of("no-sheets")
        raise ActualsError(Problem("workbook-no-header", "none", book.source, rows=HEADER_SEARCH_ROWS,
                                   reasons=reasons))
    told = [(name, reason) for name, reason, warned in skipped if warned]
    if told:
        said = Semicolons(Phrase.of("sheet-reason", sheet=quoted(name), reason=reason) for name, reason in told)
        first = tables[0]
        note = Problem("workbook-sheet-skipped", "skipped", book.source, sheets=said)
        tables[0] = Table(first.source, first.encoding, first.text, first.header, first.columns, first.delimiter,
                          first.header_line, first.records, first.notes + (note,))
    return tables


def _chosen_sheet(book, wanted: str) -> str:
    """--sheet: a sheet's name, else its number from 1."""
    if wanted in book.names:
        return wanted
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(book.names):
        return book.names[int(wanted) - 1]
    listed = tuple(f"{number} {quoted(name)}" for number, name in enumerate(book.names, start=1))
    raise ActualsError(Problem("workbook-no-sheet", "none", book.source, field="--sheet", sheet=quoted(wanted),
                               sheets=listed))


def read_reports(table: Table, plan: Plan, take_blank: bool = True, expected: frozenset[str] = frozenset()) -> Actuals:
    """The reports of `plan` in `table`, holding per (indicator, period) only the value and its line.
    With a plan column, rows naming another plan are skipped; rows with a blank plan cell are taken
    when `take_blank`. Rows naming another plan give a warning unless that name is in `expected`.

    Most rows of a large file are plain values for known indicators and periods already seen; those
    take the short path below. Anything else, or anything that needs a warning or an error, goes
    through `_Collector.row`, which applies every check."""
    collector = _Collector(table, plan, take_blank, expected)
    rows = table.numbered_rows()
    if table.columns.keys() <= {"indicator", "period", "value", "note", "region"}:
        _read_plain_rows(rows, collector, table.underscores)
    else:
        for line, cells in rows:
            collector.row(line, cells)
    return collector.finish()


def _read_plain_rows(rows, collector: _Collector, underscores: bool) -> None:
    """Store the reports of plain rows directly and hand every other row to the collector. Plain: the
    header's cell count, a known indicator, a period, and a number inside the indicator's bounds or an
    exact grade or yes/no spelling, for a period not yet reported. A workbook's number and date cells are
    read as they are (float() of a number, the period of a date); `underscores` is true for a workbook, so
    that a logical cell is not read as 1 or 0."""
    id_column, period_column, value_column = collector.required
    width = collector.width
    numbers, words, known_periods = collector.numbers, collector.words, _KNOWN_PERIODS
    region_column, cell_tables = collector.region_column, collector.cell_tables
    for line, cells in rows:
        if len(cells) == width:
            if region_column is not None:
                tables = cell_tables.get(cells[region_column])
                if tables is None:
                    collector.row(line, cells)
                    continue
                numbers, words = tables
            known = known_periods.get(cells[period_column]) or _known_period(cells[period_column])
            if known is not None:
                period, label, end = known
                number = numbers.get(cells[id_column])
                if number is not None:
                    indicator_id, reports, lowest, highest = number
                    raw = cells[value_column]
                    try:
                        value = float(raw)
                    except (ValueError, TypeError):
                        value = None
                    if value is not None and lowest <= value <= highest and label not in reports \
                            and not (underscores and (raw.__class__ is bool or raw.__class__ is str and "_" in raw)):
                        reports[label] = (indicator_id, end, line, period, value)
                        continue
                elif cells[id_column] in words:
                    indicator_id, reports, spellings = words[cells[id_column]]
                    value = spellings.get(cells[value_column])
                    if value is not None and label not in reports:
                        reports[label] = (indicator_id, end, line, period, value)
                        continue
        collector.row(line, cells)


UNKNOWN_REGION = object()
"""What `region_named` gives for a name that is none of the regions a plan lists."""


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
        self.placeholders = 0
        self.by_name: list[tuple[int, str, str]] = []
        self.region_column = table.columns.get("region")
        self.region_cells: dict[object, str | None] = {}
        """Region cells already read: the cell as it stands -> the region's full name, or None for the city."""
        self.regional: dict[tuple[str, str], dict[str, Entry]] = {}
        self.region_order: dict[str, None] = {}
        self.cell_tables: dict[object, tuple[dict, dict]] = {}
        """Region cells already read -> the fast path's tables of that region's (or the city's) reports."""
        self.serials: list[tuple[int, list[str]]] | None = []

    def row(self, line: int, cells: list) -> None:
        table, source = self.table, self.source
        if table.records is not None:
            cells = list(map(as_text, cells))
            if self._error_cell(line, cells):
                return
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
        raw_value = clean_cell(cells[value_column])
        if not raw_value:
            return
        if unicodedata.normalize("NFKC", raw_value).casefold() in PLACEHOLDERS:
            self.placeholders += 1
            return
        indicator_id = clean_cell(cells[id_column])
        indicator = self.indicators.get(indicator_id) or self._indicator_named(indicator_id, line, id_column)
        if indicator is None:
            return
        raw_period = clean_cell(cells[period_column])
        try:
            period = parse_period(raw_period)
        except InvalidValue as exc:
            if self.serials is not None and serial_date(raw_period) is not None:
                self.serials.append((line, cells))
                return
            self.problems.append(Problem("csv-bad-period", "reason", source, line, period_column + 1, "period",
                                         reason=exc.reason))
            return
        try:
            value = parse_value(raw_value, indicator)
        except WrongUnit as exc:
            self.problems.append(Problem("csv-wrong-unit", "unit", source, line, value_column + 1, "value",
                                         value=quoted(raw_value), indicator=indicator.id, reason=exc.reason))
            return
        except InvalidValue as exc:
            self.problems.append(Problem("csv-bad-value", "value", source, line, value_column + 1, "value",
                                         value=quoted(raw_value), indicator=indicator.id, reason=exc.reason))
            return
        region = None
        if self.region_column is not None:
            region = self._region(cells, line)
            if region is UNKNOWN_REGION:
                return
        known = self.reports[indicator.id] if region is None else self.region_reports(indicator.id, region)
        earlier = known.get(period.label)
        if earlier is not None:
            what = Phrase.of("report-of-region", indicator=indicator.id, period=period.label, region=region) \
                if region else Phrase.of("report-of", indicator=indicator.id, period=period.label)
            if earlier[VALUE] != value:
                self.problems.append(Problem(
                    "csv-duplicate-report", "differs", source, line, value_column + 1, "value", report=what,
                    value=quoted(raw_value), earlier=quoted(_shown(earlier[VALUE])), earlier_line=earlier[LINE]))
            else:
                self.warnings.append(Problem("csv-repeated-report", "repeats", source, line, report=what,
                                             earlier_line=earlier[LINE]))
            return
        known[period.label] = (indicator.id, period.end, line, period, value)
        self.warnings.extend(_suspicious(indicator, value, raw_value, line, table.cell(cells, "unit"), source))

    def region_reports(self, indicator_id: str, region: str) -> dict[str, Entry]:
        """One region's reports of an indicator: period label -> entry."""
        key = (indicator_id, region)
        known = self.regional.get(key)
        if known is None:
            known = self.regional[key] = {}
        return known

    def _region(self, cells: list, line: int):
        """The region a row is for: its full name, None for the city (a blank cell, 全市 or the city's
        name), or UNKNOWN_REGION after noting an unknown region as a problem."""
        raw = cells[self.region_column] if self.region_column < len(cells) else ""
        if raw in self.region_cells:
            return self.region_cells[raw]
        text = clean_cell(raw)
        region = region_named(self.plan, text)
        if region is UNKNOWN_REGION:
            import difflib

            folded = unicodedata.normalize("NFKC", text).replace(" ", "")
            names = list(region_names(self.plan))
            close = difflib.get_close_matches(folded, names, n=3, cutoff=0.3)
            closest = tuple(dict.fromkeys(region_names(self.plan)[n] for n in close))
            hint = Phrase.of("did-you-mean", names=closest) if close else ""
            self.problems.append(Problem(
                "csv-unknown-region", "unknown", self.source, line, self.region_column + 1, "region",
                region=quoted(text), plan=self.plan.id, hint=hint, regions=tuple(r.zh for r in self.plan.regions)))
            return UNKNOWN_REGION
        self.region_cells[raw] = region
        if region is None:
            self.cell_tables[raw] = (self.numbers, self.words)
        else:
            self.region_order.setdefault(region, None)
            self.cell_tables[raw] = (
                {ident: (ident, self.region_reports(ident, region), low, high)
                 for ident, (_, _, low, high) in self.numbers.items()},
                {ident: (ident, self.region_reports(ident, region), spellings)
                 for ident, (_, _, spellings) in self.words.items()})
        return region

    def _indicator_named(self, text: str, line: int, column: int) -> Indicator | None:
        """The indicator an id cell names in another spelling: the id in another case, or the indicator's
        exact Chinese or English name (said once in a warning). None, with the problem noted, when it
        names none or several."""
        by_id, by_name = _indicator_spellings(self.plan)
        folded = _folded_name(text)
        found = by_id.get(text.casefold())
        if found is None:
            candidates = by_name.get(folded, ())
            if len(candidates) > 1:
                self.problems.append(Problem(
                    "csv-ambiguous-indicator", "name", self.source, line, column + 1, "indicator", name=quoted(text),
                    count=len(candidates), plan=self.plan.id, ids=tuple(candidates)))
                return None
            if candidates:
                found = candidates[0]
                self.by_name.append((line, text, found))
        if found is None:
            self.problems.append(Problem(
                "csv-unknown-indicator", "unknown", self.source, line, column + 1, "indicator", indicator=quoted(text),
                plan=self.plan.id, hint=suggestion(text, list(self.indicators))))
            return None
        return self.indicators[found]

    def _error_cell(self, line: int, cells: list[str]) -> bool:
        """A workbook error cell (#DIV/0!) in a column that is read: a problem naming the cell."""
        found = False
        fields = {index: name for name, index in self.table.columns.items() if name != "note"}
        for column, name in sorted(fields.items()):
            if column < len(cells) and cells[column].__class__ is ErrorCell:
                sheet = self.source[self.source.rfind("[") + 1:-1]
                if not re.fullmatch(r"[^\W\d]\w*", sheet):
                    sheet = "'" + sheet.replace("'", "''") + "'"
                self.problems.append(Problem(
                    "workbook-error-cell", "error", self.source, line, column + 1, name,
                    cell=f"{sheet}!{cell_name(line, column + 1)}", error=quoted(str(cells[column]))))
                found = True
        return found

    def _settle_serials(self) -> None:
        """Excel date serials in the period column (45657): dates, when every other period cell is a date
        or a serial too, said in a warning; otherwise each is an error naming what else the column holds."""
        waiting, self.serials = self.serials, None
        if not waiting:
            return
        column = self.required[1]
        other = None
        for line, cells in self.table.rows():
            cell = clean_cell(cells[column]) if column < len(cells) else ""
            if not cell or serial_date(cell) is not None:
                continue
            try:
                period = parse_period(cell)
            except InvalidValue:
                continue
            if period.start != period.end:
                other = (line, cell)
                break
        for line, cells in waiting:
            raw = clean_cell(cells[column])
            day = serial_date(raw)
            if other is not None:
                self.problems.append(Problem(
                    "csv-bad-period", "serial-among-periods", self.source, line, column + 1, "period",
                    period=quoted(raw), day=day.isoformat(), other=quoted(other[1]), other_line=other[0]))
                continue
            converted = list(cells)
            converted[column] = day.isoformat()
            self.row(line, converted)
        if other is None:
            line, cells = waiting[0]
            raw = clean_cell(cells[column])
            self.warnings.append(Problem(
                "csv-date-serial", "serials", self.source, line, column + 1, count=len(waiting), serial=quoted(raw),
                day=serial_date(raw).isoformat()))

    def _row_length(self, line: int, cells: list[str]) -> Problem:
        counts = {"cells": len(cells), "width": self.width}
        extra = len(cells) - self.width
        if extra <= 0:
            return Problem("csv-row-length", "cells", self.source, line, **counts)
        value_column = self.required[2]
        number = _split_number(cells, value_column)
        if number is not None:
            return Problem("csv-row-length", "number", self.source, line, value_column + 1, "value",
                           number=quoted(number), **counts)
        return Problem("csv-row-length", "comma", self.source, line, **counts)

    def finish(self) -> Actuals:
        self._settle_serials()
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            raise ActualsError(*shown, omitted=len(self.problems) - len(shown))
        entries = {indicator_id: sorted(known.values()) for indicator_id, known in self.reports.items() if known}
        if self.by_name:
            line, text, found = self.by_name[0]
            self.warnings.append(Problem("csv-indicator-name", "names", self.source, line, count=len(self.by_name),
                                         name=quoted(text), indicator=found))
        warnings = self.table.notes + _capped(self.warnings)
        if self.other_plans:
            names = tuple(quoted(name) for name in self.other_plans)
            warnings += (Problem("csv-other-plan", "left-out", self.source, min(self.other_plans.values()),
                                 plans=names),)
        regional: dict[str, dict[str, list[Entry]]] = {}
        for (indicator_id, region), known in self.regional.items():
            if known:
                regional.setdefault(indicator_id, {})[region] = sorted(known.values())
        return Actuals(self.source, self.table.encoding, entries, warnings, self.placeholders, regional,
                       tuple(self.region_order))


def merge_actuals(parts: list[Actuals]) -> Actuals:
    """Several files read as one submission. A report given in two files with the same value is read
    once, with a warning; with different values it is an error naming both files and lines."""
    if len(parts) == 1:
        return parts[0]
    problems: list[Problem] = []
    warnings: list[Problem] = [w for part in parts for w in part.warnings]

    def merged(streams) -> list[Entry]:
        kept: dict[str, Entry] = {}
        for source, entries in streams:
            for entry in entries:
                entry = entry[:SOURCE] + (source,)
                earlier = kept.get(entry[PERIOD].label)
                if earlier is None:
                    kept[entry[PERIOD].label] = entry
                    continue
                where = Phrase.of("report-of", indicator=entry[INDICATOR_ID], period=entry[PERIOD].label)
                if earlier[VALUE] != entry[VALUE]:
                    problems.append(Problem(
                        "csv-duplicate-report", "differs-in-file", source, entry[LINE], field="value", report=where,
                        value=quoted(_shown(entry[VALUE])), earlier=quoted(_shown(earlier[VALUE])),
                        other=earlier[SOURCE], earlier_line=earlier[LINE]))
                else:
                    warnings.append(Problem("csv-repeated-report", "repeats-in-file", source, entry[LINE], report=where,
                                            other=earlier[SOURCE], earlier_line=earlier[LINE]))
        return sorted(kept.values(), key=lambda entry: (entry[END], entry[SOURCE], entry[LINE]))

    entries = {indicator_id: merged((part.source, part.entries[indicator_id]) for part in parts
                                    if indicator_id in part.entries)
               for indicator_id in dict.fromkeys(i for part in parts for i in part.entries)}
    regional: dict[str, dict[str, list[Entry]]] = {}
    for indicator_id in dict.fromkeys(i for part in parts for i in part.regional):
        for region in dict.fromkeys(r for part in parts for r in part.regional.get(indicator_id, {})):
            regional.setdefault(indicator_id, {})[region] = merged(
                (part.source, part.regional[indicator_id][region]) for part in parts
                if region in part.regional.get(indicator_id, {}))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        raise ActualsError(*shown, omitted=len(problems) - len(shown))
    return Actuals(", ".join(part.source for part in parts), parts[0].encoding, entries, tuple(warnings),
                   sum(part.placeholders for part in parts), regional,
                   tuple(dict.fromkeys(r for part in parts for r in part.regions)))


def region_named(plan: Plan, text: str):
    """The region a cell or option names: its full name; None for the city as a whole (a blank, 全市 or the
    city's own name); UNKNOWN_REGION when the plan lists its regions and this is none of them. Without a
    list any other name is a region."""
    folded = unicodedata.normalize("NFKC", clean_cell(text)).replace(" ", "")
    if not folded or folded in CITY_WIDE or plan.is_named(folded):
        return None
    if not plan.regions:
        return folded
    return region_names(plan).get(folded, UNKNOWN_REGION)


def region_names(plan: Plan) -> dict[str, str]:
    """Per plan: every name of a region (full and short, NFKC) -> its full name."""
    return derived(_REGION_NAMES, plan, lambda plan: {
        unicodedata.normalize("NFKC", name).replace(" ", ""): region.zh for region in plan.regions for name in region.names})


_REGION_NAMES: dict[int, tuple] = {}


def _folded_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _indicator_spellings(plan: Plan) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Per plan: case-folded id -> id, and folded Chinese or English name -> the ids of that name."""
    return derived(_SPELLINGS, plan, _build_spellings)


def _build_spellings(plan: Plan):
    by_name: dict[str, list[str]] = {}
    for indicator in plan.indicators:
        for name in dict.fromkeys((_folded_name(indicator.name_zh), _folded_name(indicator.name_en))):
            if name:
                by_name.setdefault(name, []).append(indicator.id)
    return ({i.id.casefold(): i.id for i in plan.indicators},
            {name: tuple(ids) for name, ids in by_name.items()})


_SPELLINGS: dict[int, tuple] = {}


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
        kept.append(Problem(code, "more", warnings[0].file, count=count))
    return tuple(kept)


def _suspicious(indicator: Indicator, value, raw: str, line: int, unit: str, source: str) -> list[Problem]:
    """Usable values that look wrong."""
    found = []
    if value.__class__ is float:
        if indicator.unit == "percent" and value > 100:
            found.append(Problem("csv-percent-over-100", "over", source, line, indicator=indicator.id,
                                 value=quoted(raw)))
        if value < 0 and indicator.unit != "ratio":
            found.append(Problem("csv-negative-value", "negative", source, line, indicator=indicator.id,
                                 value=quoted(raw)))
    if unit and unit != indicator.unit:
        found.append(Problem("csv-unit-mismatch", "unit", source, line, indicator=indicator.id, given=quoted(unit),
                             unit=repr(indicator.unit)))
    return found


def suggestion(wanted: str, known: list[str]) -> Phrase | str:
    """"; did you mean a, b?" naming the closest of `known`, or nothing."""
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    return Phrase.of("did-you-mean", names=tuple(close)) if close else ""
