"""Property-based tests: the readers never fail in a way of their own, and two laws of the engine."""

from datetime import date

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from helpers import indicator, milestone
from tcmcheck.result import Report
from tcmcheck.actuals import parse_number, parse_value, parse_yes_no, read_actuals
from tcmcheck.engine import evaluate_indicator
from tcmcheck.errors import InvalidValue, TcmcheckError
from tcmcheck.periods import parse_period
from tcmcheck.result import SEVERITY

fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CSV_LIKE = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([b"indicator", b"period", b"value", b"visits", b"physician-share", b"2024", b"2024Q2",
                              b"30%", b"1,380", b",", b"\n", b"\r\n", b'"', b"\x00", b"\xef\xbb\xbf", b"\xd6\xd0",
                              b"\xff", "指标".encode("gbk"), "期间".encode(), b"centre-opened", b"yes", b"A+"]),
             max_size=60).map(b"".join),
)


@fast
@given(data=CSV_LIKE)
def test_csv_reader_returns_or_raises_its_own_error(sample_plan, data):
    try:
        read_actuals(data, sample_plan, "fuzz.csv")
    except TcmcheckError as exc:
        assert exc.problems and all(p.file in ("fuzz.csv", None) for p in exc.problems)


@fast
@given(text=st.text(max_size=40))
def test_value_and_period_parsers_return_or_raise_invalid_value(sample_plan, text):
    for parse in (lambda t: parse_number(t, allow_percent=True), parse_yes_no, parse_period,
                  *(lambda t, i=i: parse_value(t, i) for i in sample_plan.indicators)):
        try:
            parse(text)
        except InvalidValue:
            pass


YEARS = range(2021, 2027)
PERIODS = ([str(y) for y in YEARS] + [f"{y}Q{q}" for y in YEARS for q in (1, 2, 3, 4)]
           + [f"{y}H{h}" for y in YEARS for h in (1, 2)]
           + [f"{y}年" for y in YEARS] + [f"{y}年第{q}季度" for y in YEARS for q in "一二三四"]
           + [f"{y}年{h}半年" for y in YEARS for h in "上下"])


def indicators():
    years = st.sampled_from([2024, 2025, 2026])
    value = st.integers(0, 100)
    threshold = st.builds(
        lambda op, due, v, base: indicator(op=op, milestones=[milestone(due, value=v)],
                                          baseline=base),
        st.sampled_from([">=", ">", "<=", "<"]), years, value,
        st.none() | st.tuples(st.just("2021"), value))
    interim = st.builds(
        lambda a, b: indicator(milestones=[milestone(2024, value=min(a, b)), milestone(2026, value=max(a, b))]),
        value, value)
    ranged = st.builds(lambda due, low, span: indicator(kind="range", milestones=[milestone(due, low=low, high=low + span)]),
                       years, value, st.integers(0, 10))
    maintain = st.builds(lambda op, v: indicator(kind="maintain", op=op, milestones=[milestone(2026, value=v)]),
                         st.sampled_from([">=", "<="]), value)
    annual = st.builds(lambda v: indicator(kind="annual", milestones=[milestone(y, value=v) for y in (2023, 2024, 2025)]),
                       value)
    return st.one_of(threshold, interim, ranged, maintain, annual)


def reports_of(pairs):
    return [Report("x", parse_period(p), float(v), line) for line, (p, v) in enumerate(pairs, start=2)]


report_pairs = st.lists(st.tuples(st.sampled_from(PERIODS), st.integers(0, 120)), max_size=8,
                        unique_by=lambda pair: parse_period(pair[0]).label)
as_of_dates = st.dates(date(2021, 1, 1), date(2027, 12, 31))


@fast
@given(ind=indicators(), pairs=report_pairs, later=report_pairs, as_of=as_of_dates)
def test_reports_after_the_as_of_date_never_change_a_status(ind, pairs, later, as_of):
    before = [p for p in pairs if parse_period(p[0]).end <= as_of]
    after = [p for p in later if parse_period(p[0]).end > as_of and p[0] not in dict(before)]
    plain = evaluate_indicator(ind, reports_of(before), as_of, 2023)
    more = evaluate_indicator(ind, reports_of(before + after), as_of, 2023)
    assert more.status is plain.status


def better(ind, value, step):
    return value - step if ind.lower_is_better else value + step


@fast
@given(ind=indicators(), pairs=report_pairs, as_of=as_of_dates, step=st.integers(1, 50))
def test_raising_the_latest_value_toward_the_target_never_makes_a_status_worse(ind, pairs, as_of, step):
    visible = sorted((p for p in pairs if parse_period(p[0]).end <= as_of), key=lambda p: parse_period(p[0]).end)
    assume(visible)
    raised = visible[:-1] + [(visible[-1][0], better(ind, visible[-1][1], step))]
    old = evaluate_indicator(ind, reports_of(visible), as_of, 2023).status
    new = evaluate_indicator(ind, reports_of(raised), as_of, 2023).status
    assert SEVERITY.index(new) <= SEVERITY.index(old), (old, new)


@fast
@given(ind=indicators(), pairs=report_pairs, as_of=as_of_dates, step=st.integers(1, 50))
def test_raising_every_value_toward_the_target_never_makes_a_status_worse(ind, pairs, as_of, step):
    raised = [(p, better(ind, v, step)) for p, v in pairs]
    old = evaluate_indicator(ind, reports_of(pairs), as_of, 2023).status
    new = evaluate_indicator(ind, reports_of(raised), as_of, 2023).status
    assert SEVERITY.index(new) <= SEVERITY.index(old), (old, new)


@fast
@given(ind=indicators(), pairs=report_pairs, as_of=as_of_dates)
def test_the_relevant_reports_decide_as_all_reports_do(ind, pairs, as_of):
    from tcmcheck.engine import relevant

    everything = reports_of(pairs)
    visible = sorted((r.indicator_id, r.period.end, r.line, r.period, r.value) for r in everything
                     if r.period.end <= as_of)
    full = evaluate_indicator(ind, everything, as_of, 2023)
    chosen = evaluate_indicator(ind, relevant(ind, visible), as_of, 2023)
    assert chosen == full


@fast
@given(pairs=report_pairs, as_of=as_of_dates, base=st.none() | st.integers(1, 50))
def test_the_relevant_reports_decide_relative_targets_as_all_reports_do(pairs, as_of, base):
    from tcmcheck.engine import relevant

    ind = indicator(kind="relative", unit="count", baseline=("2022", base), milestones=[milestone(2025, factor=2)])
    everything = reports_of(pairs)
    visible = sorted((r.indicator_id, r.period.end, r.line, r.period, r.value) for r in everything
                     if r.period.end <= as_of)
    assert evaluate_indicator(ind, relevant(ind, visible), as_of, 2023) == \
        evaluate_indicator(ind, everything, as_of, 2023)


UNQUOTED_CSV = st.lists(st.sampled_from(["a", "b", "2024", " ", ",", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c",
                                         "\x85", "\u2028", "指标", ""]), max_size=40).map("".join)


@fast
@given(text=UNQUOTED_CSV)
def test_a_file_without_quotes_splits_into_the_rows_csv_reader_reads(text):
    import csv
    import io

    from tcmcheck.actuals import Table

    table = Table("t.csv", "utf-8", "header\n" + text, ("header",), {})
    reader = csv.reader(io.StringIO(table.text, newline=""))
    next(reader)
    expected = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    assert [(line, cells) for line, cells in table.numbered_rows() if any(c.strip() for c in cells)] == expected


@fast
@given(text=st.lists(st.sampled_from(["a", ",", "\n", "\r", "\r\n", '"', " ", "指标"]), min_size=1, max_size=20).map("".join))
def test_the_header_is_the_first_row_csv_reader_reads(text):
    import csv
    import io

    from tcmcheck.actuals import HEADER_SEARCH_ROWS, _head_records

    reader = csv.reader(io.StringIO(text, newline=""))
    expected = []
    start = 1
    try:
        for cells in reader:
            expected.append((start, [] if cells == [""] else cells))
            start = reader.line_num + 1
            if len(expected) == HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        expected = TcmcheckError
    try:
        found = [(line, [] if cells == [""] else cells) for line, cells in _head_records(text, "t.csv", ",", 0)]
        assert found == expected
    except TcmcheckError:
        assert expected is TcmcheckError


CHINESE_DIGITS = "一二三四"


@fast
@given(year=st.integers(1000, 9999), quarter=st.integers(1, 4), half=st.integers(1, 2))
def test_every_spelling_of_a_period_names_the_same_period(year, quarter, half):
    last_month = quarter * 3
    q = parse_period(f"{year}Q{quarter}")
    assert (q.start, q.end, q.label) == (date(year, last_month - 2, 1),
                                         date(year, last_month, {3: 31, 6: 30, 9: 30, 12: 31}[last_month]),
                                         f"{year}Q{quarter}")
    assert q == parse_period(f"{year}q{quarter}") == parse_period(f"{year}-Q{quarter}") \
        == parse_period(f"{year}年第{CHINESE_DIGITS[quarter - 1]}季度") == parse_period(f"{year}年{quarter}季度") \
        == parse_period(f"{year}年第{quarter}季")
    h = parse_period(f"{year}H{half}")
    assert (h.start, h.end, h.label) == (date(year, half * 6 - 5, 1), parse_period(f"{year}Q{half * 2}").end,
                                         f"{year}H{half}")
    assert h == parse_period(f"{year}年{'上下'[half - 1]}半年") == parse_period(f"{year}-h{half}")
    y = parse_period(str(year))
    assert y == parse_period(f"{year}年") and (y.start, y.end) == (date(year, 1, 1), date(year, 12, 31))
    assert parse_period(f"{year}Q4").end == parse_period(f"{year}H2").end == y.end


# The short path for plain rows and the path that applies every check read any row alike.

PLAIN_HEADER = b"indicator,period,value,note\n"
ROW_IDS = ["visits", "physician-share", "national-rank", "specialties", "training", "grassroots-visit-share",
           "hospital-performance", "centre-opened", " visits", "Visits", "nope", ""]
ROW_PERIODS = ["2024", "2024Q4", "2024H2", "2024H1", "2023Q1", "2024-06", "2024年", "2024年第四季度", "2024年下半年",
               " 2024", "2024q4", "2024Q5", "2023-02-29", "soon", ""]
ROW_VALUES = ["1", "1600", "1_000", "1,000", "25.5", " 7 ", "+3", "-5", "150", "100", "30%", "１２", "1e3", "1e400",
              "nan", "inf", "0x10", "A", "a+", "A++", "E", "yes", "是", "否", "TRUE", "maybe", "", " "]
ROW_NOTES = ["", "x", "含线上跟师"]

plain_rows = st.lists(
    st.builds(lambda cells, extra: cells + extra,
              st.tuples(st.sampled_from(ROW_IDS), st.sampled_from(ROW_PERIODS), st.sampled_from(ROW_VALUES),
                        st.sampled_from(ROW_NOTES)).map(list),
              st.lists(st.sampled_from(ROW_NOTES), max_size=2))
    | st.lists(st.sampled_from(ROW_VALUES), max_size=3),
    max_size=12)


@fast
@given(rows=plain_rows)
@example(rows=[["visits", "2024", "1_000", ""]])
@example(rows=[["visits", "2024", "1", "600", ""], ["centre-opened", "2024Q4", "yes", "", ""]])
@example(rows=[["visits", "2024H2", "1600", ""], ["visits", "2024", "1600", ""], ["visits", "2024年", "1700", ""]])
@example(rows=[["physician-share", "2024", "150", ""], ["national-rank", "2024", "-5", ""]])
def test_the_plain_row_path_reads_every_row_as_the_general_path_does(sample_plan, rows):
    from tcmcheck.actuals import _Collector, _read_plain_rows, parse_table

    table = parse_table(PLAIN_HEADER, "t.csv")
    numbered = list(enumerate(rows, start=2))
    plain = _Collector(table, sample_plan, True, frozenset())
    _read_plain_rows(iter(numbered), plain, any("_" in cell for cells in rows for cell in cells))
    general = _Collector(table, sample_plan, True, frozenset())
    for line, cells in numbered:
        general.row(line, cells)
    assert plain.reports == general.reports
    assert plain.problems == general.problems
    assert plain.warnings == general.warnings
