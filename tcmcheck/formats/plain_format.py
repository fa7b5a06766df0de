"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import RenderOptions, shared
from tcmcheck.result import Result, Summary


def render(result: Result, options: RenderOptions) -> str:
    rows = [shared.row(item, options.lang) for item in result.indicators]
    table = tabulate(rows, headers=shared.HEADERS[options.lang], tablefmt="simple", disable_numparse=True)
    return f"{shared.title(result, options.lang)}\n\n{table}\n\n{shared.summary_line(result, options.lang)}\n" + shared.warning_lines(result)


def render_summary(summary: Summary, options: RenderOptions) -> str:
    lang = options.lang
    rows = [shared.summary_row(o, lang) for o in summary.outcomes] + [shared.summary_total_row(summary, lang)]
    table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="simple", disable_numparse=True)
    return f"{shared.summary_title(summary, lang)}\n\n{table}\n" + shared.error_lines(summary)
