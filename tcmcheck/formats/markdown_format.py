"""A GitHub-flavoured Markdown table, for job summaries and merge-request comments."""

from __future__ import annotations

from tabulate import tabulate

from tcmcheck.formats import RenderOptions, shared
from tcmcheck.result import Result, Summary


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: Result, options: RenderOptions) -> str:
    rows = [[_cell(c) for c in shared.row(item, options.lang)] for item in result.indicators]
    table = tabulate(rows, headers=shared.HEADERS[options.lang], tablefmt="github", disable_numparse=True)
    return f"### {_cell(shared.title(result, options.lang))}\n\n{table}\n\n{shared.summary_line(result, options.lang)}\n" + shared.warning_lines(result)


def render_summary(summary: Summary, options: RenderOptions) -> str:
    lang = options.lang
    rows = [[_cell(c) for c in shared.summary_row(o, lang)] for o in summary.outcomes]
    rows.append([_cell(c) for c in shared.summary_total_row(summary, lang)])
    table = tabulate(rows, headers=shared.SUMMARY_HEADERS[lang], tablefmt="github", disable_numparse=True)
    errors = shared.error_lines(summary)
    return f"### {_cell(shared.summary_title(summary, lang))}\n\n{table}\n" + (f"\n```\n{errors}```\n" if errors else "")
