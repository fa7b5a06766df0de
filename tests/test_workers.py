"""`summary` in several processes gives what one process gives, and falls back to one when it must."""

import json
import os
import pickle
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from tcmcheck import workers
from tcmcheck.batch import SummaryOptions, summarise
from tcmcheck.cli import main
from tcmcheck.errors import ActualsError, Problem
from tcmcheck.formats import formatter
from tcmcheck.formats.interface import RenderOptions
from tcmcheck.spec import load_builtin, resolve_plan

EXAMPLES = Path(__file__).parent.parent / "examples"
AS_OF = date(2024, 12, 31)


@pytest.fixture
def province(tmp_path):
    """Every example several times over, a file for two plans, and files that can't be checked."""
    for copy in range(3):
        for example in sorted(EXAMPLES.glob("*.csv")):
            shutil.copy(example, tmp_path / f"{example.stem}-{copy}.csv")
    (tmp_path / "mixed.csv").write_text(
        "plan,indicator,period,value\n柳州,public-tcm-hospital-beds-per-1000,2024,0.5\nyiwu,public-tcm-hospital-beds-per-1000,2024,0.5\n", "utf-8")
    (tmp_path / "jiangmen-broken.csv").write_text("indicator,period,value\nnope,2024,1\n", "utf-8")
    (tmp_path / "unnamed.csv").write_text("indicator,period,value\nx,2024,1\n", "utf-8")
    (tmp_path / "sample-a.csv").write_text((DATA / "sample.csv").read_text("utf-8"), "utf-8")
    return tmp_path


def check(directory, jobs, on_file=None, on_outcome=None, prepare=None, **options):
    return summarise([str(directory)], SummaryOptions(AS_OF, jobs=jobs, **options), on_file, on_outcome, prepare)


def same(one, many):
    assert [(o.source, o.plan_id) for o in many.outcomes] == [(o.source, o.plan_id) for o in one.outcomes]
    for single, parallel in zip(one.outcomes, many.outcomes):
        assert parallel.result == single.result
        assert (type(parallel.error), str(parallel.error)) == (type(single.error), str(single.error))
    for fmt in ("json", "csv", "junit", "github", "plain"):
        assert formatter(fmt, RenderOptions()).summary(many) == formatter(fmt, RenderOptions()).summary(one)


@pytest.mark.parametrize("jobs", [2, 3, 7])
def test_many_processes_give_the_outcomes_of_one(province, jobs):
    one = check(province, 1)
    assert len(one.outcomes) == 3 * len(list(EXAMPLES.glob("*.csv"))) + 5 and one.error_count == 3
    same(one, check(province, jobs))


def test_many_processes_give_the_outcomes_of_one_when_strict(province):
    one = check(province, 1, strict=True)
    assert any(o.error and o.error.problems[0].code == "csv-period-after-as-of" for o in one.outcomes)
    same(one, check(province, 2, strict=True))


def test_many_processes_give_the_outcomes_of_one_with_a_plan_file(tmp_path):
    for number in range(8):
        (tmp_path / f"county-{number}.csv").write_text((DATA / "sample.csv").read_text("utf-8"), "utf-8")
    options = {"default_plan": resolve_plan(str(DATA / "sample.yaml"))}
    one = check(tmp_path, 1, **options)
    assert [o.plan_id for o in one.outcomes] == ["sample"] * 8
    same(one, check(tmp_path, 3, **options))


def test_a_failed_child_has_its_files_checked_by_the_parent(province, monkeypatch):
    one = check(province, 1)

    def broken(outcome, known):
        raise RuntimeError("a child fails")

    monkeypatch.setattr(workers, "_pack", broken)
    same(one, check(province, 3))


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_for_every_file_in_order_of_completion(province, jobs):
    files = sorted(str(path) for path in province.glob("*.csv"))
    seen = []
    check(province, jobs, on_file=lambda done, total, path: seen.append((done, total, path)))
    assert [(done, total) for done, total, _ in seen] == [(done, len(files)) for done in range(1, len(files) + 1)]
    assert sorted(path for _, _, path in seen) == files


def test_process_count():
    assert workers.process_count(None, 10) == 1
    assert workers.process_count(3, 2) == 2
    assert workers.process_count(1, 1000) == 1
    assert workers.process_count(4, 1000) == 4
    assert 1 <= workers.process_count(None, 1000) <= 1000 // workers.MIN_FILES_PER_PROCESS
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert workers.process_count(4, 1000) == 1
    finally:
        release.set()
        thread.join()


def test_chunks_are_small_and_few_enough_to_queue():
    assert workers.chunk_size(100, 2) == 1
    assert workers.chunk_size(1000, 2) == 15
    assert workers.chunk_size(10**6, 8) == 977
    for files, processes in [(1, 2), (64, 2), (5000, 4), (10**6, 2)]:
        size = workers.chunk_size(files, processes)
        assert 1 <= size and -(-files // size) <= workers.MAX_CHUNKS


def test_a_child_that_dies_mid_way_leaves_its_chunks_to_the_others(province, monkeypatch):
    one = check(province, 1)
    calls = []

    def dies_on_its_second_file(outcome, known):
        calls.append(outcome)
        if len(calls) == 2:
            os._exit(3)
        return real(outcome, known)

    real = workers._pack
    monkeypatch.setattr(workers, "_pack", dies_on_its_second_file)
    same(one, check(province, 3))


def test_errors_survive_pickling():
    error = ActualsError(Problem("csv-syntax", "csv", "a.csv", 3, 1, "value", reason="bad"),
                         Problem("csv-empty", "file"), omitted=4)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ActualsError and copy.problems == error.problems and copy.omitted == 4
    assert str(copy) == str(error)


def test_summary_jobs_option(province):
    def output(*extra):
        result = CliRunner().invoke(main, ["summary", str(province), "--as-of", "2024-12-31", "--format", "json", *extra])
        return result.exit_code, result.stdout, result.stderr

    one = output("--jobs", "1")
    assert one[0] == 2 and json.loads(one[1])["errors"] == 3
    assert output("--jobs", "3") == one
    refused = output("--jobs", "0")
    assert refused[0] == 2 and "--jobs" in refused[2] and not refused[1]


def test_an_interrupted_parent_ends_its_children(province, monkeypatch):
    import tcmcheck.batch as batch

    children = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    real_check = batch._check_file

    def interrupted(path, *args):
        if os.getpid() == parent:
            raise KeyboardInterrupt
        return real_check(path, *args)

    parent = os.getpid()
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(batch, "_check_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check(province, 3)
    assert len(children) == 2
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_when_no_process_can_be_forked_the_parent_checks_every_file(province, monkeypatch):
    one = check(province, 1)

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    same(one, check(province, 3))


def test_a_plan_that_cannot_be_loaded_is_an_error_row_for_each_file_naming_it(province):
    from tcmcheck.errors import PlanError

    def resolve(reference):
        if reference == "yiwu":
            raise PlanError(Problem("plan-unreadable", "os", "plans/yiwu.yaml", reason="damaged"))
        return load_builtin(reference)

    one = check(province, 1, resolve=resolve)
    damaged = sorted(Path(o.source).name for o in one.outcomes if o.error and "damaged" in str(o.error))
    assert damaged == ["mixed.csv", "yiwu-2025-0.csv", "yiwu-2025-1.csv", "yiwu-2025-2.csv"]
    assert len(one.outcomes) == len(list(province.iterdir()))
    same(one, check(province, 3, resolve=resolve))


@pytest.mark.parametrize("jobs", [1, 3])
def test_every_outcome_is_handed_on_once_with_what_its_checking_process_prepared(province, jobs):
    parent = os.getpid()

    def prepare(outcome):
        if os.getpid() == parent:
            time.sleep(0.02)  # so that the children take chunks while the parent is busy
        return os.getpid(), outcome.source, outcome.plan_id

    seen = []
    summary = check(province, jobs, on_outcome=lambda outcome, entry: seen.append((outcome, entry)), prepare=prepare)
    assert sorted(id(outcome) for outcome, _ in seen) == sorted(map(id, summary.outcomes))
    assert all(entry[1:] == (outcome.source, outcome.plan_id) for outcome, entry in seen)
    processes = {entry[0] for _, entry in seen}
    assert parent in processes
    assert len(processes) > 1 if jobs > 1 else processes == {parent}


@pytest.mark.parametrize("fmt", ["json", "html"])
@pytest.mark.parametrize("jobs", [1, 3])
def test_summary_entries_prepared_ahead_are_the_entries_written_at_the_end(province, fmt, jobs):
    summary = check(province, 1)
    plain = formatter(fmt, RenderOptions()).summary(summary)
    ahead = formatter(fmt, RenderOptions())
    checked = check(province, jobs, on_outcome=ahead.file_checked, prepare=ahead.file_entry)
    assert ahead.summary(checked) == plain
    late = formatter(fmt, RenderOptions())
    for outcome in summary.outcomes[::2]:
        late.file_checked(outcome, late.file_entry(outcome))
    stale = check(province, 1).outcomes[0]  # from a run that is never rendered
    late.file_checked(stale, late.file_entry(stale))
    assert late.summary(summary) == plain
    other = formatter(fmt, RenderOptions())
    assert other.summary(summary) == plain  # nothing carried over from the run before
