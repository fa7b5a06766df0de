"""Evaluate many submissions in one run: each (file, plan) pair gets a result or an error."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from tcmcheck.actuals import Table, parse_tables, read_bytes, read_reports
from tcmcheck.engine import evaluate
from tcmcheck.errors import ActualsError, Problem, TcmcheckError, UsageError
from tcmcheck.messages import Phrase, os_reason
from tcmcheck.model import Plan
from tcmcheck import workers
from tcmcheck.output import identity
from tcmcheck.result import Outcome, Summary
from tcmcheck.text import quoted

REPORT_STARTS = ("file,plan,pass,on-track,lag,fail,no-data,worst", "plan,id,name,status,target,actual",
                 '{"tool":{"name":"tcmcheck"')
"""How the CSV and JSON reports of tcmcheck begin; a file that begins so is a report, not a submission."""


@dataclass(frozen=True)
class SummaryOptions:
    """How `summarise` checks files. `default_plan` is --plan; `output` is -o, which the search never
    hands on as a submission; `plan_ids` and `resolve` are the built-in plans and how one is loaded
    by id (by default the shipped ones). `history_files`: in a run of at most this many files, each
    indicator's result keeps every report (`IndicatorResult.history`, for charts), and the files are
    checked in one process."""

    as_of: date
    default_plan: Plan | None = None
    encoding: str | None = None
    strict: bool = False
    jobs: int | None = None
    output: str | None = None
    plan_ids: tuple[str, ...] | None = None
    resolve: Callable[[str], Plan] | None = None
    history_files: int = 0
    delimiter: str | None = None
    sheet: str | None = None


SUBMISSION_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
"""What a directory search takes as a submission (in any case)."""


@dataclass
class Search:
    """The files to check, in order, and the error of each one found that can't be checked at all."""

    files: list[str] = field(default_factory=list)
    errors: dict[str, TcmcheckError] = field(default_factory=dict)


def find_submissions(paths: Iterable[str], output: str | None = None) -> Search:
    """Files as given; directories searched recursively for submissions (SUBMISSION_SUFFIXES, in any
    case), in name order, leaving out hidden files and directories, Excel's lock files (~$a.xlsx) and
    links to directories. What the search finds but can't read (a directory it can't list, a dangling
    or looping link, a FIFO or device) is kept, with its error. The report `output` is left out when a searched directory holds it; any
    other file there that is `output` is refused, as it would be overwritten."""
    own = identity(output) if output is not None else None
    search = Search()
    for path in paths:
        if os.path.isdir(path):
            found = Search()
            _search(str(Path(path)), found, own, output)
            search.files.extend(sorted(found.files))
            search.errors.update(found.errors)
        else:
            search.files.append(path)
    return search


def _search(directory: str, found: Search, own: tuple[int, int] | None, output: str | None) -> None:
    def unreadable(exc: OSError) -> None:
        name = exc.filename or directory
        found.files.append(name)
        found.errors[name] = ActualsError(Problem("dir-unreadable", "os", name, reason=os_reason(exc)))

    for root, subdirectories, names in os.walk(directory, onerror=unreadable):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or name.startswith("~$") or not name.lower().endswith(SUBMISSION_SUFFIXES):
                continue
            path = os.path.join(root, name)
            try:
                info = os.stat(path)
            except OSError as exc:
                found.files.append(path)
                found.errors[path] = ActualsError(_unstattable(path, exc))
                continue
            if stat.S_ISDIR(info.st_mode):
                continue  # a link to a directory, which the search doesn't follow
            if own is not None and (info.st_dev, info.st_ino) == own:
                if is_report(path):
                    continue
                raise UsageError(Problem("output-is-input", "input", output, field="-o", path=path))
            found.files.append(path)
            if not stat.S_ISREG(info.st_mode):
                found.errors[path] = ActualsError(Problem("csv-not-regular", "search", path))


def _unstattable(path: str, exc: OSError) -> Problem:
    if os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if exc.errno == errno.ENOENT:
            return Problem("csv-not-found", "dangling-link", path, target=target)
        if exc.errno == errno.ELOOP:
            return Problem("csv-unreadable", "link-loop", path, target=target)
    return Problem("csv-unreadable", "os", path, reason=os_reason(exc))


def is_report(path: str) -> bool:
    """Whether the file is a report of tcmcheck: a CSV or JSON one by how it begins, an xlsx one by its
    subject."""
    try:
        with open(path, "rb") as stream:
            start = stream.read(256)
            if start.startswith(b"PK\x03\x04"):
                return _workbook_is_report(stream)
    except OSError:
        return False
    return _begins_as_report(start)


def _begins_as_report(data: bytes) -> bool:
    if data.startswith(b"PK\x03\x04"):
        import io

        return _workbook_is_report(io.BytesIO(data))
    text = data[:256].decode("utf-8", "replace").removeprefix("\ufeff")
    return text.startswith(REPORT_STARTS)


def _workbook_is_report(stream) -> bool:
    """Whether a workbook's document properties name it a tcmcheck report, as `--format xlsx` does."""
    import zipfile

    try:
        with zipfile.ZipFile(stream) as book:
            core = book.read("docProps/core.xml")[:4096]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return b"<dc:subject>tcmcheck report</dc:subject>" in core


def _name_fits(stem: str, name: str) -> bool:
    """`stem` starts with the plan name `name`, and the name doesn't run on into a longer word: after
    an id or English name no letter or digit may follow (jiangmen-2024), after a Chinese name no
    letter (江门2024Q4 is Jiangmen, 江门县 is not)."""
    if not name or not stem.startswith(name):
        return False
    if len(stem) == len(name):
        return True
    after = stem[len(name)]
    return not (after.isalnum() if name[-1].isascii() else after.isalpha())


class _Plans:
    """The plans a run's files may name: --plan, then the built-in plans, each loaded once. --plan
    stands for the built-in plan with its id, so a file naming that plan gets --plan."""

    def __init__(self, default: Plan | None, plan_ids: tuple[str, ...], resolve: Callable[[str], Plan]):
        self.default, self.plan_ids, self.resolve = default, plan_ids, resolve
        self.loaded: dict[str, Plan | TcmcheckError] = {}
        self._spellings: list[tuple[str, str | None]] | None = None

    def builtin(self, plan_id: str) -> Plan:
        """The built-in plan, or --plan when it has that id; the plan's load error when it can't be loaded."""
        if self.default is not None and self.default.id == plan_id:
            return self.default
        if plan_id not in self.loaded:
            try:
                self.loaded[plan_id] = self.resolve(plan_id)
            except TcmcheckError as exc:
                self.loaded[plan_id] = exc
        plan = self.loaded[plan_id]
        if isinstance(plan, TcmcheckError):
            raise plan
        return plan

    def all(self) -> list[Plan]:
        """Every plan that can be loaded."""
        plans = [self.default] if self.default is not None else []
        for plan_id in self.plan_ids:
            try:
                plan = self.builtin(plan_id)
            except TcmcheckError:
                continue
            if plan is not self.default:
                plans.append(plan)
        self.spellings()
        return plans

    def named(self, cell: str) -> Plan | None:
        """The plan a plan cell names (by id, Chinese or English city name), or None. A built-in plan
        that can't be loaded may be the one named: its error is raised when no other plan is."""
        if self.default is not None and self.default.is_named(cell):
            return self.default
        wanted = cell.strip().lower()
        if wanted in self.plan_ids:
            return self.builtin(wanted)
        failed: TcmcheckError | None = None
        for plan_id in self.plan_ids:
            try:
                plan = self.builtin(plan_id)
            except TcmcheckError as exc:
                failed = failed or exc
                continue
            if plan.is_named(cell):
                return plan
        if failed is not None:
            raise failed
        return None

    def spellings(self) -> list[tuple[str, str | None]]:
        """(name in lower case, plan id or None for --plan), longest first, --plan before a built-in
        plan of the same name."""
        if self._spellings is None:
            spellings: list[tuple[str, str | None]] = []
            if self.default is not None:
                spellings += [(name.lower(), None) for name in self.default.names]
            for plan_id in self.plan_ids:
                spellings.append((plan_id, plan_id))
                try:
                    plan = self.builtin(plan_id)
                except TcmcheckError:
                    continue
                spellings += [(name.lower(), plan_id) for name in plan.names]
            self._spellings = sorted(dict.fromkeys(spellings), key=lambda pair: -len(pair[0]))
        return self._spellings

    def named_by_file(self, path: str) -> Plan | None:
        """The plan whose id or city name the file name starts with (the longest such name)."""
        stem = os.path.basename(path).lower()
        for name, plan_id in self.spellings():
            if _name_fits(stem, name):
                return self.default if plan_id is None else self.builtin(plan_id)
        return None

    def for_blank_cells(self, path: str) -> Plan | None:
        """The plan of a file's rows without a plan cell: the one its name names, else --plan."""
        return self.named_by_file(path) or self.default

    def described(self) -> Phrase:
        given = Phrase.of("plan-given", plan=self.default.id) if self.default is not None else ""
        return Phrase.of("plans-known", ids=tuple(self.plan_ids), given=given)


def _load_builtin(plan_id: str) -> Plan:
    from tcmcheck.spec import load_builtin

    return load_builtin(plan_id)


def summarise(paths: Iterable[str], options: SummaryOptions,
              on_file: Callable[[int, int, str], None] | None = None,
              on_outcome: Callable[[Outcome, object], None] | None = None,
              prepare: Callable[[Outcome], object] | None = None) -> Summary:
    """Check every file; in `options.jobs` processes (default: one per CPU when there are many
    files). `on_file(done, total, path)` follows progress. Each outcome goes to `prepare` in the
    process that checked it, and then to `on_outcome(outcome, prepared)` as soon as it is known, in
    no particular order."""
    if options.plan_ids is None:
        from tcmcheck.spec import builtin_ids

        plan_ids = tuple(builtin_ids())
    else:
        plan_ids = tuple(options.plan_ids)
    plans = _Plans(options.default_plan, plan_ids, options.resolve or _load_builtin)
    search = find_submissions(paths, options.output)
    files = search.files
    history = len(files) <= options.history_files

    def check(path: str) -> list[Outcome]:
        return _check_file(path, plans, search.errors, options, history)

    processes = 1 if history else workers.process_count(options.jobs, len(files))
    if processes > 1:
        return Summary(options.as_of, tuple(workers.check_in_processes(
            files, check, processes, plans.all(), on_file, on_outcome, prepare)))
    outcomes: list[Outcome] = []
    for index, path in enumerate(files):
        checked = check(path)
        outcomes.extend(checked)
        if on_outcome is not None:
            for outcome in checked:
                on_outcome(outcome, prepare(outcome) if prepare is not None else None)
        if on_file is not None:
            on_file(index + 1, len(files), path)
    return Summary(options.as_of, tuple(outcomes))


def _check_file(path: str, plans: _Plans, found: dict[str, TcmcheckError], options: SummaryOptions,
                history: bool = False) -> list[Outcome]:
    """The outcomes of one file; anything that goes wrong is that file's error row, never the run's end."""
    try:
        return _outcomes(path, plans, found, options, history)
    except TcmcheckError as exc:
        return [Outcome(path, None, error=exc)]
    except Exception as exc:  # a bug: the file still gets its row, and the others are checked
        return [Outcome(path, None, error=ActualsError(Problem(
            "internal-error", "crash", path, error=f"{type(exc).__name__}: {exc}")))]


def _outcomes(path: str, plans: _Plans, found: dict[str, TcmcheckError], options: SummaryOptions,
              history: bool = False) -> list[Outcome]:
    if path in found:
        return [Outcome(path, None, error=found[path])]
    try:
        data = read_bytes(path)
        if _begins_as_report(data):
            raise ActualsError(Problem("csv-is-report", "report", path, 1))
        tables = parse_tables(data, path, options.encoding, options.delimiter, options.sheet)
    except TcmcheckError as exc:
        try:
            fallback = plans.for_blank_cells(path)
        except TcmcheckError:
            fallback = None
        return [Outcome(path, fallback.id if fallback else None, error=exc)]
    outcomes = []
    for table in tables:
        outcomes.extend(_table_outcomes(path, table, plans, options, history))
    return outcomes


def _table_outcomes(path: str, table: Table, plans: _Plans, options: SummaryOptions,
                    history: bool) -> list[Outcome]:
    """The outcomes of one table: a CSV, or one sheet of a workbook (reported as file.xlsx[sheet])."""
    where = table.source
    cells = table.plan_cells()
    chosen: dict[str, tuple[Plan, bool]] = {}
    for cell in cells:
        if not cell:
            continue
        plan = plans.named(cell)
        if plan is None:
            line = next(line for line, row in table.rows() if table.cell(row, "plan") == cell)
            error = ActualsError(Problem("csv-unknown-plan", "unknown", where, line, table.columns["plan"] + 1, "plan",
                                         plan=quoted(cell), plans=plans.described()))
            return [Outcome(where, None, error=error)]
        chosen.setdefault(plan.id, (plan, False))
    if not cells or "" in cells:
        fallback = plans.for_blank_cells(path)
        if fallback is None:
            line = next((line for line, row in table.rows() if not table.cell(row, "plan")), 1)
            error = ActualsError(Problem("csv-no-plan", "unknown", where, line))
            return [Outcome(where, None, error=error)]
        chosen[fallback.id] = (fallback, True)
    outcomes = []
    for plan_id, (plan, take_blank) in chosen.items():
        try:
            result = evaluate(plan, read_reports(table, plan, take_blank=take_blank, expected=frozenset(cells)),
                              options.as_of, history=history)
            if options.strict:
                result.raise_warnings()
            outcomes.append(Outcome(where, plan_id, result=result))
        except TcmcheckError as exc:
            outcomes.append(Outcome(where, plan_id, error=exc))
    return outcomes
