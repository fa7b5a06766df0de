"""Every shipped example runs and, as of its stated date, exercises every status."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
# example file: the as-of dates it is meant for (the README says the same)
AS_OF = {
    "jiangmen-2024.csv": ["2024-12-31"],
    "jiangmen-2024-gbk.csv": ["2024-12-31"],
    "jiangmen-regions-2024.csv": ["2024-12-31"],
    "nanyang-2024.csv": ["2024-12-31"],
    "jining-2024.csv": ["2024-12-31"],
    "liuzhou-2024.csv": ["2024-12-31"],
    # nearly every Yiwu target is due 2025-12-31: read before it and after it
    "yiwu-2025.csv": ["2024-12-31", "2025-12-31"],
}
ALL = {"pass", "on-track", "lag", "fail", "no-data"}
# workbook examples (tests/test_workbooks.py checks them): each is a copy of the CSV of the same name
WORKBOOKS = {"jiangmen-2024.xlsx": "jiangmen-2024.csv"}


def status(example, as_of, *extra):
    plan = example.split("-")[0]
    result = CliRunner().invoke(main, ["status", plan, str(EXAMPLES / example), "--as-of", as_of, "--format", "json", *extra])
    return result, json.loads(result.stdout)


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.csv")) == sorted(AS_OF)


@pytest.mark.parametrize("example", sorted(AS_OF))
def test_example_exercises_every_status(example):
    seen = set()
    for as_of in AS_OF[example]:
        result, document = status(example, as_of)
        assert result.exit_code in (0, 1)
        assert result.exit_code == (1 if document["summary"]["fail"] else 0)
        seen |= {k for k, v in document["summary"].items() if v}
        expected = ["csv-region-sum-mismatch"] if "regions" in example else []  # a deliberate one
        assert [w["code"] for w in document["warnings"]] in (expected, expected + ["csv-period-after-as-of"])
    assert seen == ALL


def test_gbk_copy_with_chinese_headers_gives_the_same_result():
    assert (EXAMPLES / "jiangmen-2024-gbk.csv").read_bytes().decode("gbk").startswith("指标,期间,数值,备注")
    _, utf8 = status("jiangmen-2024.csv", "2024-12-31")
    _, gbk = status("jiangmen-2024-gbk.csv", "2024-12-31")
    assert [(i["id"], i["status"], i["actual"], i["period"]) for i in utf8["indicators"]] == \
        [(i["id"], i["status"], i["actual"], i["period"]) for i in gbk["indicators"]]


def test_readme_quick_start_example_fails_on_missed_targets_only():
    result, document = status("jiangmen-2024.csv", "2024-12-31", "--fail-on", "none")
    assert result.exit_code == 0 and document["summary"]["fail"] > 0


def test_summary_over_the_examples_directory():
    result = CliRunner().invoke(main, ["summary", str(EXAMPLES), "--as-of", "2024-12-31", "--format", "json"])
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    workbooks = [name.split("-")[0] for name in WORKBOOKS]
    assert sorted(f["plan"] for f in document["files"]) == sorted([name.split("-")[0] for name in AS_OF] + workbooks)
    assert document["errors"] == 0
