"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import HEADERS, RenderOptions, row, summary_line, title
from tcmcheck.result import Result


def render(result: Result, options: RenderOptions) -> str:
    rows = [row(item, options.lang) for item in result.indicators]
    table = tabulate(rows, headers=HEADERS[options.lang], tablefmt="simple", disable_numparse=True)
    return f"{title(result, options.lang)}\n\n{table}\n\n{summary_line(result, options.lang)}\n"
