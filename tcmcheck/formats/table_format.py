"""A coloured table for a person at a terminal, fitted to its width: where the columns don't fit, the
ones a reader needs least are left out (detail, then name, then period and progress) and the detail
moves to a line of its own under the row; id and target wrap, at hyphens and spaces, before anything
else does."""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.text import Text

from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import STATUSES, IndicatorResult, Result, Status, Summary

STYLES = {
    Status.PASS: "green",
    Status.ON_TRACK: "cyan",
    Status.LAG: "yellow",
    Status.FAIL: "bold red",
    Status.NO_DATA: "dim",
}
GAP = "  "
INDENT = "    "
_NO_LINE_START = "，。、：；）」』！？,.:;)/"
"""Punctuation a wrapped line does not start with."""


@dataclass(frozen=True)
class Column:
    """Cell `index` of each row. `wrap`: the narrowest it may be wrapped to (None: it never wraps);
    `breaks`: characters after which it may break besides spaces; `right`: right-aligned."""

    index: int
    wrap: int | None = None
    breaks: str = ""
    right: bool = False


ID, NAME, TARGET, ACTUAL, PERIOD, PROGRESS, STATUS, DETAIL = range(8)
_ID_BREAKS = "-_."
LAYOUTS = (
    # every column, the detail in a column of its own
    (Column(ID, 30, _ID_BREAKS), Column(NAME, 24), Column(TARGET, 20), Column(ACTUAL, 10), Column(PERIOD),
     Column(PROGRESS, right=True), Column(STATUS), Column(DETAIL, 40)),
    # the detail under the row
    (Column(ID, 30, _ID_BREAKS), Column(NAME, 20), Column(TARGET, 18), Column(ACTUAL, 10), Column(PERIOD),
     Column(PROGRESS, right=True), Column(STATUS)),
    (Column(ID, 24, _ID_BREAKS), Column(TARGET, 16), Column(ACTUAL, 10), Column(PERIOD), Column(PROGRESS, right=True),
     Column(STATUS)),
    (Column(ID, 16, _ID_BREAKS), Column(TARGET, 12), Column(ACTUAL, 8), Column(STATUS)),
)
MATRIX_ID = 20
"""The narrowest the id column of the regions' matrix is wrapped to."""
LONGER = 1.3
"""The widest layout whose columns fit at their narrowest is used, unless its rows take more than
LONGER times the lines of the shortest that fits: a column is kept while it costs few lines."""
_ACTION = (Status.LAG, Status.FAIL, Status.NO_DATA)
"""Rows whose detail is shown under them when it has no column: what a reader acts on."""


def wrap(text: str, width: int, breaks: str = "") -> list[str]:
    """`text` in lines of at most `width` cells, broken after a space or one of `breaks`, or between
    wide (Chinese) characters; a word longer than a line is cut."""
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    size = 0
    for char in text:
        char_size = get_character_cell_size(char)
        if line and size + char_size > width:
            cut = _break_point(line, char, breaks)
            lines.append("".join(line[:cut]).rstrip())
            line = line[cut:]
            while line and line[0] == " ":
                line.pop(0)
            size = sum(get_character_cell_size(c) for c in line)
            if size + char_size > width:  # a remainder too long for a line of its own
                lines.append("".join(line))
                line, size = [], 0
        if not line and char == " ":
            continue
        line.append(char)
        size += char_size
    if line:
        lines.append("".join(line).rstrip())
    return lines or [""]


def _break_point(line: list[str], following: str, breaks: str) -> int:
    """Where `line` may end, given the character that would follow it: the last place after a space or
    a break character, or next to a wide character, not before closing punctuation; else its length."""
    chars = line + [following]
    for cut in range(len(line), 0, -1):
        before, after = chars[cut - 1], chars[cut]
        if after in _NO_LINE_START:
            continue
        if before == " " or before in breaks or get_character_cell_size(before) > 1 \
                or get_character_cell_size(after) > 1:
            return cut
    return len(line)


def measure(cells: list[tuple[str, ...]], header: tuple[str, ...], index: int) -> tuple[int, int]:
    """A column's natural width (its widest cell) and its typical one (what nine cells in ten fit in)."""
    sizes = sorted(cell_len(row[index]) for row in cells)
    heading = cell_len(header[index])
    if not sizes:
        return heading, heading
    return max(heading, sizes[-1]), max(heading, sizes[min(len(sizes) - 1, len(sizes) * 9 // 10)])


def fit(columns: tuple[Column, ...], sizes: dict[int, tuple[int, int]], width: int) -> dict[int, int] | None:
    """Each column's width within `width`, or None when the columns don't fit at their narrowest. A
    column that wraps starts at its typical width; the widest is narrowed first, one cell at a time,
    down to its narrowest; room left over widens them, in turn, up to their natural width."""
    natural = {c.index: sizes[c.index][0] for c in columns}
    narrowest = {c.index: min(natural[c.index], c.wrap) for c in columns if c.wrap is not None}
    widths = {c.index: natural[c.index] if c.wrap is None else max(sizes[c.index][1], narrowest[c.index])
              for c in columns}
    excess = sum(widths.values()) + len(GAP) * (len(columns) - 1) - width
    if excess > sum(widths[i] - narrowest[i] for i in narrowest):
        return None
    while excess > 0:
        widest = max((i for i in narrowest if widths[i] > narrowest[i]), key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    while excess < 0:
        short = [i for i in narrowest if widths[i] < natural[i]]
        if not short:
            break
        for index in short[:-excess]:
            widths[index] += 1
            excess += 1
    return widths


def _line(parts: list[tuple[str, int, bool, str]]) -> Text:
    """One printed line from (text, width, right-aligned, style) cells, without trailing blanks."""
    line = Text()
    for number, (text, width, right, style) in enumerate(parts):
        if number:
            line.append(GAP)
        pad = " " * (width - cell_len(text))
        line.append(pad if right else "")
        line.append(text, style=style)
        line.append("" if right else pad)
    line.rstrip()
    return line


class Grid:
    """Rows of cells in fixed-width columns, each cell wrapped within its column."""

    def __init__(self, columns: tuple[Column, ...], widths: dict[int, int]):
        self.columns, self.widths = columns, widths
        self.lines: list[Text] = []

    def row(self, cells: tuple[str, ...], styles: dict[int, str] | None = None) -> None:
        styles = styles or {}
        wrapped = [wrap(cells[c.index], self.widths[c.index], c.breaks) for c in self.columns]
        for depth in range(max(len(lines) for lines in wrapped)):
            self.lines.append(_line([(lines[depth] if depth < len(lines) else "", self.widths[c.index], c.right,
                                      styles.get(c.index, "")) for c, lines in zip(self.columns, wrapped)]))

    def header(self, cells: tuple[str, ...]) -> None:
        self.lines.append(_line([(cells[c.index], self.widths[c.index], c.right, "bold") for c in self.columns]))
        self.rule()

    def rule(self) -> None:
        self.lines.append(Text(GAP.join("─" * self.widths[c.index] for c in self.columns), style="dim"))

    def text(self, text: str, indent: str) -> None:
        """A line of its own under a row, indented and wrapped to the grid's width."""
        width = max(len(GAP) * (len(self.columns) - 1) + sum(self.widths.values()) - len(indent), 20)
        self.lines.extend(Text(indent + part) for part in wrap(text, width))


class TableFormatter(Formatter):
    """Cells are rich Text objects, never markup, so brackets in a name are shown as they are."""

    def status(self, result: Result) -> str:
        options = self.options
        lang = options.lang
        items = self.rows(result.indicators)
        cells = [shared.row(item, lang) for item in items]
        header = shared.HEADERS[lang]
        sizes = {index: measure(cells, header, index) for index in range(len(header))}
        fitting = []
        for columns in LAYOUTS:
            widths = fit(columns, sizes, options.width)
            if widths is not None:
                fitting.append((columns, widths, self._height(columns, widths, items, cells)))
        if fitting:
            shortest = min(height for _, _, height in fitting)
            columns, widths, _ = next(layout for layout in fitting if layout[2] <= shortest * LONGER)
        else:
            columns = LAYOUTS[-1]
            widths = {c.index: sizes[c.index][0] if c.wrap is None else min(sizes[c.index][0], c.wrap)
                      for c in columns}
        detail_below = all(c.index != DETAIL for c in columns)
        grid = Grid(columns, widths)
        grid.header(header)
        for item, row in zip(items, cells):
            grid.row(row, {STATUS: STYLES[item.status]})
            if detail_below and self._detail_shown(item):
                grid.text(row[DETAIL], INDENT)
        footer = Text(shared.count_label(result, lang) + ": ")
        for index, status in enumerate(STATUSES):
            if index:
                footer.append("，" if lang == "zh" else ", ")
            footer.append(f"{status.label(lang)} {result.summary[status]}", style=STYLES[status])
        footer.append(shared.placeholders_note(result, lang))
        note = shared.shown_note(options, len(items))
        footer.append(shared.WORDS[lang]["semicolon"] + note if note else "")
        return (self._print(shared.title(result, lang), grid.lines,
                            _wrapped(footer, options.width, INDENT) + self._matrix(result) + self._ranking(result))
                + shared.warning_lines(result, lang))

    def _matrix(self, result: Result) -> list[Text]:
        """Regions as columns, indicators as rows, a coloured glyph a cell; where the regions don't fit the
        width beside the ids, in several blocks of regions."""
        options = self.options
        lang = options.lang
        matrix = shared.region_matrix(result, options)
        if not matrix.rows:
            return []
        legend = Text()
        for status in STATUSES:
            legend.append(shared.GLYPHS[status], style=STYLES[status])
            legend.append(f" {status.label(lang)}{GAP}")
        legend.append(f"{shared.NO_TARGET} {shared.REGION_WORDS[lang]['no_target']}")
        lines = [Text(""), Text(shared.REGION_WORDS[lang]["matrix"], style="bold"),
                 *_wrapped(legend, options.width, INDENT)]
        heading = shared.HEADERS[lang][ID]
        ids = [ident for ident, _ in matrix.rows]
        narrowest = min(max(cell_len(heading), *map(cell_len, ids)), MATRIX_ID)
        sizes = [max(cell_len(label), 2) for label in matrix.labels]
        for block in shared.fold(sizes, options.width - narrowest, len(GAP)):
            columns = (Column(0, MATRIX_ID, _ID_BREAKS), *(Column(n) for n in range(1, len(block) + 1)))
            header = (heading, *(matrix.labels[i] for i in block))
            rows = [(ident, *(cells[i][0] for i in block)) for ident, cells in matrix.rows]
            widths = _widths(columns, {c.index: measure(rows, header, c.index) for c in columns}, options.width)
            grid = Grid(columns, widths)
            grid.header(header)
            for row, (_, cells) in zip(rows, matrix.rows):
                grid.row(row, {n: STYLES[cells[i][1]] for n, i in enumerate(block, 1) if cells[i][1] is not None})
            lines += [Text(""), *grid.lines]
        return lines

    def _ranking(self, result: Result) -> list[Text]:
        """The regions in rank order with their five counts."""
        if not result.regions:
            return []
        options = self.options
        lang = options.lang
        header = shared.RANKING_HEADERS[lang]
        rows = shared.ranking_rows(result)
        columns = (Column(0, 12), *(Column(i, right=True) for i in range(1, len(header))))
        grid = Grid(columns, _widths(columns, {c.index: measure(rows, header, c.index) for c in columns},
                                     options.width))
        grid.header(header)
        for row in rows:
            grid.row(row, {i: STYLES[status] for i, status in enumerate(STATUSES, 1) if row[i] != "0"})
        return [Text(""), *_wrapped(Text(shared.ranking_heading(lang), style="bold"), options.width, INDENT),
                *grid.lines]

    def _height(self, columns: tuple[Column, ...], widths: dict[int, int], items, cells) -> int:
        """The lines the rows take in this layout."""
        detail_below = all(c.index != DETAIL for c in columns)
        text_width = sum(widths.values()) + len(GAP) * (len(columns) - 1) - len(INDENT)
        height = 0
        for item, row in zip(items, cells):
            height += max(len(wrap(row[c.index], widths[c.index], c.breaks)) for c in columns)
            if detail_below and self._detail_shown(item):
                height += len(wrap(row[DETAIL], max(text_width, 20)))
        return height

    def _detail_shown(self, item: IndicatorResult) -> bool:
        return self.options.only is not None or item.status in _ACTION or item.late

    def summary(self, summary: Summary) -> str:
        options = self.options
        lang = options.lang
        outcomes = self.files(summary)
        header = shared.SUMMARY_HEADERS[lang]
        rows = [shared.summary_row(o, lang) for o in outcomes]
        total = shared.summary_total_row(summary, lang)
        counts = range(2, 2 + len(STATUSES))
        worst = len(header) - 1
        columns = (Column(0, 12, "/-_"), Column(1), *(Column(i, right=True) for i in counts), Column(worst))
        regional = shared.has_regions(outcomes)
        if regional:
            header += (shared.REGION_WORDS[lang]["regions"],)
            rows = [(*row, shared.summary_regions_cell(o)) for o, row in zip(outcomes, rows)]
            total = (*total, "")
            columns += (Column(len(header) - 1, right=True),)
        sizes = {i: measure(rows + [total], header, i) for i in range(len(header))}
        widths = _widths(columns, sizes, options.width)
        grid = Grid(columns, widths)
        grid.header(header)
        for outcome, row in zip(outcomes, rows):
            grid.row(row, {worst: "bold red" if outcome.error is not None else STYLES.get(outcome.worst, "")})
        grid.rule()
        grid.row(total)
        footer = [Text(shared.shown_note(options, len(outcomes), "files"))] if options.only else []
        found = shared.findings(outcomes, options)
        if found:
            words = shared.WORDS[lang]
            footer += [Text(""), Text(shared.findings_heading(options), style="bold")]
            for name, parts in found:
                line = Text(name + words["colon"])
                for number, (status, ids) in enumerate(parts):
                    line.append(words["semicolon"] if number else "")
                    line.append(status.label(lang), style=STYLES[status])
                    line.append(words["colon"] + ids)
                footer.extend(_wrapped(line, options.width, INDENT))
        if regional:
            footer += [Text(""), Text(shared.REGION_WORDS[lang]["ranking"], style="bold")]
            for line in shared.region_rank_lines(outcomes, lang):
                footer.extend(_wrapped(Text(line), options.width, INDENT))
        return self._print(shared.summary_title(summary, lang), grid.lines, footer) + \
            shared.problem_lines(outcomes, lang)

    def _print(self, title: str, lines: list[Text], footer: list[Text]) -> str:
        options = self.options
        buffer = io.StringIO()
        console = Console(file=buffer, width=options.width, force_terminal=options.color,
                          color_system="standard" if options.color else None, no_color=not options.color,
                          highlight=False, soft_wrap=True)
        for part in wrap(title, options.width):
            console.print(Text(part, style="bold"))
        console.print()
        for line in [*lines, *footer]:
            console.print(line)
        return buffer.getvalue()


def _widths(columns: tuple[Column, ...], sizes: dict[int, tuple[int, int]], width: int) -> dict[int, int]:
    """The columns' widths within `width`, else each at its narrowest."""
    return fit(columns, sizes, width) or {
        c.index: sizes[c.index][0] if c.wrap is None else min(sizes[c.index][0], c.wrap) for c in columns}


def _wrapped(line: Text, width: int, indent: str) -> list[Text]:
    """A styled line in lines of at most `width` cells, the ones after the first indented."""
    plain = line.plain
    pieces = wrap(plain, width)[:1]
    rest = plain[len(pieces[0]):].lstrip()
    if rest:
        pieces += wrap(rest, width - len(indent))
    out, start = [], 0
    for number, piece in enumerate(pieces):
        start = plain.index(piece, start)
        part = line[start:start + len(piece)]
        start += len(piece)
        out.append(Text(indent) + part if number else part)
    return out
