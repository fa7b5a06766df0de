"""A GitHub-flavoured Markdown table, for job summaries and merge-request comments."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import HEADERS, RenderOptions, row, summary_line, title
from tcmcheck.result import Result


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: Result, options: RenderOptions) -> str:
    rows = [[_cell(c) for c in row(item, options.lang)] for item in result.indicators]
    table = tabulate(rows, headers=HEADERS[options.lang], tablefmt="github", disable_numparse=True)
    return f"### {_cell(title(result, options.lang))}\n\n{table}\n\n{summary_line(result, options.lang)}\n"
