"""`tcmcheck template -o FILE.xlsx`: the workbook an official fills in, read back from its XML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from conftest import DATA
from sheet_xml import column_letter, read_workbook
from tcmcheck import describe
from tcmcheck.cli import main
from tcmcheck.spec import load_builtin, load_plan

SAMPLE_PLAN = str(DATA / "sample.yaml")
ZH = ["指标", "指标名称", "单位", "目标", "填报说明", "期间", "数值", "备注"]
EN = ["indicator", "name", "unit", "target", "report", "period", "value", "note"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def workbook(tmp_path, *args, plan=SAMPLE_PLAN, name="template.xlsx"):
    target = tmp_path / name
    if "--lang" not in args:
        args = (*args, "--lang", "en")
    result = run("template", plan, *args, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    return read_workbook(target.read_bytes())


def rows_by_id(sheet, header=EN):
    """indicator id -> [(sheet row number, cells)], in sheet order."""
    found = {}
    for number, row in enumerate(sheet.rows[1:], start=2):
        found.setdefault(row[0], []).append((number, row + [""] * (len(header) - len(row))))
    return found


def characters(width: float) -> int:
    """A column width as set, in characters: the sheet XML adds the cell margins (5 pixels of 7)."""
    return round(width - 5 / 7)


def cell(column: str, number: int, header=EN) -> str:
    return f"{column_letter(header.index(column) + 1)}{number}"


@pytest.mark.parametrize("lang, header, sheets", [("en", EN, ["Submission", "Instructions"]),
                                                  ("zh", ZH, ["填报", "说明"])])
def test_headers_sheets_and_frozen_top_row(tmp_path, lang, header, sheets):
    book = workbook(tmp_path, "--lang", lang)
    assert [sheet.name for sheet in book] == sheets
    sheet = book[0]
    assert sheet.rows[0] == header
    assert sheet.pane == {"ySplit": "1", "topLeftCell": "A2", "activePane": "bottomLeft", "state": "frozen"}
    plan = load_plan(DATA / "sample.yaml")
    ids = [row[0] for row in sheet.rows[1:]]
    assert ids == ["physician-share", "demo-county-share", "visits", "national-rank", "specialties",
                   "output-doubling", "output-doubling", "hospital-performance", "centre-opened",
                   "grassroots-visit-share", "training"]
    first = rows_by_id(sheet)["physician-share"][0][1]
    indicator = plan.indicator("physician-share")
    assert first[:4] == ["physician-share", indicator.name(lang), describe.unit_text(indicator, lang),
                         describe.target_text(indicator, lang)]
    assert first[2] == ("%" if lang == "zh" else "percent")


def test_the_format_comes_from_the_suffix_or_format_and_csv_stays_the_default(tmp_path):
    assert run("template", SAMPLE_PLAN, "--lang", "en", "-o", tmp_path / "a.XLSX").exit_code == 0
    assert read_workbook((tmp_path / "a.XLSX").read_bytes())[0].rows[0] == EN
    assert run("template", SAMPLE_PLAN, "--format", "xlsx", "-o", tmp_path / "b.dat").exit_code == 0
    assert (tmp_path / "b.dat").read_bytes().startswith(b"PK\x03\x04")
    assert run("template", SAMPLE_PLAN, "--lang", "en", "-o", tmp_path / "c.csv").exit_code == 0
    assert (tmp_path / "c.csv").read_text("utf-8").startswith("indicator,name,")
    assert run("template", SAMPLE_PLAN, "--lang", "en", "--format", "csv", "-o", tmp_path / "d.xlsx").exit_code == 0
    assert (tmp_path / "d.xlsx").read_text("utf-8").startswith("indicator,name,")
    assert run("template", SAMPLE_PLAN, "--lang", "en").stdout.startswith("indicator,name,")


def test_plan_cells_are_locked_and_period_value_note_are_not(tmp_path):
    sheet = workbook(tmp_path, "--with-plan")[0]
    header = ["plan", *EN]
    assert sheet.rows[0] == header
    for number in range(1, len(sheet.rows) + 1):
        for column in header:
            ref = cell(column, number, header)
            assert sheet.locked(ref) == (number == 1 or column not in ("period", "value", "note")), ref
    assert sheet.protection is not None and sheet.protection["sheet"] == "1"
    assert not {"password", "hashValue", "algorithmName"} & set(sheet.protection)
    assert sheet.protection.get("formatColumns") == "0"  # columns may still be widened
    instructions = workbook(tmp_path, name="again.xlsx")[1]
    assert instructions.protection is not None and "password" not in instructions.protection


def test_each_value_is_checked_against_its_indicator_and_shows_its_target(tmp_path):
    plan = load_plan(DATA / "sample.yaml")
    for lang, yes_no in (("zh", '"是,否"'), ("en", '"yes,no"')):
        sheet = workbook(tmp_path, "--lang", lang, name=f"{lang}.xlsx")[0]
        header = ZH if lang == "zh" else EN
        rows = rows_by_id(sheet, header)

        def rule(indicator_id, index=-1):
            number = rows[indicator_id][index][0]
            return sheet.validation_for(cell(header[6], number, header))

        expected = {
            "physician-share": {"type": "decimal", "formula1": "0", "formula2": "100"},
            "grassroots-visit-share": {"type": "decimal", "formula1": "0", "formula2": "100"},
            "visits": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
            "specialties": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
            "training": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
            "national-rank": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "1"},
            "hospital-performance": {"type": "list", "formula1": '"D,C,B,B+,A,A+,A++"'},
            "centre-opened": {"type": "list", "formula1": yes_no},
        }
        for indicator_id, wanted in expected.items():
            found = rule(indicator_id)
            assert {key: found.get(key) for key in wanted} == wanted, indicator_id
            assert found["errorStyle"] == "warning" and found["allowBlank"] == "1"
            target = describe.target_text(plan.indicator(indicator_id), lang)
            assert found["promptTitle"] == ("目标" if lang == "zh" else "Target")
            assert found["prompt"].startswith(target + "\n"), indicator_id
        baseline = rule("output-doubling", 0)
        assert baseline["promptTitle"] == ("基期值" if lang == "zh" else "Baseline")
        assert "2022" in baseline["prompt"] and describe.target_text(plan.indicator("output-doubling"), lang) in \
            baseline["prompt"]
        assert len(sheet.validations) == len(sheet.rows)  # one per value cell, one for the period column


def test_a_ratio_may_be_any_number(tmp_path):
    plan = tmp_path / "ratio.yaml"
    plan.write_text((DATA / "sample.yaml").read_text("utf-8").replace(
        "quote: 示范县比例超过40%\n    kind: threshold\n    unit: percent",
        "quote: 示范县比例超过40%\n    kind: threshold\n    unit: ratio"), "utf-8")
    sheet = workbook(tmp_path, plan=plan)[0]
    (number, _), = rows_by_id(sheet)["demo-county-share"]
    found = sheet.validation_for(cell("value", number))
    assert "type" not in found and found["prompt"].startswith("> 40 by 2025-12-31\n")


def test_the_period_column_takes_a_date_or_a_period_text(tmp_path):
    sheet = workbook(tmp_path, "--lang", "zh")[0]
    rows = len(sheet.rows)
    rule = sheet.validation_for("F2")
    assert rule == sheet.validation_for(f"F{rows}")
    assert rule["sqref"] == f"F2:F{rows}" and rule["type"] == "custom" and rule["errorStyle"] == "warning"
    formula = rule["formula1"]
    assert "ISNUMBER(F2)" in formula and "DATE(1990,1,1)" in formula and '"-/.QqHh年"' in formula
    assert "2024Q2" in rule["prompt"] and "2024H1" in rule["prompt"] and "2024年" in rule["prompt"]
    assert sheet.validation_for("F1") is None and sheet.validation_for(f"F{rows + 1}") is None


def test_columns_are_as_wide_as_their_chinese_text_and_long_text_wraps(tmp_path):
    sample = load_plan(DATA / "sample.yaml")
    narrow = {column: characters(width) for column, width in workbook(tmp_path, "--lang", "zh")[0].widths.items()}
    names = [i.name_zh for i in sample.indicators]
    assert narrow[2] == max(map(wcswidth, names)) + 2 == 20  # 基层中医诊疗量占比: 9 characters, 18 columns
    assert narrow[1] == max(len(i.id) for i in sample.indicators) + 2
    assert narrow[3] == max(max(wcswidth(describe.unit_text(i, "zh")) for i in sample.indicators), 4) + 2
    assert narrow[6] == 12 and narrow[7] == 12 and narrow[8] == 24  # room to type

    plan = load_builtin("jiangmen")
    sheet = workbook(tmp_path, "--lang", "zh", plan="jiangmen", name="jiangmen.xlsx")[0]
    widths = {column: characters(width) for column, width in sheet.widths.items()}
    assert widths[2] == 40 and widths[4] == 36 and widths[5] == 60  # wider text wraps
    longest = max(plan.indicators, key=lambda i: wcswidth(i.name_zh))
    assert wcswidth(longest.name_zh) > 40
    row = next(number for number, values in enumerate(sheet.rows[1:], start=2) if values[0] == longest.id)
    assert sheet.row_heights()[row] >= 32  # two lines at least
    en = workbook(tmp_path, "--lang", "en", plan="jiangmen", name="en.xlsx")[0]
    assert characters(en.widths[2]) == 40 and characters(en.widths[5]) == 60


def test_the_width_of_chinese_text_counts_each_character_twice():
    from tcmcheck.template_xlsx import column_width, wrapped_lines

    assert column_width(["中医类别医师占比"]) == 18
    assert column_width(["indicator"]) == 11
    assert column_width(["中医" * 40], 40) == 40
    assert wrapped_lines("中医" * 10, 10) == 4
    assert wrapped_lines("the share of TCM physicians", 10) == 3  # the share / of TCM / physicians
    assert wrapped_lines("one\ntwo", 40) == 2


def test_the_instructions_sheet_explains_columns_placeholders_and_periods(tmp_path):
    for lang, header in (("zh", ZH), ("en", EN)):
        instructions = workbook(tmp_path, "--lang", lang, name=f"{lang}.xlsx")[1]
        text = "\n".join(" ".join(row) for row in instructions.rows)
        for name in header:
            assert f"“{name}”" in text, name
        assert "/  -  —  ——  无  暂无  N/A  NA  #N/A" in text
        for period in ("2024", "2024-06", "2024Q2", "2024H1", "2024年", "2024-06-30"):
            assert period in text
        assert "tcmcheck status sample" in text


@pytest.mark.parametrize("placeholder", ["/", "-", "—", "——", "无", "暂无", "N/A", "NA", "#N/A"])
def test_every_placeholder_the_instructions_name_is_read_as_not_reported(tmp_path, placeholder):
    from tcmcheck.template_xlsx import PLACEHOLDERS

    assert placeholder in PLACEHOLDERS
    csv = tmp_path / "placeholder.csv"
    csv.write_text(f"indicator,period,value\nvisits,2024,{placeholder}\nphysician-share,2024,30\n", "utf-8")
    result = run("status", SAMPLE_PLAN, csv, "--as-of", "2024-12-31", "--format", "json", "--fail-on", "none")
    assert result.exit_code == 0, result.stderr
    statuses = {i["id"]: i["status"] for i in json.loads(result.stdout)["indicators"]}
    assert statuses["visits"] == "no-data" and statuses["physician-share"] == "pass"


def test_period_fills_the_period_column_and_baseline_rows_ask_for_their_period(tmp_path):
    sheet = workbook(tmp_path, "--period", "2024年第四季度", "--lang", "zh")[0]
    rows = rows_by_id(sheet, ZH)
    for indicator_id, found in rows.items():
        assert found[-1][1][5] == "2024Q4", indicator_id
        assert sheet.values[cell(ZH[5], found[-1][0], ZH)] == "2024Q4"
    (base_number, base), _ = rows["output-doubling"]
    assert base[5] == "2022" and base[3] == "基期 2022" and base[4].startswith("基期行：填报2022的数值")
    assert sheet.styles[cell(ZH[0], base_number, ZH)] != sheet.styles[cell(ZH[0], base_number + 1, ZH)]
    assert all(sheet.locked(cell(column, base_number, ZH)) for column in ZH[:5])
    blank = workbook(tmp_path, name="blank.xlsx")[0]
    assert {row[5] if len(row) > 5 else "" for row in blank.rows[1:]} == {"", "2022"}


def test_a_blank_workbook_template_reads_back_with_nothing_reported(tmp_path):
    target = tmp_path / "sample.xlsx"
    assert run("template", SAMPLE_PLAN, "--lang", "zh", "--period", "2024", "-o", target).exit_code == 0
    result = run("status", SAMPLE_PLAN, target, "--as-of", "2024-12-31", "--format", "json", "--strict")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"]["no-data"] == 10 and document["warnings"] == []


@pytest.mark.parametrize("args", [["--format", "xlsx"], ["--format", "xlsx", "-o", "-"]])
def test_a_workbook_is_never_written_to_standard_output(args):
    result = run("template", SAMPLE_PLAN, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "output-needs-file" in result.stderr and "binary" in result.stderr and "-o report.xlsx" in result.stderr


@pytest.mark.parametrize("name, args, message", [
    ("x.xls", [], "tcmcheck writes workbooks as .xlsx, not .xls"),
    ("x.ODS", [], "not .ods"),
    ("x.xlsx", ["--bom"], "a byte order mark is for CSV templates"),
])
def test_workbook_options_that_cannot_work_are_refused(tmp_path, name, args, message):
    result = run("template", SAMPLE_PLAN, "-o", tmp_path / name, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_workbook_replaces_a_file_only_with_force_and_never_its_plan(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"keep me")
    refused = run("template", SAMPLE_PLAN, "-o", target)
    assert refused.exit_code == 2 and "output-exists" in refused.stderr and target.read_bytes() == b"keep me"
    assert run("template", SAMPLE_PLAN, "--lang", "en", "-o", target, "--force").exit_code == 0
    assert read_workbook(target.read_bytes())[0].rows[0] == EN
    plan = tmp_path / "plan.yaml"
    plan.write_bytes((DATA / "sample.yaml").read_bytes())
    result = run("template", plan, "--format", "xlsx", "-o", plan, "--force")
    assert result.exit_code == 2 and "output-is-input" in result.stderr
    assert plan.read_bytes() == (DATA / "sample.yaml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml", "t.xlsx"]


def test_control_characters_from_a_plan_are_written_visibly(tmp_path):
    plan = tmp_path / "odd.yaml"
    plan.write_text((DATA / "sample.yaml").read_text("utf-8").replace(
        "name: {zh: 中医类别医师占比, en: TCM physician share}",
        'name: {zh: "中医\\e[2J占比", en: "TCM\\x07 share"}'), "utf-8")
    sheet = workbook(tmp_path, "--lang", "zh", plan=plan)[0]
    assert sheet.rows[1][1] == "中医\\x1b[2J占比"


def test_a_csv_template_never_imports_xlsxwriter(tmp_path):
    code = ("import sys; from tcmcheck.cli import main\n"
            f"try: main(['template', {SAMPLE_PLAN!r}, '-o', {str(tmp_path / 'x.csv')!r}])\n"
            "except SystemExit: pass\n"
            "print('xlsxwriter' in sys.modules)")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              cwd=tmp_path)  # the installed package, not the source tree
    assert finished.stdout.strip() == "False"
    assert Path(tmp_path / "x.csv").exists()


@pytest.mark.parametrize("plan_id", ["jiangmen", "jining", "liuzhou", "nanyang", "yiwu"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_built_in_plan_makes_a_workbook_with_a_check_on_every_value(tmp_path, plan_id, lang):
    sheet = workbook(tmp_path, "--lang", lang, plan=plan_id)[0]
    plan = load_builtin(plan_id)
    ids = [row[0] for row in sheet.rows[1:]]
    assert sorted(set(ids)) == sorted(i.id for i in plan.indicators)
    for number, indicator_id in enumerate(ids, start=2):
        rule = sheet.validation_for(cell("value", number))
        assert rule is not None and rule["prompt"] and len(rule["prompt"]) <= 255, indicator_id
        assert describe.target_text(plan.indicator(indicator_id), lang)[:40] in rule["prompt"]
