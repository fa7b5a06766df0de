"""Submission CSVs at the edges: special files, the size limit, cells that spill over, rows that span
lines, very long cells, encodings and grade aliases. Each input problem is a located error, exit 2."""

import json
import os
import re
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from tcmcheck import actuals
from tcmcheck.actuals import read_actuals
from tcmcheck.cli import main
from tcmcheck.errors import ActualsError

SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = DATA / "sample.csv"
MIB = 2**20


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


def summary_problem(result) -> dict:
    """The first problem of the only file of a `summary --format json`."""
    (checked,) = json.loads(result.stdout)["files"]
    return checked["error"]["problems"][0]


def status(path, *extra, plan=SAMPLE_PLAN, input=None):
    return run("status", plan, path, "--as-of", "2024-12-31", *extra, input=input)


def problems(text, plan):
    with pytest.raises(ActualsError) as caught:
        read_actuals(text.encode(), plan, "sub.csv")
    return caught.value.problems


def entries(text, plan):
    found = read_actuals(text.encode(), plan, "sub.csv")
    return {indicator_id: [(r.period.label, r.value, r.line) for r in found.reports_for(indicator_id)]
            for indicator_id in found.entries}


# Special files and the size limit

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_character_device_is_refused_by_status():
    result = status("/dev/zero")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("/dev/zero: csv-not-regular: is a character device, not a regular file; "
                             "expected a CSV file\n")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_character_device_is_an_error_row_in_summary():
    result = run("summary", "/dev/zero", "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "json")
    assert result.exit_code == 2
    assert summary_problem(result) == {
        "code": "csv-not-regular", "message": "is a character device, not a regular file; expected a CSV file",
        "file": "/dev/zero", "line": None, "column": None, "field": None}


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        result = status(path)
    assert result.exit_code == 2
    assert result.stderr == f"{path}: csv-not-regular: is a socket, not a regular file; expected a CSV file\n"


def fifo_with(tmp_path, data: bytes) -> tuple[Path, threading.Thread]:
    """A FIFO and a thread that writes `data` into it once a reader opens it."""
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)

    def write():
        try:
            with open(path, "wb") as stream:
                stream.write(data)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return path, writer


def finish(path: Path, writer: threading.Thread) -> None:
    """Let a writer still waiting for a reader go, and wait for it."""
    if writer.is_alive():
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    writer.join(10)
    assert not writer.is_alive()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_read_like_a_file(tmp_path):
    path, writer = fifo_with(tmp_path, SAMPLE_CSV.read_bytes())
    try:
        piped = status(path, "--format", "json")
    finally:
        finish(path, writer)
    plain = status(SAMPLE_CSV, "--format", "json")
    assert piped.exit_code == plain.exit_code == 1
    assert piped.stderr == ""
    ours, theirs = json.loads(piped.stdout), json.loads(plain.stdout)
    assert ours["summary"] == theirs["summary"] and ours["indicators"] == theirs["indicators"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_read_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(actuals, "MAX_CSV_BYTES", MIB)
    path, writer = fifo_with(tmp_path, b"indicator,period,value\n" + b"\n" * MIB)
    try:
        result = status(path)
    finally:
        finish(path, writer)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"{path}: csv-too-large: larger than 1 MiB, the most tcmcheck reads of one CSV; "
                             "split it into several files\n")


def padded(size: int) -> bytes:
    """A usable submission of exactly `size` bytes: the sample, then blank lines."""
    data = SAMPLE_CSV.read_bytes()
    return data + b"\n" * (size - len(data))


def test_standard_input_is_read_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(actuals, "MAX_CSV_BYTES", MIB)
    at_limit = status("-", input=padded(MIB))
    assert at_limit.exit_code == 1 and at_limit.stderr == ""
    assert "centre-opened" in at_limit.stdout
    over = status("-", input=padded(MIB + 1))
    assert over.exit_code == 2
    assert over.stdout == ""
    assert over.stderr == ("<stdin>: csv-too-large: larger than 1 MiB, the most tcmcheck reads of one CSV; "
                           "split it into several files\n")


def test_closed_or_failing_standard_input_is_unreadable(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(ActualsError) as caught:
        actuals.read_bytes("-")
    assert str(caught.value) == "<stdin>: csv-unreadable: standard input is closed"

    class Failing(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Failing())))
    with pytest.raises(ActualsError) as caught:
        actuals.read_bytes("-")
    assert str(caught.value) == "<stdin>: csv-unreadable: Input/output error"


def test_a_file_is_read_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(actuals, "MAX_CSV_BYTES", MIB)
    path = tmp_path / "sub.csv"
    path.write_bytes(padded(MIB))
    assert status(path).exit_code == 1
    path.write_bytes(padded(MIB + 1))
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: csv-too-large: larger than 1 MiB")


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(actuals.MAX_CSV_BYTES + 1)  # sparse: no disk and no time
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}: csv-too-large: larger than 256 MiB, the most tcmcheck reads of one CSV; "
                             "split it into several files\n")


# More cells than the header

def test_an_unquoted_thousands_separator_is_an_error_not_a_misread_value(tmp_path):
    path = tmp_path / "jiangmen-2024.csv"
    path.write_text("indicator,period,value,note\nmentorship-person-times-annual,2024,1,380,\n", "utf-8")
    result = status(path, plan="jiangmen")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"{path}:2:3: value: csv-row-length: 5 cells, the header has 4: is '1,380' one "
                             'number? Quote a number that has a thousands separator ("1,380") or leave the '
                             "commas out\n")


@pytest.mark.parametrize("row, message", [
    ("visits,2024,1,600,", "is '1,600' one number?"),
    ("visits,2024,1,600,x", "is '1,600' one number?"),
    ("visits,2024,1,234,567", "is '1,234,567' one number?"),
    ("visits,2024,1,234.5,", "is '1,234.5' one number?"),
    ("visits,2024,1600,x,", "a cell that holds a comma must be quoted"),
    ("visits,2024,1600,,,", "a cell that holds a comma must be quoted"),
])
@pytest.mark.parametrize("unit", [False, True], ids=["plain-path", "general-path"])
def test_a_row_with_more_cells_than_the_header_is_an_error(sample_plan, row, message, unit):
    header = "indicator,period,value,note"
    if unit:  # a unit column sends every row through every check
        header, row = "indicator,period,unit,value,note", row.replace("2024,", "2024,person_times,")
    (problem,) = problems(f"{header}\n{row}\n", sample_plan)
    assert (problem.code, problem.line) == ("csv-row-length", 2)
    assert problem.message.startswith(f"{row.count(',') + 1} cells, the header has {header.count(',') + 1}")
    assert message in problem.message


def test_a_row_in_a_quoted_file_with_more_cells_than_the_header_is_an_error(sample_plan):
    text = 'indicator,period,value,note\nvisits,2023,"1,500",ok\nvisits,2024,1,600,\n'
    (problem,) = problems(text, sample_plan)
    assert (problem.code, problem.line, problem.column) == ("csv-row-length", 3, 3)


def test_empty_columns_on_every_row_and_the_header_are_fine(sample_plan):
    text = "indicator,period,value,note,,\nvisits,2023,1500,,,\nvisits,2024,\"1,600\",,,\n,,,,,\n"
    assert entries(text, sample_plan) == {"visits": [("2023", 1500.0, 2), ("2024", 1600.0, 3)]}


def test_a_row_with_fewer_cells_but_every_required_one_is_fine(sample_plan):
    assert entries("indicator,period,value,note\nvisits,2024,1600\n", sample_plan) == {"visits": [("2024", 1600.0, 2)]}


# Rows that span lines are located where they start

MULTILINE = ('indicator,period,value,note\n'
             'visits,2023,1500,"first line\nsecond line"\n'
             'visits,2024,lots,"one\r\ntwo\r\nthree"\n'
             'physician-share,2024,"22\n",\n')


def test_a_row_spanning_lines_is_located_on_the_line_it_starts(sample_plan):
    (problem,) = problems(MULTILINE, sample_plan)
    assert (problem.code, problem.line, problem.column) == ("csv-bad-value", 4, 3)


def test_a_report_spanning_lines_is_located_on_the_line_it_starts(sample_plan):
    text = MULTILINE.replace("lots", "1600")
    assert entries(text, sample_plan) == {"visits": [("2023", 1500.0, 2), ("2024", 1600.0, 4)],
                                          "physician-share": [("2024", 22.0, 7)]}


def test_a_spanning_row_is_located_where_it_starts_in_the_command_line_output(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_text("indicator,period,value,note\n" + 'visits,2024,1,600,"a note\nover two lines"\n', "utf-8")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:3: value: csv-row-length: 5 cells, the header has 4")


def test_an_unclosed_quote_is_located_on_the_line_it_opens(sample_plan):
    text = 'indicator,period,value\nvisits,2023,1500\nvisits,2024,"1600\n' + ("x" * 999 + "\n") * 200
    (problem,) = problems(text, sample_plan)
    assert (problem.code, problem.line) == ("csv-field-too-large", 3)


# Very long cells are shortened in messages

LONG = "x" * 100_000


@pytest.mark.parametrize("row, code", [
    (f"{LONG},2024,1", "csv-unknown-indicator"),
    (f"visits,{LONG},1", "csv-bad-period"),
    (f"visits,2024,{LONG}", "csv-bad-value"),
    (f"visits,2024,1600\nvisits,2024,{'0' * 100_000}1700", "csv-duplicate-report"),
])
def test_a_long_cell_is_shortened_in_an_error(sample_plan, row, code):
    (problem,) = problems(f"indicator,period,value\n{row}\n", sample_plan)
    assert problem.code == code
    assert len(problem.message) < 300
    assert re.search(r"'[x0]{60}'… \(100,00[04] characters\)", problem.message)


def test_a_long_cell_is_shortened_in_a_warning(sample_plan):
    text = f"indicator,period,value,unit\nphysician-share,2024,{'0' * 100_000}150,{LONG}\n"
    warnings = read_actuals(text.encode(), sample_plan, "sub.csv").warnings
    assert {w.code for w in warnings} == {"csv-percent-over-100", "csv-unit-mismatch"}
    assert all(len(w.message) < 300 and "… (100,00" in w.message for w in warnings)


def test_a_long_cell_is_shortened_on_the_command_line(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_text(f"indicator,period,value\n{LONG},2024,1\n", "utf-8")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:2:1: indicator: csv-unknown-indicator: no indicator '{'x' * 60}'… "
                             "(100,000 characters) in plan sample\n")


# --encoding

def gbk_submission(tmp_path) -> Path:
    """The sample submission with Chinese headers and notes, saved as GBK."""
    text = SAMPLE_CSV.read_text("utf-8").replace("indicator,period,value,note", "指标,期间,数值,备注", 1)
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.replace(",\n", ",含线上跟师\n").encode("gbk"))
    return path


def test_a_gbk_file_is_read_with_encoding_gbk(tmp_path):
    path = gbk_submission(tmp_path)
    given = status(path, "--format", "json", "--encoding", "gbk")
    detected = status(path, "--format", "json")
    plain = status(SAMPLE_CSV, "--format", "json")
    assert given.exit_code == detected.exit_code == plain.exit_code == 1
    assert given.stderr == ""
    ours, theirs = json.loads(given.stdout), json.loads(plain.stdout)
    assert ours["summary"] == theirs["summary"] and ours["indicators"] == theirs["indicators"]


def test_a_gbk_file_read_as_utf_8_is_located(tmp_path):
    path = gbk_submission(tmp_path)
    result = status(path, "--encoding", "utf-8")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"{path}:1: csv-encoding: not valid utf-8 (byte 2)\n"


def test_utf_16_with_a_byte_order_mark_needs_no_flag(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_text(SAMPLE_CSV.read_text("utf-8"), "utf-16")
    detected = status(path, "--format", "json")
    given = status(path, "--format", "json", "--encoding", "utf-16")
    plain = status(SAMPLE_CSV, "--format", "json")
    assert detected.exit_code == given.exit_code == plain.exit_code == 1
    assert detected.stderr == given.stderr == ""
    assert json.loads(detected.stdout)["indicators"] == json.loads(plain.stdout)["indicators"]


def test_utf_16_without_a_byte_order_mark_is_not_guessed(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_bytes(SAMPLE_CSV.read_text("utf-8").encode("utf-16-le"))
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: csv-nul-byte: contains a NUL byte")


def test_latin_1_is_neither_utf_8_nor_gb18030(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_bytes("indicator,period,value,note\nvisits,2024,1600,Café\n".encode("latin-1"))
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2: csv-encoding: neither UTF-8 nor GB18030/GBK")
    given = status(path, "--encoding", "latin-1")
    assert given.exit_code == 0 and given.stderr == ""


ENCODINGS_THAT_READ_NO_TEXT = [
    ("klingon", "unknown encoding 'klingon'"),
    ("base64", "unknown encoding 'base64'"),
    ("undefined", "can't read with 'undefined': decoding with 'undefined' codec failed"),
]


@pytest.mark.parametrize("name, message", ENCODINGS_THAT_READ_NO_TEXT)
def test_an_encoding_that_reads_no_text_is_an_error_of_the_option(name, message):
    result = status(SAMPLE_CSV, "--encoding", name)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"--encoding: csv-encoding: {message}")


@pytest.mark.parametrize("name, message", ENCODINGS_THAT_READ_NO_TEXT)
def test_an_encoding_that_reads_no_text_is_an_error_in_summary(name, message):
    result = run("summary", SAMPLE_CSV, "--plan", SAMPLE_PLAN, "--encoding", name, "--format", "json")
    assert result.exit_code == 2
    problem = summary_problem(result)
    assert (problem["code"], problem["field"]) == ("csv-encoding", "--encoding")
    assert problem["message"].startswith(message)


# Grade aliases

HOSPITAL_GRADE = """
  - id: hospital-grade
    name: {zh: 中医医院等级, en: TCM hospital grade}
    section: 二、任务
    quote: 建成三级甲等中医医院
    kind: grade
    unit: grade
    scale: hospital
    milestones: [{due: 2025, grade: 三级甲等}]
"""


@pytest.fixture
def graded_plan(tmp_path):
    path = tmp_path / "graded.yaml"
    path.write_text((DATA / "sample.yaml").read_text("utf-8").rstrip("\n") + "\n" + HOSPITAL_GRADE, "utf-8")
    return path


def grade_status(graded_plan, tmp_path, rows, header="indicator,period,value"):
    path = tmp_path / "sub.csv"
    path.write_text(f"{header}\n{rows}\n", "utf-8")
    return run("status", graded_plan, path, "--as-of", "2025-12-31", "--format", "json")


@pytest.mark.parametrize("header, rows", [
    ("indicator,period,value", "hospital-grade,2025,三甲"),
    ("indicator,period,value", "hospital-grade,2025, 三甲 "),
    ("indicator,period,value,unit", "hospital-grade,2025,三甲,grade"),
])
def test_a_scale_alias_is_read_as_its_level(graded_plan, tmp_path, header, rows):
    result = grade_status(graded_plan, tmp_path, rows, header)
    assert result.stderr == ""
    (graded,) = [i for i in json.loads(result.stdout)["indicators"] if i["id"] == "hospital-grade"]
    assert (graded["status"], graded["actual"], graded["line"]) == ("pass", "三级甲等", 2)


def test_a_level_below_the_target_fails(graded_plan, tmp_path):
    result = grade_status(graded_plan, tmp_path, "hospital-grade,2025,三级乙等")
    (graded,) = [i for i in json.loads(result.stdout)["indicators"] if i["id"] == "hospital-grade"]
    assert result.exit_code == 1 and graded["status"] == "fail"


def test_an_unknown_grade_lists_the_levels(graded_plan, tmp_path):
    result = grade_status(graded_plan, tmp_path, "hospital-grade,2025,四甲")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"{tmp_path / 'sub.csv'}:2:3: value: csv-bad-value: '四甲' for hospital-grade: expected a "
                             "grade on the scale 二级乙等, 二级甲等, 三级乙等, 三级甲等\n")
