"""A coloured table for a person at a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tcmcheck.formats import HEADERS, RenderOptions, row, summary_line, title
from tcmcheck.result import STATUSES, Result, Status

STYLES = {
    Status.PASS: "green",
    Status.ON_TRACK: "cyan",
    Status.LAG: "yellow",
    Status.FAIL: "bold red",
    Status.NO_DATA: "dim",
}


def render(result: Result, options: RenderOptions) -> str:
    table = Table(title=title(result, options.lang), show_lines=False, expand=False)
    for header in HEADERS[options.lang]:
        table.add_column(header, overflow="fold")
    for item in result.indicators:
        cells = list(row(item, options.lang))
        style = STYLES[item.status]
        table.add_row(*cells[:6], Text(cells[6], style=style), cells[7])
    counts = result.summary
    footer = Text()
    footer.append(summary_line(result, options.lang).split(":")[0] + ": ")
    for index, status in enumerate(STATUSES):
        if index:
            footer.append(", ")
        footer.append(f"{status.label(options.lang)} {counts[status]}", style=STYLES[status])
    buffer = io.StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, no_color=not options.color,
                      highlight=False, soft_wrap=False)
    console.print(table)
    console.print(footer)
    return buffer.getvalue()
