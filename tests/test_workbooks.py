"""Workbooks as submissions (.xlsx, .xlsm, .xls, .ods), through the command line: cells typed as a
spreadsheet types them, errors located as file.xlsx[Sheet]:line:column, sheets chosen and said."""

import io
import json
import os
import re
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from helpers import soffice
from conftest import DATA
from tcmcheck.cli import main

SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = DATA / "sample.csv"
EXAMPLES = Path(__file__).parent.parent / "examples"


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


def status(path, *extra, plan=SAMPLE_PLAN, input=None):
    return run("status", plan, path, "--as-of", "2024-12-31", "--format", "json", *extra, input=input)


def reported(result) -> dict:
    return {i["id"]: (i["actual"], i["period"], i["line"]) for i in json.loads(result.stdout)["indicators"]
            if i["actual"] is not None}


def verdicts(result) -> list[tuple]:
    return [(i["id"], i["status"], i["actual"], i["period"]) for i in json.loads(result.stdout)["indicators"]]


def workbook(path: Path, sheets: dict, formats: dict | None = None) -> Path:
    """An .xlsx written with XlsxWriter: sheets maps a name to {(row, column) from 0: value}; a value may be
    (value, format name) with the formats 'percent', 'day', 'month', 'year', or ('=formula', cached)."""
    book = xlsxwriter.Workbook(str(path))
    made = {"percent": book.add_format({"num_format": "0.0%"}), "day": book.add_format({"num_format": "yyyy-mm-dd"}),
            "month": book.add_format({"num_format": "yyyy-mm"}), "year": book.add_format({"num_format": "yyyy"})}
    for name, cells in sheets.items():
        sheet = book.add_worksheet(name)
        for (row, column), value in cells.items():
            if isinstance(value, tuple) and isinstance(value[0], str) and value[0].startswith("="):
                sheet.write_formula(row, column, value[0], None, value[1])
            elif isinstance(value, tuple):
                content, kind = value
                if isinstance(content, (date, datetime)):
                    sheet.write_datetime(row, column, content, made[kind])
                else:
                    sheet.write_number(row, column, content, made[kind])
            elif isinstance(value, (date, datetime)):
                sheet.write_datetime(row, column, value, made["day"])
            else:
                sheet.write(row, column, value)
    book.close()
    return path


def table(header, *rows, top=0, left=0) -> dict:
    """Cells for a header and rows starting at (top, left)."""
    cells = {}
    for r, values in enumerate((header, *rows)):
        for c, value in enumerate(values):
            if value is not None:
                cells[(top + r, left + c)] = value
    return cells


SAMPLE_ROWS = [(row[0], row[1], row[2]) for row in (line.split(",") for line in SAMPLE_CSV.read_text().splitlines()[1:])]


def sample_cells(**where) -> dict:
    """The sample submission as typed cells: numbers as numbers, years as numbers, a month as a date."""
    rows = []
    for indicator, period, value in SAMPLE_ROWS:
        try:
            number = float(value)
        except ValueError:
            number = value
        if period == "2024-06":
            period = (date(2024, 6, 1), "month")
        elif period.isdigit():
            period = int(period)
        rows.append((indicator, period, number))
    return table(("indicator", "period", "value"), *rows, **where)


@pytest.fixture(scope="module")
def expected():
    result = status(SAMPLE_CSV)
    assert result.exit_code == 1
    return verdicts(result)


# The shipped example

def test_the_example_workbook_gives_the_verdicts_of_its_csv():
    book = run("status", "jiangmen", EXAMPLES / "jiangmen-2024.xlsx", "--as-of", "2024-12-31", "--format", "json")
    text = run("status", "jiangmen", EXAMPLES / "jiangmen-2024.csv", "--as-of", "2024-12-31", "--format", "json")
    assert book.exit_code == text.exit_code == 1
    assert book.stderr == ""
    assert verdicts(book) == verdicts(text)
    document = json.loads(book.stdout)
    assert document["actuals"] == f"{EXAMPLES / 'jiangmen-2024.xlsx'}[数据]"
    assert [w["code"] for w in document["warnings"]] == ["csv-header-below-title"]
    # the first data row of the CSV is line 2, of the sheet row 4, below a title and a blank row
    lines = {i["id"]: i["line"] for i in document["indicators"] if i["line"]}
    csv_lines = {i["id"]: i["line"] for i in json.loads(text.stdout)["indicators"] if i["line"]}
    assert lines == {ident: line + 2 for ident, line in csv_lines.items()}


def test_the_example_workbook_has_formatted_percentages_and_dates_below_a_title():
    with zipfile.ZipFile(EXAMPLES / "jiangmen-2024.xlsx") as package:
        styles = package.read("xl/styles.xml").decode()
        assert 'formatCode="0.0%"' in styles and 'formatCode="yyyy-mm"' in styles
        assert len([n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]) == 2


# Cells as spreadsheets type them

def test_numbers_dates_and_a_month_cell_read_as_the_csv(tmp_path, expected):
    path = workbook(tmp_path / "sub.xlsx", {"Sheet1": sample_cells()})
    result = status(path)
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected


def test_leading_empty_rows_and_columns_keep_the_lines_and_columns_the_user_sees(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, 1600.0), ("physician-share", 2024, "lots"),
                  top=4, left=2)
    path = workbook(tmp_path / "sub.xlsx", {"数据": cells})
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}[数据]:7:5: value: csv-bad-value: 'lots' for physician-share: expected a number\n")


def test_a_report_is_located_on_its_sheet_row(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, 1600.0), top=4, left=2)
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert reported(result)["visits"] == (1600.0, "2024", 6)


@pytest.mark.parametrize("cell, value", [((0.235, "percent"), 23.5), ((0.25, "percent"), 25.0), (23.5, 23.5),
                                         ("23.5%", 23.5)])
def test_a_percent_formatted_cell_is_a_percentage(tmp_path, cell, value):
    cells = table(("indicator", "period", "value"), ("physician-share", 2024, cell))
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert result.stderr == "" and json.loads(result.stdout)["warnings"] == []
    assert reported(result)["physician-share"] == (value, "2024", 2)


def test_an_unformatted_fraction_on_a_percentage_is_the_fraction_warning(tmp_path):
    cells = table(("indicator", "period", "value"), ("physician-share", 2024, 0.235))
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert [w["code"] for w in json.loads(result.stdout)["warnings"]] == ["csv-percent-as-fraction"]


def test_a_percent_formatted_cell_on_a_count_is_refused(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, (0.5, "percent")))
    path = workbook(tmp_path / "sub.xlsx", {"S": cells})
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}[S]:2:3: value: csv-bad-value: '50%' for visits: a percent sign on a value "
                             "that is not a percentage\n")


@pytest.mark.parametrize("cell, label", [
    (date(2024, 6, 30), "2024-06-30"),
    (datetime(2024, 6, 30), "2024-06-30"),
    ((date(2024, 6, 1), "month"), "2024-06"),
    ((date(2024, 1, 1), "year"), "2024"),
    (2024, "2024"),
    ("2024Q2", "2024Q2"),
    ("2024年6月", "2024-06"),
])
def test_period_cells(tmp_path, cell, label):
    cells = table(("indicator", "period", "value"), ("visits", cell, 1600))
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, label, 2)


def test_a_date_time_that_is_not_midnight_is_not_a_period(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", datetime(2024, 6, 30, 9, 30), 1600))
    path = workbook(tmp_path / "sub.xlsx", {"S": cells})
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}[S]:2:2: period: csv-bad-period: '2024-06-30 09:30:00' is a date and a time of "
                             "day; a period is a date (2024-06-30), a month, a quarter or a year\n")


def test_logical_cells_are_yes_and_no(tmp_path):
    cells = table(("indicator", "period", "value"), ("centre-opened", 2024, True), ("visits", 2024, False))
    path = workbook(tmp_path / "sub.xlsx", {"S": cells})
    result = status(path)
    assert result.exit_code == 2  # false is no number: a logical cell is never read as 0
    assert result.stderr == f"{path}[S]:3:3: value: csv-bad-value: 'false' for visits: expected a number\n"
    cells = table(("indicator", "period", "value"), ("centre-opened", 2024, True))
    assert reported(status(workbook(tmp_path / "ok.xlsx", {"S": cells})))["centre-opened"] == (True, "2024", 2)


def test_a_formula_gives_its_saved_result(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, ("=800*2", 1600)))
    assert reported(status(workbook(tmp_path / "sub.xlsx", {"S": cells})))["visits"] == (1600.0, "2024", 2)


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#REF!"])
def test_an_error_cell_is_a_located_error_naming_the_cell(tmp_path, error):
    cells = table(("指标", "期间", "数值"), ("visits", 2024, ("=A1/0", error)), top=5)
    path = workbook(tmp_path / "sub.xlsx", {"填报": cells})
    result = status(path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{path}[填报]:7:3: value: workbook-error-cell: cell 填报!C7 holds the error "
                             f"'{error}', not a value; correct the formula or type the figure\n")


def test_an_error_cell_in_the_period_column_of_a_sheet_named_with_digits(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", ("=1/0", "#DIV/0!"), 1600))
    path = workbook(tmp_path / "sub.xlsx", {"2024": cells})
    result = status(path)
    assert result.stderr == (f"{path}[2024]:2:2: period: workbook-error-cell: cell '2024'!B2 holds the error "
                             "'#DIV/0!', not a value; correct the formula or type the figure\n")


def test_text_that_reads_n_a_is_a_placeholder_not_an_error(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, "#N/A"), ("training", 2024, 1000))
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert result.stderr == ""
    assert json.loads(result.stdout)["placeholders"] == 1


def without_cached_values(path: Path) -> Path:
    """The workbook as a program that never calculates it writes it: formulas without a saved result."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", content)
            target.writestr(item, content)
    path.write_bytes(data.getvalue())
    return path


def test_a_workbook_never_calculated_is_an_error_that_says_so(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, ("=800*2", 1600)), ("training", 2024, ("=1000", 0)))
    path = without_cached_values(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    result = status(path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{path}[S]:2:3: workbook-not-calculated: 2 formula cell(s) have no saved result "
                             "(first C2): the program that wrote this workbook never calculated it; open it in Excel, "
                             "WPS or LibreOffice and save it, then check it again\n")


# Which sheet

def test_the_first_sheet_with_a_header_is_read(tmp_path, expected):
    sheets = {"说明": {(0, 0): "填报说明", (1, 0): "每行一个指标"}, "2024": sample_cells()}
    result = status(workbook(tmp_path / "sub.xlsx", sheets))
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected
    assert json.loads(result.stdout)["warnings"] == []  # a sheet naming no column is left out silently


def test_sheets_left_out_are_said_with_why(tmp_path):
    sheets = {"草稿": table(("indicator", "value"), ("visits", 1)), "2024": sample_cells(), "2023": sample_cells()}
    path = workbook(tmp_path / "sub.xlsx", sheets)
    result = status(path)
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning["code"] == "workbook-sheet-skipped" and warning["file"] == str(path)
    assert warning["message"] == ("sheet(s) left out: '草稿': no period column; '2023': also has a header; only the "
                                  "first such sheet is read (choose with --sheet, or check every sheet with summary)")


@pytest.mark.parametrize("chosen", ["2023", "3"])
def test_sheet_option_by_name_or_number(tmp_path, chosen):
    other = table(("indicator", "period", "value"), ("visits", 2023, 1000))
    sheets = {"说明": {(0, 0): "说明"}, "2024": sample_cells(), "2023": other}
    result = status(workbook(tmp_path / "sub.xlsx", sheets), "--sheet", chosen)
    assert result.stderr == ""
    assert json.loads(result.stdout)["actuals"].endswith("sub.xlsx[2023]")
    assert reported(result) == {"visits": (1000.0, "2023", 2)}


def test_a_sheet_that_does_not_exist(tmp_path):
    path = workbook(tmp_path / "sub.xlsx", {"数据": sample_cells()})
    result = status(path, "--sheet", "2025")
    assert result.exit_code == 2
    assert result.stderr == f"{path}: --sheet: workbook-no-sheet: no sheet '2025'; the sheets are 1 '数据'\n"


def test_a_chosen_sheet_without_a_header_is_an_error(tmp_path):
    path = workbook(tmp_path / "sub.xlsx", {"数据": sample_cells(), "说明": {(0, 0): "说明"}})
    result = status(path, "--sheet", "说明")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}[说明]:1: csv-missing-column: no indicator, period, value column")


def test_no_sheet_with_a_header_is_an_error_listing_each_sheet(tmp_path):
    sheets = {"说明": {(0, 0): "说明"}, "草稿": table(("指标", "数值"), ("visits", 1))}
    path = workbook(tmp_path / "sub.xlsx", sheets)
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}: workbook-no-header: no sheet has a header naming indicator, period and value "
                             "(or 指标, 期间, 数值) in its first 10 rows ('说明': no header row; '草稿': no period "
                             "column)\n")


def test_summary_checks_every_sheet_whose_header_fits(tmp_path):
    other = table(("indicator", "period", "value"), ("visits", 2023, 1000))
    workbook(tmp_path / "sample-2024.xlsx", {"说明": {(0, 0): "说明"}, "2024": sample_cells(), "2023": other})
    (tmp_path / "~$sample-2024.xlsx").write_bytes(b"lock")  # Excel's lock file is not a submission
    (tmp_path / "sample-2024.csv").write_text(SAMPLE_CSV.read_text())
    (tmp_path / "sub").mkdir()
    workbook(tmp_path / "sub" / "sample-2025.XLSM", {"数据": other})
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "json", "--plan", SAMPLE_PLAN)
    files = [(f["file"], f["plan"], f["error"]) for f in json.loads(result.stdout)["files"]]
    assert files == [(str(tmp_path / "sample-2024.csv"), "sample", None),
                     (f"{tmp_path / 'sample-2024.xlsx'}[2024]", "sample", None),
                     (f"{tmp_path / 'sample-2024.xlsx'}[2023]", "sample", None),
                     (f"{tmp_path / 'sub' / 'sample-2025.XLSM'}[数据]", "sample", None)]


def test_summary_reports_a_broken_sheet_as_its_own_row(tmp_path):
    bad = table(("indicator", "period", "value"), ("visits", 2023, "lots"))
    workbook(tmp_path / "sample.xlsx", {"2024": sample_cells(), "2023": bad})
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "plain", "--plan", SAMPLE_PLAN)
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'sample.xlsx'}[2023]:2:3: value: csv-bad-value: 'lots' for visits" in result.stdout


# Where workbooks come from

def test_standard_input_is_sniffed(tmp_path, expected):
    path = workbook(tmp_path / "sub.xlsx", {"S": sample_cells()})
    result = status("-", input=path.read_bytes())
    assert result.stderr == ""
    assert verdicts(result) == expected
    assert json.loads(result.stdout)["actuals"] == "<stdin>[S]"


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path, expected):
    path = workbook(tmp_path / "sub.xlsx", {"S": sample_cells()})
    renamed = tmp_path / "sub.csv"
    path.rename(renamed)
    assert verdicts(status(renamed)) == expected


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04\x14\x00\x06\x00broken", "a ZIP file that is not an .xlsx, .xlsm or .ods workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "can't read this workbook: "),
])
def test_a_damaged_workbook_is_refused(tmp_path, data, message):
    path = tmp_path / "sub.xlsx"
    path.write_bytes(data)
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: csv-spreadsheet: {message}")


def test_a_zip_that_is_no_workbook_is_refused(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    path = tmp_path / "sub.docx"
    path.write_bytes(data.getvalue())
    result = status(path)
    assert result.stderr == f"{path}: csv-spreadsheet: a ZIP file that is not an .xlsx, .xlsm or .ods workbook\n"


def test_github_annotations_point_at_the_sheet_row(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, 1200), top=2)
    path = workbook(tmp_path / "sub.xlsx", {"S": cells})
    result = run("status", SAMPLE_PLAN, path, "--as-of", "2024-12-31", "--format", "github")
    assert f"::warning file={path}[S],line=4,title=sample.visits::lag" in result.stdout


# OpenDocument, written by hand: the format keeps what each cell shows

ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument'
                '.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
            'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
            'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
            'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
            '<office:automatic-styles><number:date-style style:name="N1"><number:year/><number:text>-</number:text>'
            '<number:month/></number:date-style><style:style style:name="ce1" style:family="table-cell" '
            'style:data-style-name="N1"/></office:automatic-styles><office:body><office:spreadsheet>')


def ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    kind, content = value
    if kind == "float":
        return f'<table:table-cell office:value-type="float" office:value="{content}"><text:p>{content}</text:p></table:table-cell>'
    if kind == "percent":
        return (f'<table:table-cell office:value-type="percentage" office:value="{content}">'
                f'<text:p>{content * 100}%</text:p></table:table-cell>')
    if kind == "month":
        return (f'<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="{content}">'
                f'<text:p>{content[:7]}</text:p></table:table-cell>')
    if kind == "error":
        return (f'<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
                f'calcext:value-type="error"><text:p>{content}</text:p></table:table-cell>')
    return f'<table:table-cell table:formula="of:={content}"/>'  # a formula never calculated


def ods(path: Path, rows: list[list], name="Sheet1", blank_rows=0) -> Path:
    body = f'<table:table table:name="{name}">'
    if blank_rows:
        body += f'<table:table-row table:number-rows-repeated="{blank_rows}"><table:table-cell/></table:table-row>'
    for row in rows:
        body += "<table:table-row>" + "".join(map(ods_cell, row)) + "</table:table-row>"
    body += "</table:table></office:spreadsheet></office:body></office:document-content>"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        package.writestr("content.xml", ODS_HEAD + body)
    return path


HEADER = ["indicator", "period", "value"]


def test_an_ods_percentage_and_month_cell(tmp_path):
    rows = [HEADER, ["physician-share", ("float", 2024), ("percent", 0.235)], ["visits", ("month", "2024-06-01"), ("float", 1600)]]
    result = status(ods(tmp_path / "sub.ods", rows, blank_rows=2))
    assert result.stderr == ""
    assert reported(result) == {"physician-share": (23.5, "2024", 4), "visits": (1600.0, "2024-06", 5)}


def test_an_ods_error_cell_is_located(tmp_path):
    path = ods(tmp_path / "sub.ods", [HEADER, ["visits", ("float", 2024), ("error", "#DIV/0!")]])
    result = status(path)
    assert result.stderr == (f"{path}[Sheet1]:2:3: value: workbook-error-cell: cell Sheet1!C2 holds the error "
                             "'#DIV/0!', not a value; correct the formula or type the figure\n")


def test_an_ods_never_calculated_is_an_error(tmp_path):
    path = ods(tmp_path / "sub.ods", [HEADER, ["visits", ("float", 2024), ("formula", "800*2")]])
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}[Sheet1]:2:3: workbook-not-calculated: 1 formula cell(s) have no saved "
                                    "result (first C2)")


# What LibreOffice writes: .xls, .ods and a re-saved .xlsx



@pytest.mark.parametrize("suffix", ["xls", "ods", "xlsx"])
def test_a_workbook_saved_by_libreoffice(tmp_path, expected, suffix):
    source = tmp_path / "source.xlsx"
    cells = sample_cells(top=1)
    cells[(0, 0)] = "样例市中医药指标填报表"
    for (row, column), value in list(cells.items()):
        if column == 2 and row > 1 and SAMPLE_ROWS[row - 2][0] == "physician-share":
            cells[(row, column)] = (value / 100, "percent")
    workbook(source, {"数据": cells})
    out = tmp_path / "out"
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", suffix, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    result = status(out / f"source.{suffix}")
    assert result.stderr == ""
    assert verdicts(result) == expected
    assert reported(result)["physician-share"] == (23.5, "2024", 4)
    assert [w["code"] for w in json.loads(result.stdout)["warnings"]] == ["csv-header-below-title"]
    assert json.loads(result.stdout)["actuals"] == f"{out / ('source.' + suffix)}[数据]"


def test_an_xls_error_cell_is_located(tmp_path):
    source = workbook(tmp_path / "source.xlsx", {"S": table(("indicator", "period", "value"),
                                                             ("visits", 2024, ("=1/0", "#DIV/0!")))})
    out = tmp_path / "out"
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "xls", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    result = status(out / "source.xls")
    assert result.stderr == (f"{out / 'source.xls'}[S]:2:3: value: workbook-error-cell: cell S!C2 holds the error "
                             "'#DIV/0!', not a value; correct the formula or type the figure\n")


def test_a_csv_is_read_without_importing_the_workbook_readers():
    code = ("import sys\nfrom tcmcheck.cli import main\n"
            f"sys.argv = ['tcmcheck', 'status', 'jiangmen', {str(EXAMPLES / 'jiangmen-2024.csv')!r}, '--format', 'json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('python_calamine', 'xlrd', 'tcmcheck.workbook') if m in sys.modules), "
            "file=sys.stderr)\n")
    finished = subprocess.run([os.sys.executable, "-P", "-c", code], capture_output=True, text=True, timeout=60)
    assert finished.stderr.strip().splitlines()[-1] == "[]"


def test_a_formula_whose_result_is_empty_text_is_a_blank_not_an_uncalculated_formula(tmp_path):
    cells = table(("indicator", "period", "value"), ("visits", 2024, ('=IF(1,"","x")', "")), ("training", 2024, 1000))
    result = status(workbook(tmp_path / "sub.xlsx", {"S": cells}))
    assert result.stderr == ""
    assert set(reported(result)) == {"training"}
