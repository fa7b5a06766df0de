"""The workbook template, filled in and saved by a real spreadsheet program, goes back to `status` unchanged.

LibreOffice (headless) re-saves the filled-in workbook as .xlsx and exports it as a GBK CSV (what Excel
and WPS save on Chinese Windows) and as UTF-16 tab-separated text (Excel's "Unicode text"). Each of the
three gives the same `status --format json` as a UTF-8 CSV holding what was typed."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import soffice
from sheet_xml import column_letter, fill, read_workbook
from tcmcheck.cli import main
from tcmcheck.spec import load_builtin

CSV_FILTER = "Text - txt - csv (StarCalc)"
GBK, UTF16 = 61, 65535
"""LibreOffice's numbers for Windows-936 (GBK) and Unicode (UTF-16), the third token of its CSV filter
options (rtl/textenc.h: RTL_TEXTENCODING_MS_936, RTL_TEXTENCODING_UNICODE). 76 is UTF-8."""
COMMA, TAB, QUOTE = 44, 9, 34




def convert(source: Path, target: str, directory: Path, profile: Path) -> Path:
    """`soffice --headless --convert-to target`, with a profile of its own so that no other LibreOffice
    running on the machine takes the job."""
    finished = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(directory), str(source)],
        capture_output=True, text=True, timeout=180)
    suffix = target.partition(":")[0]
    converted = directory / f"{source.stem}.{suffix}"
    assert finished.returncode == 0 and converted.exists(), finished.stdout + finished.stderr
    return converted


def status_json(path: Path) -> dict:
    result = CliRunner().invoke(main, ["status", "jiangmen", str(path), "--as-of", "2024-12-31", "--format", "json",
                                       "--fail-on", "none"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def comparable(document: dict) -> dict:
    """The result without what names the file it was read from: the file itself, and a location's file
    or sheet part (a workbook's line may read 'file.xlsx[Sheet]:7'; the row number is what must agree)."""
    document = dict(document)
    document.pop("actuals")
    for item in document["indicators"]:
        item["line"] = _row(item["line"])
    document["warnings"] = [{**w, "file": None, "line": _row(w.get("line"))} for w in document["warnings"]]
    return document


def _row(line):
    if line is None or isinstance(line, int):
        return line
    return int(re.search(r"(\d+)(?::\d+)?$", str(line)).group(1))


def typed_value(indicator, row: int) -> str | float:
    """What an official types for `indicator` in sheet row `row`: a value of its kind, varied by row."""
    if indicator.value_type == "grade":
        levels = indicator.scale.levels
        return levels[row % len(levels)]
    if indicator.value_type == "yes_no":
        return "是" if row % 3 else "否"
    if indicator.unit == "percent":
        return float(row % 90) + 0.5
    if indicator.unit == "rank":
        return row
    if indicator.unit == "ratio":
        return 0.5
    return row * 12 if row % 4 else row * 12.25


def test_a_filled_in_template_saved_by_libreoffice_reads_back_unchanged(tmp_path):
    soffice()
    template = tmp_path / "template.xlsx"
    made = CliRunner().invoke(main, ["template", "jiangmen", "--lang", "zh", "--period", "2024", "-o", str(template)])
    assert made.exit_code == 0, made.stderr
    sheet = read_workbook(template.read_bytes())[0]
    header = sheet.rows[0]
    assert header[:8] == ["指标", "指标名称", "单位", "目标", "填报说明", "期间", "数值", "备注"]
    column = {name: index for index, name in enumerate(header)}
    plan = load_builtin("jiangmen")

    typed: dict[str, str | float] = {}
    expected = [header]
    for number, row in enumerate(sheet.rows[1:], start=2):
        row = row + [""] * (len(header) - len(row))
        indicator = plan.indicator(row[column["指标"]])
        value = typed_value(indicator, number)
        if number == 3:
            value = "/"  # a placeholder: not reported, as the instructions say
        if number == 4:
            value = None  # left empty
        if number == 6:
            row[column["期间"]] = typed[f"{column_letter(column['期间'] + 1)}{number}"] = "2024Q3"
        if number == 7:
            row[column["备注"]] = typed[f"{column_letter(column['备注'] + 1)}{number}"] = "含线上跟师, 见附件"
        if value is not None:
            typed[f"{column_letter(column['数值'] + 1)}{number}"] = value
            row[column["数值"]] = value if isinstance(value, str) else repr(value)
        expected.append(row)
    assert any(row[column["填报说明"]].startswith("基期行") for row in expected), "a baseline row to fill in"
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(template.read_bytes(), sheet, typed))

    reference = tmp_path / "typed.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(expected)
    reference.write_text(buffer.getvalue(), "utf-8")

    profile = tmp_path / "libreoffice-profile"
    resaved = convert(filled, "xlsx", tmp_path / "resaved", profile)
    gbk = convert(filled, f"csv:{CSV_FILTER}:{COMMA},{QUOTE},{GBK},1", tmp_path / "gbk", profile)
    utf16 = convert(filled, f"csv:{CSV_FILTER}:{TAB},{QUOTE},{UTF16},1", tmp_path / "utf16", profile)

    assert "LibreOffice" in zipfile.ZipFile(resaved).read("docProps/app.xml").decode("utf-8")
    gbk_bytes = gbk.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk_bytes.decode("utf-8")
    assert "指标".encode("gbk") in gbk_bytes and "含线上跟师".encode("gbk") in gbk_bytes
    assert gbk_bytes.decode("gbk").splitlines()[0].split(",")[:3] == ['"指标"', '"指标名称"', '"单位"']
    utf16_bytes = utf16.read_bytes()
    assert utf16_bytes.startswith(b"\xff\xfe")
    assert utf16_bytes.decode("utf-16").splitlines()[0].split("\t")[:3] == ['"指标"', '"指标名称"', '"单位"']

    want = comparable(status_json(reference))
    statuses = [item["status"] for item in want["indicators"]]
    assert {"pass", "no-data"} <= set(statuses) and statuses.count("no-data") < len(statuses) // 2
    for path in (resaved, gbk, utf16):
        assert comparable(status_json(path)) == want, path.parent.name
