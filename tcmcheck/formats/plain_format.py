"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.batch import Summary
from tcmcheck.formats import (
    error_lines,
    HEADERS,
    RenderOptions,
    row,
    SUMMARY_HEADERS,
    summary_line,
    summary_row,
    summary_title,
    summary_total_row,
    title,
    warning_lines,
)
from tcmcheck.result import Result


def render(result: Result, options: RenderOptions) -> str:
    rows = [row(item, options.lang) for item in result.indicators]
    table = tabulate(rows, headers=HEADERS[options.lang], tablefmt="simple", disable_numparse=True)
    return f"{title(result, options.lang)}\n\n{table}\n\n{summary_line(result, options.lang)}\n" + warning_lines(result)


def render_summary(summary: Summary, options: RenderOptions) -> str:
    lang = options.lang
    rows = [summary_row(o, lang) for o in summary.outcomes] + [summary_total_row(summary, lang)]
    table = tabulate(rows, headers=SUMMARY_HEADERS[lang], tablefmt="simple", disable_numparse=True)
    return f"{summary_title(summary, lang)}\n\n{table}\n" + error_lines(summary)
