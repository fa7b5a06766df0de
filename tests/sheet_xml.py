"""Read an .xlsx the way the tests need: each sheet's cells, and what python-calamine doesn't show (locked
cells, data validations, the frozen pane, column widths, protection), straight from the sheet XML."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"m": MAIN}


@dataclass
class Sheet:
    name: str
    path: str
    root: ElementTree.Element
    values: dict[str, str]
    """Cell reference ('G2') -> its text: a shared or inline string, or a number as written."""
    styles: dict[str, int]
    """Cell reference -> its style (index into cellXfs)."""
    unlocked_styles: frozenset[int]
    rows: list[list[str]] = field(default_factory=list)

    def locked(self, ref: str) -> bool:
        return self.styles.get(ref, 0) not in self.unlocked_styles

    @property
    def validations(self) -> list[dict]:
        """Each dataValidation's attributes, with its formulas as formula1 and formula2."""
        found = []
        for element in self.root.iterfind("m:dataValidations/m:dataValidation", NS):
            rule = dict(element.attrib)
            for name in ("formula1", "formula2"):
                formula = element.find(f"m:{name}", NS)
                if formula is not None:
                    rule[name] = formula.text
            found.append(rule)
        return found

    def validation_for(self, ref: str) -> dict | None:
        for rule in self.validations:
            if any(_covers(area, ref) for area in rule["sqref"].split()):
                return rule
        return None

    @property
    def widths(self) -> dict[int, float]:
        """Column number (from 1) -> width."""
        found = {}
        for col in self.root.iterfind("m:cols/m:col", NS):
            for number in range(int(col.get("min")), int(col.get("max")) + 1):
                found[number] = float(col.get("width"))
        return found

    @property
    def pane(self) -> dict | None:
        pane = self.root.find("m:sheetViews/m:sheetView/m:pane", NS)
        return None if pane is None else dict(pane.attrib)

    @property
    def protection(self) -> dict | None:
        protection = self.root.find("m:sheetProtection", NS)
        return None if protection is None else dict(protection.attrib)

    def row_heights(self) -> dict[int, float]:
        return {int(row.get("r")): float(row.get("ht")) for row in self.root.iterfind("m:sheetData/m:row", NS)
                if row.get("ht")}


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _split(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column, int(digits)


def _covers(area: str, ref: str) -> bool:
    first, _, last = area.partition(":")
    (c1, r1), (c2, r2), (c, r) = _split(first), _split(last or first), _split(ref)
    return c1 <= c <= c2 and r1 <= r <= r2


def read_workbook(data: bytes) -> list[Sheet]:
    """The workbook's sheets in order."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        for item in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).iterfind("m:si", NS):
            shared.append("".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t")))
    unlocked = set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    for index, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", NS)):
        protection = xf.find("m:protection", NS)
        if protection is not None and protection.get("locked") in ("0", "false"):
            unlocked.add(index)
    targets = {rel.get("Id"): rel.get("Target") for rel in
               ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
    sheets = []
    for entry in ElementTree.fromstring(archive.read("xl/workbook.xml")).iterfind("m:sheets/m:sheet", NS):
        target = targets[entry.get(f"{{{RELATIONSHIPS}}}id")]
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        root = ElementTree.fromstring(archive.read(path))
        values, cell_styles = {}, {}
        grid: dict[int, dict[int, str]] = {}
        for cell in root.iterfind("m:sheetData/m:row/m:c", NS):
            ref = cell.get("r")
            cell_styles[ref] = int(cell.get("s", "0"))
            kind = cell.get("t")
            if kind == "s":
                text = shared[int(cell.find("m:v", NS).text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{{{MAIN}}}t"))
            else:
                value = cell.find("m:v", NS)
                text = None if value is None else value.text
            if text is not None:
                values[ref] = text
                column, row = _split(ref)
                grid.setdefault(row, {})[column] = text
        rows = []
        for row in range(1, max(grid, default=0) + 1):
            cells = grid.get(row, {})
            rows.append([cells.get(column, "") for column in range(1, max(cells, default=0) + 1)])
        sheets.append(Sheet(entry.get("name"), path, root, values, cell_styles, frozenset(unlocked), rows))
    return sheets


def fill(data: bytes, sheet: Sheet, cells: dict[str, str | float]) -> bytes:
    """The workbook with `cells` of `sheet` set as someone typing them would: numbers as numbers, text
    as text. Each cell must already be in the sheet XML (the template writes every cell to fill)."""
    ElementTree.register_namespace("", MAIN)
    ElementTree.register_namespace("r", RELATIONSHIPS)
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = ElementTree.fromstring(archive.read(sheet.path))
    found = {cell.get("r"): cell for cell in root.iterfind("m:sheetData/m:row/m:c", NS)}
    for ref, value in cells.items():
        cell = found[ref]
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        if isinstance(value, str):
            cell.set("t", "inlineStr")
            text = ElementTree.SubElement(ElementTree.SubElement(cell, f"{{{MAIN}}}is"), f"{{{MAIN}}}t")
            text.text = value
        else:
            ElementTree.SubElement(cell, f"{{{MAIN}}}v").text = repr(value)
    sheet_xml = ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            out.writestr(item, sheet_xml if item.filename == sheet.path else archive.read(item.filename))
    return buffer.getvalue()


def workbook_text(data: bytes) -> str:
    """Every cell of every sheet, a row a line and a tab between cells: a workbook report read as text."""
    return "".join("\t".join(row) + "\n" for sheet in read_workbook(data) for row in sheet.rows)
