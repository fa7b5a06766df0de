"""The command line: parse options, call the core, hand the result to a formatter, map the outcome to an exit code."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import date
from pathlib import Path

import click

from tcmcheck import __version__
from tcmcheck.errors import PlanError, TcmcheckError
from tcmcheck.formats import FORMATS
from tcmcheck.periods import parse_date, parse_period
from tcmcheck.result import STATUSES, Status

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TcmcheckError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(EXIT_INPUT)


def _as_of(ctx, param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _fail_on(ctx, param, value: str) -> frozenset[Status]:
    if value.strip().lower() == "none":
        return frozenset()
    chosen = set()
    for word in value.split(","):
        try:
            chosen.add(Status(word.strip().lower()))
        except ValueError:
            raise click.BadParameter(
                f"{word.strip()!r} is not a status; use {', '.join(s.value for s in STATUSES)} or none") from None
    return frozenset(chosen)


def _emit(text: str, output: str | None, inputs: tuple[str, ...] = (), overwrite: bool = True) -> None:
    if output is None or output == "-":
        if "\x1b" in text:
            click.echo(text, nl=False)  # strips escape sequences when standard output is not a terminal
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        from tcmcheck.output import write_atomic

        write_atomic(output, text, inputs, overwrite)


def _given_plan(reference: str, use: str = ""):
    """PLAN or --plan. A plan file whose id is also a built-in plan's is used instead of that plan,
    which is said on stderr."""
    from tcmcheck.spec import builtin_dir, builtin_ids, resolve_plan
    from tcmcheck.text import visible

    plan = resolve_plan(reference)
    if plan.source == str(Path(reference)) and plan.id in builtin_ids():
        try:
            same = os.path.samefile(reference, str(builtin_dir().joinpath(f"{plan.id}.yaml")))
        except (OSError, ValueError):
            same = False
        if not same:
            name = visible(reference)
            click.echo(f"{name}: plan id {plan.id!r} is also a built-in plan; using {name}{use}", err=True)
    return plan


def _color(output: str | None) -> bool:
    return (output is None or output == "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _formatter(fmt: str, lang: str, output: str | None, fail_on: frozenset[Status]):
    """The writer of this run's report."""
    from tcmcheck.formats import formatter
    from tcmcheck.formats.interface import RenderOptions

    if _color(output):
        import shutil

        width = shutil.get_terminal_size((160, 24)).columns
        return formatter(fmt, RenderOptions(lang=lang, color=True, width=width, fail_on=fail_on))
    return formatter(fmt, RenderOptions(lang=lang, color=False, width=160, fail_on=fail_on))


as_of_option = click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
                            help="Evaluate as of DATE (2024-12-31, or a period such as 2024Q4); default today.")
fail_on_option = click.option("--fail-on", "fail_on", callback=_fail_on, default="fail", show_default=True,
                              metavar="STATUS[,STATUS...]|none",
                              help="Exit 1 when any indicator has one of these statuses.")
encoding_option = click.option("--encoding", help="Read CSVs in this encoding instead of detecting UTF-8 or GB18030.")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True,
                           help="Language of names and details.")
output_option = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")


def report_options(command):
    """The options `status` and `summary` share."""
    for option in reversed((as_of_option, format_option, fail_on_option, lang_option, output_option,
                            encoding_option, strict_option)):
        command = option(command)
    return command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tcmcheck")
def main() -> None:
    """Check reported values against the dated targets of city TCM development plans.

    Exit codes: 0 ran and nothing matched --fail-on; 1 ran and something did; 2 the input could not be used
    or the output not written; 130 interrupted; 141 standard output closed (a closed pipe).
    """


@main.command()
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True)
def plans(fmt: str) -> None:
    """List the built-in plans."""
    from tcmcheck import views
    from tcmcheck.spec import builtin_plans

    click.echo(views.plans_listing(builtin_plans(), fmt), nl=False)


@main.command()
@click.argument("plan")
@lang_option
@click.option("-v", "--verbose", is_flag=True, help="Also show each indicator's section, quote and responsible units.")
def show(plan: str, lang: str, verbose: bool) -> None:
    """Show PLAN's indicators and targets. PLAN is an id, a city name or a YAML file."""
    from tcmcheck import views
    from tcmcheck.spec import resolve_plan

    click.echo(views.plan_listing(resolve_plan(plan), lang, verbose), nl=False)


@main.command()
@click.argument("plans", nargs=-1, metavar="[PLAN_OR_FILE]...")
def validate(plans: tuple[str, ...]) -> None:
    """Check plans against the schema (all built-in plans when none are given)."""
    from tcmcheck.spec import builtin_ids, resolve_plan, validate_builtin

    problems = []
    for reference in plans or tuple(builtin_ids()):
        try:
            plan = resolve_plan(reference) if plans else validate_builtin(reference)
        except TcmcheckError as exc:
            problems.extend(exc.problems)
            continue
        click.echo(f"ok: {plan.source} ({plan.id}, {len(plan.indicators)} indicators)")
    if problems:
        raise PlanError(*problems)


@main.command()
@click.argument("plan")
@lang_option
@output_option
@click.option("--period", metavar="PERIOD", help="Fill the period column (2024, 2024Q4, 2024-06, ...).")
@click.option("--with-plan", is_flag=True, help="Add a plan column, for submissions that mix plans.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte order mark, so Excel opens the file cleanly.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def template(plan: str, lang: str, output: str | None, period: str | None, with_plan: bool, bom: bool,
             force: bool) -> None:
    """A blank submission CSV for PLAN: one row per indicator, ready to fill in."""
    from tcmcheck import views
    from tcmcheck.spec import resolve_plan

    if period is not None:
        try:
            period = parse_period(period).label
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--period") from None
    text = views.template_csv(resolve_plan(plan), lang, period=period, with_plan=with_plan)
    _emit(("\ufeff" if bom else "") + text, output, inputs=(plan,), overwrite=force)


@main.command()
@click.argument("plan")
@click.argument("actuals", metavar="ACTUALS.csv")
@report_options
def status(plan: str, actuals: str, as_of: date, fmt: str, fail_on: frozenset[Status], lang: str,
           output: str | None, encoding: str | None, strict: bool) -> None:
    """Compare ACTUALS.csv (or - for standard input) with PLAN's targets."""
    from tcmcheck.actuals import read_actuals, read_bytes
    from tcmcheck.engine import evaluate
    from tcmcheck.spec import resolve_plan

    spec = _given_plan(plan)
    source = "<stdin>" if actuals == "-" else actuals
    reports = read_actuals(read_bytes(actuals), spec, source, encoding)
    result = evaluate(spec, reports, as_of)
    if strict:
        result.raise_warnings()
    _emit(_formatter(fmt, lang, output, fail_on).status(result), output, inputs=(actuals, plan))
    sys.exit(EXIT_FINDINGS if result.has_any(fail_on) else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option("--plan", "plan_reference", metavar="PLAN",
              help="The plan for files with no plan column whose name doesn't start with a plan id or city name.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Check files in N processes (default: one per CPU when there are 100 files or more).")
@click.option("--allow-empty", is_flag=True, help="Exit 0 when the directories hold no *.csv file (else exit 2).")
@report_options
def summary(paths: tuple[str, ...], plan_reference: str | None, jobs: int | None, allow_empty: bool, as_of: date,
            fmt: str, fail_on: frozenset[Status], lang: str, output: str | None, encoding: str | None,
            strict: bool) -> None:
    """Check many submissions: a row per (file, plan) with its status counts, then a total.

    Each CSV names its plan by a plan column (id or city name), else by a file name that starts
    with the plan id or city name (jiangmen-2024Q4.csv, 江门-2024Q4.csv), else by --plan.
    Directories are searched for *.csv.
    """
    from tcmcheck.batch import SummaryOptions, summarise

    to_file = output is not None and output != "-"
    if to_file:
        from tcmcheck.output import refuse_inputs

        refuse_inputs(output, paths + ((plan_reference,) if plan_reference else ()))
    default_plan = _given_plan(plan_reference, " for every file that names it") if plan_reference else None
    options = SummaryOptions(as_of, default_plan, encoding, strict, jobs, output if to_file else None)
    report = _formatter(fmt, lang, output, fail_on)
    with _progress() as on_file:
        result = summarise(paths, options, on_file,
                           report.file_checked)
    if not result.outcomes and not allow_empty:
        from tcmcheck.errors import UsageError, Problem

        raise UsageError(Problem("no-submissions", f"no *.csv file in {', '.join(map(repr, paths))}; "
                                 "pass --allow-empty to accept a run with nothing to check", field="FILE_OR_DIR"))
    _emit(report.summary(result), output, inputs=paths)
    if result.error_count:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FINDINGS if result.has_any(fail_on) else EXIT_OK)


@contextlib.contextmanager
def _progress(threshold: int = 5):
    """A progress bar on stderr when it is a terminal and there are more than a few files. It is
    redrawn as files are done, at most ten times a second, rather than by a thread of its own, so
    that files can be checked in forked processes."""
    if not sys.stderr.isatty():
        yield None
        return
    import time

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress

    from tcmcheck.text import visible

    with Progress(console=Console(stderr=True), transient=True, auto_refresh=False) as progress:
        task = None
        drawn = 0.0

        def on_file(done: int, total: int, path: str) -> None:
            nonlocal task, drawn
            if total <= threshold:
                return
            if task is None:
                task = progress.add_task("checking", total=total)
            now = time.monotonic()
            redraw = done == total or now - drawn >= 0.1
            progress.update(task, completed=done, description=escape(visible(path[-40:])), refresh=redraw)
            if redraw:
                drawn = now

        yield on_file
