"""Plan input at the edges: names that are also directories, special files, deep nesting, non-finite numbers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import DATA
from tcmcheck import plan_yaml
from tcmcheck.cli import main
from tcmcheck.errors import PlanError
from tcmcheck.spec import MAX_PLAN_BYTES, parse_plan

SAMPLE = (DATA / "sample.yaml").read_text("utf-8")
JIANGMEN_CSV = "indicator,period,value\nprimary-care-tcm-physician-share,2024,25\n"
SAMPLE_CSV = "indicator,period,value\nvisits,2024,1600\n"
TOO_DEEP = "collections are nested more than 50 levels deep; a plan needs fewer than 10"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def problems(text: str) -> tuple:
    with pytest.raises(PlanError) as caught:
        parse_plan(text.encode("utf-8"), "bad.yaml")
    return caught.value.problems


def position(text: str, replaced: str, token: str) -> tuple[int, int]:
    """Line and column of `token` inside the first `replaced` in `text`."""
    offset = text.index(replaced) + replaced.index(token)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@pytest.fixture(params=["libyaml", "python"])
def loader(request, monkeypatch):
    """Plans are read with libyaml when PyYAML has it, else in pure Python: check both."""
    if request.param == "python":
        class PurePlanLoader(yaml.SafeLoader):
            yaml_implicit_resolvers = plan_yaml._PlanLoader.yaml_implicit_resolvers
            yaml_constructors = plan_yaml._PlanLoader.yaml_constructors

        monkeypatch.setattr(plan_yaml, "_PlanLoader", PurePlanLoader)
    elif not issubclass(plan_yaml._PlanLoader, getattr(yaml, "CSafeLoader", ())):
        pytest.skip("PyYAML is built without libyaml")
    return request.param


# A directory named like a plan


def test_a_directory_named_like_a_plan_does_not_hide_the_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # click's isolated_filesystem is deprecated
    os.mkdir("jiangmen")
    Path("jiangmen/x.csv").write_text(JIANGMEN_CSV, encoding="utf-8")
    result = run("status", "jiangmen", "jiangmen/x.csv", "--as-of", "2025-01-01", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    assert report["plan"]["id"] == "jiangmen"
    assert [i["status"] for i in report["indicators"] if i["id"] == "primary-care-tcm-physician-share"] == ["pass"]


def test_a_directory_named_like_a_plan_does_not_hide_it_from_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("jiangmen")
    Path("jiangmen/x.csv").write_text(JIANGMEN_CSV, encoding="utf-8")
    result = run("summary", "jiangmen", "--plan", "jiangmen", "--as-of", "2025-01-01", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["files"][0]["plan"] == "jiangmen"


def test_a_directory_that_names_no_plan_is_an_unknown_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("atlantis")
    result = run("show", "atlantis")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("PLAN: plan-unknown: no plan 'atlantis' (a directory is not a plan); built-in plans: ")


def test_an_existing_file_is_read_as_a_plan_even_without_a_yaml_suffix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("jiangmen").write_text(SAMPLE, encoding="utf-8")
    result = run("show", "jiangmen")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("sample: 样例市 Sample")


def test_a_directory_named_like_a_plan_does_not_make_builtin_plans_read_yaml(tmp_path):
    (tmp_path / "jiangmen").mkdir()
    code = ("import sys; from tcmcheck.spec import resolve_plan; assert resolve_plan('jiangmen').id == 'jiangmen'; "
            "print(sorted(m for m in ('yaml', 'jsonschema') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


# Special files


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("command", [["validate", "/dev/zero"], ["status", "/dev/zero", str(DATA / "sample.csv")],
                                     ["show", "/dev/zero"]])
def test_a_character_device_is_refused_without_reading_it(command):
    result = run(*command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "/dev/zero: plan-not-file: is a character device, expected a plan YAML file\n"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_a_socket_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative name keeps within the length limit of socket paths
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("plan.sock")
        result = run("validate", "plan.sock")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "plan.sock: plan-not-file: is a socket, expected a plan YAML file\n"


def _feed(fifo: Path, data: bytes) -> threading.Thread:
    def write():
        try:
            with open(fifo, "wb") as stream:
                stream.write(data)
        except BrokenPipeError:  # the reader stopped at the size limit
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def _finish(fifo: Path, writer: threading.Thread) -> None:
    writer.join(10)
    if writer.is_alive():  # nothing opened the FIFO: let the writer go
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(10)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_plan_in_a_fifo_is_read(tmp_path):
    fifo = tmp_path / "plan"
    os.mkfifo(fifo)
    writer = _feed(fifo, SAMPLE.encode("utf-8"))
    try:
        result = run("validate", str(fifo))
    finally:
        _finish(fifo, writer)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"ok: {fifo} (sample, 10 indicators)\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_read_no_further_than_the_size_limit(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    writer = _feed(fifo, b"#" * (MAX_PLAN_BYTES + 1000) + b"\n")
    try:
        result = run("status", str(fifo), str(DATA / "sample.csv"))
    finally:
        _finish(fifo, writer)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{fifo}: plan-too-large: more than {MAX_PLAN_BYTES} bytes, the most a plan may have\n"


# Deep nesting


def test_deep_flow_nesting_is_refused_where_it_passes_the_limit(loader, tmp_path):
    plan = tmp_path / "deep.yaml"
    plan.write_text("id: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result = run("validate", str(plan))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{plan}:1:54: plan-too-deep: {TOO_DEEP}\n"  # the root mapping is the first level


def test_deep_block_mappings_are_refused(loader, tmp_path):
    plan = tmp_path / "deep.yaml"
    plan.write_text("\n".join(" " * n + f"k{n}:" for n in range(990)) + " 1\n", encoding="utf-8")
    result = run("status", str(plan), str(DATA / "sample.csv"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{plan}:51:51: plan-too-deep: {TOO_DEEP}\n"


@pytest.mark.parametrize("levels, refused", [(50, False), (51, True)])
def test_the_depth_limit_is_fifty_levels(loader, levels, refused):
    found = problems("id: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n")
    assert (found[0].code == "plan-too-deep") == refused


def test_depth_is_counted_through_aliases(loader):
    text = "a0: &a0 [1]\n" + "".join(f"a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, 1000))
    (problem,) = problems(text)
    assert (problem.code, problem.line, problem.column) == ("plan-too-deep", 50, 12)
    assert problem.message == "alias *a48 nests collections more than 50 levels deep; a plan needs fewer than 10"


def test_merge_key_chains_are_counted_as_nesting(loader):
    text = "a0: &a0 {x: 1}\n" + "".join(f"a{n}: &a{n} {{<<: *a{n - 1}}}\n" for n in range(1, 1000))
    assert problems(text)[0].code == "plan-too-deep"


def test_aliases_that_contain_themselves_are_reported_not_followed(loader):
    text = SAMPLE.replace("    kind: range\n", "    kind: range\n    tags: &t [*t]\n")
    (problem,) = problems(text)
    assert (problem.code, problem.field) == ("plan-schema", "/indicators/4/tags/0")


def test_no_recursion_error_escapes_plan_loading(monkeypatch, tmp_path):
    def overflow(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(plan_yaml, "_check_size", overflow)
    plan = tmp_path / "plan.yaml"
    plan.write_text(SAMPLE, encoding="utf-8")
    result = run("validate", str(plan))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{plan}: plan-too-deep: nested too deeply to be read\n"


# Numbers that are not finite


NON_FINITE = [
    ("{due: 2024, value: 1500}", "{due: 2024, value: .nan}", ".nan", "/indicators/2/milestones/0/value", "is not a number (NaN)"),
    ("{due: 2025, value: 2000}", "{due: 2025, value: .inf}", ".inf", "/indicators/2/milestones/1/value", "is infinite"),
    ("{due: 2025, value: 30}", "{due: 2025, value: -.Inf}", "-.Inf", "/indicators/8/milestones/0/value", "is infinite"),
    ("baseline: {value: 20,", "baseline: {value: -.inf,", "-.inf", "/indicators/0/baseline/value", "is infinite"),
    ("low: 3, high: 5", "low: 3, high: .inf", ".inf", "/indicators/4/milestones/0/high", "is infinite"),
    ("low: 3, high: 5", "low: .NaN, high: 5", ".NaN", "/indicators/4/milestones/0/low", "is not a number (NaN)"),
    ("factor: 2}", "factor: .inf}", ".inf", "/indicators/5/milestones/0/factor", "is infinite"),
    ("factor: 2}", "factor: -.inf}", "-.inf", "/indicators/5/milestones/0/factor", "is infinite"),
    ("{due: 2024, value: 1500}", "{due: 2024, value: 1.0e+400}", "1.0e+400", "/indicators/2/milestones/0/value", "is too large"),
    ("{due: 2024, value: 1500}", "{due: 2024, value: 1" + "0" * 400 + "}", "1" + "0" * 36,
     "/indicators/2/milestones/0/value", "is too large"),
    ("{due: 2024, value: 1500}", "{due: 2024, value: " + "9" * 5000 + "}", "9" * 37,
     "/indicators/2/milestones/0/value", "is too large"),
    ("period: {start: 2023,", "period: {start: .inf,", ".inf", "/period/start", "is infinite"),
]


@pytest.mark.parametrize("old, new, token, field, reason", NON_FINITE, ids=[f"{c[3]}={c[2][:12]}" for c in NON_FINITE])
def test_non_finite_numbers_are_refused_where_they_are(old, new, token, field, reason):
    text = SAMPLE.replace(old, new, 1)
    (problem,) = problems(text)
    shown = token if len(token) < 37 else token + "..."
    assert (problem.code, problem.field, problem.message) == (
        "plan-not-finite", field, f"{shown} {reason}; numbers in a plan must be finite")
    assert (problem.line, problem.column) == position(text, new, token)


def test_a_plan_with_nan_gives_no_json(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(SAMPLE.replace("{due: 2024, value: 1500}", "{due: 2024, value: .nan}"), encoding="utf-8")
    csv = tmp_path / "x.csv"
    csv.write_text(SAMPLE_CSV, encoding="utf-8")
    result = run("status", str(plan), str(csv), "--as-of", "2025-01-01", "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"{plan}:39:37: /indicators/2/milestones/0/value: plan-not-finite: "
                             ".nan is not a number (NaN); numbers in a plan must be finite\n")


# Other values the loader used to crash on


def test_a_malformed_hex_number_is_a_located_yaml_error():
    text = SAMPLE.replace("value: 1500}", "value: 0x_}")
    (problem,) = problems(text)
    assert (problem.code, problem.message) == ("plan-yaml-syntax", "'0x_' is not a number")
    assert (problem.line, problem.column) == position(text, "value: 0x_}", "0x_")


@pytest.mark.parametrize("old, new, field", [
    ("aliases: {三甲: 三级甲等}", "aliases: {1: 三级甲等}", "/scales/hospital/aliases/1"),
    ("  hospital:\n", "  2:\n", "/scales/2"),
], ids=["alias", "scale"])
def test_keys_that_name_scales_and_grades_must_be_strings(old, new, field):
    (problem,) = problems(SAMPLE.replace(old, new))
    assert (problem.code, problem.field) == ("plan-schema", field)
    assert problem.message == f"key {field.rsplit('/', 1)[1]} is not a string; quote it"


# Many plans


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_validate_reports_every_unusable_plan_and_goes_on(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: " + "[" * 60 + "]" * 60 + "\n", encoding="utf-8")
    nan = tmp_path / "nan.yaml"
    nan.write_text(SAMPLE.replace("factor: 2}", "factor: .nan}"), encoding="utf-8")
    directory = tmp_path / "plans"
    directory.mkdir()
    good = DATA / "sample.yaml"
    result = run("validate", str(deep), "/dev/null", str(nan), str(directory), str(good))
    assert result.exit_code == 2
    assert result.stdout == f"ok: {good} (sample, 10 indicators)\n"
    lines = result.stderr.splitlines()
    assert lines[0] == f"{deep}:1:54: plan-too-deep: {TOO_DEEP}"
    assert lines[1] == "/dev/null: plan-not-file: is a character device, expected a plan YAML file"
    assert lines[2].startswith(f"{nan}:63:38: /indicators/5/milestones/0/factor: plan-not-finite: ")
    assert lines[3].startswith(f"PLAN: plan-unknown: no plan '{directory}' (a directory is not a plan)")
    assert len(lines) == 4
