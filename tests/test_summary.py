"""`tcmcheck summary`, `--format github`, JUnit names and the template options, through the CLI."""

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_report_written_to_a_file_leaves_each_broken_files_problems_on_stderr_too(submissions, tmp_path_factory,
                                                                                    lang):
    report = tmp_path_factory.mktemp("out") / "report.json"
    result = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "json",
                 "--lang", lang, "-o", report)
    assert result.exit_code == 2 and result.stdout == ""
    problem = next(f for f in json.loads(report.read_text("utf-8"))["files"] if f["error"])["error"]["problems"][0]
    assert result.stderr.splitlines() == [f"{problem['file']}:3:1: indicator: csv-unknown-indicator: "
                                          f"{problem['message']}"]
    assert bool(re.search("[\u4e00-\u9fff]", result.stderr)) == (lang == "zh")
    to_stdout = run("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "json")
    assert to_stdout.exit_code == 2 and to_stdout.stderr == ""  # the report on stdout already holds them


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
    assert by_title["sample no-data"][0] == "notice" and "line" not in by_title["sample no-data"][1]  # folded
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


@pytest.mark.parametrize("lang, header", [("en", "plan,indicator,name,unit,target,report,period,value,note"),
                                          ("zh", "规划,指标,指标名称,单位,目标,填报说明,期间,数值,备注")])
def test_template_with_period_plan_and_bom_round_trips(tmp_path, lang, header):
    target = tmp_path / f"sample-2024Q4-{lang}.csv"
    result = run("template", SAMPLE_PLAN, "--period", "2024Q4", "--with-plan", "--bom", "--lang", lang, "-o", target)
    assert result.exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == header
    assert all(",2024Q4,," in line for line in lines[1:] if "Baseline row" not in line and "基期行" not in line)
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


@pytest.mark.parametrize("lang, args, bom", [("zh", [], True), ("zh", ["--no-bom"], False), ("en", [], False),
                                             ("en", ["--bom"], True)])
def test_a_csv_template_has_a_byte_order_mark_by_default_under_zh(tmp_path, lang, args, bom):
    target = tmp_path / "template.csv"
    assert run("template", "nanyang", "--lang", lang, *args, "-o", target).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    assert run("template", "nanyang", "--lang", lang, *args).stdout_bytes.startswith(b"\xef\xbb\xbf") == bom


def test_a_chinese_template_gives_each_unit_as_its_values_are_written():
    rows = list(csv.reader(io.StringIO(run("template", "nanyang", "--lang", "zh").stdout.removeprefix("\ufeff"))))
    plan = load_builtin("nanyang")
    units = {row[0]: row[2] for row in rows[1:]}
    expected = {"percent": "%", "yes_no": "是/否", "yuan_100m": "亿元", "grade": "等级", "rank": "名"}
    for indicator in plan.indicators:
        if indicator.unit in expected:
            assert units[indicator.id] == expected[indicator.unit], indicator.id
        elif indicator.unit == "count":
            assert units[indicator.id] == (indicator.unit_label or "个"), indicator.id
    assert not {unit for unit in units.values() if unit.isascii() and unit.isalpha()}


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
    from tcmcheck.batch import find_submissions

    (submissions / ".git").mkdir()
    (submissions / ".git" / "c.csv").write_text(SAMPLE_CSV, "utf-8")
    (submissions / ".hidden.csv").write_text(SAMPLE_CSV, "utf-8")
    (submissions / "upper.CSV").write_text(SAMPLE_CSV, "utf-8")
    (submissions / "folder.csv").mkdir()
    (submissions / "linked").symlink_to(submissions / "county")
    found = find_submissions([str(submissions), str(submissions / "notes.txt")])
    assert found.files == [str(submissions / name) for name in ("a.csv", "broken.csv", "county/b.csv", "upper.CSV")] + [
        str(submissions / "notes.txt")]
    assert found.errors == {}
    assert find_submissions([f"{submissions}/"]).files == found.files[:4]


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


def problem(entry):
    return entry["error"]["problems"][0]


def by_name(document):
    return {Path(f["file"]).name: f for f in document["files"]}


def test_output_refuses_every_file_the_run_reads_however_it_is_spelt(submissions, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    plan = submissions / "my-plan.yaml"
    plan.write_bytes(Path(SAMPLE_PLAN).read_bytes())
    os.link(plan, other / "plan-link.yaml")
    os.link(submissions / "a.csv", other / "a-link.csv")
    for args in [("summary", submissions, "--plan", plan, "-o", submissions / "a.csv"),
                 ("summary", submissions, "--plan", plan, "-o", submissions / "county" / ".." / "county" / "b.csv"),
                 ("summary", submissions / "a.csv", "--plan", plan, "-o", plan),
                 ("summary", submissions / "a.csv", "--plan", plan, "-o", other / "plan-link.yaml"),
                 ("summary", submissions / "a.csv", "--plan", plan, "-o", other / "a-link.csv"),
                 ("status", plan, submissions / "a.csv", "-o", other / "plan-link.yaml"),
                 ("status", plan, submissions / "a.csv", "-o", other / "a-link.csv")]:
        result = run(*args, "--format", "csv")
        assert result.exit_code == 2 and result.stdout == "", args
        assert "-o: output-is-input: refusing to overwrite the input file" in result.stderr, args
    assert plan.read_bytes() == Path(SAMPLE_PLAN).read_bytes()
    assert (submissions / "a.csv").read_text("utf-8") == SAMPLE_CSV
    assert "centre-opened,2024-06,是" in (submissions / "county" / "b.csv").read_text("utf-8")


def test_a_report_written_among_the_submissions_is_left_out_by_the_run_that_writes_it(submissions):
    (submissions / "broken.csv").unlink()
    args = ("summary", submissions, "--plan", SAMPLE_PLAN, "--as-of", "2024-12-31", "--format", "csv")
    first = run(*args, "-o", submissions / "report.csv")
    written = (submissions / "report.csv").read_text("utf-8")
    second = run(*args, "-o", submissions / "report.csv")
    assert first.exit_code == second.exit_code == 1
    assert (submissions / "report.csv").read_text("utf-8") == written
    assert "a.csv" in written and "b.csv" in written and "report.csv" not in written
    without = run(*args[:-2], "--format", "json")
    assert without.exit_code == 2
    assert problem(by_name(json.loads(without.stdout))["report.csv"])["code"] == "csv-is-report"


def test_a_plan_cell_names_a_builtin_plan_or_the_given_one_and_never_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("easy").write_bytes(Path(SAMPLE_PLAN).read_bytes())  # a plan file without an extension
    Path("by-name.csv").write_text("plan,indicator,period,value\neasy,physician-share,2024,30\n", "utf-8")
    Path("by-path.csv").write_text(f"plan,indicator,period,value\n{SAMPLE_PLAN},physician-share,2024,30\n", "utf-8")
    Path("passwd.csv").write_text("indicator,plan,period,value\nphysician-share,/etc/passwd,2024,30\n", "utf-8")
    Path("zero.csv").write_text("plan,indicator,period,value\n/dev/zero,physician-share,2024,30\n", "utf-8")
    result, document = summary_json(".")
    files = by_name(document)
    for name, column in [("by-name.csv", 1), ("by-path.csv", 1), ("passwd.csv", 2), ("zero.csv", 1)]:
        found = problem(files[name])
        assert (found["code"], found["line"], found["column"], found["field"]) == ("csv-unknown-plan", 2, column, "plan")
    Path("given.csv").write_text("plan,indicator,period,value\nsample,physician-share,2024,30\n样例,visits,2024,1\n",
                                 "utf-8")
    result, document = summary_json("given.csv", "--plan", SAMPLE_PLAN)
    (given,) = document["files"]
    assert given["plan"] == "sample" and given["error"] is None and given["summary"]["no-data"] == 10 - 2


def test_the_plan_column_wins_then_the_file_name_then_plan(tmp_path):
    _, jiangmen_row = builtin_rows("jiangmen")
    _, nanyang_row = builtin_rows("nanyang")
    header = "indicator,period,value\n"
    expected = {}
    for name in ("jiangmen-2024Q4.csv", "江门-2024Q4.csv", "江门市2024年.csv", "Jiangmen_2024.csv"):
        (tmp_path / name).write_text(header + jiangmen_row, "utf-8")
        expected[name] = "jiangmen"
    for name in ("county.csv", "江门县.csv", "jiangmenx.csv"):
        (tmp_path / name).write_text(header + nanyang_row, "utf-8")
        expected[name] = "nanyang"
    (tmp_path / "jiangmen-column.csv").write_text("plan," + header + "南阳," + nanyang_row, "utf-8")
    expected["jiangmen-column.csv"] = "nanyang"
    result, document = summary_json(tmp_path, "--plan", "nanyang")
    assert {name: (f["plan"], f["error"]) for name, f in by_name(document).items()} == {
        name: (plan, None) for name, plan in expected.items()}
    assert result.exit_code == 0


def test_a_directory_or_a_file_named_like_a_plan_id_is_not_that_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, jiangmen_row = builtin_rows("jiangmen")
    _, nanyang_row = builtin_rows("nanyang")
    Path("jiangmen").mkdir()
    Path("jiangmen/jiangmen-2024.csv").write_text("indicator,period,value\n" + jiangmen_row, "utf-8")
    Path("nanyang").write_text("not a plan", "utf-8")
    Path("nanyang-2024.csv").write_text("indicator,period,value\n" + nanyang_row, "utf-8")
    result, document = summary_json("jiangmen/", "nanyang-2024.csv")
    assert [(f["plan"], f["error"]) for f in document["files"]] == [("jiangmen", None), ("nanyang", None)]


def test_a_directory_that_cannot_be_searched_is_an_error_row(submissions, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if Path(path) == submissions / "county":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result, document = summary_json(submissions, "--plan", SAMPLE_PLAN)
    files = {f["file"]: f for f in document["files"]}
    assert set(files) == {str(submissions / name) for name in ("a.csv", "broken.csv", "county")}
    found = problem(files[str(submissions / "county")])
    assert found["code"] == "dir-unreadable" and "Permission denied" in found["message"]
    assert result.exit_code == 2 and document["errors"] == 2


def test_the_search_says_what_it_cannot_read(submissions):
    (submissions / "broken.csv").unlink()
    (submissions / "UPPER.CSV").write_text(SAMPLE_CSV, "utf-8")
    (submissions / "dangling.csv").symlink_to(submissions / "gone.csv")
    (submissions / "loop.csv").symlink_to(submissions / "loop.csv")
    os.mkfifo(submissions / "pipe.csv")
    result, document = summary_json(submissions, "--plan", SAMPLE_PLAN)
    files = by_name(document)
    assert files["UPPER.CSV"]["error"] is None and files["UPPER.CSV"]["plan"] == "sample"
    assert problem(files["dangling.csv"])["code"] == "csv-not-found" and "gone.csv" in problem(files["dangling.csv"])["message"]
    assert problem(files["loop.csv"])["code"] == "csv-unreadable" and "loop" in problem(files["loop.csv"])["message"]
    assert problem(files["pipe.csv"])["code"] == "csv-not-regular"
    assert result.exit_code == 2 and document["errors"] == 3


def test_a_run_with_nothing_to_check_exits_2_unless_that_is_allowed(tmp_path):
    (tmp_path / "notes.txt").write_text("not a submission", "utf-8")
    result = run("summary", tmp_path, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("FILE_OR_DIR: no-submissions: no *.csv file in ")
    allowed = run("summary", tmp_path, "--format", "json", "--allow-empty")
    assert allowed.exit_code == 0 and json.loads(allowed.stdout)["files"] == []


def test_a_plan_file_with_a_builtin_id_is_said_to_be_used_and_stands_for_that_plan(tmp_path):
    mine = tmp_path / "my.yaml"
    mine.write_text(Path(SAMPLE_PLAN).read_text("utf-8").replace("\nid: sample\n", "\nid: jiangmen\n"), "utf-8")
    warning = f"{mine}: plan id 'jiangmen' is also a built-in plan; using {mine}"
    status = run("status", mine, DATA / "sample.csv", "--as-of", "2024-12-31", "--format", "json")
    assert status.exit_code == 1 and status.stderr.splitlines() == [warning]
    assert json.loads(status.stdout)["plan"]["id"] == "jiangmen"
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "jiangmen-2024.csv").write_text(SAMPLE_CSV, "utf-8")
    lines = SAMPLE_CSV.splitlines()
    (folder / "column.csv").write_text("\n".join(["plan," + lines[0]] + ["jiangmen," + line for line in lines[1:]]),
                                       "utf-8")
    result, document = summary_json(folder, "--plan", mine)
    assert result.stderr.splitlines() == [warning + " for every file that names it"]
    assert [(f["plan"], f["error"], sum(f["summary"].values())) for f in document["files"]] == [
        ("jiangmen", None, 10), ("jiangmen", None, 10)]
    _, row = builtin_rows("jiangmen")
    (tmp_path / "one-row.csv").write_text("indicator,period,value\n" + row, "utf-8")
    assert run("status", "jiangmen", tmp_path / "one-row.csv").stderr == ""


def test_a_file_name_that_looks_like_markup_does_not_break_the_progress_bar(monkeypatch):
    import io
    import sys

    from tcmcheck.cli import _progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress() as on_file:
        for done in range(1, 8):
            on_file(done, 7, f"subs/[/bold]{done}\x1b.csv")
    assert "[/bold]7\\x1b.csv" in terminal.getvalue()


def test_a_file_that_makes_tcmcheck_fail_is_an_error_row_and_the_others_are_still_checked(submissions, monkeypatch):
    import tcmcheck.batch as batch

    real = batch.evaluate

    def evaluate(plan, reports, as_of, **options):
        if reports.source.endswith("a.csv"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(plan, reports, as_of, **options)

    monkeypatch.setattr(batch, "evaluate", evaluate)
    result, document = summary_json(submissions, "--plan", SAMPLE_PLAN)
    files = by_name(document)
    assert problem(files["a.csv"])["code"] == "internal-error" and "RecursionError" in problem(files["a.csv"])["message"]
    assert files["b.csv"]["error"] is None and result.exit_code == 2
