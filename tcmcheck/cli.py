"""The command line: parse options, call the core, hand the result to a formatter, map the outcome to an exit code."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date

import click

from tcmcheck import __version__
from tcmcheck.errors import TcmcheckError
from tcmcheck.formats import FORMATS, RenderOptions
from tcmcheck.periods import parse_date
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
        click.echo(text, nl=False)
    else:
        from tcmcheck.output import write_atomic

        write_atomic(output, text, inputs, overwrite)


def _color(output: str | None) -> bool:
    return (output is None or output == "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True,
                           help="Language of names and details.")
output_option = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tcmcheck")
def main() -> None:
    """Check reported values against the dated targets of city TCM development plans.

    Exit codes: 0 ran and nothing matched --fail-on; 1 ran and something did; 2 the input could not be used.
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
    from tcmcheck.spec import builtin_ids, resolve_plan

    invalid = 0
    for reference in plans or tuple(builtin_ids()):
        try:
            plan = resolve_plan(reference)
        except TcmcheckError as exc:
            click.echo(str(exc), err=True)
            invalid += 1
            continue
        click.echo(f"ok: {plan.source} ({plan.id}, {len(plan.indicators)} indicators)")
    if invalid:
        click.echo(f"{invalid} invalid plan{'s' if invalid > 1 else ''}", err=True)
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("plan")
@lang_option
@output_option
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def template(plan: str, lang: str, output: str | None, force: bool) -> None:
    """A blank submission CSV for PLAN: one row per indicator, ready to fill in."""
    from tcmcheck import views
    from tcmcheck.spec import resolve_plan

    _emit(views.template_csv(resolve_plan(plan), lang), output, overwrite=force)


@main.command()
@click.argument("plan")
@click.argument("actuals", metavar="ACTUALS.csv")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
              help="Evaluate as of DATE (2024-12-31, or a period such as 2024Q4); default today.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--fail-on", "fail_on", callback=_fail_on, default="fail", show_default=True,
              metavar="STATUS[,STATUS...]|none", help="Exit 1 when any indicator has one of these statuses.")
@lang_option
@output_option
@click.option("--encoding", help="Read ACTUALS in this encoding instead of detecting UTF-8 or GB18030.")
def status(plan: str, actuals: str, as_of: date, fmt: str, fail_on: frozenset[Status], lang: str,
           output: str | None, encoding: str | None) -> None:
    """Compare ACTUALS.csv (or - for standard input) with PLAN's targets."""
    from tcmcheck.actuals import read_actuals, read_bytes
    from tcmcheck.engine import evaluate
    from tcmcheck.formats import render
    from tcmcheck.spec import resolve_plan

    spec = resolve_plan(plan)
    source = "<stdin>" if actuals == "-" else actuals
    result = evaluate(spec, read_actuals(read_bytes(actuals), spec, source, encoding), as_of)
    width = shutil.get_terminal_size((160, 24)).columns if _color(output) else 160
    options = RenderOptions(lang=lang, color=_color(output), width=width, fail_on=fail_on)
    _emit(render(fmt, result, options), output, inputs=(actuals, plan))
    sys.exit(EXIT_FINDINGS if result.has_any(fail_on) else EXIT_OK)
