"""Workbooks (.xlsx, .xlsm, .xls, .ods) as submissions: each sheet's cells as the text a CSV would hold.

python-calamine reads the values of all four formats; it is imported only here, when a workbook is read.
It doesn't say how a cell is formatted, nor which cells hold an error or a formula never calculated (it
gives both as ''), so those are read from the file itself: .xlsx and .xlsm from styles.xml and the
sheet's XML, .ods from content.xml and styles.xml, .xls with xlrd (its BIFF records; an .xls always
holds formula results).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tcmcheck.cells import ErrorCell, cell_name, cell_text
from tcmcheck.errors import ActualsError, Problem

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def kind_of(data: bytes) -> str | None:
    """'xlsx' (or .xlsm), 'ods', 'xls' or 'zip' (a ZIP file that is neither) from the content; None for text."""
    if data.startswith(OLE2_SIGNATURE):
        return "xls"
    if not data.startswith(ZIP_SIGNATURE):
        return None
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and data[30:38] == b"mimetype" and ODS_MIMETYPE in data[38:120]:
        return "ods"
    return "zip"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class Workbook:
    """A workbook's sheets, read on demand."""

    def __init__(self, data: bytes, source: str, kind: str):
        self.data, self.source, self.kind = data, source, kind
        if kind == "zip":
            raise ActualsError(Problem("csv-spreadsheet", "zip", source))
        import io

        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine's errors name no common base beyond Exception for every format
            raise self._unreadable(exc) from None
        metadata = self._book.sheets_metadata
        self.names = [m.name for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        self._formats: _Xlsx | _Ods | _Xls | None = None

    def _unreadable(self, exc: Exception) -> ActualsError:
        message = str(exc).strip() or type(exc).__name__
        if "password" in message.lower() or "encrypt" in message.lower() or type(exc).__name__ == "PasswordError":
            return ActualsError(Problem("csv-spreadsheet", "password", self.source))
        return ActualsError(Problem("csv-spreadsheet", "unreadable", self.source, reason=message))

    def values(self, name: str) -> list[tuple[int, list]]:
        """The sheet's rows as python-calamine gives them, each with its line; leading empty columns are kept
        as '' so that a cell's index is its column."""
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows = sheet.to_python()
        except Exception as exc:
            raise self._unreadable(exc) from None
        start = sheet.start
        if not rows or start is None:
            return []
        top, left = start
        if left:
            padding = [""] * left
            return [(top + index + 1, padding + row) for index, row in enumerate(rows)]
        return list(zip(range(top + 1, top + 1 + len(rows)), rows))

    def rows(self, name: str, used: tuple[int, ...], values: list[tuple[int, list]]) -> list[tuple[int, list]]:
        """The rows `values` of a sheet (from `values`), each with the line a spreadsheet shows for it; cells
        keep their columns (column A is cells[0]). A cell is text, or a value as python-calamine gives it
        (a number, a date) that `cells.as_text` turns into text; cells formatted as a percentage, a month or
        a year are made text here ('25%', '2024-06'). Cells that python-calamine gives as '' in the `used`
        columns of a row that is not blank are looked up in the file: an error cell becomes an ErrorCell,
        and a formula that was never calculated is an error (workbook-not-calculated)."""
        if values:
            top = values[0][0]
            for (line, column), kind in self._sheet_formats(name).items():
                index = line - top
                if 0 <= index < len(values) and column <= len(values[index][1]):
                    cells = values[index][1]
                    cells[column - 1] = cell_text(cells[column - 1], kind)
        blanks: list[tuple[int, int]] = []
        for line, cells in values:
            if "" in cells or len(cells) <= used[-1]:
                for index in used:
                    if (index >= len(cells) or cells[index] == "") and any(cell != "" for cell in cells):
                        blanks.append((line, index + 1))
        if blanks:
            self._errors_in(name, values, blanks)
        return values

    def _sheet_formats(self, name: str) -> dict[tuple[int, int], str]:
        """(line, column) -> 'percent', 'month' or 'year' for cells formatted so."""
        if self.kind == "xlsx":
            return self._xlsx().styled_cells(name)
        if self.kind == "ods":
            return self._ods().sheet(name).formats
        return self._xls().styled_cells(name)

    def _errors_in(self, name: str, rows: list[tuple[int, list[str]]], blanks: list[tuple[int, int]]) -> None:
        if self.kind == "xlsx":
            errors, uncalculated = self._xlsx().error_cells(name)
        elif self.kind == "ods":
            found = self._ods().sheet(name)
            errors, uncalculated = found.errors, found.uncalculated
        else:
            errors, uncalculated = self._xls().error_cells(name), []
        wanted = set(blanks)
        uncalculated = sorted(cell for cell in uncalculated if cell in wanted)
        if uncalculated:
            line, column = uncalculated[0]
            raise ActualsError(Problem("workbook-not-calculated", "formulas", f"{self.source}[{name}]", line, column,
                                       count=len(uncalculated), cell=cell_name(line, column)))
        if not errors:
            return
        lines = {line: cells for line, cells in rows}
        for (line, column), text in errors.items():
            cells = lines.get(line)
            if cells is not None and (line, column) in wanted:
                while len(cells) < column:
                    cells.append("")
                cells[column - 1] = ErrorCell(text)

    def _xlsx(self) -> "_Xlsx":
        if self._formats is None:
            self._formats = _Xlsx(self.data)
        return self._formats

    def _ods(self) -> "_Ods":
        if self._formats is None:
            self._formats = _Ods(self.data)
        return self._formats

    def _xls(self) -> "_Xls":
        if self._formats is None:
            self._formats = _Xls(self.data, self.source)
        return self._formats


# .xlsx and .xlsm: number formats from styles.xml, error cells and uncalculated formulas from the sheet's XML

_BUILTIN_PERCENT = {9, 10}
_BUILTIN_MONTH = {17, 27, 36, 50, 52, 57}
"""Built-in date formats that show a month and no day: mmm-yy, and yyyy"年"m"月" in a Chinese Excel."""
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_CELL_START = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*)>')
_STYLE = re.compile(rb'\ss="([0-9]+)"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?\st="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_UNCALCULATED = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)</c>')
"""A formula cell without a <v> result; an empty <v></v> is a formula whose result is empty text."""


def format_kind(code: str) -> str | None:
    """'percent', 'month' or 'year' for a number format that shows one, else None."""
    bare = _LITERAL.sub("", code.split(";")[0]).lower()
    if "%" in bare:
        return "percent"
    if "y" in bare and "d" not in bare and "h" not in bare and "s" not in bare:
        return "month" if "m" in bare else "year"
    return None


class _Xlsx:
    def __init__(self, data: bytes):
        import io
        import zipfile

        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self._paths: dict[str, str] | None = None
        self._styles: dict[int, str] | None = None
        self._xml: dict[str, bytes] = {}

    def styled_cells(self, name: str) -> dict[tuple[int, int], str]:
        styles = self.styles()
        if not styles:
            return {}
        found = {}
        for match in _CELL_START.finditer(self.xml(name)):
            style = _STYLE.search(match.group(3))
            if style is not None:
                kind = styles.get(int(style.group(1)))
                if kind is not None:
                    found[(int(match.group(2)), _column_number(match.group(1)))] = kind
        return found

    def error_cells(self, name: str) -> tuple[dict[tuple[int, int], str], list[tuple[int, int]]]:
        xml = self.xml(name)
        errors = {(int(m.group(2)), _column_number(m.group(1))): m.group(3).decode("utf-8", "replace")
                  for m in _ERROR_CELL.finditer(xml)}
        uncalculated = [(int(m.group(2)), _column_number(m.group(1))) for m in _UNCALCULATED.finditer(xml)]
        return errors, uncalculated

    def styles(self) -> dict[int, str]:
        """Cell format index (a cell's s="…") -> 'percent', 'month' or 'year'."""
        if self._styles is None:
            self._styles = {}
            try:
                root = _parse(self.zip.read("xl/styles.xml"))
            except KeyError:
                return self._styles
            codes = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter(_MAIN + "numFmt")}
            formats = root.find(_MAIN + "cellXfs")
            for index, xf in enumerate(formats if formats is not None else ()):
                number = int(xf.get("numFmtId", 0))
                if number in codes:
                    kind = format_kind(codes[number])
                elif number in _BUILTIN_PERCENT:
                    kind = "percent"
                elif number in _BUILTIN_MONTH:
                    kind = "month"
                else:
                    kind = None
                if kind is not None:
                    self._styles[index] = kind
        return self._styles

    def xml(self, name: str) -> bytes:
        if name not in self._xml:
            path = self.paths().get(name)
            try:
                self._xml[name] = self.zip.read(path) if path else b""
            except KeyError:
                self._xml[name] = b""
        return self._xml[name]

    def paths(self) -> dict[str, str]:
        """Sheet name -> the path of its XML in the package."""
        if self._paths is None:
            book = _parse(self.zip.read("xl/workbook.xml"))
            try:
                rels = _parse(self.zip.read("xl/_rels/workbook.xml.rels"))
            except KeyError:
                rels = None
            targets = {}
            for rel in (rels.iter(_RELS + "Relationship") if rels is not None else ()):
                target = rel.get("Target", "")
                targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
            self._paths = {sheet.get("name"): targets.get(sheet.get(_DOC_RELS + "id"), "")
                           for sheet in book.iter(_MAIN + "sheet")}
        return self._paths


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _parse(xml: bytes):
    from xml.etree import ElementTree

    return ElementTree.fromstring(xml)


# .ods: percentages, month and year dates, error cells and uncalculated formulas from content.xml

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@dataclass
class _OdsSheet:
    formats: dict[tuple[int, int], str]
    errors: dict[tuple[int, int], str]
    uncalculated: list[tuple[int, int]]


class _Ods:
    def __init__(self, data: bytes):
        import io
        import zipfile

        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self._sheets: dict[str, _OdsSheet] | None = None

    def sheet(self, name: str) -> _OdsSheet:
        if self._sheets is None:
            self._sheets = self._read()
        return self._sheets.get(name) or _OdsSheet({}, {}, [])

    def _read(self) -> dict[str, _OdsSheet]:
        import io
        from xml.etree import ElementTree

        content = self.zip.read("content.xml")
        if not any(mark in content for mark in (b'"percentage"', b'"date"', b'"error"', b"table:formula")):
            return {}
        date_kinds = self._date_style_kinds(content)
        sheets: dict[str, _OdsSheet] = {}
        current: _OdsSheet | None = None
        line = 0
        for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _TABLE + "table":
                    current = sheets.setdefault(element.get(_TABLE + "name", ""), _OdsSheet({}, {}, []))
                    line = 0
                continue
            if tag == _TABLE + "table-row" and current is not None:
                rows = int(element.get(_TABLE + "number-rows-repeated", "1"))
                column = 0
                for cell in element:
                    repeat = int(cell.get(_TABLE + "number-columns-repeated", "1"))
                    kind = _ods_cell_kind(cell, date_kinds)
                    if kind is not None:
                        for row in range(line + 1, line + 1 + min(rows, 1000)):
                            for at in range(column + 1, column + 1 + min(repeat, 1000)):
                                if kind[0] == "format":
                                    current.formats[(row, at)] = kind[1]
                                elif kind[0] == "error":
                                    current.errors[(row, at)] = kind[1]
                                else:
                                    current.uncalculated.append((row, at))
                    column += repeat
                line += rows
                element.clear()
        return sheets

    def _date_style_kinds(self, content: bytes) -> dict[str, str]:
        """Cell style name -> 'month' or 'year' for the styles whose date format shows no day."""
        data_styles: dict[str, str] = {}
        cell_styles: dict[str, str] = {}
        for xml in (self._styles_xml(), content):
            if not xml:
                continue
            root = _parse(xml)
            for style in root.iter(_NUMBER + "date-style"):
                parts = {child.tag for child in style}
                if _NUMBER + "day" not in parts and _NUMBER + "year" in parts:
                    data_styles[style.get(_STYLE_NS + "name")] = "month" if _NUMBER + "month" in parts else "year"
            for style in root.iter(_STYLE_NS + "style"):
                data = style.get(_STYLE_NS + "data-style-name")
                if data:
                    cell_styles[style.get(_STYLE_NS + "name")] = data
        return {name: data_styles[data] for name, data in cell_styles.items() if data in data_styles}

    def _styles_xml(self) -> bytes:
        try:
            return self.zip.read("styles.xml")
        except KeyError:
            return b""


def _ods_cell_kind(cell, date_kinds: dict[str, str]) -> tuple[str, str] | None:
    value_type = cell.get(_OFFICE + "value-type")
    if cell.get(_CALCEXT + "value-type") == "error":
        return "error", "".join(cell.itertext()).strip() or "#ERR"
    if cell.get(_TABLE + "formula") is not None and value_type is None:
        return "uncalculated", ""
    if value_type == "percentage":
        return "format", "percent"
    if value_type == "date":
        kind = date_kinds.get(cell.get(_TABLE + "style-name", ""))
        if kind is not None:
            return "format", kind
    return None


# .xls: number formats and error cells from the BIFF records, read with xlrd

class _Xls:
    def __init__(self, data: bytes, source: str):
        import xlrd

        self.xlrd = xlrd
        try:
            self.book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        except Exception as exc:  # xlrd raises many kinds of error on a damaged file
            raise ActualsError(Problem("csv-spreadsheet", "unreadable", source, reason=str(exc))) from None
        formats = {key: format_kind(value.format_str or "") for key, value in self.book.format_map.items()}
        self.kinds = {index: formats[xf.format_key] for index, xf in enumerate(self.book.xf_list)
                      if formats.get(xf.format_key)}

    def _sheet(self, name: str):
        try:
            return self.book.sheet_by_name(name)
        except self.xlrd.XLRDError:
            return None

    def styled_cells(self, name: str) -> dict[tuple[int, int], str]:
        sheet = self._sheet(name) if self.kinds else None
        if sheet is None:
            return {}
        found = {}
        numeric = (self.xlrd.XL_CELL_NUMBER, self.xlrd.XL_CELL_DATE)
        for row in range(sheet.nrows):
            types = sheet.row_types(row)
            for column, kind in enumerate(types):
                if kind in numeric:
                    style = self.kinds.get(sheet.cell_xf_index(row, column))
                    if style is not None:
                        found[(row + 1, column + 1)] = style
        return found

    def error_cells(self, name: str) -> dict[tuple[int, int], str]:
        sheet = self._sheet(name)
        if sheet is None:
            return {}
        found = {}
        for row in range(sheet.nrows):
            for column, kind in enumerate(sheet.row_types(row)):
                if kind == self.xlrd.XL_CELL_ERROR:
                    code = sheet.cell_value(row, column)
                    found[(row + 1, column + 1)] = self.xlrd.error_text_from_code.get(code, "#ERR")
        return found
