"""Check many files in forked processes. Each child checks a contiguous share of the files and sends
its outcomes back as plain tuples that name the plan by the identity it has in both processes: the
plans are loaded before the fork, so a child's plan objects are the parent's."""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Callable

from tcmcheck.actuals import Report
from tcmcheck.batch import Outcome
from tcmcheck.model import Plan
from tcmcheck.periods import parse_period
from tcmcheck.result import STATUSES, IndicatorResult, Message, Result

MIN_FILES_PER_PROCESS = 50
PACKING = 0.15
_STATUS_BY_VALUE = {status.value: status for status in STATUSES}


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


def check_in_processes(files: list[str], check: Callable[[str], list[Outcome]], processes: int,
                       plans: list[Plan], on_file: Callable[[int, int, str], None] | None) -> list[Outcome]:
    """The outcomes of `check` for every file, in file order; the parent checks the first share."""
    shares = _shares(files, processes)
    known = {id(plan): plan for plan in plans}
    children: list[tuple[int, int, list[str]]] = []
    done = 0

    def report(path: str) -> None:
        nonlocal done
        done += 1
        if on_file is not None:
            on_file(done, len(files), path)

    try:
        for share in shares[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _child(share, check, known, write_end)
            os.close(write_end)
            children.append((pid, read_end, share))
        outcomes: list[Outcome] = []
        for path in shares[0]:
            outcomes.extend(check(path))
            report(path)
        while children:
            pid, read_end, share = children[0]
            with os.fdopen(read_end, "rb") as stream:
                data = stream.read()
            _, status = os.waitpid(pid, 0)
            children.pop(0)
            if status == 0 and data:
                outcomes.extend(_unpack(packed, known) for packed in pickle.loads(data))
                for path in share:
                    report(path)
            else:
                for path in share:
                    outcomes.extend(check(path))
                    report(path)
        return outcomes
    finally:
        for pid, read_end, _ in children:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            os.close(read_end)


def _shares(files: list[str], processes: int) -> list[list[str]]:
    """Contiguous shares of about equal work, measured in bytes. The parent's share is larger by the
    time a child spends packing its outcomes, which is about PACKING of the time it spends checking."""
    sizes = []
    for path in files:
        try:
            sizes.append(os.path.getsize(path))
        except OSError:
            sizes.append(0)
    total = sum(sizes) or 1
    first = total * (1 + PACKING) / (processes + PACKING)
    rest = (total - first) / (processes - 1)
    shares: list[list[str]] = [[]]
    done = 0
    bound = first
    for path, size in zip(files, sizes):
        if done >= bound and len(shares) < processes:
            shares.append([])
            bound += rest
        shares[-1].append(path)
        done += size
    return shares


def _child(share: list[str], check: Callable[[str], list[Outcome]], known: dict[int, Plan], write_end: int):
    """Check `share`, write the packed outcomes to `write_end` and exit: 0 when all were written. On
    any failure the parent checks the share itself."""
    status = 1
    try:
        packed = [_pack(outcome, known) for path in share for outcome in check(path)]
        with os.fdopen(write_end, "wb") as stream:
            stream.write(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)


def _pack(outcome: Outcome, known: dict[int, Plan]) -> tuple:
    result = outcome.result
    if result is None or known.get(id(result.plan)) is not result.plan:
        return (outcome,)
    items = []
    for indicator, item in zip(result.plan.indicators, result.indicators):
        if item.indicator is not indicator:
            return (outcome,)
        report = item.actual
        items.append((item.status._value_, item.detail.key, item.detail.params,
                      None if report is None else (report.period.label, report.value, report.line), item.progress))
    return outcome.source, outcome.plan_id, id(result.plan), result.as_of, result.source, items, result.warnings


def _unpack(packed: tuple, known: dict[int, Plan]) -> Outcome:
    if len(packed) == 1:
        return packed[0]
    source, plan_id, plan_key, as_of, result_source, items, warnings = packed
    plan = known[plan_key]
    statuses = _STATUS_BY_VALUE
    indicators = tuple(
        IndicatorResult(indicator, statuses[status], Message(key, params),
                        None if report is None else Report(indicator.id, parse_period(report[0]), report[1], report[2]),
                        progress)
        for indicator, (status, key, params, report, progress) in zip(plan.indicators, items))
    return Outcome(source, plan_id, result=Result(plan, as_of, result_source, indicators, warnings))
