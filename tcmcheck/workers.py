"""Check many files in forked processes. The files are cut into chunks; the parent and its children
take chunk numbers from one pipe until it is empty, so a process that runs slower takes fewer chunks.
Each child sends every chunk's outcomes back as it finishes them, as plain tuples that name the plan
by the identity it has in both processes: the plans are loaded before the fork, so a child's plan
objects are the parent's. With them go the output format's entries for those outcomes, worked out in
the child. The parent reads and rebuilds them between chunks of its own."""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence

from tcmcheck.model import Plan
from tcmcheck.output import interrupts_held
from tcmcheck.result import STATUSES, IndicatorResult, Message, Outcome, Report, Result

MIN_FILES_PER_PROCESS = 50
RESULTS_PIPE_BYTES = 1 << 20
MAX_CHUNKS = 1024
"""Chunk numbers take 4 bytes each and all wait in the queue pipe at once: 4 KiB, one page, always fits."""

_STATUS_BY_VALUE = {status.value: status for status in STATUSES}
_NUMBER = 4


def process_count(requested: int | None, files: int) -> int:
    """`requested` processes (at most one a file), or by default one per CPU with at least
    MIN_FILES_PER_PROCESS files each. One where fork is unavailable or unsafe: on Windows, on macOS,
    and once threads run."""
    threading = sys.modules.get("threading")
    if not hasattr(os, "fork") or sys.platform == "darwin" or (threading and threading.active_count() > 1):
        return 1
    if requested is not None:
        return max(1, min(requested, files))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, files // MIN_FILES_PER_PROCESS))


def chunk_size(files: int, processes: int) -> int:
    """About 32 chunks a process, of at most 16 files (a few milliseconds of work), and at most MAX_CHUNKS."""
    return max(1, min(16, files // (processes * 32)), -(-files // MAX_CHUNKS))


def check_in_processes(files: list[str], check: Callable[[str], list[Outcome]], processes: int,
                       plans: list[Plan], on_file: Callable[[int, int, str], None] | None,
                       on_outcome: Callable[[Outcome, object], None] | None = None,
                       prepare: Callable[[Outcome], object] | None = None) -> list[Outcome]:
    """The outcomes of `check` for every file, in file order. `prepare(outcome)` runs in the process
    that checked the file; `on_outcome(outcome, prepared)` in this one."""
    size = chunk_size(len(files), processes)
    chunks = [files[start:start + size] for start in range(0, len(files), size)]
    known = {id(plan): plan for plan in plans}
    done: dict[int, list[Outcome]] = {}
    reported = 0

    def checked(index: int) -> tuple[list[Outcome], list[object]]:
        outcomes = [outcome for path in chunks[index] for outcome in check(path)]
        return outcomes, [prepare(outcome) for outcome in outcomes] if prepare is not None else [None] * len(outcomes)

    def finished(index: int, outcomes: list[Outcome], entries: list[object]) -> None:
        nonlocal reported
        done[index] = outcomes
        if on_outcome is not None:
            for outcome, entry in zip(outcomes, entries):
                on_outcome(outcome, entry)
        for path in chunks[index]:
            reported += 1
            if on_file is not None:
                on_file(reported, len(files), path)

    queue, filler = os.pipe()
    os.write(filler, b"".join(index.to_bytes(_NUMBER, "little") for index in range(len(chunks))))
    os.close(filler)
    children: list[_Child] = []
    try:
        for _ in range(processes - 1):
            results, writer = os.pipe()
            _widen(writer)
            with interrupts_held():  # so that every child forked is in `children` before Ctrl-C is seen
                try:
                    pid = os.fork()
                except OSError:
                    os.close(results)
                    os.close(writer)
                    break
                if pid == 0:
                    signal.signal(signal.SIGINT, _end_child)
                else:
                    os.close(writer)
                    children.append(_Child(pid, results))
            if pid == 0:
                os.close(results)
                _work_as_child(queue, checked, known, writer)
        while (index := _take(queue)) is not None:
            finished(index, *checked(index))
            for child in children:
                child.receive(known, finished, wait=False)
        for child in children:
            child.receive(known, finished, wait=True)
        children.clear()
    finally:
        os.close(queue)
        with interrupts_held():
            for child in children:
                child.stop()
    for index in range(len(chunks)):
        if index not in done:
            finished(index, *checked(index))
    return [outcome for index in range(len(chunks)) for outcome in done[index]]


def _end_child(signum, frame) -> None:
    """Ctrl-C reaches every process of the terminal's group: a child just ends, quietly; the parent
    stops the others and the run."""
    os._exit(130)


def _widen(pipe: int) -> None:
    """Let a pipe hold RESULTS_PIPE_BYTES where Linux allows it, so that a child seldom waits for the
    parent to read: a chunk's entries (a format's text for each file) can pass the default 64 KiB."""
    try:
        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ"), RESULTS_PIPE_BYTES)
    except (AttributeError, OSError):
        pass


def _take(queue: int) -> int | None:
    """The next chunk number, or None when every chunk is taken."""
    number = os.read(queue, _NUMBER)
    return int.from_bytes(number, "little") if number else None


class _Child:
    """A child process and the pipe its packed chunks come back on: a 4-byte length, then a pickle.
    `results` is -1 once the pipe is closed and the child reaped."""

    def __init__(self, pid: int, results: int):
        self.pid, self.results = pid, results
        self.buffer = bytearray()
        os.set_blocking(results, False)

    def receive(self, known: dict[int, Plan], finished: Callable[[int, list[Outcome], list[object]], None],
                wait: bool) -> None:
        """Rebuild the chunks that have arrived; with `wait`, read to the end and reap the child. A chunk
        that never arrives whole (the child failed) is left for the parent to check."""
        if self.results < 0:
            return
        if wait:
            os.set_blocking(self.results, True)
        while True:
            try:
                data = os.read(self.results, 1 << 20)
            except BlockingIOError:
                break
            if not data:
                os.close(self.results)
                self.results = -1
                os.waitpid(self.pid, 0)
                break
            self.buffer += data
            start = 0
            while len(self.buffer) - start >= _NUMBER:
                end = start + _NUMBER + int.from_bytes(self.buffer[start:start + _NUMBER], "little")
                if len(self.buffer) < end:
                    break
                index, packed, entries = pickle.loads(self.buffer[start + _NUMBER:end])
                finished(index, [_unpack(outcome, known) for outcome in packed], entries)
                start = end
            del self.buffer[:start]

    def stop(self) -> None:
        """End a child that has not finished (the parent is failing or interrupted)."""
        if self.results < 0:
            return
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.results)
        self.results = -1


def _work_as_child(queue: int, checked: Callable[[int], tuple[list[Outcome], list[object]]],
                   known: dict[int, Plan], writer: int):
    """Take chunks until none are left, writing each one's packed outcomes and entries to `writer`,
    then exit."""
    status = 1
    try:
        with os.fdopen(writer, "wb") as stream:
            while (index := _take(queue)) is not None:
                outcomes, entries = checked(index)
                packed = [_pack(outcome, known) for outcome in outcomes]
                frame = pickle.dumps((index, packed, entries), protocol=pickle.HIGHEST_PROTOCOL)
                stream.write(len(frame).to_bytes(_NUMBER, "little") + frame)
                stream.flush()
        status = 0
    finally:
        os._exit(status)


def _pack(outcome: Outcome, known: dict[int, Plan]) -> tuple:
    result = outcome.result
    if result is None or result.regions or result.placeholders or known.get(id(result.plan)) is not result.plan:
        return (outcome,)
    items = []
    for indicator, item in zip(result.plan.indicators, result.indicators):
        if item.indicator is not indicator or item.history:
            return (outcome,)
        report = item.actual
        items.append((item.status._value_, item.detail.key, item.detail.params,
                      None if report is None else (report.period, report.value, report.line), item.progress,
                      item.late))
    return outcome.source, outcome.plan_id, id(result.plan), result.as_of, result.source, items, result.warnings


def _unpack(packed: tuple, known: dict[int, Plan]) -> Outcome:
    if len(packed) == 1:
        return packed[0]
    source, plan_id, plan_key, as_of, result_source, items, warnings = packed
    result = Result(known[plan_key], as_of, result_source, _Rebuilt(known[plan_key], items), warnings)
    counts = dict.fromkeys(STATUSES, 0)
    for item in items:
        counts[_STATUS_BY_VALUE[item[0]]] += 1
    result.__dict__["summary"] = counts  # Result.summary, known without rebuilding the indicators
    return Outcome(source, plan_id, result=result)


class _Rebuilt(Sequence):
    """A child's indicator results, rebuilt when first read: a format that worked out its entries in the
    child (json, html) reads only the counts, which come with them."""

    __slots__ = ("_plan", "_items", "_built")

    def __init__(self, plan: Plan, items: list[tuple]):
        self._plan, self._items, self._built = plan, items, None

    def _all(self) -> tuple[IndicatorResult, ...]:
        if self._built is None:
            statuses = _STATUS_BY_VALUE
            self._built = tuple(
                IndicatorResult(indicator, statuses[status], Message(key, params),
                                None if report is None else Report(indicator.id, *report), progress, late)
                for indicator, (status, key, params, report, progress, late) in zip(self._plan.indicators,
                                                                                     self._items))
            self._plan = self._items = None
        return self._built

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and self._all() == tuple(other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __reduce__(self):
        return tuple, (self._all(),)
