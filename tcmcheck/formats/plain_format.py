"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Result, Summary


class PlainFormatter(Formatter):
    def status(self, result: Result) -> str:
        lang = self.options.lang
        rows = [shared.row(item, lang) for item in result.indicators]
        table = tabulate(rows, headers=shared.HEADERS[lang], tablefmt="simple", disable_numparse=True)
        return (f"{shared.title(result, lang)}\n\n{table}\n\n{shared.summary_line(result, lang)}\n"
                + shared.warning_lines(result))

    def summary(self, summary: Summary) -> str:
        lang = self.options.lang
        rows = [shared.summary_row(o, lang) for o in summary.outcomes] + [shared.summary_total_row(summary, lang)]
        table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="simple", disable_numparse=True)
        return f"{shared.summary_title(summary, lang)}\n\n{table}\n" + shared.problem_lines(summary)
