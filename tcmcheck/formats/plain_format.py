"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Result, Summary


class PlainFormatter(Formatter):
    def status(self, result: Result) -> str:
        lang = self.options.lang
        items = self.rows(result.indicators)
        rows = [shared.row(item, lang) for item in items]
        table = tabulate(rows, headers=shared.HEADERS[lang], tablefmt="simple", disable_numparse=True)
        footer = shared.footer(result, self.options, len(items))
        return f"{shared.title(result, lang)}\n\n{table}\n\n{footer}\n" + shared.warning_lines(result, lang)

    def summary(self, summary: Summary) -> str:
        options = self.options
        lang = options.lang
        outcomes = self.files(summary)
        rows = [shared.summary_row(o, lang) for o in outcomes] + [shared.summary_total_row(summary, lang)]
        table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="simple", disable_numparse=True)
        text = f"{shared.summary_title(summary, lang)}\n\n{table}\n"
        if options.only is not None:
            text += shared.shown_note(options, len(outcomes), "files") + "\n"
        findings = shared.finding_lines(outcomes, options)
        if findings:
            text += f"\n{shared.findings_heading(options)}\n" + "".join(f"  {line}\n" for line in findings)
        return text + shared.problem_lines(outcomes, lang)
