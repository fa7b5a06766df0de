"""Every error and warning is said in English and in Chinese from one catalogue (tcmcheck/messages.py),
with the same code, file, line and column in both, in the language of the run."""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA
from test_bad_inputs import CASES, CORPUS, PROBLEM

from tcmcheck.cli import main
from tcmcheck.errors import ActualsError, InvalidValue, Problem
from tcmcheck.messages import ANY_CODE, DETAILS, PHRASES, PROBLEMS, Phrase, fields, render

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tcmcheck"
SOURCES = {path: path.read_text("utf-8") for path in PACKAGE.rglob("*.py")}
CJK = re.compile("[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(expected|missing|is|not|no|the|file|must|should|found|line|cells?|read|write|"
                           r"than|there|this|which|of|for|and)\b", re.IGNORECASE)
"""Words of an English sentence; not the names of columns (indicator, period, value), which a header holds."""
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]")
KEEP_FOREIGN_TEXT = {"plan-yaml-syntax", "csv-syntax"}
"""Codes whose message holds the English of a library (PyYAML, the csv module) inside a Chinese sentence."""
LOCATION_NAMES = {"file", "line", "column", "field"}
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
EN = {"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
SAMPLE_PLAN = str(DATA / "sample.yaml")


def entries():
    for code, variants in PROBLEMS.items():
        for variant, pair in variants.items():
            yield f"{code}/{variant}", pair
    for variant, pair in ANY_CODE.items():
        yield f"*/{variant}", pair
    for key, pair in PHRASES.items():
        yield key, pair
    for key, pair in DETAILS.items():
        yield f"detail/{key}", pair


ENTRIES = dict(entries())


@pytest.mark.parametrize("key", ENTRIES)
def test_every_message_has_english_and_chinese_with_the_same_parameters(key):
    english, chinese = ENTRIES[key]
    assert english.strip() and chinese.strip()
    assert fields(english) == fields(chinese)
    assert not fields(english) & LOCATION_NAMES, "a parameter may not take the name of a location"
    assert re.search("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", chinese) \
        or not re.sub(r"\{[a-z_]+\}", "", chinese).strip(), \
        "the Chinese template is Chinese (or its punctuation), or holds nothing but its parameters"


@pytest.mark.parametrize("key", ENTRIES)
def test_every_message_renders_in_both_languages(key):
    params = tuple((name, "x") for name in fields(ENTRIES[key][0]))
    for lang, template in zip(("en", "zh"), ENTRIES[key]):
        assert render(ENTRIES[key], params, lang) == template.format(**dict(params))


def problem_calls():
    """(file, line, code, variant) of every Problem(...) in the package with its code and variant written
    out, and of every other call that passes a code and a variant of the catalogue as two string arguments."""
    for path, source in SOURCES.items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            texts = [arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                     for arg in node.args]
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name == "Problem" and len(texts) >= 2 and texts[0] is not None and texts[1] is not None:
                yield path.name, node.lineno, texts[0], texts[1]
                continue
            for first, second in zip(texts, texts[1:]):
                if first in PROBLEMS and second is not None:
                    yield path.name, node.lineno, first, second


CALLS = list(problem_calls())


def test_every_problem_the_package_raises_is_in_the_catalogue():
    assert len(CALLS) > 90
    unknown = [(file, line, code, variant) for file, line, code, variant in CALLS
               if code not in PROBLEMS or (variant not in PROBLEMS[code] and variant not in ANY_CODE)]
    assert not unknown


def test_every_message_of_the_catalogue_is_used():
    """A variant is used where it is passed with its code, or written in a module that names its code
    (a helper that takes the variant: actuals.decode's `failed`)."""
    used = {(code, variant) for _, _, code, variant in CALLS}
    unused = [f"{code}/{variant}" for code, variants in PROBLEMS.items() for variant in variants
              if (code, variant) not in used
              and not any(f'"{code}"' in source and f'"{variant}"' in source for source in SOURCES.values())]
    assert not unused
    said = "\n".join(SOURCES.values())
    dynamic = ("column-", "type-", "os-", "schema-description-")
    unused = [key for key in PHRASES if f'"{key}"' not in said and not key.startswith(dynamic)]
    assert not unused


def test_every_literal_phrase_key_is_in_the_catalogue():
    for path, source in SOURCES.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else ""
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    name = f"{func.value.id}.{func.attr}"
                if name in ("InvalidValue", "WrongUnit", "Phrase.of") and isinstance(node.args[0].value, str):
                    assert node.args[0].value in PHRASES, (path.name, node.lineno)


def documented_codes() -> set[str]:
    """The codes in the first column of the tables under "Errors" and "Warnings" in docs/errors.md."""
    text = (ROOT / "docs" / "errors.md").read_text("utf-8")
    codes = set()
    for title in ("Errors", "Warnings"):
        start = text.index(f"\n## {title}\n")
        end = text.find("\n## ", start + 1)
        for line in text[start:end if end >= 0 else len(text)].splitlines():
            if line.startswith("| `"):
                codes.update(re.findall(r"`([a-z0-9-]+)`", line.split("|")[1]))
    return codes


def test_the_docs_tables_list_every_code_and_only_codes_of_the_catalogue():
    assert documented_codes() == set(PROBLEMS)


def test_a_problem_is_located_the_same_in_both_languages():
    problem = Problem("csv-bad-value", "value", "a.csv", 3, 2, "value", value="'x'", indicator="visits",
                      reason=Phrase.of("number"))
    assert problem.located("en") == "a.csv:3:2: value: csv-bad-value: 'x' for visits: expected a number"
    assert problem.located("zh") == "a.csv:3:2: value: csv-bad-value: visits 的数值 'x'：应为数字"
    assert problem.message == "'x' for visits: expected a number" and str(problem) == problem.located("en")
    error = ActualsError(problem, omitted=2)
    assert error.text("zh").splitlines()[-1] == "……另有 2 个问题"
    assert str(error).splitlines()[-1] == "... and 2 more problems"


def test_a_message_is_checked_against_the_catalogue_when_the_problem_is_made():
    with pytest.raises(KeyError, match="no message 'typo' for code 'csv-bad-value'"):
        Problem("csv-bad-value", "typo", "a.csv")
    with pytest.raises(TypeError, match="takes"):
        Problem("csv-empty", "file", "a.csv", 1, reason="extra")


def test_problems_with_phrases_survive_pickling_as_worker_processes_send_them():
    import pickle

    from tcmcheck.messages import Semicolons

    reasons = Semicolons((Phrase.of("sheet-reason", sheet="'说明'", reason=Phrase.of("sheet-no-header")),))
    error = ActualsError(Problem("workbook-no-header", "none", "x.xlsx", rows=10, reasons=reasons), omitted=1)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and copy.text("zh") == error.text("zh")
    assert copy.problems[0].text("zh").endswith("（'说明'：没有表头行）")
    assert pickle.loads(pickle.dumps(InvalidValue("number"))).reason == Phrase.of("number")


def test_invalid_value_says_why_in_either_language():
    reason = InvalidValue("grade", levels=("B", "A")).reason
    assert (reason.text("en"), reason.text("zh")) == ("expected a grade on the scale B, A", "应为等级表中的等级：B、A")
    assert str(InvalidValue("number")) == "expected a number"


def has_english_sentence(message: str) -> bool:
    return bool(ENGLISH_WORDS.search(QUOTED.sub("", message)))


def run(args, env, lang=None):
    extra = ["--lang", lang] if lang and args[0] in ("status", "summary", "show", "template") else []
    return CliRunner(env=env).invoke(main, [*args, *extra])


def arguments(case):
    path = str(CORPUS / case["file"])
    if case["command"] == "validate":
        return ["validate", path]
    extra = ["--strict"] if case["command"] == "strict" else []
    return ["status", SAMPLE_PLAN, path, "--as-of", "2024-12-31", *extra]


def located(line: str) -> tuple:
    match = PROBLEM.match(line)
    assert match, line
    return match["file"], match["line"], match["column"], match["field"], match["code"]


def message(line: str) -> str:
    return line.split(f": {located(line)[4]}: ", 1)[1]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
@pytest.mark.parametrize("how", ["--lang zh", "LANG=zh_CN.UTF-8"])
def test_every_bad_input_is_said_in_chinese_at_the_same_place(case, how):
    """The corpus of bad plans and submissions, each under --lang zh (or a Chinese locale for validate,
    which has no --lang) and under LANG=zh_CN.UTF-8 without --lang."""
    args = arguments(case)
    english = run(args, EN, "en")
    chinese = run(args, EN, "zh") if how == "--lang zh" and args[0] == "status" else run(args, ZH)
    assert english.exit_code == chinese.exit_code == 2
    assert "Traceback" not in chinese.stderr
    english_lines, chinese_lines = english.stderr.splitlines(), chinese.stderr.splitlines()
    assert len(english_lines) == len(chinese_lines)
    assert [located(line) for line in english_lines if PROBLEM.match(line)] == \
        [located(line) for line in chinese_lines if PROBLEM.match(line)]
    for line in chinese_lines:
        assert CJK.search(line), line
        if PROBLEM.match(line) and located(line)[4] not in KEEP_FOREIGN_TEXT:
            assert not has_english_sentence(message(line)), line


def test_lang_en_on_the_command_line_wins_over_a_chinese_locale():
    result = run(arguments(BAD_GRADE), ZH, "en")
    assert result.exit_code == 2 and "expected a grade" in result.stderr and not CJK.search(result.stderr)


BAD_GRADE = next(case for case in CASES if case["file"] == "csv-bad-grade.csv")


def test_without_a_chinese_locale_or_lang_messages_are_english():
    result = run(arguments(BAD_GRADE), EN)
    assert result.exit_code == 2 and "expected a grade" in result.stderr and not CJK.search(result.stderr)


WARNINGS = [c for c in CASES if c["command"] == "strict"]


@pytest.mark.parametrize("case", WARNINGS, ids=[c["file"] for c in WARNINGS])
def test_json_warnings_under_lang_zh_are_chinese_with_the_same_code_and_line(case):
    args = [a for a in arguments(case) if a != "--strict"] + ["--format", "json"]
    english = json.loads(run(args, EN, "en").stdout)["warnings"]
    chinese = json.loads(run(args, EN, "zh").stdout)["warnings"]
    assert [(w["code"], w["file"], w["line"]) for w in english] == [(w["code"], w["file"], w["line"]) for w in chinese]
    assert chinese and all(CJK.search(w["message"]) and not has_english_sentence(w["message"]) for w in chinese)
    assert all(not CJK.search(QUOTED.sub("", w["message"])) for w in english)


@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "csv", "junit", "github", "json"])
def test_every_format_gives_the_warnings_in_the_language_of_the_run(fmt):
    args = ["status", SAMPLE_PLAN, str(CORPUS / "warn-negative-count.csv"), "--as-of", "2024-12-31", "--format", fmt]
    chinese, english = run(args, EN, "zh"), run(args, EN, "en")
    assert "visits 为负数（'-5'）" in chinese.stdout and "is negative" not in chinese.stdout
    assert "visits is negative ('-5')" in english.stdout


def test_summary_says_a_file_s_problems_in_chinese(tmp_path):
    (tmp_path / "sample-2024.csv").write_text("indicator,period,value\nvisits,2024Q5,1\n", "utf-8")
    args = ["summary", str(tmp_path), "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31"]
    result = run([*args, "--format", "json"], EN, "zh")
    assert result.exit_code == 2
    problem = json.loads(result.stdout)["files"][0]["error"]["problems"][0]
    assert (problem["code"], problem["line"], problem["column"]) == ("csv-bad-period", 2, 2)
    assert problem["message"].startswith("'2024Q5' 不是期间；应写成 2024")
    for fmt in ("plain", "markdown", "csv", "junit", "github"):
        assert "'2024Q5' 不是期间" in run([*args, "--format", fmt], EN, "zh").stdout, fmt


def test_summary_with_nothing_to_check_says_so_in_chinese(tmp_path):
    result = run(["summary", str(tmp_path)], ZH)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"FILE_OR_DIR: no-submissions: {str(tmp_path)!r} 中没有 *.csv 文件")


def test_an_output_that_can_t_be_written_is_said_in_chinese(tmp_path):
    report = tmp_path / "missing" / "report.json"
    args = ["status", SAMPLE_PLAN, str(DATA / "sample.csv"), "--as-of", "2024-12-31", "--format", "json",
            "-o", str(report)]
    result = run(args, EN, "zh")
    assert result.exit_code == 2
    assert result.stderr == f"{report}: -o: output-unwritable: 无法写入：文件或目录不存在（No such file or directory）\n"


def test_a_plan_file_that_replaces_a_built_in_plan_is_said_in_chinese(tmp_path):
    spec = yaml.safe_load((DATA / "sample.yaml").read_text("utf-8"))
    spec["id"] = "jiangmen"
    plan = tmp_path / "my.yaml"
    plan.write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    result = run(["status", str(plan), str(DATA / "sample.csv"), "--as-of", "2024-12-31", "--format", "json"], EN, "zh")
    assert result.stderr == f"{plan}：规划编号 'jiangmen' 与内置规划相同；使用 {plan}\n"


TCMCHECK = Path(sys.executable).with_name("tcmcheck")


@pytest.mark.skipif(not TCMCHECK.exists() or not Path("/dev/full").exists(),
                    reason="needs the installed console script and /dev/full")
def test_a_full_disk_is_said_in_the_language_of_the_locale():
    env = {name: value for name, value in os.environ.items() if name not in ("LC_ALL", "LC_MESSAGES")}
    with open("/dev/full", "w") as full:
        finished = subprocess.run([str(TCMCHECK), "plans"], stdout=full, stderr=subprocess.PIPE,
                                  env={**env, "LANG": "zh_CN.UTF-8"})
    assert finished.returncode == 2
    assert finished.stderr.decode().splitlines() == [
        "<stdout>: output-unwritable: 无法写入：磁盘空间不足（No space left on device）"]


def schema_errors(spec):
    from jsonschema import Draft202012Validator

    from tcmcheck.plan_yaml import plan_schema

    return list(Draft202012Validator(plan_schema()).iter_errors(spec))


def broken_specs():
    """The sample plan, broken in each way the schema says with one of jsonschema's own messages."""
    spec = yaml.safe_load((DATA / "sample.yaml").read_text("utf-8"))
    spec["document"]["issued"] = str(spec["document"]["issued"])

    def changed(change):
        broken = copy.deepcopy(spec)
        change(broken)
        return broken

    first = lambda s: s["indicators"][0]  # noqa: E731
    yield "enum", changed(lambda s: first(s).update(kind="interval"))
    yield "type", changed(lambda s: first(s)["milestones"][0].update(value="25%"))
    yield "required", changed(lambda s: first(s).pop("quote"))
    yield "pattern", changed(lambda s: first(s).update(id="Physician share"))
    yield "minimum", changed(lambda s: s["period"].update(start=1900))
    yield "maximum", changed(lambda s: s["period"].update(end=2200))
    yield "minItems", changed(lambda s: first(s).update(milestones=[]))
    yield "minLength", changed(lambda s: first(s).update(quote=""))
    yield "uniqueItems", changed(lambda s: s["scales"]["performance"].update(levels=["D", "C", "C"]))
    yield "dependentRequired", changed(lambda s: first(s)["milestones"][0].update(tolerance=0.1))
    yield "exclusiveMinimum", changed(lambda s: first(s)["milestones"][0].update(approx=True, tolerance=0))


@pytest.mark.parametrize("validator, spec", list(broken_specs()), ids=[v for v, _ in broken_specs()])
def test_schema_violations_keep_jsonschema_s_english_and_are_chinese_under_zh(validator, spec):
    from tcmcheck.plan_yaml import schema_problems

    root = yaml.compose(yaml.safe_dump(spec, allow_unicode=True))
    problems = [p for p in schema_problems(spec, root, "plan.yaml") if p.variant == "schema"]
    wanted = {e.message for e in schema_errors(spec) if e.validator == validator}
    assert wanted, "the change breaks the rule it is meant to break"
    said = [p for p in problems if p.message in wanted]
    assert {p.message for p in said} == wanted
    for problem in said:
        assert CJK.search(problem.text("zh")) and not has_english_sentence(problem.text("zh")), problem.text("zh")
