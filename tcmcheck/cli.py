"""The command line: parse options, call the core, hand the result to a formatter, map the outcome to an exit code."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import date
from pathlib import Path

import click

from tcmcheck import __version__
from tcmcheck.errors import InvalidValue, PlanError, Problem, TcmcheckError, UsageError
from tcmcheck.formats import FORMATS
from tcmcheck.periods import parse_date, parse_period
from tcmcheck.result import STATUSES, Status

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class _Group(click.Group):
    lang: str | None = None
    """The language of the last run's messages (see last_run_lang)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = _lang_given(args)
        if given is not None:  # a mistake on the command line before --lang is said in that language too
            ctx.meta[_LANG] = given
        return super().parse_args(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _HELP_SHOWN:
            raise
        except click.UsageError as exc:
            _failed(exc.ctx, exc)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0]
        if not name.startswith("-") and not ctx.resilient_parsing and self.get_command(ctx, name) is None:
            raise UsageError(Problem("usage-no-command", "unknown", command=repr(name),
                                     commands=tuple(self.list_commands(ctx))))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except _HELP_SHOWN:
            raise
        except (TcmcheckError, click.UsageError) as exc:
            _failed(ctx, exc)
        finally:
            self.lang = messages_lang(ctx)


_HELP_SHOWN = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""The usage error whose message is the help, with which click 8.2 and later answer a bare `tcmcheck`."""


def _failed(ctx: click.Context | None, exc: TcmcheckError | click.UsageError):
    """The one place where an error becomes its message, in the run's language, and exit 2."""
    if isinstance(exc, click.UsageError):
        exc = UsageError(_usage_problem(exc))
    click.echo(exc.text(messages_lang(ctx)), err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


def _usage_problem(exc: click.UsageError) -> Problem:
    """A mistake click found on the command line, as a problem of the catalogue."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "tcmcheck"
    usage = " ".join((command, *ctx.command.collect_usage_pieces(ctx))) if ctx is not None else command
    if isinstance(exc, click.NoSuchOption):
        if exc.possibilities:
            return Problem("usage-no-option", "close", command=command, option=exc.option_name,
                           options=tuple(exc.possibilities))
        return Problem("usage-no-option", "unknown", command=command, option=exc.option_name, help=f"{command} --help")
    if isinstance(exc, click.BadOptionUsage):  # click's parser says which in English only
        variant = "flag" if "does not take a value" in exc.message else "value"
        return Problem("usage-missing", variant, field=exc.option_name, name=exc.option_name)
    if isinstance(exc, click.MissingParameter) and exc.param is not None and exc.param.param_type_name == "argument":
        name = exc.param.human_readable_name
        return Problem("usage-missing", "argument", field=name, name=name, usage=usage)
    if exc.message.startswith("Got unexpected extra argument"):
        return Problem("usage-extra", "argument", arguments=exc.message[exc.message.find("(") + 1:-1], usage=usage)
    hint = exc.param_hint if isinstance(exc, click.BadParameter) and isinstance(exc.param_hint, str) else None
    return Problem("usage-error", "other", field=hint, message=exc.message)


_LANG = "tcmcheck.lang"
"""Where a command's --lang is kept in the context's meta, which the group's context shares."""


def _lang_given(args: list[str]) -> str | None:
    """The last valid --lang among the arguments."""
    given = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value in ("zh", "en"):
            given = value
    return given


class _Choice(click.Choice):
    """A choice whose refusal is a problem of the catalogue, said in the run's language."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        raise UsageError(Problem("usage-bad-choice", "choice", field=_option(param), value=repr(value),
                                 choices=tuple(self.choices)))


class _AtLeastOne(click.ParamType):
    name = "integer"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if text.isdigit() and int(text) >= 1:
            return int(text)
        raise UsageError(Problem("usage-bad-number", "at-least", field=_option(param), value=repr(value), least=1))


def _option(param: click.Parameter | None) -> str | None:
    """An option's longest name, as the user would write it."""
    return max(param.opts, key=len) if param is not None and param.opts else None


def _lang(ctx, param, value: str) -> str:
    ctx.meta[_LANG] = value
    return value


def messages_lang(ctx: click.Context | None = None) -> str:
    """The language of a run's error and warning messages: its --lang, else the locale's."""
    ctx = ctx or click.get_current_context(silent=True)
    return (ctx.meta.get(_LANG) if ctx is not None else None) or _locale_lang()


def last_run_lang() -> str:
    """The language of the last run's messages, for what the console script says once the command has ended."""
    return main.lang or _locale_lang()


def _as_of(ctx, param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except InvalidValue as exc:
        raise UsageError(Problem("usage-bad-date", "reason", field="--as-of", reason=exc.reason)) from None


def _statuses(value: str, option: str, variant: str) -> frozenset[Status]:
    chosen = set()
    for word in value.split(","):
        try:
            chosen.add(Status(word.strip().lower()))
        except ValueError:
            raise UsageError(Problem("usage-bad-status", variant, field=option, value=repr(word.strip()),
                                     statuses=tuple(s.value for s in STATUSES))) from None
    return frozenset(chosen)


def _fail_on(ctx, param, value: str) -> frozenset[Status]:
    if value.strip().lower() == "none":
        return frozenset()
    return _statuses(value, "--fail-on", "or-none")


def _only(ctx, param, value: str | None) -> frozenset[Status] | None:
    return None if value is None else _statuses(value, "--only", "statuses")


def _locale_lang() -> str:
    """zh when the locale's language is Chinese (LC_ALL, else LC_MESSAGES, else LANG, as POSIX reads
    them), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _emit(text: str | bytes, output: str | None, inputs: tuple[str, ...] = (), overwrite: bool = True,
          bom: bool = False) -> None:
    """`bom`: start with a UTF-8 byte order mark, when the text is written as UTF-8 (always to a file).
    Bytes (a binary format's report) go only to a file, as they are; `_formatter` refuses them otherwise."""
    if isinstance(text, bytes):
        from tcmcheck.output import write_atomic

        write_atomic(output, text, inputs, overwrite)
    elif output is None or output == "-":
        if bom and _writes_utf8(sys.stdout):
            text = "\ufeff" + text
        click.echo(text, nl=False)  # strips escape sequences when standard output is not a terminal
    else:
        from tcmcheck.output import write_atomic

        write_atomic(output, ("\ufeff" if bom else "") + text, inputs, overwrite)


def _writes_utf8(stream) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def _given_plan(reference: str, every_file: bool = False):
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
            from tcmcheck.messages import Phrase

            said = Phrase.of("plan-replaces-builtin-summary" if every_file else "plan-replaces-builtin",
                             name=visible(reference), plan=repr(plan.id))
            click.echo(said.text(messages_lang()), err=True)
    return plan


def _to_terminal(output: str | None) -> bool:
    return (output is None or output == "-") and sys.stdout.isatty()


def _formatter(fmt: str, lang: str, output: str | None, fail_on: frozenset[Status],
               only: frozenset[Status] | None = None, sort: str | None = None):
    """The writer of this run's report. On a terminal the table is as wide as the terminal (COLUMNS
    when set), coloured unless NO_COLOR is set, and worst first unless --sort says otherwise."""
    from tcmcheck.formats import formatter
    from tcmcheck.formats.interface import RenderOptions

    terminal = _to_terminal(output)
    width = 160
    if terminal:
        import shutil

        width = shutil.get_terminal_size((160, 24)).columns
    if sort is None:
        sort = "status" if terminal and fmt == "table" else "document"
    report = formatter(fmt, RenderOptions(lang=lang, color=terminal and "NO_COLOR" not in os.environ, width=width,
                                          fail_on=fail_on, only=only, sort=sort))
    if report.binary and (output is None or output == "-"):

        raise UsageError(Problem("output-needs-file", "binary", field="-o", format=fmt))
    return report


def _region_view(result, name: str):
    """The result narrowed to the region `name` names (full name or short form)."""
    from tcmcheck.actuals import region_named
    from tcmcheck.regions import narrowed

    known = [summary.region for summary in result.regions]
    region = region_named(result.plan, name)
    if region not in known:
        from tcmcheck.messages import Phrase

        raise UsageError(Problem("region-unknown", "unknown", field="--region", region=repr(name),
                                 regions=tuple(known) or Phrase.of("none")))
    return narrowed(result, region)


def _bom(fmt: str, lang: str, bom: bool | None) -> bool:
    """--bom/--no-bom, by default on under --lang zh; for --format csv only."""
    if bom and fmt != "csv":
        raise UsageError(Problem("usage-bom", "format", field="--bom", format=fmt))
    return fmt == "csv" and (lang == "zh" if bom is None else bom)


def _step_summary(fmt: str, report, render) -> None:
    """With --format github inside a GitHub Actions step, the whole report as Markdown, appended to the
    step's summary page ($GITHUB_STEP_SUMMARY) as GitHub asks."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt != "github" or not path:
        return
    from tcmcheck.formats import formatter

    text = render(formatter("markdown", report.options))
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text + "\n")
    except OSError as exc:
        from tcmcheck.messages import os_reason

        raise UsageError(Problem("output-unwritable", "os", path, field="GITHUB_STEP_SUMMARY",
                                 reason=os_reason(exc))) from None


as_of_option = click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
                            help="Evaluate as of DATE (2024-12-31, or a period such as 2024Q4); default today.")
fail_on_option = click.option("--fail-on", "fail_on", callback=_fail_on, default="fail", show_default=True,
                              metavar="STATUS[,STATUS...]|none",
                              help="Exit 1 when any indicator has one of these statuses.")
encoding_option = click.option("--encoding", help="Read CSVs in this encoding instead of detecting UTF-8 or GB18030.")


def _delimiter(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "space": " "}.get(value.lower(), value)
    if len(named) != 1 or named in "\"\r\n":
        raise UsageError(Problem("usage-bad-delimiter", "length", field="--delimiter", value=repr(value)))
    return named


delimiter_option = click.option("--delimiter", callback=_delimiter, metavar="CHAR",
                                help="Split text files at CHAR (';', '|', tab) instead of detecting tab or comma.")
sheet_option = click.option("--sheet", metavar="NAME|NUMBER",
                            help="Read this sheet of a workbook (its name, or its number from 1) instead of the first "
                                 "with a header.")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
format_option = click.option("--format", "fmt", type=_Choice(FORMATS), default="table", show_default=True)
lang_option = click.option("--lang", type=_Choice(["zh", "en"]), default=_locale_lang, callback=_lang,
                           show_default="zh for a Chinese locale (LC_ALL, LC_MESSAGES, LANG), else en",
                           help="Language of names, statuses, details, errors and warnings.")
only_option = click.option("--only", callback=_only, metavar="STATUS[,STATUS...]",
                           help="Show only indicators with these statuses (the counts still cover all of them).")
sort_option = click.option("--sort", type=_Choice(["status", "document"]),
                           help="status: worst first; document: the plan's order.  [default: status for the table "
                                "on a terminal, else document]")
bom_option = click.option("--bom/--no-bom", default=None,
                          help="With --format csv: start with a UTF-8 byte order mark, so Excel opens it cleanly.  "
                               "[default: --bom under --lang zh]")
output_option = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")


def report_options(command):
    """The options `status` and `summary` share."""
    for option in reversed((as_of_option, format_option, fail_on_option, only_option, sort_option, lang_option,
                            output_option, encoding_option, delimiter_option, sheet_option, strict_option,
                            bom_option)):
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
@click.option("--format", "fmt", type=_Choice(["plain", "json"]), default="plain", show_default=True)
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
@click.option("--bom/--no-bom", default=None,
              help="A CSV template starts with a UTF-8 byte order mark, so Excel opens it cleanly.  "
                   "[default: --bom under --lang zh]")
@click.option("--format", "fmt", type=_Choice(["csv", "xlsx"]),
              help="csv, or xlsx: a workbook with drop-downs, checks and instructions (needs -o). "
                   "Default: xlsx for -o FILE.xlsx, else csv.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def template(plan: str, lang: str, output: str | None, period: str | None, with_plan: bool, bom: bool | None,
             fmt: str | None, force: bool) -> None:
    """A blank submission for PLAN, a CSV or an .xlsx workbook: one row per indicator, ready to fill in."""
    from tcmcheck.spec import resolve_plan

    if period is not None:
        try:
            period = parse_period(period).label
        except InvalidValue as exc:
            raise UsageError(Problem("usage-bad-date", "reason", field="--period", reason=exc.reason)) from None
    fmt = fmt or _template_format(output)
    if fmt == "xlsx":
        if output is None or output == "-":
            raise UsageError(Problem("output-needs-file", "binary", field="-o", format="xlsx"))
        if bom:
            raise UsageError(Problem("usage-bom", "workbook", field="--bom"))
        from tcmcheck.output import write_atomic
        from tcmcheck.template_xlsx import template_workbook

        workbook = template_workbook(resolve_plan(plan), lang, period=period, with_plan=with_plan)
        write_atomic(output, workbook, inputs=(plan,), overwrite=force)
        return
    from tcmcheck import views

    text = views.template_csv(resolve_plan(plan), lang, period=period, with_plan=with_plan)
    _emit(text, output, inputs=(plan,), overwrite=force, bom=lang == "zh" if bom is None else bom)


def _template_format(output: str | None) -> str:
    """xlsx for -o FILE.xlsx, else csv; other workbook suffixes are refused, as only .xlsx is written."""
    suffix = Path(output).suffix.lower() if output else ""
    if suffix in (".xls", ".xlsm", ".ods"):
        raise UsageError(Problem("usage-workbook-suffix", "suffix", field="-o", suffix=suffix))
    return "xlsx" if suffix == ".xlsx" else "csv"


@main.command()
@click.argument("plan")
@click.argument("actuals_files", nargs=-1, required=True, metavar="ACTUALS...")
@click.option("--targets", "targets", metavar="FILE",
              help="Regions' own targets (分解目标): a file of indicator, region, due and value.")
@click.option("--region", "region", metavar="NAME", help="Show one region's view: its own statuses and figures.")
@report_options
def status(plan: str, actuals_files: tuple[str, ...], targets: str | None, region: str | None, as_of: date, fmt: str,
           fail_on: frozenset[Status],
           only: frozenset[Status] | None, sort: str | None, lang: str, output: str | None, encoding: str | None,
           strict: bool, bom: bool | None, delimiter: str | None, sheet: str | None) -> None:
    """Compare ACTUALS (CSVs, text exports or workbooks; - for standard input) with PLAN's targets. Several
    files (one per county, say) are checked as one submission."""
    bom = _bom(fmt, lang, bom)
    from tcmcheck.actuals import merge_actuals, read_actuals, read_bytes
    from tcmcheck.engine import evaluate

    spec = _given_plan(plan)
    parts = [read_actuals(read_bytes(actuals), spec, "<stdin>" if actuals == "-" else actuals, encoding, delimiter,
                          sheet) for actuals in actuals_files]
    reports = merge_actuals(parts)
    allocations = None
    if targets is not None:
        from tcmcheck.allocations import read_allocations

        allocations = read_allocations(read_bytes(targets), targets, spec, encoding, delimiter)
    report = _formatter(fmt, lang, output, fail_on, only, sort)
    result = evaluate(spec, reports, as_of, history=getattr(report, "history_files", 0) > 0, allocations=allocations)
    if region is not None:
        result = _region_view(result, region)
    if strict:
        result.raise_warnings()
    _emit(report.status(result), output, inputs=(*actuals_files, plan, *((targets,) if targets else ())), bom=bom)
    _step_summary(fmt, report, lambda markdown: markdown.status(result))
    sys.exit(EXIT_FINDINGS if result.has_any(fail_on) else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option("--plan", "plan_reference", metavar="PLAN",
              help="The plan for files with no plan column whose name doesn't start with a plan id or city name.")
@click.option("-j", "--jobs", type=_AtLeastOne(), metavar="N",
              help="Check files in N processes (default: one per CPU when there are 100 files or more).")
@click.option("--allow-empty", is_flag=True, help="Exit 0 when the directories hold no submission (else exit 2).")
@report_options
def summary(paths: tuple[str, ...], plan_reference: str | None, jobs: int | None, allow_empty: bool, as_of: date,
            fmt: str, fail_on: frozenset[Status], only: frozenset[Status] | None, sort: str | None, lang: str,
            output: str | None, encoding: str | None, strict: bool, bom: bool | None, delimiter: str | None, sheet: str | None) -> None:
    """Check many submissions: a row per (file, plan) with its status counts, then a total.

    Each CSV names its plan by a plan column (id or city name), else by a file name that starts
    with the plan id or city name (jiangmen-2024Q4.csv, 江门-2024Q4.csv), else by --plan.
    Directories are searched for *.csv, *.tsv and workbooks (*.xlsx, *.xlsm, *.xls, *.ods); every
    sheet of a workbook whose header fits is checked, as file.xlsx[sheet].
    """
    bom = _bom(fmt, lang, bom)
    from tcmcheck.batch import SummaryOptions, summarise

    to_file = output is not None and output != "-"
    if to_file:
        from tcmcheck.output import refuse_inputs

        refuse_inputs(output, paths + ((plan_reference,) if plan_reference else ()))
    default_plan = _given_plan(plan_reference, every_file=True) if plan_reference else None
    report = _formatter(fmt, lang, output, fail_on, only, sort)
    options = SummaryOptions(as_of, default_plan, encoding, strict, jobs, output if to_file else None,
                             delimiter=delimiter, sheet=sheet, history_files=getattr(report, "history_files", 0))
    with _progress() as on_file:
        result = summarise(paths, options, on_file, report.file_checked, report.file_entry)
    if not result.outcomes and not allow_empty:

        raise UsageError(Problem("no-submissions", "none", field="FILE_OR_DIR", paths=tuple(map(repr, paths))))
    _emit(report.summary(result), output, inputs=paths, bom=bom)
    _step_summary(fmt, report, lambda markdown: markdown.summary(result))
    if result.error_count:
        if to_file:  # the report holds each file's problems; whoever watches the run sees them too
            for outcome in result.outcomes:
                if outcome.error is not None:
                    click.echo(outcome.error.text(messages_lang()), err=True)
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
