"""A corpus of bad inputs (tests/bad_inputs/cases.csv): each gives its code, on its line, with exit 2."""

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from tcmcheck.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = list(csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8")))
PROBLEM = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?:(?P<field>[^:]+): )?(?P<code>[a-z0-9-]+): .+$")


def arguments(case):
    path = str(CORPUS / case["file"])
    if case["command"] == "validate":
        return ["validate", path]
    extra = ["--strict"] if case["command"] == "strict" else []
    return ["status", str(DATA / "sample.yaml"), path, "--as-of", "2024-12-31", *extra]


def test_the_corpus_is_large_and_complete():
    assert len(CASES) >= 40
    listed = {case["file"] for case in CASES}
    assert listed == {p.name for p in CORPUS.iterdir() if p.name != "cases.csv"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input(case):
    result = CliRunner().invoke(main, arguments(case))
    assert result.exit_code == int(case["exit"]), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    match = PROBLEM.match(first)
    assert match, first
    assert match["code"] == case["code"]
    assert match["file"].endswith(case["file"])
    assert (match["line"] or "") == case["line"]


@pytest.mark.parametrize("case", [c for c in CASES if c["command"] == "strict"], ids=lambda c: c["file"])
def test_warnings_are_shown_and_do_not_stop_the_run_without_strict(case):
    args = [a for a in arguments(case) if a != "--strict"] + ["--format", "plain"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1)
    assert "warning: " in result.stdout and case["code"] in result.stdout
