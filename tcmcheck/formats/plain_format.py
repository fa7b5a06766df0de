"""A plain-text table: no colour, no box drawing, aligned for Chinese text (tabulate with wcwidth)."""

from __future__ import annotations

from tabulate import tabulate
from wcwidth import wcswidth

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Result, Summary


_HEADER_PADDING = 2
"""The cells tabulate adds to a heading's width for its column."""


def _ranking(result: Result, lang: str) -> str:
    """The regions in rank order with their five counts; nothing without region data."""
    if not result.regions:
        return ""
    table = tabulate(shared.ranking_rows(result), headers=shared.RANKING_HEADERS[lang], tablefmt="simple",
                     disable_numparse=True, colalign=("left", *("right" for _ in shared.RANKING_HEADERS[lang][1:])))
    return f"\n{shared.ranking_heading(lang)}\n{table}\n"


class PlainFormatter(Formatter):
    def status(self, result: Result) -> str:
        lang = self.options.lang
        items = self.rows(result.indicators)
        rows = [shared.row(item, lang) for item in items]
        table = tabulate(rows, headers=shared.HEADERS[lang], tablefmt="simple", disable_numparse=True)
        footer = shared.footer(result, self.options, len(items))
        return (f"{shared.title(result, lang)}\n\n{table}\n\n{footer}\n" + self._matrix(result) + _ranking(result, lang)
                + shared.warning_lines(result, lang))

    def _matrix(self, result: Result) -> str:
        """Regions as columns, indicators as rows, a glyph a cell; in several blocks of regions where they
        don't fit the width beside the ids."""
        options = self.options
        matrix = shared.region_matrix(result, options)
        if not matrix.rows:
            return ""
        lang = options.lang
        heading = shared.HEADERS[lang][0]
        ids = [ident for ident, _ in matrix.rows]
        room = options.width - max(wcswidth(heading) + _HEADER_PADDING, *map(wcswidth, ids))
        text = f"\n{shared.REGION_WORDS[lang]['matrix']}\n{shared.legend(lang)}\n"
        for block in shared.fold([wcswidth(label) + _HEADER_PADDING for label in matrix.labels], room):
            rows = [(ident, *(cells[i][0] for i in block)) for ident, cells in matrix.rows]
            headers = (heading, *(matrix.labels[i] for i in block))
            text += "\n" + tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"
        return text

    def summary(self, summary: Summary) -> str:
        options = self.options
        lang = options.lang
        outcomes = self.files(summary)
        rows = [shared.summary_row(o, lang) for o in outcomes] + [shared.summary_total_row(summary, lang)]
        headers = shared.SUMMARY_HEADERS[lang]
        regional = shared.has_regions(outcomes)
        if regional:
            headers += (shared.REGION_WORDS[lang]["regions"],)
            rows = [(*row, shared.summary_regions_cell(o)) for o, row in zip(outcomes, rows)] + [(*rows[-1], "")]
        table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
        text = f"{shared.summary_title(summary, lang)}\n\n{table}\n"
        if options.only is not None:
            text += shared.shown_note(options, len(outcomes), "files") + "\n"
        findings = shared.finding_lines(outcomes, options)
        if findings:
            text += f"\n{shared.findings_heading(options)}\n" + "".join(f"  {line}\n" for line in findings)
        if regional:
            text += f"\n{shared.REGION_WORDS[lang]['ranking']}\n" + "".join(
                f"  {line}\n" for line in shared.region_rank_lines(outcomes, lang))
        return text + shared.problem_lines(outcomes, lang)
