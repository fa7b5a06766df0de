"""The installed console script as a process: failed writes to standard output, an encoding that
can't hold the text, and Ctrl-C wherever it lands."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA

from tcmcheck.spec import load_builtin

TCMCHECK = str(Path(sys.executable).with_name("tcmcheck"))
SAMPLE_PLAN = str(DATA / "sample.yaml")
SAMPLE_CSV = str(DATA / "sample.csv")
STATUS = ("status", SAMPLE_PLAN, SAMPLE_CSV, "--as-of", "2024-12-31", "--format", "json")
IMPORT_TIME = re.compile(rb"^import time:.*\n", re.MULTILINE)

pytestmark = pytest.mark.skipif(not Path(TCMCHECK).exists() or sys.platform == "win32",
                                reason="needs the installed console script on a POSIX system")


def tcmcheck(*args, env=None, **options):
    return subprocess.run([TCMCHECK, *map(str, args)], capture_output=options.pop("capture", True),
                          env={**os.environ, **(env or {})}, **options)


@pytest.mark.parametrize("args", [("show", "liuzhou"), STATUS])
def test_a_full_disk_is_one_line_on_stderr_and_exit_2(args):
    with open("/dev/full", "w") as full:
        finished = tcmcheck(*args, stdout=full, capture=False, stderr=subprocess.PIPE)
    assert finished.returncode == 2
    assert finished.stderr.decode().splitlines() == ["<stdout>: output-unwritable: No space left on device"]


@pytest.mark.parametrize("args", [("show", "liuzhou"), ("plans",), STATUS])
def test_a_closed_stdout_is_one_line_on_stderr_and_exit_2(args):
    finished = tcmcheck(*args, stdout=subprocess.DEVNULL, capture=False, stderr=subprocess.PIPE,
                        preexec_fn=lambda: os.close(1))
    assert finished.returncode == 2
    assert finished.stderr.decode().splitlines() == ["<stdout>: output-unwritable: standard output is closed"]


def test_a_closed_stdout_does_not_matter_when_the_report_goes_to_a_file(tmp_path):
    finished = tcmcheck(*STATUS, "-o", tmp_path / "report.json", stdout=subprocess.DEVNULL, capture=False,
                        stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert finished.returncode == 1 and finished.stderr == b""
    assert json.loads((tmp_path / "report.json").read_text("utf-8"))["plan"]["id"] == "sample"


@pytest.mark.parametrize("args", [("show", "liuzhou"), ("summary", SAMPLE_CSV, "--plan", SAMPLE_PLAN), STATUS])
def test_a_pipe_closed_before_anything_is_written_ends_quietly_with_141(args):
    process = subprocess.Popen([TCMCHECK, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait() == 141 and stderr == b""


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_goes_away_mid_way_ends_the_run_quietly_with_141(tmp_path, unbuffered):
    """As `tcmcheck summary subs/ --format junit | head -1`: the report is larger than a pipe holds."""
    files = submissions(tmp_path / "subs", 30)
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    process = subprocess.Popen([TCMCHECK, "summary", str(files), "--as-of", "2024-12-31", "--format", "junit"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.read(40).startswith(b"<?xml")
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait() == 141 and stderr == b""


def test_text_the_output_encoding_cannot_hold_is_written_as_an_escape():
    finished = tcmcheck("show", "liuzhou", env={"PYTHONIOENCODING": "gbk"})
    assert finished.returncode == 0 and finished.stderr == b""
    text = finished.stdout.decode("gbk")
    assert "柳州市" in text and "\\u2031" in text and "‱" not in text
    assert "‱" in tcmcheck("show", "liuzhou", env={"PYTHONIOENCODING": "utf-8"}).stdout.decode("utf-8")


# Ctrl-C. A terminal sends SIGINT to every process of the foreground group, so the tests do too. Before
# the console script's first module has run, the interrupt falls into Python's own start-up, which
# tcmcheck can't handle; `PYTHONPROFILEIMPORTTIME` makes the process say when that module is in place.

def submissions(directory: Path, count: int) -> Path:
    """`count` copies of a submission with a row for every indicator of the built-in Jiangmen plan."""
    plan = load_builtin("jiangmen")
    values = {"number": "1", "yes_no": "no"}
    rows = [f"{i.id},2024,{values.get(i.value_type) or i.scale.levels[0]}" for i in plan.indicators]
    data = "\n".join(["indicator,period,value", *rows, ""]).encode()
    directory.mkdir()
    for number in range(count):
        (directory / f"jiangmen-{number:04d}.csv").write_bytes(data)
    return directory


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return submissions(tmp_path_factory.mktemp("many") / "in", 500)


def start(args):
    """A process running tcmcheck in a session of its own, once its entry module has run; and what it
    has written to stderr so far."""
    process = subprocess.Popen([TCMCHECK, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}, start_new_session=True)
    seen = b""
    while not re.search(rb"\| +tcmcheck\.console\n", seen):
        chunk = os.read(process.stderr.fileno(), 65536)
        assert chunk, seen.decode(errors="replace")
        seen += chunk
    return process, seen


def interrupted(process, seen, to_group=True):
    """Send SIGINT; the exit code and stderr (less the import times) of the process."""
    if to_group:
        with contextlib.suppress(ProcessLookupError):  # the run may have just ended
            os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    process.stderr.close()
    code = process.wait()
    return code, IMPORT_TIME.sub(b"", seen + rest).decode(errors="replace")


def still_running(process):
    if process.poll() is not None:
        pytest.skip("the run was over before the interrupt (a faster machine?)")


def assert_nothing_left(process, output: Path):
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker process outlived the run
    assert [p.name for p in output.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("delay", [0, 0.005, 0.02, 0.06, 0.12, 0.25])
def test_ctrl_c_anywhere_exits_130_without_a_traceback_a_temporary_file_or_a_worker(many, tmp_path, delay):
    output = tmp_path / "out"
    output.mkdir()
    process, seen = start(["summary", many, "--as-of", "2024-12-31", "--format", "json", "--jobs", "2",
                           "-o", output / "report.json"])
    time.sleep(delay)
    still_running(process)
    code, stderr = interrupted(process, seen)
    assert code == 130, stderr
    assert stderr.strip() == ""
    assert_nothing_left(process, output)


def group(pgid: int) -> list[int]:
    """The processes of a process group."""
    members = []
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            members.append(int(entry))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("to_group", [True, False])
def test_ctrl_c_while_workers_run_stops_them_all(many, tmp_path, to_group):
    process, seen = start(["summary", many, "--as-of", "2024-12-31", "--format", "json", "--jobs", "2"])
    while len(group(process.pid)) < 2:
        still_running(process)
        time.sleep(0.002)
    code, stderr = interrupted(process, seen, to_group)
    assert code == 130 and stderr.strip() == ""
    assert_nothing_left(process, tmp_path)


def test_ctrl_c_while_the_report_is_written_leaves_no_temporary_file(tmp_path):
    """The signal is sent as soon as the temporary report appears; the run is tried again when it
    ended before the signal came."""
    files = submissions(tmp_path / "in", 200)
    output = tmp_path / "out"
    output.mkdir()
    for _ in range(6):
        process, seen = start(["summary", files, "--as-of", "2024-12-31", "--format", "junit",
                               "-o", output / "report.xml"])
        while process.poll() is None and not any(p.name.endswith(".tmp") for p in output.iterdir()):
            pass
        code, stderr = interrupted(process, seen)
        assert "Traceback" not in stderr
        assert_nothing_left(process, output)
        if code != 1:  # 1: the run was over before the interrupt
            assert code == 130, stderr
            return
        (output / "report.xml").unlink()
    pytest.fail("every run ended before it was interrupted")
