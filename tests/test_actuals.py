"""The submission CSV reader: encodings, headers, values, periods and located errors."""

import pytest

from tcmcheck.actuals import parse_number, parse_yes_no, read_actuals
from tcmcheck.errors import ActualsError
from tcmcheck.periods import parse_period

ROWS = "physician-share,2024,23%\nhospital-performance,2024,三甲\n"


def read(text, plan, encoding="utf-8", **kw):
    data = text.encode(encoding) if isinstance(text, str) else text
    return read_actuals(data, plan, "sub.csv", **kw)


def reports(actuals):
    return [report for indicator_id in actuals.entries for report in actuals.reports_for(indicator_id)]


def errors(text, plan, **kw):
    with pytest.raises(ActualsError) as caught:
        read(text, plan, **kw)
    return caught.value.problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_need_no_flag(sample_plan, encoding):
    text = "指标,期间,数值,备注\nphysician-share,2024年,２３％,试点\n"
    actuals = read(text, sample_plan, encoding)
    assert [(r.indicator_id, r.period.label, r.value) for r in reports(actuals)] == [
        ("physician-share", "2024", 23.0)]


def test_columns_in_any_order_and_extra_columns_ignored(sample_plan):
    text = "value,name,period,indicator\n24,TCM share,2024Q2,physician-share\n"
    (report,) = reports(read(text, sample_plan))
    assert (report.value, report.period.label, report.line) == (24.0, "2024Q2", 2)


@pytest.mark.parametrize("raw, number", [
    ("1,380", 1380.0), ("30%", 30.0), ("30 %", 30.0), ("３０％", 30.0), ("12.5", 12.5), ("-3", -3.0),
    ("１，３８０", 1380.0),
])
def test_numbers(raw, number):
    assert parse_number(raw, allow_percent=True) == number


@pytest.mark.parametrize("raw", ["abc", "1,38", "", "30%%", "1.2.3"])
def test_not_numbers(raw):
    with pytest.raises(ValueError):
        parse_number(raw, allow_percent=True)


def test_percent_sign_only_on_percentages(sample_plan):
    (problem,) = errors("indicator,period,value\nvisits,2024,30%\n", sample_plan)
    assert (problem.code, problem.line) == ("csv-bad-value", 2)


@pytest.mark.parametrize("raw, flag", [("yes", True), ("是", True), ("已完成", True), ("TRUE", True),
                                       ("no", False), ("否", False), ("未完成", False), ("false", False)])
def test_yes_no(raw, flag):
    assert parse_yes_no(raw) is flag


def test_grades_and_aliases(sample_plan):
    text = "indicator,period,value\nhospital-performance,2024,a+\n"
    assert reports(read(text, sample_plan))[0].value == "A+"
    problems = errors("indicator,period,value\nhospital-performance,2024,E\n", sample_plan)
    assert problems[0].code == "csv-bad-value" and "A++" in problems[0].message


@pytest.mark.parametrize("raw, label, end", [
    ("2024", "2024", "2024-12-31"), ("2024-06", "2024-06", "2024-06-30"), ("2024-06-15", "2024-06-15", "2024-06-15"),
    ("2024Q2", "2024Q2", "2024-06-30"), ("2024H1", "2024H1", "2024-06-30"), ("2024/6/30", "2024-06-30", "2024-06-30"),
    ("2024年6月", "2024-06", "2024-06-30"), ("2024年第三季度", "2024Q3", "2024-09-30"), ("2024年上半年", "2024H1", "2024-06-30"),
    ("2024-02", "2024-02", "2024-02-29"), ("2024Q4", "2024Q4", "2024-12-31"), ("2024H2", "2024H2", "2024-12-31"),
    ("2024年", "2024", "2024-12-31"), ("2024年第四季度", "2024Q4", "2024-12-31"),
    ("2024年4季度", "2024Q4", "2024-12-31"), ("2024年下半年", "2024H2", "2024-12-31"), ("2024h2", "2024H2", "2024-12-31"),
])
def test_periods(raw, label, end):
    period = parse_period(raw)
    assert (period.label, period.end.isoformat()) == (label, end)


@pytest.mark.parametrize("raw", ["2024Q5", "2024-13", "2023-02-29", "24", "last year", ""])
def test_bad_periods(raw):
    with pytest.raises(ValueError):
        parse_period(raw)


def test_blank_values_are_skipped(sample_plan):
    text = "indicator,period,value\nphysician-share,2024,\n,,\nvisits,2024,1600\n"
    assert [r.indicator_id for r in reports(read(text, sample_plan))] == ["visits"]


def test_unknown_indicator_names_file_line_and_suggests(sample_plan):
    (problem,) = errors("indicator,period,value\nphysician-shares,2024,23\n", sample_plan)
    assert (problem.code, problem.file, problem.line) == ("csv-unknown-indicator", "sub.csv", 2)
    assert "physician-share" in problem.message


def test_bad_value_and_bad_period_are_located(sample_plan):
    text = "indicator,period,value\nphysician-share,2024,lots\nvisits,2024Q9,10\n"
    problems = errors(text, sample_plan)
    assert [(p.code, p.line, p.column) for p in problems] == [("csv-bad-value", 2, 3), ("csv-bad-period", 3, 2)]


def test_conflicting_duplicates_are_an_error_and_identical_ones_are_kept_once(sample_plan):
    text = "indicator,period,value\nvisits,2024,1600\nvisits,2024,1,600\n"
    assert len(reports(read(text.replace("1,600", '"1,600"'), sample_plan))) == 1
    (problem,) = errors("indicator,period,value\nvisits,2024,1600\nvisits,2024,1700\n", sample_plan)
    assert (problem.code, problem.line) == ("csv-duplicate-report", 3)
    assert "line 2" in problem.message


def test_missing_column(sample_plan):
    (problem,) = errors("indicator,value\nvisits,1\n", sample_plan)
    assert (problem.code, problem.line) == ("csv-missing-column", 1)
    assert "period" in problem.message


def test_undecodable_bytes(sample_plan):
    (problem,) = errors(b"indicator,period,value\n\x81\x30\x81\x30\xff\xfe,2024,1\n", sample_plan)
    assert problem.code == "csv-encoding"


def test_empty_file(sample_plan):
    assert errors("", sample_plan)[0].code == "csv-empty"


def test_many_bad_rows_are_all_reported_up_to_a_limit(sample_plan):
    text = "indicator,period,value\n" + "".join(f"nope{i},2024,1\n" for i in range(30))
    with pytest.raises(ActualsError) as caught:
        read(text, sample_plan)
    assert len(caught.value.problems) == 20 and caught.value.omitted == 10
    assert "10 more" in str(caught.value)


def test_remembered_periods_are_bounded(sample_plan, monkeypatch):
    from tcmcheck import actuals

    monkeypatch.setattr(actuals, "MAX_KNOWN_PERIODS", 3)
    monkeypatch.setattr(actuals, "_KNOWN_PERIODS", {})
    text = "indicator,period,value\n" + "".join(f"physician-share,2024-01-{day:02d},20\n" for day in range(1, 11))
    assert len(reports(read(text, sample_plan))) == 10
    assert len(actuals._KNOWN_PERIODS) <= 3
