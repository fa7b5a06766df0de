"""`--format xlsx`: the report as a workbook, read back with python-calamine and compared with the JSON report;
its colours, frozen header, filters and widths read from the sheet XML; its numbers as LibreOffice shows them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from wcwidth import wcswidth

from helpers import soffice
from conftest import DATA
from sheet_xml import NS, read_workbook
from tcmcheck.cli import main
from tcmcheck.formats import xlsx_format
from tcmcheck.formats.xlsx_format import STATUS_COLOURS, WIDTH_LIMITS
from tcmcheck.result import Status

ROOT = Path(__file__).resolve().parent.parent
JIANGMEN = ("status", "jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31")
YIWU = ("status", "yiwu", "examples/yiwu-2025.csv", "--as-of", "2024-12-31", "--fail-on", "none")
SUMMARY = ("summary", "examples/", "--as-of", "2024-12-31")
SHEETS = {"en": ("Results", "Warnings", "Overview"), "zh": ("结果", "警告", "概览")}
SUMMARY_SHEETS = {"en": ("Files", "Indicators", "Errors and warnings", "Overview"),
                  "zh": ("文件", "指标", "错误和警告", "概览")}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def workbook(tmp_path, *args, name="report.xlsx", code=1) -> tuple[dict[str, list[list]], Path]:
    """The sheets of the workbook `args` write, by name, each a list of rows, and its path."""
    path = tmp_path / name
    result = run(*args, "--format", "xlsx", "-o", path)
    assert (result.exit_code, result.stdout) == (code, ""), result.stderr
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}, path


def json_report(*args, code=1) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


def label(status: str, lang: str) -> str:
    return Status(status).label(lang)


def shown_actual(value, lang: str):
    """A JSON report's value as the workbook holds it: a number as it is, yes/no in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return {"en": ("not done", "done"), "zh": ("未完成", "已完成")}[lang][value]
    return value


def overview_counts(rows: list[list], lang: str) -> dict[str, float]:
    """status -> count, from the Overview's table."""
    labels = {Status(s).label(lang): s for s in (s.value for s in Status)}
    return {labels[row[0]]: row[1] for row in rows if row and row[0] in labels}


# status


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_results_are_the_json_result(tmp_path, lang):
    sheets, _ = workbook(tmp_path, *JIANGMEN, "--lang", lang)
    expected = json_report(*JIANGMEN, "--lang", lang)
    assert tuple(sheets) == SHEETS[lang]
    header, *rows = sheets[SHEETS[lang][0]]
    assert len(header) == 13
    assert [row[1] for row in rows] == [i["id"] for i in expected["indicators"]]
    for row, item in zip(rows, expected["indicators"]):
        plan, _, name, status, target, actual, period, progress, detail, line, late, report, responsible = row
        assert (plan, name, status, target, detail) == (
            "jiangmen", item["name"], label(item["status"], lang), item["target"], item["detail"])
        assert actual == shown_actual(item["actual"], lang)
        assert period == (item["period"] or "")
        assert progress == ("" if item["progress"] is None else pytest.approx(item["progress"]))
        assert line == ("" if item["line"] is None else item["line"])
        assert late == ("" if not item["late"] else ("是" if lang == "zh" else "yes"))
        assert report == item["report"]
        assert responsible == ("、" if lang == "zh" else ", ").join(item["responsible"])
    overview = sheets[SHEETS[lang][2]]
    assert overview_counts(overview, lang) == expected["summary"]
    on_schedule = expected["summary"]["pass"] + expected["summary"]["on-track"]
    share = f"{on_schedule / len(expected['indicators']) * 100:.1f}%"
    line = (f"达到序时进度 {on_schedule} 项，占比 {share}" if lang == "zh"
            else f"On schedule (pass or on-track): {on_schedule} of {len(expected['indicators'])}, {share}")
    assert [line, "", ""] in overview


def test_grades_and_yes_no_are_text_and_numbers_are_numbers(tmp_path):
    sheets, _ = workbook(tmp_path, *JIANGMEN)
    expected = {i["id"]: i["actual"] for i in json_report(*JIANGMEN)["indicators"]}
    actual = {row[1]: row[5] for row in sheets["Results"][1:]}
    assert actual["wuyi-hospital-performance-grade"] == "A"
    assert {type(actual[i]) for i, value in expected.items() if isinstance(value, float)} == {float}
    done = [i for i, value in expected.items() if isinstance(value, bool)]
    assert done and {actual[i] for i in done} <= {"done", "not done"}


def test_warnings_are_listed_with_their_code_file_and_line(tmp_path):
    sheets, _ = workbook(tmp_path, *YIWU, code=0)
    expected = json_report(*YIWU, code=0)["warnings"]
    assert expected
    header, *rows = sheets["Warnings"]
    assert header == ["code", "file", "line", "message"]
    assert rows == [[w["code"], w["file"], w["line"], w["message"]] for w in expected]


def test_only_and_sort_choose_the_rows_and_the_overview_still_counts_everything(tmp_path):
    sheets, _ = workbook(tmp_path, *JIANGMEN, "--only", "lag,fail", "--sort", "status")
    expected = json_report(*JIANGMEN)["summary"]
    statuses = [row[3] for row in sheets["Results"][1:]]
    assert statuses == ["fail"] * expected["fail"] + ["lag"] * expected["lag"]
    assert overview_counts(sheets["Overview"], "en") == expected


# summary


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_sheets_are_the_json_result(tmp_path, lang):
    sheets, _ = workbook(tmp_path, *SUMMARY, "--lang", lang)
    expected = json_report(*SUMMARY, "--lang", lang)
    files_sheet, long_sheet, problems, overview = SUMMARY_SHEETS[lang]
    assert tuple(sheets) == SUMMARY_SHEETS[lang]
    statuses = ("pass", "on-track", "lag", "fail", "no-data")
    rows = sheets[files_sheet][1:]
    assert [row[:8] for row in rows] == [
        [f["file"], f["plan"], *(f["summary"][s] for s in statuses), label(f["worst"], lang)]
        for f in expected["files"]]
    for row, entry in zip(rows, expected["files"]):
        ids = {s: ("、" if lang == "zh" else ", ").join(i["id"] for i in entry["indicators"] if i["status"] == s)
               for s in ("fail", "lag")}
        assert row[12:14] == [ids["fail"], ids["lag"]]
        assert row[8] == pytest.approx((entry["summary"]["pass"] + entry["summary"]["on-track"])
                                       / len(entry["indicators"]))
    assert sheets[long_sheet][1:] == [[f["file"], i["id"], label(i["status"], lang)]
                                      for f in expected["files"] for i in f["indicators"]]
    assert [row[3] for row in sheets[problems][1:]] == [w["code"] for f in expected["files"] for w in f["warnings"]]
    assert overview_counts(sheets[overview], lang) == expected["total"]


def test_a_file_that_cannot_be_used_is_an_error_row_and_its_problems_are_listed(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", subs / "jiangmen-2024.csv")
    (subs / "jiangmen-broken.csv").write_text("indicator,period,value\nno-such-indicator,2024,1\n"
                                              "also-unknown,2024,2\n", "utf-8")
    sheets, _ = workbook(tmp_path, "summary", subs, "--as-of", "2024-12-31", code=2)
    expected = json_report("summary", subs, "--as-of", "2024-12-31", code=2)
    broken = next(f for f in expected["files"] if f["error"])
    row = next(row for row in sheets["Files"][1:] if row[0] == broken["file"])
    first = broken["error"]["problems"][0]
    assert (row[7], row[9], row[10], row[11]) == ("error", first["code"], first["line"], first["message"])
    assert row[2:7] == ["", "", "", "", ""]
    listed = [r for r in sheets["Errors and warnings"][1:] if r[0] == "error"]
    assert [(r[1], r[3], r[4]) for r in listed] == [(p["file"], p["code"], p["line"])
                                                    for p in broken["error"]["problems"]]
    assert len(listed) == 2
    assert all(r[0] != broken["file"] for r in sheets["Indicators"][1:])


def test_a_list_longer_than_a_sheet_goes_on_in_the_next_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_format, "ROW_LIMIT", 100)
    sheets, _ = workbook(tmp_path, *SUMMARY)
    expected = json_report(*SUMMARY)
    parts = [name for name in sheets if name.startswith("Indicators")]
    total = sum(len(f["indicators"]) for f in expected["files"])
    assert parts == ["Indicators"] + [f"Indicators {n}" for n in range(2, len(parts) + 1)]
    assert len(parts) == -(-total // 99)
    assert all(sheets[name][0] == ["file", "id", "status"] and len(sheets[name]) <= 100 for name in parts)
    assert [row for name in parts for row in sheets[name][1:]] == [
        [f["file"], i["id"], i["status"]] for f in expected["files"] for i in f["indicators"]]


# writing


@pytest.mark.parametrize("command", [JIANGMEN, SUMMARY])
@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_a_workbook_is_never_written_to_standard_output(command, output):
    result = run(*command, "--format", "xlsx", *output)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("-o: output-needs-file: --format xlsx writes a binary file, not text for a terminal "
                             "or a pipe; name the file with -o, as in -o report.xlsx\n")


def test_a_workbook_never_replaces_its_input(tmp_path):
    submission = tmp_path / "jiangmen-2024.csv"
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", submission)
    before = submission.read_bytes()
    result = run("status", "jiangmen", submission, "--format", "xlsx", "-o", submission)
    assert result.exit_code == 2
    assert "output-is-input" in result.stderr
    assert submission.read_bytes() == before


def test_the_same_run_writes_the_same_bytes_dated_as_of_its_date_and_says_it_is_a_report(tmp_path):
    _, first = workbook(tmp_path, *SUMMARY, name="first.xlsx")
    _, second = workbook(tmp_path, *SUMMARY, name="second.xlsx")
    assert first.read_bytes() == second.read_bytes()
    core = zipfile.ZipFile(first).read("docProps/core.xml").decode("utf-8")
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-12-31T00:00:00Z</dcterms:created>" in core
    assert "<dc:subject>tcmcheck report</dc:subject>" in core


def test_a_plain_status_imports_neither_xlsxwriter_nor_the_xlsx_format():
    code = ("import sys; from tcmcheck.cli import main\n"
            "try: main(['status', 'jiangmen', 'examples/jiangmen-2024.csv', '--format', 'json'])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in ('xlsxwriter', 'tcmcheck.formats.xlsx_format') if m in sys.modules))")
    finished = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert finished.stdout.endswith("[]\n"), finished.stderr


# the sheet XML: colours, frozen header, filter, widths


def fills(data: bytes) -> list[str | None]:
    """The fill colour (RRGGBB) of each cell style, by style index."""
    styles = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml"))
    colours = []
    for fill in styles.iterfind("m:fills/m:fill", NS):
        colour = fill.find("m:patternFill/m:fgColor", NS)
        colours.append(None if colour is None else colour.get("rgb")[-6:])
    return [colours[int(xf.get("fillId", "0"))] for xf in styles.iterfind("m:cellXfs/m:xf", NS)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_cells_have_their_colour_the_header_is_frozen_and_filtered(tmp_path, lang):
    _, path = workbook(tmp_path, *JIANGMEN, "--lang", lang)
    data = path.read_bytes()
    colour = fills(data)
    results = read_workbook(data)[0]
    labels = {Status(s.value).label(lang): s for s in Status}
    rows = results.rows[1:]
    for number, row in enumerate(rows, start=2):
        assert colour[results.styles[f"D{number}"]] == STATUS_COLOURS[labels[row[3]]][0][1:]
    assert results.pane["ySplit"] == "1" and results.pane["state"] == "frozen"
    assert results.root.find("m:autoFilter", NS).get("ref") == f"A1:M{len(rows) + 1}"


def test_summary_status_cells_have_their_colour(tmp_path):
    _, path = workbook(tmp_path, *SUMMARY)
    data = path.read_bytes()
    colour = fills(data)
    files, long_sheet = read_workbook(data)[:2]
    for number, row in enumerate(long_sheet.rows[1:], start=2):
        assert colour[long_sheet.styles[f"C{number}"]] == STATUS_COLOURS[Status(row[2])][0][1:]
    for number, row in enumerate(files.rows[1:], start=2):
        assert colour[files.styles[f"H{number}"]] == STATUS_COLOURS[Status(row[7])][0][1:]
    assert long_sheet.pane["state"] == "frozen"
    assert long_sheet.root.find("m:autoFilter", NS).get("ref") == f"A1:C{len(long_sheet.rows)}"


def test_columns_are_wide_enough_for_chinese_text(tmp_path):
    """Widths count a Chinese character as two Latin ones (XlsxWriter's autofit would count one)."""
    _, path = workbook(tmp_path, *JIANGMEN, "--lang", "zh")
    results, _, overview = read_workbook(path.read_bytes())
    for column, name in ((3, "name"), (13, "responsible")):
        texts = [row[column - 1] for row in results.rows]
        assert results.widths[column] >= min(max(map(wcswidth, texts)), WIDTH_LIMITS[name])
    label = "达到序时进度（达标+序时推进）"
    assert [label] == [row[0] for row in overview.rows if row and row[0] == label]
    assert overview.widths[1] >= wcswidth(label) == 29 > len(label) == 15


# a real spreadsheet program




def shown_by_libreoffice(path: Path, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice Calc shows its cells (its CSV export of the formatted text), by sheet name."""
    out = tmp_path / "shown"
    out.mkdir()
    # UTF-8, first line 1, formatted text as shown, formulas not exported, every sheet (-1) to a file of its own
    options = "44,34,76,1,,0,false,true,true,false,false,-1"
    finished = subprocess.run(
        [soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
         f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    sheets = {}
    for name in CalamineWorkbook.from_path(str(path)).sheet_names:
        text = (out / f"{path.stem}-{name}.csv").read_text("utf-8")
        sheets[name] = list(csv.reader(io.StringIO(text)))
    return sheets


def test_libreoffice_shows_numbers_in_the_plans_units_and_statuses_in_chinese(tmp_path):
    _, path = workbook(tmp_path, *JIANGMEN, "--lang", "zh")
    shown = shown_by_libreoffice(path, tmp_path)
    rows = {row[1]: row for row in shown["结果"][1:]}
    expected = {i["id"]: i for i in json_report(*JIANGMEN, "--lang", "zh")["indicators"]}
    assert [row[3] for row in rows.values()] == [label(i["status"], "zh") for i in expected.values()]
    assert rows["demonstration-county-share"][5] == "28.6%"
    assert rows["county-hospital-capability-standard"][5] == "80%"
    assert rows["tcm-pavilion-stations-doubling"][5] == "86家"
    assert rows["municipal-key-specialties-new"][7] == "67%"
    assert rows["wuyi-hospital-performance-grade"][5] == "A"
    overview = shown["概览"]
    assert ["达标", "40", "50.6%"] in overview
    assert any(row[0].startswith("达到序时进度 ") for row in overview)


def test_text_from_a_plan_is_never_a_formula_and_shows_control_characters(tmp_path):
    plan = tmp_path / "odd.yaml"
    plan.write_text((DATA / "sample.yaml").read_text("utf-8").replace(
        "name: {zh: 中医类别医师占比, en: TCM physician share}",
        'name: {zh: "=1+1\\e[2J", en: "=HYPERLINK(\\"http://example.org\\",\\"x\\")"}').replace(
        "responsible: [市卫生健康局]", 'responsible: ["@SUM(1,2)", "+1"]').replace(
        "unit_label: 个", 'unit_label: "个\\"=A1"'), "utf-8")
    _, path = workbook(tmp_path, "status", plan, DATA / "sample.csv", "--as-of", "2024-12-31", "--fail-on", "none",
                       "--lang", "zh", code=0)
    results = read_workbook(path.read_bytes())[0]
    assert results.root.find(".//m:f", NS) is None
    assert results.rows[1][2] == "=1+1\\x1b[2J"
    assert results.rows[1][12] == "@SUM(1,2)、+1"
    shown = {row[1]: row for row in shown_by_libreoffice(path, tmp_path)["结果"]}
    assert shown["physician-share"][2] == "=1+1\\x1b[2J"
    assert shown["physician-share"][12] == "@SUM(1,2)、+1"
    assert shown["specialties"][5] == '2个"=A1'


def test_a_file_name_with_a_control_character_is_shown_visibly(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", subs / "jiangmen-\x1b[2J.csv")
    sheets, _ = workbook(tmp_path, "summary", subs, "--as-of", "2024-12-31")
    shown = f"{subs}/jiangmen-\\x1b[2J.csv"
    assert sheets["Files"][1][0] == shown
    assert {row[0] for row in sheets["Indicators"][1:]} == {shown}


def test_an_xlsx_report_in_a_searched_directory_is_known_as_a_report(tmp_path):
    from click.testing import CliRunner

    from tcmcheck.cli import main

    source = Path(__file__).resolve().parent.parent / "examples" / "jiangmen-2024.csv"
    (tmp_path / "jiangmen-2024.csv").write_bytes(source.read_bytes())
    report = tmp_path / "report.xlsx"
    args = ["summary", str(tmp_path), "--as-of", "2024-12-31"]
    assert CliRunner().invoke(main, [*args, "--format", "xlsx", "-o", str(report)]).exit_code == 1
    again = CliRunner().invoke(main, [*args, "--format", "xlsx", "-o", str(report)])
    assert again.exit_code == 1, again.stderr
    without = CliRunner().invoke(main, [*args, "--format", "plain", "--lang", "en"])
    assert without.exit_code == 2 and "csv-is-report" in without.stdout + without.stderr


def test_the_indicators_list_keeps_names_excel_would_read_as_escapes_or_markup(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    name = "jiangmen-_x0041_ <b>&amp; .csv"
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", subs / name)
    sheets, path = workbook(tmp_path, "summary", subs, "--as-of", "2024-12-31")
    shown = f"{subs}/{name}"
    expected = json_report("summary", subs, "--as-of", "2024-12-31")["files"][0]["indicators"]
    assert sheets["Indicators"][1:] == [[shown, i["id"], i["status"]] for i in expected]
    by_libreoffice = shown_by_libreoffice(path, tmp_path)["Indicators"]
    assert by_libreoffice[1:] == [[shown, i["id"], i["status"]] for i in expected]


@pytest.mark.parametrize("text, xml", [
    ("plain", "<is><t>plain</t></is>"),
    ("_x0041_", "<is><t>_x005F_x0041_</t></is>"),
    ("a<b>&c", "<is><t>a&lt;b&gt;&amp;c</t></is>"),
    (" edge", '<is><t xml:space="preserve"> edge</t></is>'),
    ("edge\n", '<is><t xml:space="preserve">edge\n</t></is>'),
])
def test_inline_strings_are_escaped_as_excel_reads_them(text, xml):
    assert xlsx_format.inline_string(text) == xml
