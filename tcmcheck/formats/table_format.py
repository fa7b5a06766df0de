"""A coloured table for a person at a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import STATUSES, Result, Status, Summary

STYLES = {
    Status.PASS: "green",
    Status.ON_TRACK: "cyan",
    Status.LAG: "yellow",
    Status.FAIL: "bold red",
    Status.NO_DATA: "dim",
}


class TableFormatter(Formatter):
    """Cells are rich Text objects, never markup, so brackets in a name are shown as they are."""

    def status(self, result: Result) -> str:
        lang = self.options.lang
        table = Table(title=Text(shared.title(result, lang)), show_lines=False, expand=False)
        for header in shared.HEADERS[lang]:
            table.add_column(header, overflow="fold")
        for item in result.indicators:
            cells = [Text(cell) for cell in shared.row(item, lang)]
            cells[6].stylize(STYLES[item.status])
            table.add_row(*cells)
        counts = result.summary
        footer = Text(shared.count_label(result, lang) + ": ")
        for index, status in enumerate(STATUSES):
            if index:
                footer.append(", ")
            footer.append(f"{status.label(lang)} {counts[status]}", style=STYLES[status])
        return self._print(table, footer) + shared.warning_lines(result)

    def summary(self, summary: Summary) -> str:
        lang = self.options.lang
        table = Table(title=Text(shared.summary_title(summary, lang)), show_footer=False)
        for header in shared.SUMMARY_HEADERS[lang]:
            table.add_column(header, overflow="fold")
        for outcome in summary.outcomes:
            cells = [Text(cell) for cell in shared.summary_row(outcome, lang)]
            cells[-1].stylize("bold red" if outcome.error is not None else STYLES.get(outcome.worst, ""))
            table.add_row(*cells)
        table.add_section()
        table.add_row(*(Text(cell) for cell in shared.summary_total_row(summary, lang)))
        return self._print(table) + shared.problem_lines(summary)

    def _print(self, *renderables) -> str:
        options = self.options
        buffer = io.StringIO()
        console = Console(file=buffer, width=options.width, force_terminal=options.color,
                          color_system="standard" if options.color else None, no_color=not options.color,
                          highlight=False, soft_wrap=False)
        for renderable in renderables:
            console.print(renderable)
        return buffer.getvalue()
