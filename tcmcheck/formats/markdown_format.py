"""A GitHub-flavoured Markdown table, for job summaries and merge-request comments."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Result, Summary


def _cell(text: str) -> str:
    """Text in a table cell or a list item: a pipe would end the cell."""
    return text.replace("|", "\\|")


def _section(heading: str, lines: str) -> str:
    """A list under a heading, one item a line of `lines`; nothing when there are none."""
    items = [line for line in lines.splitlines() if line]
    if not items:
        return ""
    return f"\n#### {heading}\n\n" + "".join(f"- {_cell(item)}\n" for item in items)


class MarkdownFormatter(Formatter):
    def status(self, result: Result) -> str:
        options = self.options
        lang = options.lang
        items = self.rows(result.indicators)
        rows = [[_cell(c) for c in shared.row(item, lang)] for item in items]
        table = tabulate(rows, headers=shared.HEADERS[lang], tablefmt="github", disable_numparse=True)
        footer = shared.footer(result, options, len(items))
        return (f"### {_cell(shared.title(result, lang))}\n\n{table}\n\n{_cell(footer)}\n"
                + _section("警告" if lang == "zh" else "Warnings", shared.warning_lines(result, lang)))

    def summary(self, summary: Summary) -> str:
        options = self.options
        lang = options.lang
        outcomes = self.files(summary)
        rows = [[_cell(c) for c in shared.summary_row(o, lang)] for o in outcomes]
        rows.append([_cell(c) for c in shared.summary_total_row(summary, lang)])
        table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="github", disable_numparse=True)
        text = f"### {_cell(shared.summary_title(summary, lang))}\n\n{table}\n"
        if options.only is not None:
            text += "\n" + _cell(shared.shown_note(options, len(outcomes), "files")) + "\n"
        return (text + _section(shared.findings_heading(options), "\n".join(shared.finding_lines(outcomes, options)))
                + _section("问题" if lang == "zh" else "Problems", shared.problem_lines(outcomes, lang)))
