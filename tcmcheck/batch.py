"""Evaluate many submissions in one run: each (file, plan) pair gets a result or an error."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from tcmcheck.actuals import parse_table, read_bytes, read_reports
from tcmcheck.engine import evaluate
from tcmcheck.errors import ActualsError, Problem, TcmcheckError
from tcmcheck.model import Plan
from tcmcheck import workers
from tcmcheck.result import Outcome, Summary


def find_csvs(paths: Iterable[str]) -> list[str]:
    """Files as given; directories searched recursively for *.csv, in name order, leaving out hidden
    files and directories and not following links to directories."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(sorted(_csvs_under(str(Path(path)))))
        else:
            found.append(path)
    return found


def _csvs_under(directory: str) -> Iterator[str]:
    for root, subdirectories, names in os.walk(directory):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in names:
            if name.endswith(".csv") and not name.startswith(".") and os.path.isfile(os.path.join(root, name)):
                yield os.path.join(root, name)


def plan_id_from_name(path: str, plan_ids: Iterable[str]) -> str | None:
    """`jiangmen-2024Q4.csv` belongs to jiangmen: the longest plan id the file name starts with."""
    stem = Path(path).name.lower()
    for plan_id in sorted(plan_ids, key=len, reverse=True):
        if stem.startswith(plan_id) and (len(stem) == len(plan_id) or not stem[len(plan_id)].isalnum()):
            return plan_id
    return None


def summarise(paths: Iterable[str], as_of: date, resolve: Callable[[str], Plan], plan_ids: Iterable[str],
              default_plan: Plan | None = None, encoding: str | None = None, strict: bool = False,
              on_file: Callable[[int, int, str], None] | None = None, jobs: int | None = None,
              on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Check every file; in `jobs` processes (default: one per CPU when there are many files). Each
    outcome goes to `on_outcome` as soon as it is known, in no particular order."""
    files = find_csvs(paths)
    plan_ids = list(plan_ids)

    def check(path: str) -> list[Outcome]:
        return _check_file(path, as_of, resolve, plan_ids, default_plan, encoding, strict)

    processes = workers.process_count(jobs, len(files))
    if processes > 1:
        return Summary(as_of, tuple(workers.check_in_processes(
            files, check, processes, _loaded_plans(resolve, plan_ids, default_plan), on_file, on_outcome)))
    outcomes: list[Outcome] = []
    for index, path in enumerate(files):
        checked = check(path)
        outcomes.extend(checked)
        if on_outcome is not None:
            for outcome in checked:
                on_outcome(outcome)
        if on_file is not None:
            on_file(index + 1, len(files), path)
    return Summary(as_of, tuple(outcomes))


def _loaded_plans(resolve: Callable[[str], Plan], plan_ids: list[str], default_plan: Plan | None) -> list[Plan]:
    """The plans files may name, loaded now so that forked processes share them. One that can't be
    loaded is left to the files that name it, which then get its error."""
    plans = [default_plan] if default_plan else []
    for plan_id in plan_ids:
        try:
            plans.append(resolve(plan_id))
        except TcmcheckError:
            pass
    return plans


def _check_file(path: str, as_of: date, resolve: Callable[[str], Plan], plan_ids: list[str],
                default_plan: Plan | None, encoding: str | None, strict: bool) -> list[Outcome]:
    try:
        table = parse_table(read_bytes(path), path, encoding)
    except TcmcheckError as exc:
        return [Outcome(path, default_plan.id if default_plan else None, error=exc)]
    fallback = default_plan
    if fallback is None:
        named_by_file = plan_id_from_name(path, plan_ids)
        fallback = resolve(named_by_file) if named_by_file else None
    cells = table.plan_cells()
    plans: dict[str, tuple[Plan, bool]] = {}
    for cell in cells:
        if not cell:
            continue
        try:
            plan = resolve(cell)
        except TcmcheckError:
            line = next(line for line, row in table.rows() if table.cell(row, "plan") == cell)
            error = ActualsError(Problem("csv-unknown-plan", f"no plan {cell!r}; built-in plans: {', '.join(plan_ids)}",
                                         path, line, table.columns["plan"] + 1, "plan"))
            return [Outcome(path, None, error=error)]
        plans.setdefault(plan.id, (plan, False))
    if not cells or "" in cells:
        if fallback is None:
            line = next((line for line, row in table.rows() if not table.cell(row, "plan")), 1)
            error = ActualsError(Problem(
                "csv-no-plan",
                "can't tell which plan this is for: add a plan column, start the file name with a plan id "
                "(jiangmen-2024Q4.csv), or pass --plan", path, line))
            return [Outcome(path, None, error=error)]
        plans[fallback.id] = (fallback, True)
    outcomes = []
    for plan_id, (plan, take_blank) in plans.items():
        try:
            result = evaluate(plan, read_reports(table, plan, take_blank=take_blank, expected=frozenset(cells)), as_of)
            if strict:
                result.raise_warnings()
            outcomes.append(Outcome(path, plan_id, result=result))
        except TcmcheckError as exc:
            outcomes.append(Outcome(path, plan_id, error=exc))
    return outcomes
