"""Mistakes on the command line: each is a problem of the catalogue, with its code, said in the run's
language (its --lang wherever it stands, else the locale), and exit 2; never click's English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/jiangmen-2024.csv"
CJK = re.compile("[\u4e00-\u9fff]")

CASES = [
    (["status", "jiangmen", EXAMPLE, "--format", "nope"], "usage-bad-choice", "'nope'"),
    (["status", "jiangmen", EXAMPLE, "--sort", "worst"], "usage-bad-choice", "'worst'"),
    (["status", "jiangmen", EXAMPLE, "--as-of", "2024-13-01"], "usage-bad-date", "'2024-13-01'"),
    (["status", "jiangmen", EXAMPLE, "--only", "fails"], "usage-bad-status", "'fails'"),
    (["status", "jiangmen", EXAMPLE, "--fail-on", "bad"], "usage-bad-status", "'bad'"),
    (["status", "jiangmen", EXAMPLE, "--bogus"], "usage-no-option", "--bogus"),
    (["status", "jiangmen", EXAMPLE, "--bon"], "usage-no-option", "--bom"),
    (["status", "jiangmen"], "usage-missing", "ACTUALS..."),
    (["status", "jiangmen", EXAMPLE, "--format"], "usage-missing", "--format"),
    (["status", "jiangmen", EXAMPLE, "--strict=yes"], "usage-missing", "--strict"),
    (["status", "jiangmen", EXAMPLE, "--delimiter", "ab"], "usage-bad-delimiter", "'ab'"),
    (["status", "jiangmen", EXAMPLE, "--bom", "--format", "json"], "usage-bom", "json"),
    (["summary", "examples", "--jobs", "0"], "usage-bad-number", "'0'"),
    (["summary", "examples", "--jobs", "many"], "usage-bad-number", "'many'"),
    (["template", "jiangmen", "--period", "2024Q9"], "usage-bad-date", "'2024Q9'"),
    (["template", "jiangmen", "-o", "x.xls"], "usage-workbook-suffix", ".xls"),
    (["plans", "extra"], "usage-extra", "extra"),
    (["nosuch"], "usage-no-command", "'nosuch'"),
    (["--bogus"], "usage-no-option", "--bogus"),
]


def run(args, env=None):
    return CliRunner().invoke(main, args, env=env)


@pytest.mark.parametrize("args, code, named", CASES, ids=[" ".join(case[0][:1] + case[0][-2:]) for case in CASES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_command_line_mistake_is_a_located_problem_in_the_run_s_language(monkeypatch, args, code, named, lang):
    monkeypatch.chdir(ROOT)
    with_lang = args[0] in ("status", "summary", "template")  # the others are said in the locale's language
    result = run([args[0], "--lang", lang, *args[1:]] if with_lang else args,
                 env={"LANG": "zh_CN.UTF-8" if lang == "zh" else "C.UTF-8", "LC_ALL": None})
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    message = result.stderr
    assert f"{code}: " in message and named in message, message
    assert bool(CJK.search(message)) == (lang == "zh"), message
    assert "Usage:" not in message and "Error:" not in message and "Traceback" not in message
    assert len(message.splitlines()) == 1


def test_lang_is_taken_wherever_it_stands_even_after_the_mistake(monkeypatch):
    monkeypatch.chdir(ROOT)
    before = run(["status", "jiangmen", EXAMPLE, "--lang", "zh", "--format", "nope"], env={"LANG": "C.UTF-8"})
    after = run(["status", "jiangmen", EXAMPLE, "--format", "nope", "--lang", "zh"], env={"LANG": "C.UTF-8"})
    parse_error = run(["status", "jiangmen", EXAMPLE, "--bogus", "--lang", "zh"], env={"LANG": "C.UTF-8"})
    assert before.stderr == after.stderr and CJK.search(after.stderr)
    assert CJK.search(parse_error.stderr) and "usage-no-option" in parse_error.stderr
    english = run(["status", "jiangmen", EXAMPLE, "--format", "nope", "--lang", "en"], env={"LANG": "zh_CN.UTF-8"})
    assert not CJK.search(english.stderr)


def test_the_help_still_shows_and_a_valid_command_line_still_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert run(["status", "--help"]).exit_code == 0
    assert "Usage:" in run([]).output
    assert run(["summary", "examples", "--as-of", "2024-12-31", "--jobs", "2", "--format", "json"]).exit_code == 1
