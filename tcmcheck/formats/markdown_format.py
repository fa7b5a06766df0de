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
        lang = self.options.lang
        rows = [[_cell(c) for c in shared.row(item, lang)] for item in result.indicators]
        table = tabulate(rows, headers=shared.HEADERS[lang], tablefmt="github", disable_numparse=True)
        return (f"### {_cell(shared.title(result, lang))}\n\n{table}\n\n{shared.summary_line(result, lang)}\n"
                + _section("警告" if lang == "zh" else "Warnings", shared.warning_lines(result)))

    def summary(self, summary: Summary) -> str:
        lang = self.options.lang
        rows = [[_cell(c) for c in shared.summary_row(o, lang)] for o in summary.outcomes]
        rows.append([_cell(c) for c in shared.summary_total_row(summary, lang)])
        table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="github", disable_numparse=True)
        return (f"### {_cell(shared.summary_title(summary, lang))}\n\n{table}\n"
                + _section("问题" if lang == "zh" else "Problems", shared.problem_lines(summary)))
