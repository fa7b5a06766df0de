"""Benchmark tcmcheck against floors measured in the same run on the same machine.

    python benchmarks/run.py [--runs 5] [--only W1,W2,W3,W5,W6,W7,W8,W9] [--jobs N]

Generates its own inputs in a temporary directory, runs each workload and its floor as new processes
several times, taking turns, and prints the median of tcmcheck, the median of its floor, their ratio,
and the peak resident set size of the tcmcheck process (for W3, the largest of its processes).
Targets: W1 <= 0.75, W2 <= 2.0 (and < 100 MiB), W3 <= 3.0, W5 <= 1.6. W3 runs `summary` as a user would, in one
process per CPU; --jobs N passes --jobs N to it (--jobs 1: a single process). W5 is W2's submission as an
.xlsx workbook (written with XlsxWriter: dates as date cells, numbers as numbers), against python-calamine
reading the same sheet to Python values plus float() on the value column. W6 and W7 are the html report
against the json one on the same input: W6 `status` on W2's submission, W7 `summary` on W3's files; each
<= 1.3. W9 is the xlsx report of `summary` on W3's files, written with -o, against the json one: <= 2.0.
W8 is a regional submission: every Jiangmen indicator for every week 2021-2025, for the city and each of its
seven divisions (about 165,000 rows), `status --format json`, against W2's floor on that file: <= 2.5.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"W1": 0.75, "W2": 2.0, "W3": 3.0, "W5": 1.6, "W6": 1.3, "W7": 1.3, "W8": 2.5, "W9": 2.0}
MEMORY_TARGET_MIB = {"W2": 100}


def tcmcheck_command() -> list[str]:
    script = Path(sys.executable).with_name("tcmcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tcmcheck"]


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one new process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def measure(command: list[str], floor: list[str], runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(median time, peak RSS) of `command` and of `floor`, their runs taking turns so that both see the
    machine in the same state."""
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(run_once(command))
        theirs.append(run_once(floor))
    return _median_and_peak(ours), _median_and_peak(theirs)


def _median_and_peak(results: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def plans():
    from tcmcheck.spec import builtin_plans

    return builtin_plans()


def sample_value(indicator, step: int, steps: int):
    kind = indicator.kind
    if kind == "grade":
        levels = indicator.scale.levels
        return levels[min(len(levels) - 1, step * len(levels) // steps)]
    if kind == "milestone":
        return "yes" if step > steps * 3 // 4 else "no"
    final = indicator.final
    if kind == "relative":
        target = final.factor * 10
    else:
        target = final.low if final.low is not None else final.value
    value = target * (0.5 + 0.6 * step / steps)
    return f"{min(value, 100.0) if indicator.unit == 'percent' else value:.2f}"


def write_big_submission(path: Path, plan) -> int:
    first, last = date(2021, 1, 1), date(2025, 12, 31)
    days = (last - first).days + 1
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(("indicator", "period", "value"))
        for offset in range(days):
            day = (first + timedelta(days=offset)).isoformat()
            for indicator in plan.indicators:
                writer.writerow((indicator.id, day, sample_value(indicator, offset, days)))
                rows += 1
    return rows


def write_regional_submission(path: Path, plan) -> int:
    """Every indicator of `plan` for every week 2021-2025, for each of its regions and the city: the
    region column last, so that the floor reads the value where it reads W2's."""
    first, last = date(2021, 1, 3), date(2025, 12, 31)
    weeks = (last - first).days // 7 + 1
    places = ["", *(region.zh for region in plan.regions)]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(("indicator", "period", "value", "region"))
        for week in range(weeks):
            day = (first + timedelta(days=7 * week)).isoformat()
            for indicator in plan.indicators:
                value = sample_value(indicator, week, weeks)
                for place in places:
                    writer.writerow((indicator.id, day, value, place))
                    rows += 1
    return rows


def write_big_workbook(path: Path, plan) -> int:
    """W2's submission as a workbook: the period a date cell, a number a number cell."""
    import xlsxwriter

    first, last = date(2021, 1, 1), date(2025, 12, 31)
    days = (last - first).days + 1
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("data")
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ("indicator", "period", "value"))
    row = 0
    for offset in range(days):
        day = datetime.combine(first + timedelta(days=offset), datetime.min.time())
        for indicator in plan.indicators:
            row += 1
            value = sample_value(indicator, offset, days)
            sheet.write_string(row, 0, indicator.id)
            sheet.write_datetime(row, 1, day, day_format)
            if indicator.kind in ("grade", "milestone"):
                sheet.write_string(row, 2, value)
            else:
                sheet.write_number(row, 2, float(value))
    book.close()
    return row


def write_many_submissions(directory: Path, all_plans, per_plan: int) -> int:
    periods = ("2023", "2024Q1", "2024Q2", "2024Q3", "2024")
    files = 0
    for plan in all_plans:
        for number in range(per_plan):
            with (directory / f"{plan.id}-{number:04d}.csv").open("w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(("indicator", "period", "value"))
                for step, period in enumerate(periods):
                    for indicator in plan.indicators:
                        writer.writerow((indicator.id, period, sample_value(indicator, step + number % 3, 8)))
            files += 1
    return files


FLOOR_IMPORTS = "import click, yaml, jsonschema, rich.console, rich.table, tabulate"
FLOOR_BIG = """
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = csv.reader(f)
    next(rows)
    for row in rows:
        try:
            float(row[2])
        except ValueError:
            pass
"""
FLOOR_WORKBOOK = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
for row in rows[1:]:
    try:
        float(row[2])
    except ValueError:
        pass
"""
FLOOR_MANY = """
import csv, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):
    with path.open(newline='', encoding='utf-8') as f:
        for row in csv.reader(f):
            pass
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="W1,W2,W3,W5,W6,W7,W8,W9")
    parser.add_argument("--per-plan", type=int, default=200, help="W3 submissions per plan")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to summary in W3")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    tcmcheck = tcmcheck_command()
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="tcmcheck-bench-"))
    rows = []
    try:
        all_plans = plans()
        jiangmen = next(p for p in all_plans if p.id == "jiangmen")

        def many_files() -> Path:
            """W3's files, written once for every workload that reads them."""
            many = work / "many"
            if not many.exists():
                many.mkdir()
                write_many_submissions(many, all_plans, args.per_plan)
            return many
        if "W1" in wanted:
            example = ROOT / "examples" / "jiangmen-2024.csv"
            ours, floor = measure([*tcmcheck, "status", "jiangmen", str(example), "--as-of", "2024-12-31", "--format", "json"],
                                  [python, "-c", FLOOR_IMPORTS], args.runs)
            rows.append(("W1 cold start", "status jiangmen example --format json", ours, floor, "W1"))
        if "W2" in wanted:
            big = work / "jiangmen-daily.csv"
            count = write_big_submission(big, jiangmen)
            ours, floor = measure([*tcmcheck, "status", "jiangmen", str(big), "--as-of", "2025-12-31", "--format", "json"],
                                  [python, "-c", FLOOR_BIG, str(big)], args.runs)
            rows.append(("W2 big submission", f"{count:,} rows, status --format json", ours, floor, "W2"))
        if "W8" in wanted:
            regional = work / "jiangmen-regions-weekly.csv"
            count = write_regional_submission(regional, jiangmen)
            ours, floor = measure([*tcmcheck, "status", "jiangmen", str(regional), "--as-of", "2025-12-31", "--format",
                                   "json"], [python, "-c", FLOOR_BIG, str(regional)], args.runs)
            rows.append(("W8 regions", f"{count:,} rows, 7 regions and the city, status --format json", ours, floor,
                         "W8"))
        if "W5" in wanted:
            book = work / "jiangmen-daily.xlsx"
            count = write_big_workbook(book, jiangmen)
            ours, floor = measure([*tcmcheck, "status", "jiangmen", str(book), "--as-of", "2025-12-31", "--format", "json"],
                                  [python, "-c", FLOOR_WORKBOOK, str(book)], args.runs)
            rows.append(("W5 big workbook", f"{count:,} rows in .xlsx, status --format json", ours, floor, "W5"))
        if "W3" in wanted:
            many = many_files()
            count = len(list(many.iterdir()))
            jobs = ["--jobs", str(args.jobs)] if args.jobs else []
            ours, floor = measure([*tcmcheck, "summary", str(many), "--as-of", "2024-12-31", "--format", "json", *jobs],
                                  [python, "-c", FLOOR_MANY, str(many)], args.runs)
            rows.append(("W3 many files", f"{count:,} files, summary --format json {' '.join(jobs)}".rstrip(),
                         ours, floor, "W3"))
        if "W6" in wanted:
            big = work / "jiangmen-daily.csv"
            if not big.exists():
                write_big_submission(big, jiangmen)
            command = [*tcmcheck, "status", "jiangmen", str(big), "--as-of", "2025-12-31", "--format"]
            ours, floor = measure([*command, "html"], [*command, "json"], args.runs)
            rows.append(("W6 html status", "W2's submission, --format html vs json", ours, floor, "W6"))
        if "W7" in wanted:
            many = many_files()
            jobs = ["--jobs", str(args.jobs)] if args.jobs else []
            command = [*tcmcheck, "summary", str(many), "--as-of", "2024-12-31", *jobs, "--format"]
            ours, floor = measure([*command, "html"], [*command, "json"], args.runs)
            rows.append(("W7 html summary", "W3's files, --format html vs json", ours, floor, "W7"))
        if "W9" in wanted:
            many = many_files()
            jobs = ["--jobs", str(args.jobs)] if args.jobs else []
            command = [*tcmcheck, "summary", str(many), "--as-of", "2024-12-31", *jobs, "--format"]
            ours, floor = measure([*command, "xlsx", "-o", str(work / "report.xlsx")], [*command, "json"], args.runs)
            rows.append(("W9 xlsx summary", "W3's files, --format xlsx -o vs json", ours, floor, "W9"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"tcmcheck benchmark: median of {args.runs} runs each, as new processes, on this machine ({cpus} CPUs)")
    print(f"{'workload':20} {'what':42} {'tcmcheck':>9} {'floor':>9} {'ratio':>6} {'target':>7} {'peak RSS':>9}")
    failed = False
    for name, what, (ours, rss), (floor, _), key in rows:
        ratio = ours / floor
        ok = ratio <= TARGETS[key] and rss < MEMORY_TARGET_MIB.get(key, float("inf"))
        failed |= not ok
        memory = f" (< {MEMORY_TARGET_MIB[key]})" if key in MEMORY_TARGET_MIB else ""
        print(f"{name:20} {what:42} {ours:8.3f}s {floor:8.3f}s {ratio:6.2f} {'≤ ' + str(TARGETS[key]):>7} "
              f"{rss:6.1f} MiB{memory} {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
