"""Text exports as Excel, WPS and LibreOffice write them, and the quirks of real files: each read as meant,
or refused with a message naming what was seen. Every case goes through the command line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from tcmcheck.cli import main

SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = DATA / "sample.csv"


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


def status(path, *extra, plan=SAMPLE_PLAN):
    return run("status", plan, path, "--as-of", "2024-12-31", "--format", "json", *extra)


def write(tmp_path, text, encoding="utf-8", name="sub.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def verdicts(result) -> list[tuple]:
    return [(i["id"], i["status"], i["actual"], i["period"]) for i in json.loads(result.stdout)["indicators"]]


def reported(result) -> dict:
    """indicator id -> (actual, period, line) of what decided it, for the indicators with a report."""
    return {i["id"]: (i["actual"], i["period"], i["line"]) for i in json.loads(result.stdout)["indicators"]
            if i["actual"] is not None}


def codes(result) -> list[str]:
    return [w["code"] for w in json.loads(result.stdout)["warnings"]]


@pytest.fixture(scope="module")
def expected():
    result = status(SAMPLE_CSV)
    assert result.exit_code == 1 and result.stderr == ""
    return verdicts(result)


# Excel's "Unicode text" (Unicode 文本): UTF-16 with a byte order mark, tab-separated

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_read_without_a_flag(tmp_path, expected, encoding):
    text = SAMPLE_CSV.read_text("utf-8").replace(",", "\t")
    path = write(tmp_path, "\ufeff" + text.replace("\n", "\r\n"), encoding, "sub.txt")
    result = status(path)
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected


def test_utf_16_with_tabs_is_read_with_encoding_given_too(tmp_path, expected):
    path = write(tmp_path, SAMPLE_CSV.read_text("utf-8").replace(",", "\t"), "utf-16")
    result = status(path, "--encoding", "utf-16")
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected


def test_a_utf_16_text_with_a_quoted_cell_holding_a_tab(tmp_path):
    text = 'indicator\tperiod\tvalue\tnote\nvisits\t2024\t1600\t"a\tnote"\n'
    result = status(write(tmp_path, text, "utf-16"))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, "2024", 2)


def test_a_tab_separated_utf_8_file_is_read_too(tmp_path, expected):
    result = status(write(tmp_path, SAMPLE_CSV.read_text("utf-8").replace(",", "\t"), name="sub.tsv"))
    assert result.stderr == ""
    assert verdicts(result) == expected


# Delimiters

@pytest.mark.parametrize("first", ["sep=,", "sep=;"])
def test_a_first_line_sep_names_the_delimiter(tmp_path, expected, first):
    delimiter = first[-1]
    path = write(tmp_path, first + "\n" + SAMPLE_CSV.read_text("utf-8").replace(",", delimiter))
    result = status(path)
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected
    assert reported(result)["visits"][2] == 7  # lines are counted from the sep= line


@pytest.mark.parametrize("delimiter, given", [(";", ";"), ("|", "|"), ("\t", "tab")])
def test_delimiter_option(tmp_path, expected, delimiter, given):
    path = write(tmp_path, SAMPLE_CSV.read_text("utf-8").replace(",", delimiter))
    result = status(path, "--delimiter", given)
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected


def test_a_semicolon_file_without_the_option_is_refused_with_a_hint(tmp_path):
    path = write(tmp_path, "indicator;period;value\nvisits;2024;1600\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: csv-missing-column: no indicator, period, value column in the first "
                                    "10 rows")
    assert "give --delimiter (--delimiter ';')" in result.stderr


def test_a_delimiter_that_is_not_one_character_is_a_usage_error(tmp_path):
    result = status(SAMPLE_CSV, "--delimiter", ";;")
    assert result.exit_code == 2
    assert "';;' is not one character" in result.stderr


def test_summary_takes_the_delimiter_too(tmp_path):
    write(tmp_path, "indicator|period|value\nvisits|2024|1600\n", name="sample-2024.csv")
    result = run("summary", tmp_path, "--plan", SAMPLE_PLAN, "--delimiter", "|", "--as-of", "2024-12-31",
                 "--format", "json")
    (checked,) = json.loads(result.stdout)["files"]
    assert checked["error"] is None
    assert [(i["id"], i["actual"], i["line"]) for i in checked["indicators"] if i["actual"] is not None] == [
        ("visits", 1600.0, 2)]


# Header cells

@pytest.mark.parametrize("header", [
    "\ufeffindicator,period,value,note",            # a byte order mark as text (a doubled BOM)
    "\ufeff\ufeffindicator,period,value,note",
    "indicator,pe\ufeffriod,value,note",             # a stray BOM inside a cell
    "指　标,期　间,数　值,备　注",                          # full-width spaces
    " 指标 , 期间 ,数值 ,备注",                             # padded
    "指标,期间,数值（%）,备注",                              # a unit in full-width brackets
    "指标,期间,值(个),备注",
    "指标,期间,数值,备注,说明",                              # both 备注 and 说明
    "指标,年份,数值,备注", "指标,年度,数值,备注", "指标,统计年度,数值,备注", "指标,报告期,数值,备注",
    "指标,期间,实际完成值,备注", "指标,期间,完成情况,备注",
])
def test_header_quirks(tmp_path, expected, header):
    rows = SAMPLE_CSV.read_text("utf-8").split("\n", 1)[1]
    if header.count(",") == 4:
        rows = rows.replace("\n", ",\n").replace(",\n", ",x\n")
    result = status(write(tmp_path, f"\ufeff{header}\n{rows}"))
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected


def test_title_rows_above_the_header_are_skipped_and_said(tmp_path, expected):
    text = "江门市中医药指标填报表,,,\n填报单位：样例市卫生健康局,,,\n" + SAMPLE_CSV.read_text("utf-8")
    result = status(write(tmp_path, text))
    assert result.exit_code == 1 and result.stderr == ""
    assert verdicts(result) == expected
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning == {"code": "csv-header-below-title", "file": str(tmp_path / "sub.csv"), "line": 3,
                       "message": "the header is on line 3; the 2 line(s) above it ('江门市中医药指标填报表') were skipped"}
    assert reported(result)["visits"] == (1400.0, "2024", 8)


def test_a_quoted_title_row_is_skipped_too(tmp_path):
    text = '"样例市指标填报表, 2024"\n\nindicator,period,value\nvisits,2024,1600\n'
    result = status(write(tmp_path, text))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, "2024", 4)


def test_a_header_below_the_first_ten_rows_is_not_found(tmp_path):
    path = write(tmp_path, "title\n" * 10 + "indicator,period,value\nvisits,2024,1600\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: csv-missing-column: no indicator, period, value column in the first "
                                    "10 rows")


def test_a_column_of_names_stands_in_for_a_missing_indicator_column(tmp_path):
    result = status(write(tmp_path, "指标名称,期间,数值\n诊疗人次,2024,1600\n"))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, "2024", 2)
    assert codes(result) == ["csv-indicator-name"]


# Values

@pytest.fixture
def counted_plan(tmp_path):
    """The sample plan with its specialties counted in 家 (institutions)."""
    path = tmp_path / "counted.yaml"
    path.write_text((DATA / "sample.yaml").read_text("utf-8").replace("unit_label: 个", "unit_label: 家"), "utf-8")
    return path


@pytest.mark.parametrize("cell, indicator, value", [
    ("1380人次", "visits", 1380.0),
    ("1,380 人次", "visits", 1380.0),
    ("0.138万", "visits", 1380.0),
    ("0.138万人次", "visits", 1380.0),
    ("１３８０人次", "visits", 1380.0),
    ("1,380", "visits", 1380.0),
    ("１，３８０", "visits", 1380.0),
    ("3家", "specialties", 3.0),
    ("3个", "specialties", 3.0),
    ("12个", "training", 12.0),
    ("96名", "national-rank", 96.0),
    ("23.5%", "physician-share", 23.5),
])
def test_a_measure_word_or_a_multiplier_after_the_number(tmp_path, counted_plan, cell, indicator, value):
    result = status(write(tmp_path, f'indicator,period,value\n{indicator},2024,"{cell}"\n'), plan=counted_plan)
    assert result.stderr == ""
    assert reported(result)[indicator] == (value, "2024", 2)


@pytest.mark.parametrize("cell, indicator, message", [
    ("12家", "physician-share", "'12家' for physician-share: the unit '家' doesn't fit physician-share, which is "
                                "counted in % (percent)"),
    ("1380人", "visits", "'1380人' for visits: the unit '人' doesn't fit visits, which is counted in 人次 (person_times)"),
    ("3所", "specialties", "'3所' for specialties: the unit '所' doesn't fit specialties, which is counted in 家/个 "
                           "(count)"),
    ("2万%", "physician-share", "'2万%' for physician-share: 万 (×10,000) on a percentage"),
])
def test_a_unit_that_contradicts_the_indicator_is_an_error_naming_both(tmp_path, counted_plan, cell, indicator,
                                                                      message):
    path = write(tmp_path, f"indicator,period,value\n{indicator},2024,{cell}\n")
    result = status(path, plan=counted_plan)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"{path}:2:3: value: csv-wrong-unit: {message}\n"


def test_a_word_that_is_no_unit_is_still_a_bad_value(tmp_path):
    path = write(tmp_path, "indicator,period,value\nvisits,2024,1380左右\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == f"{path}:2:3: value: csv-bad-value: '1380左右' for visits: expected a number\n"


PLACEHOLDERS = ["/", "-", "—", "——", "无", "暂无", "N/A", "NA", "#N/A", "n/a", "／", "－"]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_placeholder_is_not_reported_and_counted(tmp_path, placeholder):
    text = f"indicator,period,value\nvisits,2024,1600\nphysician-share,2024,{placeholder}\ncentre-opened,2024,{placeholder}\n"
    result = status(write(tmp_path, text))
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["placeholders"] == 2
    assert set(reported(result)) == {"visits"}


def test_the_table_footer_counts_the_placeholders(tmp_path):
    path = write(tmp_path, "indicator,period,value\nvisits,2024,1600\nphysician-share,2024,/\ntraining,2024,暂无\n")
    english = run("status", SAMPLE_PLAN, path, "--as-of", "2024-12-31", "--format", "plain", "--lang", "en")
    chinese = run("status", SAMPLE_PLAN, path, "--as-of", "2024-12-31", "--format", "plain", "--lang", "zh")
    assert "; 2 placeholder value(s) (/, -, N/A …) read as not reported" in english.stdout
    assert "；2个占位值（如“/”“无”）按未报送处理" in chinese.stdout
    without = run("status", SAMPLE_PLAN, SAMPLE_CSV, "--as-of", "2024-12-31", "--format", "plain")
    assert "placeholder" not in without.stdout
    assert json.loads(status(SAMPLE_CSV).stdout)["placeholders"] == 0


# Periods

@pytest.mark.parametrize("cell, label", [
    ("2024年度", "2024"), ("2024年全年", "2024"), ("2024-12-31 00:00:00", "2024-12-31"), ("2024/12/31 0:00", "2024-12-31"),
])
def test_period_spellings_of_exports(tmp_path, cell, label):
    result = status(write(tmp_path, f"indicator,period,value\nvisits,{cell},1600\n"))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, label, 2)


def test_a_date_and_time_that_is_not_midnight_is_refused(tmp_path):
    path = write(tmp_path, "indicator,period,value\nvisits,2024-12-31 09:30:00,1600\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:2:2: period: csv-bad-period: '2024-12-31 09:30:00' is a date and a time of day; "
                             "a period is a date (2024-06-30), a month, a quarter or a year\n")


def test_excel_date_serials_in_a_column_of_dates_are_read_with_a_warning(tmp_path):
    text = "indicator,period,value\nvisits,45657,1600\nvisits,2023-12-31,1000\nphysician-share,45657,23.5\n"
    result = status(write(tmp_path, text))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, "2024-12-31", 2)
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning["code"] == "csv-date-serial" and warning["line"] == 2
    assert warning["message"] == ("2 period(s) are Excel date serials, read as dates (first: '45657' = 2024-12-31); "
                                  "format the period column as dates")


def test_an_excel_date_serial_among_other_periods_is_an_error_naming_it(tmp_path):
    path = write(tmp_path, "indicator,period,value\nvisits,2023Q4,1000\nvisits,45657,1600\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:3:2: period: csv-bad-period: '45657' is not a period; as an Excel date serial it "
                             "would be 2024-12-31, but the period column also holds '2023Q4' (line 2), so it is not "
                             "read as one; write the period\n")


# Indicator cells

@pytest.mark.parametrize("cell", ["\u00a0visits\u00a0", "\u200bvisits", "visits\ufeff", "\u3000visits", "VISITS",
                                  "Visits"])
def test_an_id_with_invisible_edges_or_in_another_case_is_read(tmp_path, cell):
    result = status(write(tmp_path, f"indicator,period,value\n{cell},2024,1600\n"))
    assert result.stderr == "" and codes(result) == []
    assert reported(result)["visits"] == (1600.0, "2024", 2)


def test_an_indicator_name_in_place_of_its_id_is_read_with_one_warning(tmp_path):
    text = "indicator,period,value\n诊疗人次,2023,1000\nTCM visits,2024,1600\n中医类别医师占比,2024,23.5\n"
    result = status(write(tmp_path, text))
    assert result.stderr == ""
    assert reported(result)["visits"] == (1600.0, "2024", 3)
    assert reported(result)["physician-share"] == (23.5, "2024", 4)
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning["code"] == "csv-indicator-name" and warning["line"] == 2
    assert warning["message"] == ("3 row(s) name the indicator instead of giving its id (first: '诊疗人次', which is "
                                  "visits); write the id, which stays the same when a name is reworded")


def test_an_ambiguous_name_is_an_error_listing_the_candidates(tmp_path):
    plan = tmp_path / "twice.yaml"
    plan.write_text((DATA / "sample.yaml").read_text("utf-8").replace("{zh: 示范县比例, en: Demonstration county share}",
                                                                       "{zh: 中医类别医师占比, en: Demonstration county share}"),
                    "utf-8")
    path = write(tmp_path, "indicator,period,value\n中医类别医师占比,2024,23.5\n")
    result = status(path, plan=plan)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:2:1: indicator: csv-ambiguous-indicator: '中医类别医师占比' is the name of 2 "
                             "indicators of plan sample: physician-share, demo-county-share; write the id\n")


def test_an_unknown_indicator_is_still_an_error(tmp_path):
    path = write(tmp_path, "indicator,period,value\nvisit,2024,1600\n")
    result = status(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:1: indicator: csv-unknown-indicator: no indicator 'visit'")
