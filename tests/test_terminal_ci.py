"""The terminal and CI, through the CLI: the table fitted to the terminal, --only and --sort in every
format, the language from the locale, Chinese statuses in every human format, the failing and lagging
indicators of each file in `summary`, GitHub annotations within GitHub's limits and the job summary,
the CSV byte order mark, and the pre-commit hooks (run by a real pre-commit where it is installed)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rich.cells import cell_len

from conftest import DATA
from tcmcheck import cli
from tcmcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
JIANGMEN = ("status", "jiangmen", str(ROOT / "examples" / "jiangmen-2024.csv"), "--as-of", "2024-12-31")
EXAMPLES = ("summary", str(ROOT / "examples"), "--as-of", "2024-12-31")
ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "GITHUB_STEP_SUMMARY": None}
STATUS_WORDS = ("pass", "on-track", "lag", "fail", "no-data")
GITHUB = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
TCMCHECK = str(Path(sys.executable).with_name("tcmcheck"))


def run(*args, env=None, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], env={**ENGLISH, **(env or {})}, input=input,
                              catch_exceptions=False)


def document(*args) -> dict:
    return json.loads(run(*args, "--format", "json").stdout)


@pytest.fixture
def terminal(monkeypatch):
    """Standard output is a terminal COLUMNS wide (colour off, so that lines can be measured)."""
    monkeypatch.setattr(cli, "_to_terminal", lambda output: output is None or output == "-")

    def at(width: int, *args, env=None):
        return run(*args, env={"COLUMNS": str(width), "NO_COLOR": "1", **(env or {})})

    return at


def table_rows(text: str) -> list[str]:
    """The lines between the rule under the header and the footer."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("─")) + 1
    end = next(i for i in range(start, len(lines)) if re.match(r"^(\d+ indicators|共\d+项)", lines[i]))
    return lines[start:end]


# The table fits the terminal.

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_table_fits_80_columns_with_one_line_per_row_and_the_detail_under_those_to_act_on(terminal, lang):
    indicators = document(*JIANGMEN)["indicators"]
    result = terminal(80, *JIANGMEN, "--lang", lang)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines if not line.startswith(("warning", "警告")))
    header = lines[2].split()
    assert header[0] in ("id", "编号") and header[-1] in ("status", "状态")
    assert not {"indicator", "detail", "指标", "说明"} & set(header)
    rows = table_rows(result.stdout)
    under = " ".join(line.strip() for line in rows if re.match(r"^ {4}\S", line))  # the lines under rows
    details = {i["id"]: i["detail"] for i in document(*JIANGMEN, "--lang", lang)["indicators"]}
    for item in indicators:
        assert any(line.startswith(item["id"][:12]) for line in rows), item["id"]
        acting = item["status"] in ("lag", "fail", "no-data") or item["late"]
        assert (details[item["id"]] in under) == acting, item["id"]
    assert len(rows) <= 2 * len(indicators) + under.count(" ") // 4  # 1,041 lines before, at 80 columns


def test_wider_terminals_keep_more_columns(terminal):
    narrow = terminal(80, *JIANGMEN).stdout.splitlines()[2].split()
    middle = terminal(140, *JIANGMEN).stdout.splitlines()[2].split()
    wide = terminal(260, *JIANGMEN).stdout.splitlines()[2].split()
    assert narrow == ["id", "target", "actual", "status"]
    assert middle == ["id", "target", "actual", "period", "progress", "status"]
    assert {"indicator", "target", "actual", "period", "progress", "status"} <= set(wide)
    assert len(terminal(260, *JIANGMEN).stdout.splitlines()) < len(terminal(80, *JIANGMEN).stdout.splitlines())


def test_ids_wrap_at_hyphens_when_the_column_is_narrow():
    from tcmcheck.formats.table_format import wrap

    assert wrap("national-advantage-specialties-new", 20, "-_.") == ["national-advantage-", "specialties-new"]
    assert wrap("建成/完成 2024-12-31前", 12) == ["建成/完成", "2024-12-31前"]
    assert wrap("低于序时进度：应达3个", 8) == ["低于序时", "进度：应", "达3个"]
    assert wrap("short", 20) == ["short"]


def test_the_summary_table_fits_80_columns_and_lists_each_file_s_failing_and_lagging_indicators(terminal):
    files = {f["file"]: f for f in document(*EXAMPLES)["files"]}
    result = terminal(80, *EXAMPLES, "--sort", "document")
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines if not line.startswith("warning"))
    listing = result.stdout.split("Failing and lagging indicators\n", 1)[1]
    for name, entry in files.items():
        failing = [i["id"] for i in entry["indicators"] if i["status"] == "fail"]
        lagging = [i["id"] for i in entry["indicators"] if i["status"] == "lag"]
        block = re.search(re.escape(name) + r": (.*?)(?=\n\S|\Z)", listing, re.S).group(1)
        words = " ".join(block.split())
        if failing:
            assert f"fail: {', '.join(failing)}" in words
        if lagging:
            assert f"lag: {', '.join(lagging)}" in words


# --sort: worst first on a terminal, document order elsewhere.

def statuses_shown(text: str) -> list[str]:
    return [s for s in (line.split()[-1] for line in table_rows(text) if line[:1] != " ") if s in STATUS_WORDS]


def test_the_table_on_a_terminal_is_worst_first_and_elsewhere_in_document_order(monkeypatch):
    indicators = document(*JIANGMEN)["indicators"]
    order = [i["status"] for i in indicators]
    worst = sorted(order, key=["fail", "lag", "no-data", "on-track", "pass"].index)
    assert statuses_shown(run(*JIANGMEN).stdout) == order
    monkeypatch.setattr(cli, "_to_terminal", lambda output: output is None)
    on_terminal = run(*JIANGMEN, env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    assert statuses_shown(on_terminal) == worst
    assert statuses_shown(run(*JIANGMEN, "-o", "-", env={"COLUMNS": "200"}).stdout) == order
    kept = run(*JIANGMEN, "--sort", "document", env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    assert statuses_shown(kept) == order


def test_sort_status_orders_machine_formats_too_and_keeps_document_order_among_equals():
    indicators = document(*JIANGMEN)["indicators"]
    ranked = sorted(indicators, key=lambda i: ["fail", "lag", "no-data", "on-track", "pass"].index(i["status"]))
    assert [i["id"] for i in document(*JIANGMEN, "--sort", "status")["indicators"]] == [i["id"] for i in ranked]
    rows = list(csv.DictReader(io.StringIO(run(*JIANGMEN, "--format", "csv", "--sort", "status").stdout)))
    assert [r["id"] for r in rows if r["status"] != "warning"] == [i["id"] for i in ranked]
    files = document(*EXAMPLES, "--sort", "status")["files"]
    keys = [(["fail", "lag", "no-data", "on-track", "pass"].index(f["worst"]), -f["summary"]["fail"],
             -f["summary"]["lag"]) for f in files]
    assert keys == sorted(keys)


# --only: rows filtered in every format; the counts still cover everything.

@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "json", "csv", "junit", "github"])
def test_only_filters_the_rows_of_every_format_and_the_counts_cover_everything(fmt):
    full = document(*JIANGMEN)
    wanted = [i["id"] for i in full["indicators"] if i["status"] in ("lag", "fail")]
    others = [i["id"] for i in full["indicators"] if i["status"] not in ("lag", "fail")]
    result = run(*JIANGMEN, "--format", fmt, "--only", "lag,fail")
    assert result.exit_code == 1, result.stderr
    text = result.stdout
    if fmt == "json":
        filtered = json.loads(text)
        assert [i["id"] for i in filtered["indicators"]] == wanted
        assert filtered["summary"] == full["summary"]
        return
    if fmt == "csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(text)) if r["status"] != "warning"] == wanted
        return
    if fmt == "junit":
        names = [c.get("name") for c in ET.fromstring(text).iter("testcase")]
        assert names == [f"jiangmen.{i}" for i in wanted]
        return
    if fmt == "github":
        titles = [dict(p.split("=", 1) for p in (GITHUB.match(line).group(2) or "").split(",") if p).get("title")
                  for line in text.splitlines()]
        failing = [f"jiangmen.{i['id']}" for i in full["indicators"] if i["status"] == "fail"]
        lagging = [f"jiangmen.{i['id']}" for i in full["indicators"] if i["status"] == "lag"]
        assert [t for t in titles if t and t.startswith("jiangmen.")] == failing + lagging
        assert "jiangmen no-data" not in titles
        return
    shown = re.findall(r"^\|? ?([a-z0-9][a-z0-9_.-]*) ", text, re.M)
    assert [i for i in shown if i in wanted + others] == wanted
    counts = ", ".join(f"{s} {full['summary'][s]}" for s in STATUS_WORDS)
    assert f"{len(full['indicators'])} indicators: {counts}; shown: lag, fail ({len(wanted)} rows)" in text


def test_only_in_summary_keeps_the_files_holding_those_statuses_and_the_total_of_all(tmp_path):
    (tmp_path / "good.csv").write_text("indicator,period,value\nnational-rank,2024,90\n", "utf-8")
    (tmp_path / "mixed.csv").write_text((DATA / "sample.csv").read_text("utf-8"), "utf-8")
    (tmp_path / "broken.csv").write_text("indicator,period,value\nnope,2024,1\n", "utf-8")
    args = ("summary", tmp_path, "--plan", DATA / "sample.yaml", "--as-of", "2024-12-31")
    full = document(*args)
    filtered = document(*args, "--only", "fail")
    assert [Path(f["file"]).name for f in filtered["files"]] == ["broken.csv", "mixed.csv"]
    assert all(i["status"] == "fail" for f in filtered["files"] for i in f["indicators"])
    assert filtered["total"] == full["total"]
    plain = run(*args, "--format", "plain", "--only", "fail").stdout
    assert "good.csv" not in plain and "shown: fail (2 files)" in plain
    assert "Indicators by status\n" in plain and "mixed.csv: fail: centre-opened" in plain
    assert run(*args, "--format", "plain", "--only", "fail").exit_code == 2


def test_a_bad_only_is_a_usage_error():
    result = run(*JIANGMEN, "--only", "lag,late")
    assert result.exit_code == 2
    assert "'late' is not a status; use pass, on-track, lag, fail, no-data" in result.stderr


# The language follows the locale; under zh every human format says the statuses in Chinese.

@pytest.mark.parametrize("env, lang", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.GB18030"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ({"LANG": None}, "en"),
])
def test_lang_defaults_to_the_locale(env, lang):
    text = run(*JIANGMEN, "--format", "plain", env=env).stdout
    assert ("未达标" in text) == (lang == "zh") and ("on-track" in text) == (lang == "en")
    shown = run("show", "jiangmen", env=env).stdout
    assert ("新增国家优势中医专科" in shown) == (lang == "zh")
    assert "on-track" in run(*JIANGMEN, "--format", "plain", "--lang", "en", env={"LANG": "zh_CN.UTF-8"}).stdout


def _english_statuses(text: str, ids: set[str]) -> list[str]:
    """English status words left in a Chinese report, ids, file names and warnings aside."""
    kept = []
    for line in text.splitlines():
        if line.startswith(("警告", "- 警告", "::warning file=examples/yiwu")) or "tcmcheck csv-" in line:
            continue
        for ident in sorted(ids, key=len, reverse=True):
            line = line.replace(ident, "")
        line = re.sub(r"title=[^:]*::", "", line)
        line = re.sub(r"examples/[\w.-]+", "", line)
        kept += re.findall(r"(?<![\w-])(pass|on-track|lag|fail|no-data)(?![\w-])", line)
    return kept


@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "github"])
@pytest.mark.parametrize("command", ["status", "summary"])
def test_under_zh_every_human_format_says_the_statuses_in_chinese(fmt, command):
    args = JIANGMEN if command == "status" else EXAMPLES
    ids = {i["id"] for f in document(*EXAMPLES)["files"] for i in f["indicators"]}
    text = run(*args, "--format", fmt, env={"LANG": "zh_CN.UTF-8"}).stdout
    assert _english_statuses(text, ids) == []
    assert "未达标" in text and "滞后" in text
    if command == "summary" and fmt != "github":
        assert "达标" in text and "序时推进" in text and "未报送" in text and "最差" in text
        assert "未达标和滞后的指标" in text


# summary lists which indicators failed or lag, in table, plain, markdown and csv.

@pytest.mark.parametrize("fmt", ["table", "plain", "markdown"])
def test_summary_lists_each_file_s_failing_and_lagging_indicators(fmt):
    files = document(*EXAMPLES)["files"]
    text = run(*EXAMPLES, "--format", fmt).stdout
    listing = text.split("Failing and lagging indicators", 1)[1]
    flat = " ".join(listing.split())
    for entry in files:
        failing = ", ".join(i["id"] for i in entry["indicators"] if i["status"] == "fail")
        lagging = ", ".join(i["id"] for i in entry["indicators"] if i["status"] == "lag")
        parts = ([f"fail: {failing}"] if failing else []) + ([f"lag: {lagging}"] if lagging else [])
        assert f"{entry['file']}: {'; '.join(parts)}" in flat


def test_summary_csv_carries_the_ids_of_the_failing_and_lagging_indicators():
    files = {f["file"]: f for f in document(*EXAMPLES)["files"]}
    text = run(*EXAMPLES, "--format", "csv").stdout_bytes.decode("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text, newline="")) if r["worst"] not in ("warning", "error")]
    assert text.startswith("file,plan,pass,on-track,lag,fail,no-data,worst,error,line,message,fail_ids,lag_ids,regions,region_ranking\r\n")
    assert len(rows) == len(files)
    for row in rows:
        indicators = files[row["file"]]["indicators"]
        assert row["fail_ids"].split() == [i["id"] for i in indicators if i["status"] == "fail"]
        assert row["lag_ids"].split() == [i["id"] for i in indicators if i["status"] == "lag"]


# GitHub annotations: within GitHub's limits, errors first, then lags; no-data folded; the job summary.

def annotations(text: str) -> list[tuple[str, dict, str]]:
    found = []
    for line in text.splitlines():
        level, props, message = GITHUB.match(line).groups()
        found.append((level, dict(p.split("=", 1) for p in props.split(",")) if props else {}, message))
    return found


def test_github_stays_within_10_of_each_kind_errors_first_then_lags_and_says_what_it_left_out():
    everything = document(*EXAMPLES)
    total = everything["total"]
    result = run(*EXAMPLES, "--format", "github")
    found = annotations(result.stdout)
    levels = [level for level, _, _ in found]
    assert levels == sorted(levels, key=["error", "warning", "notice"].index)
    errors = [m for level, _, m in found if level == "error"]
    warnings = [m for level, _, m in found if level == "warning"]
    notices = [(f, m) for level, f, m in found if level == "notice"]
    assert len(errors) == min(10, total["fail"]) and all(m.startswith("fail: ") for m in errors)
    warned = [m for m in warnings if not m.startswith("lag: ")]
    assert len(warnings) == 10 and warnings[len(warned):] == [m for m in warnings if m.startswith("lag: ")]
    folded = [(f, m) for f, m in notices if f.get("title", "").endswith(" no-data")]
    with_no_data = [f for f in everything["files"] if f["summary"]["no-data"]]
    assert len(folded) == min(len(with_no_data), 9) and len(notices) <= 10
    for (fields, message), entry in zip(folded, with_no_data):
        missing = [i["id"] for i in entry["indicators"] if i["status"] == "no-data"]
        assert fields["file"] == entry["file"] and "line" not in fields
        assert message.endswith(": " + ", ".join(missing))
    last = notices[-1][1]
    data_warnings = sum(len(f["warnings"]) for f in everything["files"])
    left = zip(("error", "warning", "notice"),
               (total["fail"] - 10, total["lag"] + data_warnings - 10, len(with_no_data) - len(folded)))
    assert last.startswith(f"{len(everything['files'])} submissions: pass {total['pass']}, ")
    assert last.endswith("not annotated, as GitHub shows 10 of each kind per step: "
                         + ", ".join(f"{count} {kind}(s)" for kind, count in left if count > 0))


def test_github_folds_no_data_into_an_error_per_file_when_fail_on_names_it():
    found = annotations(run(*JIANGMEN, "--format", "github", "--fail-on", "fail,no-data").stdout)
    folded = [(level, fields) for level, fields, _ in found if fields.get("title") == "jiangmen no-data"]
    assert folded == [("error", {"file": JIANGMEN[2], "title": "jiangmen no-data"})]


def test_github_puts_the_whole_report_on_the_job_summary_as_markdown(tmp_path):
    page = tmp_path / "step-summary.md"
    page.write_text("earlier step\n", "utf-8")
    result = run(*EXAMPLES, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(page)})
    assert result.exit_code == 1
    markdown = run(*EXAMPLES, "--format", "markdown").stdout
    assert page.read_text("utf-8") == "earlier step\n" + markdown + "\n"
    status = run(*JIANGMEN, "--format", "github", "--lang", "zh", env={"GITHUB_STEP_SUMMARY": str(page)})
    assert status.exit_code == 1
    assert page.read_text("utf-8").endswith(run(*JIANGMEN, "--format", "markdown", "--lang", "zh").stdout + "\n")
    assert run(*JIANGMEN, "--format", "json", env={"GITHUB_STEP_SUMMARY": str(page)}).exit_code == 1
    assert len(re.findall("^### ", page.read_text("utf-8"), re.M)) == 2  # only --format github writes it


def test_a_job_summary_that_cannot_be_written_is_exit_2(tmp_path):
    result = run(*JIANGMEN, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "file.md")})
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'no' / 'file.md'}: GITHUB_STEP_SUMMARY: output-unwritable: " \
                            "No such file or directory\n"


# CSV for Excel: a UTF-8 byte order mark, by default under --lang zh.

@pytest.mark.parametrize("args, bom", [
    (("--lang", "en"), False),
    (("--lang", "en", "--bom"), True),
    (("--lang", "zh"), True),
    (("--lang", "zh", "--no-bom"), False),
])
def test_csv_byte_order_mark(tmp_path, args, bom):
    for command in (JIANGMEN, EXAMPLES):
        shown = run(*command, "--format", "csv", *args).stdout_bytes
        assert shown.startswith(b"\xef\xbb\xbf") == bom
        report = tmp_path / "report.csv"
        run(*command, "--format", "csv", *args, "-o", report)
        written = report.read_bytes()
        assert written == shown
        assert list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))[0][:2] in (["plan", "id"], ["file", "plan"])


def test_a_report_with_a_byte_order_mark_is_still_known_as_a_report(tmp_path):
    (tmp_path / "jiangmen-2024.csv").write_text((ROOT / "examples" / "jiangmen-2024.csv").read_text("utf-8"), "utf-8")
    run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "csv", "--lang", "zh", "-o", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    again = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "json")
    problems = [f["error"]["problems"][0]["code"] for f in json.loads(again.stdout)["files"] if f["error"]]
    assert problems == ["csv-is-report"]


def test_bom_with_another_format_is_a_usage_error():
    result = run(*JIANGMEN, "--format", "json", "--bom")
    assert result.exit_code == 2 and "a byte order mark is for --format csv, not json" in result.stderr


# pre-commit hooks for a data repository.

HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}


def readme_configs() -> tuple[dict, dict]:
    """The README's two .pre-commit-config.yaml samples: the hooks as they come, then gating on findings."""
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(# \.pre-commit-config\.yaml.*?)```", text, re.S)
    assert len(blocks) == 2
    return tuple(yaml.safe_load(block) for block in blocks)


@pytest.fixture
def data_repo(tmp_path):
    """Submissions as a data repository holds them: honest ones with missed targets, a suspicious one
    (a percentage over 100) and a broken one (an unknown indicator)."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", subs / "jiangmen-2024.csv")
    shutil.copy(ROOT / "examples" / "nanyang-2024.csv", subs / "nanyang-2024.csv")
    (subs / "jiangmen-suspicious.csv").write_text("indicator,period,value\nprimary-care-tcm-visit-share,2024,130\n")
    (subs / "jiangmen-broken.csv").write_text("indicator,period,value\nno-such-indicator,2024,1\n")
    return tmp_path


def hook(entry: str, args: list[str], files: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """What pre-commit runs: the entry, split as a shell would, then args, then the file names."""
    command = shlex.split(entry)
    assert command[0] == "tcmcheck"
    return subprocess.run([TCMCHECK, *command[1:], *args, *files], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


def test_the_submissions_hook_prints_findings_and_blocks_only_unusable_or_suspicious_data(data_repo):
    entry = HOOKS["tcmcheck-submissions"]["entry"]
    assert HOOKS["tcmcheck-submissions"]["verbose"] is True  # shown when it passes too
    honest = hook(entry, ["--as-of", "2024-12-31"], ["subs/jiangmen-2024.csv", "subs/nanyang-2024.csv"], data_repo)
    assert honest.returncode == 0, honest.stdout + honest.stderr
    assert "subs/jiangmen-2024.csv: fail: tcm-museums" in honest.stdout
    suspicious = hook(entry, [], ["subs/jiangmen-suspicious.csv"], data_repo)
    assert suspicious.returncode == 2 and "csv-percent-over-100" in suspicious.stdout
    broken = hook(entry, [], ["subs/jiangmen-broken.csv", "subs/jiangmen-2024.csv"], data_repo)
    assert broken.returncode == 2 and "csv-unknown-indicator" in broken.stdout


def test_the_readme_configs_pin_a_commit_and_gate_on_missed_targets_with_args(data_repo):
    plain, gating = readme_configs()
    for config in (plain, gating):
        repo = config["repos"][0]
        assert repo["rev"] == "<commit sha>"  # no tag is published; the README says to pin a commit
        assert [h["id"] for h in repo["hooks"]] == list(HOOKS)
    assert "args" not in plain["repos"][0]["hooks"][0]
    entry = HOOKS["tcmcheck-submissions"]["entry"]
    gated = hook(entry, [*gating["repos"][0]["hooks"][0]["args"], "--as-of", "2024-12-31"],
                 ["subs/jiangmen-2024.csv"], data_repo)
    assert gated.returncode == 1 and "tcm-museums" in gated.stdout
    plans = data_repo / "plans"
    plans.mkdir()
    (plans / "bad.yaml").write_text("id: x\n")
    checked = hook(HOOKS["tcmcheck-plans"]["entry"], [], ["plans/bad.yaml"], data_repo)
    assert checked.returncode == 2 and "plan-schema" in checked.stderr
    assert re.search(HOOKS["tcmcheck-plans"]["files"], "plans/bad.yaml")
    assert re.search(HOOKS["tcmcheck-submissions"]["files"], "subs/X.CSV")


def pre_commit() -> str:
    found = shutil.which("pre-commit") or shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("pre-commit is missing in CI; .ci/run installs it")
    pytest.skip("pre-commit is not installed here (pip install pre-commit); this test runs in CI")


def test_a_real_pre_commit_runs_the_hooks_as_the_readme_configures_them(data_repo, tmp_path):
    """The working tree committed to a scratch repository, used by a data repository's config with
    `rev:` a commit SHA, as the README says; pre-commit builds the hook's environment with pip."""
    program = pre_commit()
    git = ["git", "-c", "user.name=tcmcheck", "-c", "user.email=tcmcheck@example.org", "-c", "commit.gpgsign=false"]
    hooks_repo = tmp_path / "tcmcheck"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (hooks_repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, hooks_repo / name)
    subprocess.run([*git, "init", "-q"], cwd=hooks_repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=hooks_repo, check=True)
    subprocess.run([*git, "commit", "-qm", "tcmcheck"], cwd=hooks_repo, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks_repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    subprocess.run([*git, "init", "-q"], cwd=data_repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=data_repo, check=True)
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "LC_ALL": "C.UTF-8"}

    def configure(config: dict, *args: str) -> None:
        """The README's config, pointed at the scratch repository, as of the examples' date."""
        config["repos"][0].update(repo=str(hooks_repo), rev=sha)
        submissions = config["repos"][0]["hooks"][0]
        submissions["args"] = [*submissions.get("args", []), *args]
        (data_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")

    def commit_check(*names: str) -> subprocess.CompletedProcess:
        return subprocess.run([program, "run", "--files", *names], cwd=data_repo, capture_output=True, text=True,
                              env=environment, timeout=600)

    plain, gating = readme_configs()
    configure(gating, "--as-of", "2024-12-31")
    gated = commit_check("subs/jiangmen-2024.csv")
    assert gated.returncode == 1 and "exit code: 1" in gated.stdout and "tcm-museums" in gated.stdout, gated.stdout
    configure(plain, "--as-of", "2024-12-31")
    honest = commit_check("subs/jiangmen-2024.csv", "subs/nanyang-2024.csv")
    assert honest.returncode == 0, honest.stdout
    assert "Passed" in honest.stdout and "subs/jiangmen-2024.csv: fail: tcm-museums" in honest.stdout
    for name, code in (("subs/jiangmen-suspicious.csv", "csv-percent-over-100"),
                       ("subs/jiangmen-broken.csv", "csv-unknown-indicator")):
        blocked = commit_check(name)
        assert blocked.returncode == 1 and "exit code: 2" in blocked.stdout and code in blocked.stdout, blocked.stdout
