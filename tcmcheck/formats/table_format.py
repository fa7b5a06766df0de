"""A coloured table for a person at a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tcmcheck.formats import RenderOptions, shared
from tcmcheck.result import STATUSES, Result, Status, Summary

STYLES = {
    Status.PASS: "green",
    Status.ON_TRACK: "cyan",
    Status.LAG: "yellow",
    Status.FAIL: "bold red",
    Status.NO_DATA: "dim",
}


def render(result: Result, options: RenderOptions) -> str:
    table = Table(title=shared.title(result, options.lang), show_lines=False, expand=False)
    for header in shared.HEADERS[options.lang]:
        table.add_column(header, overflow="fold")
    for item in result.indicators:
        cells = list(shared.row(item, options.lang))
        style = STYLES[item.status]
        table.add_row(*cells[:6], Text(cells[6], style=style), cells[7])
    counts = result.summary
    footer = Text()
    footer.append(shared.summary_line(result, options.lang).split(":")[0] + ": ")
    for index, status in enumerate(STATUSES):
        if index:
            footer.append(", ")
        footer.append(f"{status.label(options.lang)} {counts[status]}", style=STYLES[status])
    return _print(table, options, footer) + shared.warning_lines(result)


def _print(table: Table, options: RenderOptions, *more) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, no_color=not options.color,
                      highlight=False, soft_wrap=False)
    console.print(table)
    for renderable in more:
        console.print(renderable)
    return buffer.getvalue()


def render_summary(summary: Summary, options: RenderOptions) -> str:
    lang = options.lang
    table = Table(title=shared.summary_title(summary, lang), show_footer=False)
    for header in shared.SUMMARY_HEADERS[lang]:
        table.add_column(header, overflow="fold")
    for outcome in summary.outcomes:
        cells = list(shared.summary_row(outcome, lang))
        if outcome.error is not None:
            table.add_row(*cells[:-1], Text(cells[-1], style="bold red"))
        else:
            table.add_row(*cells[:-1], Text(cells[-1], style=STYLES.get(outcome.worst, "")))
    table.add_section()
    table.add_row(*shared.summary_total_row(summary, lang))
    return _print(table, options) + shared.error_lines(summary)
