"""The command line through click's CliRunner: exit codes, stdout and stderr."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from tcmcheck.cli import main

SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = str(DATA / "sample.csv")
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return invoke


def status(run, *extra, csv=SAMPLE_CSV):
    return run("status", SAMPLE_PLAN, csv, "--as-of", "2024-12-31", *extra)


def test_status_table_exits_1_when_an_indicator_fails(run):
    result = status(run)
    assert result.exit_code == 1
    assert "centre-opened" in result.stdout and "fail" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("fail_on, code", [("none", 0), ("fail", 1), ("lag", 1), ("pass", 1),
                                           ("lag,fail,no-data", 1)])
def test_fail_on_decides_the_exit_code(run, fail_on, code):
    assert status(run, "--fail-on", fail_on).exit_code == code


def test_fail_on_passes_when_no_indicator_matches(run, tmp_path):
    csv = tmp_path / "ok.csv"
    csv.write_text("indicator,period,value\nnational-rank,2024,90\n", encoding="utf-8")
    result = run("status", SAMPLE_PLAN, str(csv), "--as-of", "2024-12-31")
    assert result.exit_code == 0
    assert run("status", SAMPLE_PLAN, str(csv), "--as-of", "2024-12-31", "--fail-on", "no-data").exit_code == 1


def test_bad_fail_on_is_a_usage_error(run):
    result = status(run, "--fail-on", "bad")
    assert result.exit_code == 2
    assert "'bad' is not a status" in result.stderr


def test_json_output(run):
    result = status(run, "--format", "json", "--fail-on", "none")
    document = json.loads(result.stdout)
    assert document["as_of"] == "2024-12-31"
    assert document["summary"] == {"pass": 1, "on-track": 5, "lag": 1, "fail": 2, "no-data": 1}
    statuses = {i["id"]: i["status"] for i in document["indicators"]}
    assert statuses["centre-opened"] == "fail" and statuses["output-doubling"] == "no-data"


def test_as_of_replays_history(run):
    result = run("status", SAMPLE_PLAN, SAMPLE_CSV, "--as-of", "2023-12-31", "--format", "json")
    statuses = {i["id"]: i["status"] for i in json.loads(result.stdout)["indicators"]}
    assert statuses["centre-opened"] == "no-data"
    assert statuses["grassroots-visit-share"] == "pass"
    assert result.exit_code == 0


def test_as_of_accepts_a_period(run):
    result = run("status", SAMPLE_PLAN, SAMPLE_CSV, "--as-of", "2024Q4", "--format", "json")
    assert json.loads(result.stdout)["as_of"] == "2024-12-31"


def test_bad_as_of_is_a_usage_error(run):
    result = status(run, "--as-of", "soon")
    assert result.exit_code == 2 and "soon" in result.stderr


def test_chinese_output(run):
    result = status(run, "--lang", "zh", "--format", "plain")
    assert "未达标" in result.stdout and "中心建成投用" in result.stdout


def test_standard_input(run):
    text = Path(SAMPLE_CSV).read_text("utf-8")
    result = run("status", SAMPLE_PLAN, "-", "--as-of", "2024-12-31", "--format", "json", input=text)
    assert json.loads(result.stdout)["actuals"] == "<stdin>"


def test_gbk_with_chinese_headers_gives_the_same_result(run, tmp_path):
    text = Path(SAMPLE_CSV).read_text("utf-8").replace("indicator,period,value,note", "指标,期间,数值,备注")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    utf8 = json.loads(status(run, "--format", "json").stdout)
    other = json.loads(status(run, "--format", "json", csv=str(gbk)).stdout)
    assert [i["status"] for i in utf8["indicators"]] == [i["status"] for i in other["indicators"]]


def test_output_file_is_written_and_input_is_never_overwritten(run, tmp_path):
    target = tmp_path / "report.json"
    result = status(run, "--format", "json", "-o", str(target))
    assert result.stdout == "" and json.loads(target.read_text("utf-8"))["plan"]["id"] == "sample"
    copy = tmp_path / "in.csv"
    copy.write_bytes(Path(SAMPLE_CSV).read_bytes())
    result = run("status", SAMPLE_PLAN, str(copy), "-o", str(copy))
    assert result.exit_code == 2 and "output-is-input" in result.stderr
    assert copy.read_bytes() == Path(SAMPLE_CSV).read_bytes()


@pytest.mark.parametrize("args, code", [
    (("status", "atlantis", SAMPLE_CSV), "plan-unknown"),
    (("status", SAMPLE_PLAN, "missing.csv"), "csv-not-found"),
    (("status", SAMPLE_PLAN, str(DATA)), "csv-not-file"),
    (("show", "missing.yaml"), "plan-not-found"),
])
def test_bad_input_is_one_clear_message_and_exit_2(run, args, code):
    result = run(*args)
    assert result.exit_code == 2
    assert code in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bad_csv_row_names_file_and_line(run, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("indicator,period,value\nvisits,2024,1\nvisitz,2024,2\n", encoding="utf-8")
    result = run("status", SAMPLE_PLAN, str(csv))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{csv}:3:1: indicator: csv-unknown-indicator:")


def test_bad_plan_names_line_and_field(run, tmp_path):
    plan = tmp_path / "plan.yaml"
    text = Path(SAMPLE_PLAN).read_text("utf-8")
    plan.write_text(text.replace("kind: range", "kind: interval"), "utf-8")
    line = text.splitlines().index("    kind: range") + 1
    result = run("validate", str(plan))
    assert result.exit_code == 2
    assert f"{plan}:{line}:11: /indicators/4/kind: plan-schema: 'interval' is not one of" in result.stderr


def test_validate_builtin_plans(run):
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.count("ok: ") >= 1


def test_plans_lists_builtin_plans(run):
    result = run("plans", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert all({"id", "city_zh", "province_zh", "title", "period", "indicators"} <= set(p) for p in listed)


def test_show_lists_every_indicator(run):
    result = run("show", SAMPLE_PLAN)
    assert result.exit_code == 0
    assert "≥ 25% by 2025-12-31" in result.stdout
    verbose = run("show", SAMPLE_PLAN, "-v", "--lang", "zh")
    assert "   原文：力争2024年6月建成投用" in verbose.stdout
    assert "共10项指标" in verbose.stdout and "目标：" in verbose.stdout and "indicators" not in verbose.stdout
    assert "quote: 力争2024年6月建成投用" in run("show", SAMPLE_PLAN, "-v", "--lang", "en").stdout
    table = run("show", SAMPLE_PLAN, "--lang", "zh").stdout.splitlines()
    assert table[3].split() == ["编号", "指标", "类别", "目标", "性质", "填报口径"]


def test_template_round_trips(run, tmp_path):
    target = tmp_path / "blank.csv"
    assert run("template", SAMPLE_PLAN, "--lang", "en", "-o", str(target)).exit_code == 0
    lines = target.read_text("utf-8").splitlines()
    assert lines[0] == "indicator,name,unit,target,report,period,value,note"
    assert len(lines) == 12  # ten indicators, and a row for the baseline period output-doubling reads
    rows = list(csv.reader(lines))
    rows[1][5:7] = ["2024", "25"]
    assert rows[1][0] == "physician-share"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    target.write_text(buffer.getvalue(), "utf-8")
    result = run("status", SAMPLE_PLAN, str(target), "--as-of", "2024-12-31", "--format", "json")
    statuses = {i["id"]: i["status"] for i in json.loads(result.stdout)["indicators"]}
    assert statuses["physician-share"] == "pass"
    assert list(statuses.values()).count("no-data") == 9
    again = run("template", SAMPLE_PLAN, "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr


@pytest.mark.parametrize("lang, marker", [("en", "Baseline row: the value for 2022"), ("zh", "基期行：填报2022的数值")])
def test_template_asks_for_the_baseline_a_target_reads_from_the_data(run, tmp_path, lang, marker):
    target = tmp_path / "blank.csv"
    assert run("template", SAMPLE_PLAN, "--period", "2024", "--lang", lang, "-o", str(target)).exit_code == 0
    rows = list(csv.reader(target.read_text("utf-8").splitlines()))
    doubling = [row for row in rows if row[0] == "output-doubling"]
    assert [row[5] for row in doubling] == ["2022", "2024"]
    assert doubling[0][4].startswith(marker) and not doubling[1][4].startswith(marker)
    assert doubling[0][3] == ("基期 2022" if lang == "zh" else "baseline 2022")
    assert all(row[5] == "2024" for row in rows[1:] if row is not doubling[0])
    doubling[0][6], doubling[1][6] = "10", "21"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    target.write_text(buffer.getvalue(), "utf-8")
    result = run("status", SAMPLE_PLAN, str(target), "--as-of", "2024-12-31", "--format", "json")
    (item,) = [i for i in json.loads(result.stdout)["indicators"] if i["id"] == "output-doubling"]
    assert item["status"] == "pass" and item["actual"] == 21


def test_template_for_the_baseline_period_needs_no_baseline_row(run):
    result = run("template", SAMPLE_PLAN, "--period", "2022")
    rows = list(csv.reader(result.stdout.splitlines()))
    assert [row[5] for row in rows if row[0] == "output-doubling"] == ["2022"]
    assert len(rows) == 11


def test_template_baseline_rows_only_where_the_plan_gives_no_baseline_value(run):
    result = run("template", "liuzhou")
    ids = [row[0] for row in csv.reader(result.stdout.splitlines())][1:]
    assert len(ids) == len(set(ids))  # liuzhou's increase targets state their 2020 stock
    yiwu = [row[0] for row in csv.reader(run("template", "yiwu").stdout.splitlines())][1:]
    assert sorted({i for i in yiwu if yiwu.count(i) == 2}) == ["primary-new-tcm-beds", "tcm-gp-doubling"]


@pytest.mark.parametrize("args, code", [(["--version"], 0), (["status", "jiangmen", "missing.csv"], 2),
                                        (["status", "jiangmen", str(EXAMPLES / "jiangmen-2024.csv"),
                                          "--as-of", "2024-12-31", "--format", "csv"], 1)])
def test_the_console_script_flushes_its_output_and_keeps_the_exit_code(args, code):
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-m", "tcmcheck", *args], capture_output=True, text=True, cwd="/")
    assert finished.returncode == code
    if code == 1:
        lines = finished.stdout.splitlines()
        from tcmcheck.spec import load_builtin

        assert lines[0].startswith("plan,") and len(lines) == 1 + len(load_builtin("jiangmen").indicators)
    elif code == 2:
        assert "csv-not-found" in finished.stderr and not finished.stdout
    else:
        assert finished.stdout.startswith("tcmcheck, version")


def test_a_new_report_gets_the_mode_the_umask_gives_and_a_replaced_one_keeps_its_mode(run, tmp_path):
    import os
    import stat

    target = tmp_path / "report.json"
    umask = os.umask(0o027)
    try:
        status(run, "--format", "json", "-o", str(target))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o604)
    status(run, "--format", "csv", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o604 and target.read_text("utf-8").startswith("plan,")


def test_an_interrupted_report_write_leaves_neither_report_nor_temporary_file(run, tmp_path, monkeypatch):
    import os

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = status(run, "--format", "json", "-o", str(tmp_path / "report.json"))
    assert result.exit_code != 0 and list(tmp_path.iterdir()) == []


@pytest.fixture
def console():
    """The console script's module; importing it sets a SIGINT handler, which this process keeps not."""
    import signal

    previous = signal.getsignal(signal.SIGINT)
    from tcmcheck import console

    signal.signal(signal.SIGINT, previous)
    return console


def test_a_crash_is_a_traceback_and_exit_2_never_the_findings_code(console, capsys):
    def crashing(standalone_mode):
        raise RuntimeError("boom")

    assert console._invoke(crashing) == 2
    stderr = capsys.readouterr().err
    assert "RuntimeError: boom" in stderr and "internal error" in stderr


def test_the_exit_code_of_each_ending(console):
    import click

    def ending(raised=None, returned=None):
        def main(standalone_mode):
            assert standalone_mode is False
            if raised is not None:
                raise raised
            return returned
        return console._invoke(main)

    interrupted = click.exceptions.Abort()
    interrupted.__cause__ = KeyboardInterrupt()
    assert ending(interrupted) == 130
    assert ending(SystemExit(1)) == 1 and ending(SystemExit(None)) == 0 and ending(returned=2) == 2
    assert ending(click.UsageError("bad")) == 2
    assert ending(console.OutputFailed(BrokenPipeError(32, "Broken pipe"), "<stdout>")) == 141


def test_template_never_replaces_the_plan_it_reads(run, tmp_path):
    plan = tmp_path / "my.yaml"
    plan.write_bytes((DATA / "sample.yaml").read_bytes())
    result = run("template", str(plan), "-o", str(plan), "--force")
    assert result.exit_code == 2 and "output-is-input" in result.stderr
    assert plan.read_bytes() == (DATA / "sample.yaml").read_bytes()
