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
        return (f"### {_cell(shared.title(result, lang))}\n\n{table}\n\n{_cell(footer)}\n" + self._regions(result)
                + _section("警告" if lang == "zh" else "Warnings", shared.warning_lines(result, lang)))

    def _regions(self, result: Result) -> str:
        """The matrix of regions by indicator, the ranking, and a row per (indicator, region) with a status;
        nothing without region data."""
        options = self.options
        lang = options.lang
        words = shared.REGION_WORDS[lang]
        text = ""
        matrix = shared.region_matrix(result, options)
        if matrix.rows:
            rows = [[_cell(ident), *(cell for cell, _ in cells)] for ident, cells in matrix.rows]
            headers = [shared.HEADERS[lang][0], *map(_cell, matrix.labels)]
            table = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
            text += f"\n#### {words['matrix']}\n\n{_cell(shared.legend(lang))}\n\n{table}\n"
        if result.regions:
            table = tabulate([[_cell(c) for c in row] for row in shared.ranking_rows(result)],
                             headers=shared.RANKING_HEADERS[lang], tablefmt="github", disable_numparse=True,
                             colalign=("left", *("right" for _ in shared.RANKING_HEADERS[lang][1:])))
            text += f"\n#### {_cell(shared.ranking_heading(lang))}\n\n{table}\n"
        rows = shared.region_rows(result, options)
        if rows:
            table = tabulate([[_cell(c) for c in shared.region_row(row, lang)] for row in rows],
                             headers=shared.REGION_HEADERS[lang], tablefmt="github", disable_numparse=True)
            text += f"\n#### {words['rows']}\n\n{table}\n"
        return text

    def summary(self, summary: Summary) -> str:
        options = self.options
        lang = options.lang
        outcomes = self.files(summary)
        rows = [[_cell(c) for c in shared.summary_row(o, lang)] for o in outcomes]
        rows.append([_cell(c) for c in shared.summary_total_row(summary, lang)])
        headers = shared.SUMMARY_HEADERS[lang]
        regional = shared.has_regions(outcomes)
        if regional:
            headers += (shared.REGION_WORDS[lang]["regions"],)
            rows = [[*row, shared.summary_regions_cell(o)] for o, row in zip(outcomes, rows)] + [[*rows[-1], ""]]
        table = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
        text = f"### {_cell(shared.summary_title(summary, lang))}\n\n{table}\n"
        if options.only is not None:
            text += "\n" + _cell(shared.shown_note(options, len(outcomes), "files")) + "\n"
        text += _section(shared.findings_heading(options), "\n".join(shared.finding_lines(outcomes, options)))
        if regional:
            text += _section(shared.REGION_WORDS[lang]["ranking"], "\n".join(shared.region_rank_lines(outcomes, lang)))
        return text + _section("问题" if lang == "zh" else "Problems", shared.problem_lines(outcomes, lang))
