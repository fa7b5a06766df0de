"""`tcmcheck summary`, `--format github`, JUnit names and the template options, through the CLI."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from tcmcheck.batch import plan_id_from_name
from tcmcheck.cli import main
from tcmcheck.spec import load_builtin

SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = (DATA / "sample.csv").read_text("utf-8")
GITHUB = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def submissions(tmp_path):
    """A directory of two good sample submissions and one broken one."""
    (tmp_path / "a.csv").write_text(SAMPLE_CSV, "utf-8")
    (tmp_path / "county").mkdir()
    (tmp_path / "county" / "b.csv").write_text(SAMPLE_CSV.replace("centre-opened,2024-06,否", "centre-opened,2024-06,是"), "utf-8")
    (tmp_path / "broken.csv").write_text("indicator,period,value\nvisits,2024,1\nnope,2024,2\n", "utf-8")
    (tmp_path / "notes.txt").write_text("not a submission", "utf-8")
    return tmp_path


def summary_json(*args):
    result = run("summary", *args, "--as-of", "2024-12-31", "--format", "json")
    return result, json.loads(result.stdout)


def test_a_broken_file_is_an_error_row_and_the_others_are_still_checked(submissions):
    result, document = summary_json(submissions, "--plan", SAMPLE_PLAN)
    assert result.exit_code == 2
    files = {Path(f["file"]).name: f for f in document["files"]}
    assert set(files) == {"a.csv", "b.csv", "broken.csv"}
    assert files["broken.csv"]["error"]["problems"][0] == {
        "code": "csv-unknown-indicator", "message": files["broken.csv"]["error"]["problems"][0]["message"],
        "file": str(submissions / "broken.csv"), "line": 3, "column": 1, "field": "indicator"}
    assert files["a.csv"]["summary"]["fail"] == 2 and files["b.csv"]["summary"]["fail"] == 1
    assert files["a.csv"]["worst"] == "fail"
    assert document["total"]["fail"] == 3 and document["errors"] == 1


def test_errors_win_over_findings_and_findings_follow_fail_on(submissions):
    (submissions / "broken.csv").unlink()
    assert run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31").exit_code == 1
    assert run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31",
               "--fail-on", "none").exit_code == 0
    (submissions / "broken.csv").write_text("oops\n", "utf-8")
    assert run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31",
               "--fail-on", "none").exit_code == 2


def test_table_has_a_row_per_file_and_a_total(submissions):
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "plain")
    lines = result.stdout.splitlines()
    assert any("broken.csv" in line and "error: csv-unknown-indicator" in line for line in lines)
    assert any(line.startswith("total") for line in lines)
    assert "error: " in result.stdout and "broken.csv:3:1" in result.stdout


def test_no_progress_bar_when_stderr_is_not_a_terminal(submissions):
    for index in range(8):
        (submissions / f"more{index}.csv").write_text(SAMPLE_CSV, "utf-8")
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "csv")
    assert result.stderr == ""


def test_plan_from_the_file_name():
    assert plan_id_from_name("data/jiangmen-2024Q4.csv", ["jiangmen", "jining"]) == "jiangmen"
    assert plan_id_from_name("jining_2024.csv", ["jiangmen", "jining"]) == "jining"
    assert plan_id_from_name("jiangmenx.csv", ["jiangmen"]) is None
    assert plan_id_from_name("report.csv", ["jiangmen"]) is None


def builtin_rows(plan_id, plan_cell=None):
    plan = load_builtin(plan_id)
    first = next(i for i in plan.indicators if i.value_type == "number")
    prefix = f"{plan_cell}," if plan_cell is not None else ""
    return plan, f"{prefix}{first.id},2024,1\n"


def test_mixed_plans_in_one_csv_by_id_and_city_name(tmp_path):
    liuzhou, liuzhou_row = builtin_rows("liuzhou", "柳州")
    yiwu, yiwu_row = builtin_rows("yiwu", "yiwu")
    csv = tmp_path / "mixed.csv"
    csv.write_text("plan,indicator,period,value\n" + liuzhou_row + yiwu_row, "utf-8")
    result, document = summary_json(csv)
    assert [f["plan"] for f in document["files"]] == ["liuzhou", "yiwu"]
    assert all(f["error"] is None for f in document["files"])
    counts = [sum(f["summary"].values()) for f in document["files"]]
    assert counts == [len(liuzhou.indicators), len(yiwu.indicators)]


def test_plan_named_by_file_name_and_unknown_plans(tmp_path):
    _, row = builtin_rows("liuzhou")
    (tmp_path / "liuzhou-2024Q4.csv").write_text("indicator,period,value\n" + row, "utf-8")
    (tmp_path / "unnamed.csv").write_text("indicator,period,value\n" + row, "utf-8")
    (tmp_path / "atlantis.csv").write_text("plan,indicator,period,value\natlantis,x,2024,1\n", "utf-8")
    result, document = summary_json(tmp_path)
    files = {Path(f["file"]).name: f for f in document["files"]}
    assert files["liuzhou-2024Q4.csv"]["plan"] == "liuzhou" and files["liuzhou-2024Q4.csv"]["error"] is None
    assert files["unnamed.csv"]["error"]["problems"][0]["code"] == "csv-no-plan"
    assert files["atlantis.csv"]["error"]["problems"][0]["code"] == "csv-unknown-plan"
    assert files["atlantis.csv"]["error"]["problems"][0]["line"] == 2
    assert result.exit_code == 2


def test_junit_names_are_unique_across_files(submissions):
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "junit")
    root = ET.fromstring(result.stdout)
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(names) == len(set(names)) == 2 * 10 + 1
    assert int(root.get("errors")) == 1 and int(root.get("failures")) == 3
    case = next(c for c in root.iter("testcase") if c.get("name").endswith("sample.centre-opened"))
    facts = dict(line.split(": ", 1) for line in case.findtext("system-out").splitlines())
    assert facts["target"] == "done by 2024-06-30" and facts["period"] == "2024-06"


def test_status_junit_has_properties_and_unique_names():
    result = run("status", SAMPLE_PLAN, DATA / "sample.csv", "--as-of", "2024-12-31", "--format", "junit")
    root = ET.fromstring(result.stdout)
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(set(names)) == len(names) == 10 and names[0] == "sample.physician-share"


def parse_github(text):
    commands = []
    for line in text.splitlines():
        match = GITHUB.match(line)
        assert match, line
        level, props, message = match.groups()
        fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
        commands.append((level, fields, message))
    return commands


def test_github_commands_point_at_the_deciding_line():
    result = run("status", SAMPLE_PLAN, DATA / "sample.csv", "--as-of", "2024-12-31", "--format", "github")
    commands = parse_github(result.stdout)
    by_title = {f.get("title"): (level, f) for level, f, _ in commands}
    level, fields = by_title["sample.centre-opened"]
    lines = SAMPLE_CSV.splitlines()
    assert level == "error" and fields["file"] == str(DATA / "sample.csv")
    assert lines[int(fields["line"]) - 1].startswith("centre-opened,")
    level, fields = by_title["sample.grassroots-visit-share"]
    assert lines[int(fields["line"]) - 1] == "grassroots-visit-share,2024Q2,29.5,"
    assert by_title["sample.visits"][0] == "warning"
    assert by_title["sample.output-doubling"][0] == "warning" and "line" not in by_title["sample.output-doubling"][1]
    assert "sample.national-rank" not in by_title
    assert commands[-1][0] == "notice"


def test_github_summary_reports_broken_files_as_errors(submissions):
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "github")
    commands = parse_github(result.stdout)
    broken = [f for level, f, _ in commands if f.get("title") == "csv-unknown-indicator"]
    assert broken == [{"file": str(submissions / "broken.csv"), "line": "3", "title": "csv-unknown-indicator"}]


def test_github_escapes_commas_and_colons_in_properties():
    from tcmcheck.formats.github_format import command

    assert command("error", "50%\nnext", "a,b:c.csv", 3, "t") == "::error file=a%2Cb%3Ac.csv,line=3,title=t::50%25%0Anext\n"


@pytest.mark.parametrize("lang, header", [("en", "plan,indicator,name,unit,target,period,value,note"),
                                          ("zh", "规划,指标,指标名称,单位,目标,期间,数值,备注")])
def test_template_with_period_plan_and_bom_round_trips(tmp_path, lang, header):
    target = tmp_path / f"sample-2024Q4-{lang}.csv"
    result = run("template", SAMPLE_PLAN, "--period", "2024Q4", "--with-plan", "--bom", "--lang", lang, "-o", target)
    assert result.exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == header
    assert all(",2024Q4,," in line for line in lines[1:])
    filled = [lines[0]] + [line.replace(",2024Q4,,", ",2024Q4,30,") if ",physician-share," in line else line
                           for line in lines[1:]]
    target.write_text("\n".join(filled) + "\n", "utf-8-sig")
    status = run("status", SAMPLE_PLAN, target, "--as-of", "2024-12-31", "--format", "json")
    assert status.exit_code == 0
    statuses = {i["id"]: i["status"] for i in json.loads(status.stdout)["indicators"]}
    assert statuses["physician-share"] == "pass"


def test_builtin_template_round_trips_through_summary(tmp_path):
    target = tmp_path / "submission.csv"
    assert run("template", "liuzhou", "--period", "2024", "--with-plan", "-o", target).exit_code == 0
    lines = target.read_text("utf-8").splitlines()
    plan = load_builtin("liuzhou")
    first = next(i for i in plan.indicators if i.value_type == "number")
    lines = [line.replace(",2024,,", ",2024,1,") if line.startswith(f"liuzhou,{first.id},") else line
             for line in lines]
    target.write_text("\n".join(lines) + "\n", "utf-8")
    result = run("summary", target, "--as-of", "2024-12-31", "--format", "json")
    (file,) = json.loads(result.stdout)["files"]
    assert file["plan"] == "liuzhou" and file["error"] is None
    assert file["summary"]["no-data"] == len(plan.indicators) - 1


def test_template_period_is_checked():
    result = run("template", SAMPLE_PLAN, "--period", "2024Q5")
    assert result.exit_code == 2 and "2024Q5" in result.stderr


def test_status_warns_about_rows_for_other_plans_but_summary_does_not(tmp_path):
    _, liuzhou_row = builtin_rows("liuzhou", "liuzhou")
    _, yiwu_row = builtin_rows("yiwu", "义乌")
    csv = tmp_path / "mixed.csv"
    csv.write_text("plan,indicator,period,value\n" + liuzhou_row + yiwu_row, "utf-8")
    status = run("status", "liuzhou", csv, "--as-of", "2024-12-31", "--format", "json")
    warnings = json.loads(status.stdout)["warnings"]
    assert [(w["code"], w["line"]) for w in warnings] == [("csv-other-plan", 3)] and "义乌" in warnings[0]["message"]
    _, document = summary_json(csv)
    assert all(f["warnings"] == [] for f in document["files"])


def test_strict_summary_turns_a_files_warnings_into_its_error(tmp_path):
    (tmp_path / "warned.csv").write_text("indicator,period,value\nphysician-share,2024,130\n", "utf-8")
    (tmp_path / "clean.csv").write_text("indicator,period,value\nphysician-share,2024,23\n", "utf-8")
    lenient, document = summary_json(tmp_path, "--plan", SAMPLE_PLAN)
    assert lenient.exit_code == 0 and all(f["error"] is None for f in document["files"])
    strict, document = summary_json(tmp_path, "--plan", SAMPLE_PLAN, "--strict")
    files = {Path(f["file"]).name: f for f in document["files"]}
    assert strict.exit_code == 2
    assert files["warned.csv"]["error"]["problems"][0]["code"] == "csv-percent-over-100"
    assert files["clean.csv"]["error"] is None


def test_directories_are_searched_for_csv_files_in_name_order_without_hidden_ones_or_linked_directories(submissions):
    from tcmcheck.batch import find_csvs

    (submissions / ".git").mkdir()
    (submissions / ".git" / "c.csv").write_text(SAMPLE_CSV, "utf-8")
    (submissions / ".hidden.csv").write_text(SAMPLE_CSV, "utf-8")
    (submissions / "upper.CSV").write_text(SAMPLE_CSV, "utf-8")
    (submissions / "folder.csv").mkdir()
    (submissions / "linked").symlink_to(submissions / "county")
    found = find_csvs([str(submissions), str(submissions / "notes.txt")])
    assert found == [str(submissions / name) for name in ("a.csv", "broken.csv", "county/b.csv")] + [
        str(submissions / "notes.txt")]
    assert find_csvs([f"{submissions}/"]) == found[:3]


def test_summary_json_is_the_text_json_dumps_writes(submissions, tmp_path):
    (submissions / "grades.csv").write_text('indicator,period,value\nhospital-performance,2024,"A+"\n'
                                            'centre-opened,2024-06,是\nvisits,2025,3\n', "utf-8")
    (submissions / 'quote"和逗号,.csv').write_text(SAMPLE_CSV, "utf-8")
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "json")
    document = json.loads(result.stdout)
    assert result.stdout == json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    values = {type(i["actual"]) for f in document["files"] for i in f["indicators"]}
    assert values == {float, str, bool, type(None)}
    assert any(f["error"] for f in document["files"]) and any(f["warnings"] for f in document["files"])


def test_escape_sequences_from_file_names_do_not_reach_standard_output(tmp_path):
    name = tmp_path / "\x1b[31mred.csv"
    name.write_text(SAMPLE_CSV, "utf-8")
    for fmt in ("plain", "csv", "json"):
        result = run("summary", name, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", fmt)
        assert result.exit_code == 1 and "red.csv" in result.stdout and "\x1b" not in result.stdout
