"""Every output format renders an empty and a full result."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from conftest import DATA
from tcmcheck.actuals import read_actuals
from tcmcheck.engine import evaluate
from tcmcheck.formats import FORMATS, formatter
from tcmcheck.formats.interface import RenderOptions
from tcmcheck.formats.csv_format import neutralise
from tcmcheck.result import Result, Status
from tcmcheck.plan_yaml import plan_schema
from sheet_xml import workbook_text

def render(name, result, options):
    """The report as text; a binary format's (a workbook's) cells as text."""
    report = formatter(name, options)
    return workbook_text(report.status(result)) if report.binary else report.status(result)


RESULT_SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "result.schema.json"


@pytest.fixture(scope="module")
def full(sample_plan):
    data = (DATA / "sample.csv").read_bytes()
    return evaluate(sample_plan, read_actuals(data, sample_plan, "sample.csv"), date(2024, 12, 31))


@pytest.fixture(scope="module")
def empty(sample_plan):
    return Result(sample_plan, date(2024, 12, 31), "empty.csv", ())


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_format_renders_empty_and_full(name, lang, full, empty):
    options = RenderOptions(lang=lang)
    full_text = render(name, full, options)
    empty_text = render(name, empty, options)
    assert full_text.endswith("\n") and empty_text.endswith("\n")
    shown = [i for i in full.indicators
             if name != "github" or i.status in (Status.FAIL, Status.LAG, Status.NO_DATA)]
    assert all(i.indicator.id in full_text for i in shown)
    ids = [i.indicator.id for i in full.indicators]
    assert not any(i in empty_text for i in ids)


def test_full_result_shows_every_status(full):
    assert set(full.summary.values()) != {0}
    assert all(full.summary[s] > 0 for s in Status)


def test_json_matches_its_schema(full, empty):
    import json as _json

    schema = _json.loads(RESULT_SCHEMA_PATH.read_text("utf-8"))
    for result in (full, empty):
        document = json.loads(render("json", result, RenderOptions()))
        jsonschema.validate(document, schema)
    document = json.loads(render("json", full, RenderOptions()))
    assert document["summary"] == {s.value: full.summary[s] for s in Status}
    first = document["indicators"][0]
    assert {"id", "name", "status", "target", "actual", "period", "progress", "detail"} <= set(first)


def test_csv_parses_back_one_row_per_indicator(full):
    rows = list(csv.DictReader(io.StringIO(render("csv", full, RenderOptions()))))
    assert [r["id"] for r in rows] == [i.indicator.id for i in full.indicators]
    assert [r["status"] for r in rows] == [i.status.value for i in full.indicators]


@pytest.mark.parametrize("cell, shown", [("=1+2", "'=1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("-3", "-3"),
                                         ("+cmd", "'+cmd"), ("plain", "plain")])
def test_csv_neutralises_formulas_but_not_numbers(cell, shown):
    assert neutralise(cell) == shown


def test_junit_has_one_testcase_per_indicator_and_failures_for_fail(full):
    root = ET.fromstring(render("junit", full, RenderOptions()))
    cases = root.findall(".//testcase")
    assert len(cases) == len(full.indicators)
    assert len({c.get("name") for c in cases}) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == full.summary[Status.FAIL]
    lagging = [c for c in cases if "status: lag\n" in (c.findtext("system-out") or "")]
    assert len(lagging) == full.summary[Status.LAG]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(skipped) == full.summary[Status.NO_DATA]


def test_junit_failures_follow_fail_on(full):
    options = RenderOptions(fail_on=frozenset({Status.LAG, Status.FAIL}))
    root = ET.fromstring(render("junit", full, options))
    assert int(root.get("failures")) == full.summary[Status.LAG] + full.summary[Status.FAIL]


def test_table_colours_only_when_asked(full):
    assert "\x1b[" not in render("table", full, RenderOptions(color=False))
    assert "\x1b[" in render("table", full, RenderOptions(color=True))


def test_plan_schema_is_shipped():
    assert plan_schema()["title"] == "tcmcheck city plan"
