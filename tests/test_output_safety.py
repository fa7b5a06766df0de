"""What reaches terminals, logs, spreadsheets and CI systems: no control character from input, no
formula, JUnit valid against the Jenkins xunit schema, and every warning in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from sheet_xml import workbook_text
from tcmcheck.cli import main
from tcmcheck.formats import FORMATS, formatter
from tcmcheck.formats.interface import RenderOptions

JUNIT_XSD = Path(__file__).parent / "schemas" / "junit-10.xsd"
SAMPLE_CSV = (DATA / "sample.csv").read_text("utf-8")
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x01\x0b\x7f\x9b"
# Raw control characters a format must never write: C0 but tab and line feed, DEL and C1. Carriage
# return is allowed only as part of CSV's CRLF line end.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


BINARY = {name for name in FORMATS if formatter(name, RenderOptions()).binary}


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def report(directory: Path, fmt: str, *args):
    """Run with --format fmt: the result and the report's text, from standard output or, for a binary
    format, written with -o and read back as its cells."""
    path = directory / f"report.{fmt}"
    result = run(*args, "--format", fmt, *(("-o", path) if fmt in BINARY else ()))
    return result, workbook_text(path.read_bytes()) if fmt in BINARY else result.stdout


def hostile_plan(directory: Path) -> Path:
    """The sample plan with control characters in its city, title and first indicator's id-free name."""
    text = (DATA / "sample.yaml").read_text("utf-8")
    text = text.replace("city: {zh: 样例市, en: Sample}", 'city: {zh: "样例市\\e[31m", en: "Sample\\a\\x01"}')
    text = text.replace("title: 样例市中医药发展方案", 'title: "样例市\\e]0;PWNED\\a方案\\v"')
    text = text.replace("name: {zh: 中医类别医师占比, en: TCM physician share}",
                        'name: {zh: "中医\\e[2J占比\\x85", en: "\\r=1+3\\nTCM\\x7f share"}')
    path = directory / "hostile.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def hostile(tmp_path):
    plan = hostile_plan(tmp_path)
    submission = tmp_path / f"sample-{HOSTILE}.csv"
    submission.write_text(SAMPLE_CSV + "physician-share,2022,120,\n", "utf-8")  # a warning: over 100%
    return plan, submission


def assert_no_raw_control(text: str, fmt: str) -> None:
    if fmt == "csv":
        text = text.replace("\r\n", "\n")
    found = RAW_CONTROL.search(text)
    assert found is None, f"{fmt}: raw {found.group()!r} at {found.start()}: {text[max(0, found.start() - 40):found.start() + 20]!r}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_writes_no_raw_control_character_from_input(hostile, tmp_path, fmt, lang):
    plan, submission = hostile
    result, text = report(tmp_path, fmt, "status", plan, submission, "--as-of", "2024-12-31", "--lang", lang)
    assert result.exit_code == 1, result.stderr
    assert_no_raw_control(text, fmt)
    assert_no_raw_control(result.stderr, "stderr")


@pytest.mark.parametrize("fmt", FORMATS)
def test_summary_writes_no_raw_control_character_from_input(hostile, tmp_path, fmt):
    plan, submission = hostile
    broken = tmp_path / f"broken-{HOSTILE}.csv"
    broken.write_text(f"indicator,period,value\nvisits{HOSTILE},2024,1\n", "utf-8")
    result, text = report(tmp_path, fmt, "summary", submission, broken, "--plan", plan, "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert_no_raw_control(text, fmt)
    assert_no_raw_control(result.stderr, "stderr")


@pytest.mark.parametrize("fmt", ["table", "plain", "junit", "github", "csv", "markdown"])
def test_reports_written_with_o_hold_no_raw_control_character(hostile, tmp_path, fmt):
    plan, submission = hostile
    report = tmp_path / f"report.{fmt}"
    result = run("status", plan, submission, "--as-of", "2024-12-31", "--format", fmt, "-o", report)
    assert result.exit_code == 1 and result.stdout == ""
    assert_no_raw_control(report.read_text("utf-8"), fmt)


def test_control_characters_are_shown_escaped_and_json_keeps_the_exact_text(hostile):
    plan, submission = hostile
    plain = run("status", plan, submission, "--as-of", "2024-12-31", "--format", "plain").stdout
    assert "Sample\\x07\\x01" in plain and "\\x1b]0;PWNED\\x07" in plain
    document = json.loads(run("status", plan, submission, "--as-of", "2024-12-31", "--format", "json").stdout)
    assert document["plan"]["city_en"] == "Sample\a\x01"
    assert document["actuals"] == str(submission)
    assert document["indicators"][0]["name_en"] == "\r=1+3\nTCM\x7f share"


def test_csv_cell_with_carriage_return_cannot_start_a_row_or_a_formula(hostile, tmp_path):
    plan, submission = hostile
    named = tmp_path / "sample-x\r=1+2.csv"
    named.write_text(SAMPLE_CSV, "utf-8")
    text = run("status", plan, submission, "--as-of", "2024-12-31", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + 10 + 1  # header, ten indicators, one warning
    assert all(len(row) == len(rows[0]) for row in rows)
    for row in rows:
        for cell in row:
            for line in re.split("[\r\n]", cell):
                assert not line.startswith(("=", "+", "@")), cell
    summary = run("summary", named, submission, "--plan", plan, "--as-of", "2024-12-31", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(summary, newline="")))
    assert [len(row) for row in rows] == [len(rows[0])] * len(rows)
    assert rows[1][0] == "sample-x\\x0d=1+2.csv".join([str(tmp_path) + "/", ""])


@pytest.mark.parametrize("cell, shown", [
    ("a\n=1+2", "a\n'=1+2"), ("=1\r\n@x", "'=1\n'@x"), ("ok\nfine", "ok\nfine"), ("-3\n-4", "-3\n-4"),
])
def test_neutralise_checks_every_line_of_a_cell(cell, shown):
    from tcmcheck.formats.csv_format import neutralise

    assert neutralise(cell) == shown


def test_csv_writer_quotes_any_cell_holding_a_line_break():
    from tcmcheck.formats.csv_format import _writer

    buffer = io.StringIO()
    _writer(buffer).writerow(["a\rb", "c\nd", "e"])
    assert buffer.getvalue() == '"a\rb","c\nd",e\r\n'


@pytest.fixture(scope="module")
def junit_schema():
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is a test dependency: pip install '.[test]'")
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def test_status_junit_is_valid_against_junit_10_xsd(junit_schema, hostile):
    plan, submission = hostile
    for args in (("status", "jiangmen", "examples/jiangmen-2024.csv"), ("status", plan, submission)):
        text = run(*args, "--as-of", "2024-12-31", "--format", "junit").stdout
        junit_schema.validate(text)


def test_summary_junit_is_valid_against_junit_10_xsd(junit_schema, hostile, tmp_path):
    plan, submission = hostile
    broken = tmp_path / f"broken-{HOSTILE}.csv"
    broken.write_text("indicator,period,value\nnope\x01,2024,1\n", "utf-8")
    for args in (("examples/",), (submission, broken, "--plan", plan)):
        result = run("summary", *args, "--as-of", "2024-12-31", "--format", "junit", "--fail-on", "lag,fail")
        junit_schema.validate(result.stdout)
        root = ET.fromstring(result.stdout)
        names = [case.get("name") for case in root.iter("testcase")]
        assert len(names) == len(set(names))
        assert root.find("testcase/properties") is None and "skipped" not in root.attrib


def test_junit_keeps_each_case_s_facts_in_system_out():
    text = run("status", "jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31", "--format", "junit").stdout
    case = ET.fromstring(text).find(".//testcase")
    facts = dict(line.split(": ", 1) for line in case.findtext("system-out").splitlines())
    assert set(facts) == {"name", "target", "actual", "period", "line", "status", "detail", "late", "report"}


# Every format shows every warning: here, a percentage above 100 on line 16 of the submission.

def warned(tmp_path: Path) -> Path:
    path = tmp_path / "sample-2024.csv"
    path.write_text(SAMPLE_CSV + "physician-share,2022,120,\n", "utf-8")
    return path


@pytest.mark.parametrize("command", ["status", "summary"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_warning(tmp_path, command, fmt):
    path = warned(tmp_path)
    plan = str(DATA / "sample.yaml")
    args = ("status", plan, path) if command == "status" else ("summary", path, "--plan", plan)
    _, text = report(tmp_path, fmt, *args, "--as-of", "2024-12-31")
    assert "csv-percent-over-100" in text
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        row = rows[-1]
        if command == "status":
            assert (row["status"], row["id"], row["line"]) == ("warning", "csv-percent-over-100", "16")
        else:
            assert (row["worst"], row["error"], row["line"]) == ("warning", "csv-percent-over-100", "16")
    elif fmt == "junit":
        assert "csv-percent-over-100" in ET.fromstring(text).find("testsuite").findtext("system-err")
    elif fmt == "github":
        assert re.search(r"^::warning file=[^,]*sample-2024\.csv,line=16,title=tcmcheck csv-percent-over-100::", text, re.M)
    elif fmt == "json":
        document = json.loads(text)
        warnings = document["warnings"] if command == "status" else document["files"][0]["warnings"]
        assert warnings[0]["code"] == "csv-percent-over-100" and warnings[0]["line"] == 16


def test_xml_safe_keeps_exactly_the_characters_of_xml_1_0():
    from tcmcheck.text import xml_safe

    def allowed(code: int) -> bool:  # the Char production of XML 1.0
        return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000

    changed = [code for code in range(0x110000) if (xml_safe(chr(code)) == chr(code)) != allowed(code)]
    assert not changed
    assert xml_safe("a\x01\ufffeb") == "a\\x01\\ufffeb"
