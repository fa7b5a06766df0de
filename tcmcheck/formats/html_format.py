"""HTML for people: one self-contained page that opens offline and prints on A4.

Nothing is fetched: the style, the script and the charts (inline SVG) are in the page, and its
Content-Security-Policy lets the browser load nothing else and run no script but the page's own.
Everything shows with JavaScript off; the script only adds the status filters and the choice of
order. With regions, the heat map's column headers link to each region's view on the same page. Every text from a plan or a submission is made visible (`tcmcheck.text.visible`) and escaped."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import string
from importlib import resources

from tcmcheck import __version__, describe
from tcmcheck.formats.html_chart import chart, esc
from tcmcheck.formats.interface import Formatter, worst_first
from tcmcheck.formats import shared
from tcmcheck.formats.shared import (GLYPHS, NO_TARGET, RANKING_HEADERS, REGION_WORDS, Matrix, finding_statuses,
                                     has_region_views, ranking_heading, region_matrix, summary_title, title)
from tcmcheck.model import Indicator
from tcmcheck.regions import narrowed
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, Result, Status, Summary

CHART_FILES = 20
"""A summary of at most this many (file, plan) pairs draws a chart for each indicator it lists; a
larger one leaves the charts out, so that a summary of a thousand files stays light to open."""

WORDS = {
    "en": {
        "status": "status", "indicator": "indicator", "target": "target", "actual": "actual", "progress": "progress",
        "detail": "detail", "responsible": "responsible units", "chart": "reports and path",
        "as_of": "as of {day}", "submission": "submission: ", "issued": "issued {day}", "show": "Show:",
        "order": "Order:", "document": "document order", "worst": "worst first", "to_report": "To report: ",
        "warnings": "Warnings", "problems": "Could not be checked", "none_listed": "No {statuses} indicator.",
        "on_schedule": "{count} of {total} targets at or ahead of schedule ({share})",
        "definition": "At or ahead of schedule (达到序时进度): pass and on-track, as a share of every target "
                      "counted here.",
        "shown": "Shown: {statuses} ({count} of {total} indicators).", "shown_files": "Shown: files with {statuses}.",
        "file": "file", "plan": "plan", "spread": "statuses", "worst_status": "worst", "total": "total",
        "files": "{count} file(s)", "errors": "{count} could not be checked",
        "no_charts": "Charts are left out: this summary has {count} files, more than {limit}. "
                     "`tcmcheck status` on one file draws its charts.",
        "indicators": "{count} indicator(s)", "or": " or ",
        "placeholders": "{count} placeholder value(s) (/, -, N/A …) read as not reported",
        "heat_note": "Each cell: the region's status and its latest figure. A region's name leads to its own view.",
        "rank_rule": "Regions equal in all three share a rank. Counts cover the indicators on which a region has "
                     "a target of its own.",
        "rank": "Rank {rank} of {count}",
        "untargeted": "{count} more indicator(s) reported without a target of its own",
        "region_target": "target (its own)", "back": "↑ all regions",
    },
    "zh": {
        "status": "状态", "indicator": "指标", "target": "目标", "actual": "实际值", "progress": "进度",
        "detail": "说明", "responsible": "责任单位", "chart": "报送与目标路径",
        "as_of": "截至{day}", "submission": "报送文件：", "issued": "{day}印发", "show": "显示：",
        "order": "排序：", "document": "文件顺序", "worst": "问题优先", "to_report": "应报送：",
        "warnings": "警告", "problems": "无法检查", "none_listed": "无{statuses}指标。",
        "on_schedule": "达到序时进度 {count} 项，占比 {share}",
        "definition": "达到序时进度 = 达标 + 序时推进，占本页统计的全部指标的比例。",
        "shown": "仅显示{statuses}（共{total}项中的{count}项）。", "shown_files": "仅显示含{statuses}指标的文件。",
        "file": "文件", "plan": "规划", "spread": "状态分布", "worst_status": "最差", "total": "合计",
        "files": "{count}个文件", "errors": "{count}个文件无法检查",
        "no_charts": "本汇总含{count}个文件，超过{limit}个，未绘制图表；对单个文件运行 tcmcheck status 可查看其图表。",
        "indicators": "{count}项", "or": "或",
        "placeholders": "{count}个占位值（如“/”“无”）按未报送处理",
        "heat_note": "每格为该区县的状态及最新数值；点击区县名称查看其指标明细。",
        "rank_rule": "三项均相同的区县并列。统计范围为区县有本级目标的指标。",
        "rank": "排名第{rank}位（共{count}个区县）", "untargeted": "另有{count}项指标有报送值但无本区县目标",
        "region_target": "目标（本区县）", "back": "↑ 返回各区县指标状态",
    },
}
_COLUMNS = ("status", "name", "target", "actual", "progress", "detail", "resp", "chart")
_CHAPTER = re.compile(r"^\s*((?:[一二三四五六七八九十]+、|附件|附表)[^（(\s\d]*)")
_NUMBERS = re.compile(r"^\s*([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|(\d+)[.．、]")
_CHINESE_DIGITS = {digit: value for value, digit in enumerate("一二三四五六七八九", start=1)}


@functools.lru_cache(maxsize=None)
def _template(name: str) -> str:
    return resources.files("tcmcheck.formats").joinpath("templates", name).read_text("utf-8")


def _page(lang: str, page_title: str, body: str, footer: str, regional: bool = False) -> str:
    """The page around `body`; with `regional`, with the style of the regions' heat map and views too."""
    script = "\n" + _template("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    style = _template("report.css") + (_template("regions.css") if regional else "")
    return string.Template(_template("report.html")).substitute(
        lang="zh-CN" if lang == "zh" else "en", title=page_title, style=style,
        script=script[1:], script_hash=f"sha256-{digest}", version=__version__, body=body, footer=footer)


def _chinese_number(text: str) -> int:
    """一 to 九十九."""
    if "十" not in text:
        return _CHINESE_DIGITS.get(text, 0)
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + _CHINESE_DIGITS.get(units, 0)


def chapter(section: str) -> str:
    """The heading an indicator is grouped under: the section's chapter (一、总体要求, 二、主要任务, 附件),
    else the section's first word."""
    match = _CHAPTER.match(section)
    if match:
        return match.group(1)
    return section.split(maxsplit=1)[0] if section.strip() else section


def section_key(section: str) -> tuple[int, ...]:
    """Where a section stands in the document, from its numbering (二、…（七）23. is (2, 7, 23));
    annexes and unnumbered sections after every numbered one."""
    numbers = []
    for match in _NUMBERS.finditer(section):
        chapter_number, part, item = match.groups()
        if chapter_number:
            numbers.append(_chinese_number(chapter_number))
        elif part:
            numbers.append(_chinese_number(part))
        else:
            numbers.append(int(item))
    if not numbers or not re.match(r"^\s*[一二三四五六七八九十]+、", section):
        return (1000, *numbers)
    return tuple(numbers)


def groups(items: tuple[IndicatorResult, ...]) -> list[tuple[str, list[IndicatorResult]]]:
    """The indicators under their chapters, in document order; within a chapter, by section number,
    then in the plan's order."""
    ordered = sorted(items, key=lambda item: section_key(item.indicator.section))
    grouped: dict[str, list[IndicatorResult]] = {}
    for item in ordered:
        grouped.setdefault(chapter(item.indicator.section), []).append(item)
    return list(grouped.items())


def _share(count: int, total: int) -> str:
    return f"{describe.number(round(count * 100 / total, 1))}%" if total else "—"


class HtmlFormatter(Formatter):
    """A summary's file sections are written as each file is checked, in the process that checks it
    (`file_entry`), and put in their places at the end."""

    history_files = CHART_FILES
    """How many files a summary may have for its results to keep every report, which the charts draw;
    a status report always keeps them."""

    def __init__(self, options):
        super().__init__(options)
        self.words = WORDS[options.lang]
        self._cells: dict[tuple[int, bool], tuple[Indicator, tuple[str, str]]] = {}
        self._names: dict[int, tuple[Indicator, str]] = {}
        self._sections: dict[int, tuple[Outcome, bool, str]] = {}

    # the page of one submission

    def status(self, result: Result) -> str:
        lang, words = self.options.lang, self.words
        shown = self.rows(result.indicators)
        counts = {status: 0 for status in STATUSES}
        for item in shown:
            counts[item.status] += 1
        parts = [self._status_header(result), self._controls([s for s in STATUSES if counts[s]], counts)]
        only = self.options.only
        if only is not None:
            note = words["shown"].format(statuses=self._status_list(only), count=len(shown),
                                         total=len(result.indicators))
            parts.append(f'<p class="shown">{note}</p>')
        chosen = {id(item) for item in shown}
        for number, (heading, members) in enumerate(groups(result.indicators), start=1):
            order = {id(item): position for position, item in enumerate(members)}
            members = [item for item in self.rows(tuple(members)) if id(item) in chosen]
            if not members:
                continue
            counts = {status: 0 for status in STATUSES}
            for item in members:
                counts[item.status] += 1
            parts.append(f'<section class="group" data-group id="g{number}"><h2>{esc(heading)} '
                         f'<span class="n">{self._counts_text(counts, len(members))}</span></h2>')
            parts.append(self._table(members, result, charts=True, sections=True, order=order))
            parts.append("</section>")
        regional = bool(result.regions)
        if regional:
            parts.append(self._regions(result))
        parts.append(self._warnings(result.warnings))
        page_title = title(result, lang)
        return _page(lang, esc(page_title), "\n".join(parts), self._footer(esc(result.plan.title)), regional)

    # regions (区县): the heat map, the ranking and each region's own view

    def _regions(self, result: Result) -> str:
        """The heat map of regions by indicator and each region's view, when the result holds the regions'
        views; the ranking (a region's own line of it, in a `--region` view)."""
        lang = self.options.lang
        parts = []
        matrix = region_matrix(result, self.options) if has_region_views(result) else None
        anchors = {}
        if matrix is not None and matrix.rows:
            anchors = {name: f"region-{number}" for number, name in enumerate(matrix.names, 1)}
            parts.append(self._heat_map(result, matrix, anchors))
        parts.append(f'<section class="ranking" id="ranking"><h2>{esc(ranking_heading(lang))}</h2>'
                     f'{self._ranking(result, anchors)}</section>')
        for name, anchor in anchors.items():
            parts.append(self._region_view(result, name, anchor))
        return "\n".join(parts)

    def _region_heading(self, result: Result, region: str) -> str:
        """A region's full name, and in English its English name: '台山市 Taishan City'."""
        if self.options.lang == "zh":
            return esc(region)
        english = next((r.en for r in result.plan.regions if r.zh == region and r.en), "")
        return esc(f"{region} {english}" if english else region)

    def _heat_map(self, result: Result, matrix: Matrix, anchors: dict[str, str]) -> str:
        """Indicators as rows, regions as columns; each cell the region's status in its colour, its glyph and
        its figure, or NO_TARGET (and its figure) where it has no target of its own."""
        lang, words = self.options.lang, self.words
        region_words = REGION_WORDS[lang]
        legend = "".join(f'<li><span class="cell-key s-{s.value}">{GLYPHS[s]}</span> {s.label(lang)}</li>'
                         for s in STATUSES)
        legend += f'<li><span class="cell-key s-none">{NO_TARGET}</span> {region_words["no_target"]}</li>'
        english = {r.zh: r.en for r in result.plan.regions} if lang == "en" else {}
        heads = []
        for label, name in zip(matrix.labels, matrix.names):
            sub = f'<div class="sub">{esc(english[name])}</div>' if english.get(name) else ""
            heads.append(f'<th class="region" scope="col" data-region="{esc(name)}"><a href="#{anchors[name]}" '
                         f'title="{esc(name)}">{esc(label)}</a>{sub}</th>')
        rows = []
        for item, (_, cells) in zip(matrix.items, matrix.rows):
            views = {view.region: view for view in item.regions}
            indicator = item.indicator
            name = f'<div class="name">{esc(indicator.name(lang))}</div><div class="sub id">{esc(indicator.id)}</div>'
            tds = []
            for region, (glyph, status) in zip(matrix.names, cells):
                view = views.get(region)
                figure = ""
                if view is not None and view.actual is not None and glyph:
                    figure = esc(describe.value_text(view.actual.value, view.indicator or item.indicator, lang))
                if status is None:
                    shown = "none" if glyph else "hidden"
                    tip = f"{region} · {region_words['no_target']}" if glyph else region
                    tds.append(f'<td class="cell s-{shown}" data-region="{esc(region)}" data-status="" '
                               f'title="{esc(tip)}"><span class="glyph">{glyph}</span>'
                               f'<span class="fig">{figure}</span></td>')
                    continue
                tip = f"{region} · {status.label(lang)} · {describe.detail_text(view, lang)}"
                tds.append(f'<td class="cell s-{status.value}" data-region="{esc(region)}" '
                           f'data-status="{status.value}" title="{esc(tip)}"><span class="glyph">{glyph}</span>'
                           f'<span class="fig">{figure}</span></td>')
            rows.append(f'<tr data-indicator="{esc(item.indicator.id)}"><th scope="row">{name}</th>'
                        f'{"".join(tds)}</tr>')
        return (f'<section class="regions" id="regions"><h2>{region_words["matrix"]}</h2>'
                f'<ul class="legend heat-legend">{legend}</ul><p class="note">{words["heat_note"]}</p>'
                f'<div class="heat-wrap"><table class="heat"><thead><tr><th class="c-ind" scope="col">'
                f'{words["indicator"]}</th>{"".join(heads)}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
                "</div></section>")

    def _ranking(self, result: Result, anchors: dict[str, str]) -> str:
        """Region, the statuses as a bar, the five counts and the rank, best first; a region links to its
        view where the page has one."""
        lang, words = self.options.lang, self.words
        headers = RANKING_HEADERS[lang]
        head = (f'<th class="c-region">{headers[0]}</th><th class="c-spread">{words["spread"]}</th>'
                + "".join(f'<th class="num">{text}</th>' for text in headers[1:]))
        rows = []
        for summary in result.regions:
            name = esc(summary.region)
            anchor = anchors.get(summary.region)
            link = f'<a href="#{anchor}">{name}</a>' if anchor else name
            rows.append(f'<tr data-region="{name}"><td>{link}</td><td>{self._bar(summary.counts)}</td>'
                        + "".join(f'<td class="num" data-status="{s.value}">{summary.counts[s]}</td>'
                                  for s in STATUSES)
                        + f'<td class="num rank">{summary.rank}</td></tr>')
        return (f'<table class="files rank-table"><colgroup><col class="c-region"><col class="c-spread">'
                + '<col class="c-num">' * (len(STATUSES) + 1) + '</colgroup>'
                f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
                f'<p class="note">{words["rank_rule"]}</p>')

    def _region_view(self, result: Result, region: str, anchor: str) -> str:
        """One region's own view: its rank and counts, and each indicator on which it has a status, judged
        on its figures against its target (its allocation where it has one)."""
        lang, words = self.options.lang, self.words
        view = narrowed(result, region)
        summary = view.regions[0] if view.regions else None
        total = len(view.indicators)
        stop = "。" if lang == "zh" else ". "
        line = ""
        if summary is not None:
            line = words["rank"].format(rank=summary.rank, count=len(result.regions))
            if summary.untargeted:
                line += stop + words["untargeted"].format(count=summary.untargeted)
        shown = self.rows(view.indicators)
        if shown:
            order = {id(item): position for position, item in enumerate(view.indicators)}
            rows = []
            for position, item in enumerate(shown):
                status = item.status
                head = self._indicator_cells(item.indicator, False)[0]
                rows.append(f'<tr class="row s-{status.value}" data-rank="{worst_first(status)}" '
                            f'data-order="{order.get(id(item), position)}"><td><span class="badge s-{status.value}">'
                            f'{status.label(lang)}</span></td>{head}{self._figures(item)}</tr>')
            columns = ("status", "name", "target", "actual", "progress", "detail")
            heads = {"status": "status", "name": "indicator", "target": "region_target", "actual": "actual",
                     "progress": "progress", "detail": "detail"}
            body = (f'<table class="indicators region-table"><colgroup>'
                    + "".join(f'<col class="r-{column}">' for column in columns) + "</colgroup><thead><tr>"
                    + "".join(f"<th>{words[heads[column]]}</th>" for column in columns)
                    + f'</tr></thead><tbody class="sortable">{"".join(rows)}</tbody></table>')
        else:
            listed = self.options.only if self.options.only is not None else STATUSES
            body = f'<p class="note">{words["none_listed"].format(statuses=self._status_list_or(listed))}</p>'
        counts = self._counts_text(view.summary, total)
        return (f'<section class="region-view" data-group id="{anchor}"><h2>{self._region_heading(result, region)} '
                f'<span class="n">{counts}</span></h2><p>{line}{stop if line else ""}'
                f'<a href="#regions">{words["back"]}</a></p>{body}</section>')

    def _status_header(self, result: Result) -> str:
        lang, words = self.options.lang, self.words
        plan = result.plan
        heading = f"{plan.city_zh} {plan.title}" if lang == "zh" else f"{plan.city_en} ({plan.city_zh}) {plan.title}"
        meta = [plan.province_zh if lang == "zh" else plan.province_en]
        if plan.number:
            meta.append(plan.number)
        if plan.issued:
            meta.append(words["issued"].format(day=plan.issued))
        if plan.status:
            meta.append(plan.status)
        meta.append(plan.period_label)
        spans = "".join(f"<span>{esc(text)}</span>" for text in meta)
        spans += f'<span><strong>{words["as_of"].format(day=result.as_of.isoformat())}</strong></span>'
        spans += f'<span>{words["submission"]}<code>{esc(result.source)}</code></span>'
        if result.placeholders:
            spans += f'<span>{words["placeholders"].format(count=result.placeholders)}</span>'
        return (f'<header><h1>{esc(heading)}</h1><p class="meta">{spans}</p>'
                f'{self._counts(result.summary, len(result.indicators))}</header>')

    @staticmethod
    def _bar(counts: dict[Status, int]) -> str:
        """The count of each status as a small bar, as in a row of the summary's table beside the numbers."""
        return '<div class="counts">' + "".join(f'<div class="seg s-{s.value}" style="flex:{counts[s]} 1 0"></div>'
                                                for s in STATUSES if counts[s]) + "</div>"

    def _counts(self, counts: dict[Status, int], total: int) -> str:
        """The count of each status as a bar, with a legend, and the on-schedule line."""
        lang, words = self.options.lang, self.words
        described = ("，" if lang == "zh" else ", ").join(f"{s.label(lang)} {counts[s]}" for s in STATUSES)
        segments = "".join(f'<div class="seg s-{s.value}" style="flex:{counts[s]} 1 0" title="{s.label(lang)} '
                           f'{counts[s]}">{counts[s]}</div>' for s in STATUSES if counts[s])
        legend = "".join(f'<li><span class="dot s-{s.value}"></span>{s.label(lang)} <strong>{counts[s]}</strong></li>'
                         for s in STATUSES)
        on_schedule = shared.on_schedule(counts)
        share = _share(on_schedule, total)
        chinese = f"达到序时进度 <strong>{on_schedule}</strong> 项，占比 <strong>{share}</strong>"
        line = chinese if lang == "zh" else \
            f'{words["on_schedule"].format(count=on_schedule, total=total, share=share)} · {chinese}'
        return (f'<div class="counts" role="img" aria-label="{described}">{segments}</div>'
                f'<ul class="legend">{legend}</ul><p class="supervision">{line}</p>'
                f'<p class="definition">{words["definition"]}</p>')

    def _counts_text(self, counts: dict[Status, int], total: int) -> str:
        lang = self.options.lang
        separator = "，" if lang == "zh" else ", "
        listed = separator.join(f"{s.label(lang)} {counts[s]}" for s in STATUSES if counts[s])
        return f'{self.words["indicators"].format(count=total)}{"：" if lang == "zh" else ": "}{listed}'

    def _status_list(self, statuses) -> str:
        lang = self.options.lang
        chosen = [s.label(lang) for s in sorted(statuses, key=worst_first)]
        return ("、" if lang == "zh" else ", ").join(chosen)

    def _controls(self, statuses, counts: dict[Status, int] | None = None) -> str:
        """Filters for the statuses shown and the choice of order, hidden until the script shows them,
        as they need it to work."""
        lang, words = self.options.lang, self.words
        boxes = "".join(
            f'<label><input type="checkbox" data-status="{s.value}" checked> <span class="badge-key s-{s.value}">'
            f'{s.label(lang)}</span>{f" ({counts[s]})" if counts else ""}</label>' for s in statuses)
        order = "".join(f'<option value="{value}"{" selected" if value == self.options.sort else ""}>{words[key]}'
                        "</option>" for value, key in (("document", "document"), ("status", "worst")))
        return (f'<form class="controls" id="controls" hidden><span>{words["show"]}</span>{boxes}'
                f'<label>{words["order"]} <select id="sort">{order}</select></label></form>')

    def _table(self, items, result: Result, charts: bool, sections: bool, order: dict[int, int] | None = None) -> str:
        """The indicators' rows under their headings. `order`: each row's place in document order, which
        the script restores (by default the place given)."""
        words = self.words
        columns = _COLUMNS if charts else _COLUMNS[:-1]
        heads = {"status": "status", "name": "indicator", "target": "target", "actual": "actual",
                 "progress": "progress", "detail": "detail", "resp": "responsible", "chart": "chart"}
        cols = "".join(f'<col class="c-{column}">' for column in columns)
        head = "".join(f"<th>{words[heads[column]]}</th>" for column in columns)
        order = order or {}
        rows = [self._row(item, order.get(id(item), position), result, charts, sections)
                for position, item in enumerate(items)]
        return (f'<table class="indicators{"" if charts else " nochart"}"><colgroup>{cols}</colgroup>'
                f'<thead><tr>{head}</tr></thead><tbody class="sortable">{"".join(rows)}</tbody></table>')

    def _indicator_cells(self, indicator: Indicator, sections: bool) -> tuple[str, str]:
        """The name and target cells, and the responsible-unit cell, of an indicator, worked out once a run."""
        key = (id(indicator), sections)
        known = self._cells.get(key)
        if known is None or known[0] is not indicator:
            lang = self.options.lang
            section = f'<div class="sub">{esc(indicator.section)}</div>' if sections else ""
            responsible = ("、" if lang == "zh" else ", ").join(indicator.responsible)
            cells = (f'<td><div class="name">{esc(indicator.name(lang))}</div><div class="sub id">'
                     f'{esc(indicator.id)}</div>{section}</td><td>{esc(describe.target_text(indicator, lang))}</td>',
                     f'<td class="resp">{esc(responsible)}</td>')
            known = self._cells[key] = (indicator, cells)
        return known[1]

    def _row(self, item: IndicatorResult, order: int, result: Result, charts: bool, sections: bool) -> str:
        lang = self.options.lang
        status = item.status
        indicator = item.indicator
        label = status.label(lang)
        head, responsible = self._indicator_cells(indicator, sections)
        svg = ""
        if charts:
            svg = f'<td class="chart-cell">{chart(item, result.plan.start_year, result.as_of, lang)}</td>'
        return (f'<tr class="row s-{status.value}" data-rank="{worst_first(status)}" data-order="{order}">'
                f'<td><span class="badge s-{status.value}">{label}</span></td>{head}{self._figures(item)}'
                f'{responsible}{svg}</tr>')

    def _figures(self, item: IndicatorResult) -> str:
        """The actual (with its period), progress and detail cells of a row."""
        lang, words = self.options.lang, self.words
        if item.actual is not None:
            actual = (f'<td>{esc(describe.actual_text(item, lang))}'
                      f'<div class="period">{esc(item.actual.period.label)}</div></td>')
        else:
            actual = "<td>—</td>"
        if item.progress is None:
            progress = "<td>—</td>"
        else:
            width = max(0.0, min(item.progress, 1.0)) * 100
            progress = (f'<td><div class="progress"><span style="width:{width:.0f}%"></span></div>'
                        f'{describe.progress_text(item.progress)}</td>')
        detail = esc(describe.detail_text(item, lang))
        report = item.indicator.report(lang)
        if item.status is Status.NO_DATA and report:
            detail += f'<div class="sub">{words["to_report"]}{esc(report)}</div>'
        return f'{actual}{progress}<td class="detail">{detail}</td>'

    def _warnings(self, warnings, level: int = 2) -> str:
        if not warnings:
            return ""
        lang = self.options.lang
        items = "".join(f"<li>{esc(warning.located(lang))}</li>" for warning in warnings)
        return (f'<section class="warnings"><h{level}>{self.words["warnings"]}</h{level}><ul>{items}</ul>'
                '</section>')

    @staticmethod
    def _footer(about: str) -> str:
        return f"tcmcheck {__version__} · {about}"

    # the page of many submissions

    def file_entry(self, outcome: Outcome) -> tuple[bool, str]:
        charts = any(item.history for item in outcome.result.indicators) if outcome.result is not None else False
        return charts, self._file_section(outcome, charts)

    def file_checked(self, outcome: Outcome, entry: tuple[bool, str]) -> None:
        self._sections[id(outcome)] = (outcome, *entry)

    def summary(self, summary: Summary) -> str:
        lang, words = self.options.lang, self.words
        outcomes = self.files(summary)
        charts = len(summary.outcomes) <= CHART_FILES
        totals = summary.totals
        meta = f'<span>{words["files"].format(count=len(summary.outcomes))}</span>'
        if summary.error_count:
            meta += f'<span>{words["errors"].format(count=summary.error_count)}</span>'
        parts = [f'<header><h1>{esc(summary_title(summary, lang))}</h1><p class="meta">{meta}</p>'
                 f'{self._counts(totals, sum(totals.values()))}</header>']
        listed = finding_statuses(self.options)
        parts.append(self._controls(listed))
        if self.options.only is not None:
            chosen = self._status_list(self.options.only)
            parts.append(f'<p class="shown">{words["shown_files"].format(statuses=chosen)}</p>')
        parts.append(self._files_table(summary, outcomes))
        if not charts:
            note = words["no_charts"].format(count=len(summary.outcomes), limit=CHART_FILES)
            parts.append(f'<p class="note">{note}</p>')
        numbers = {id(outcome): number for number, outcome in enumerate(summary.outcomes, start=1)}
        for outcome in outcomes:
            known = self._sections.pop(id(outcome), None)
            if known is None or known[0] is not outcome or known[1] != charts:
                known = (outcome, charts, self._file_section(outcome, charts))
            parts.append(f'<section class="file-section" data-group id="f{numbers[id(outcome)]}">{known[2]}</section>')
        heading = esc(summary_title(summary, lang))
        return _page(lang, heading, "\n".join(parts), self._footer(heading))

    def _files_table(self, summary: Summary, outcomes: tuple[Outcome, ...]) -> str:
        """A row per file: its counts and worst status, and, when some file has region rows, its regions
        in rank order."""
        lang, words = self.options.lang, self.words
        numbers = {id(outcome): number for number, outcome in enumerate(summary.outcomes, start=1)}
        regional = shared.has_regions(summary.outcomes)
        head = (f'<th class="c-file">{words["file"]}</th><th class="c-plan">{words["plan"]}</th>'
                f'<th class="c-spread">{words["spread"]}</th>'
                + "".join(f'<th class="num">{s.label(lang)}</th>' for s in STATUSES)
                + f'<th class="c-worst">{words["worst_status"]}</th>'
                + (f'<th class="c-regions">{REGION_WORDS[lang]["ranking"]}</th>' if regional else ""))
        rows = []
        for outcome in outcomes:
            number = numbers[id(outcome)]
            order = number - 1
            link = f'<a href="#f{number}">{esc(outcome.source)}</a>'
            plan = esc(outcome.plan_id or "—")
            if outcome.error is not None:
                first = outcome.error.problems[0]
                rows.append(f'<tr class="file-row s-fail" data-rank="-1" data-order="{order}"><td>{link}</td>'
                            f'<td>{plan}</td><td colspan="{7 + regional}" class="problems">{esc(first.code)}: '
                            f'{esc(first.text(lang))}</td></tr>')
                continue
            counts = outcome.result.summary
            worst = outcome.worst
            worst_text = f'<span class="dot s-{worst.value}"></span>{worst.label(lang)}' if worst else "—"
            ranked = f'<td class="regions">{esc(shared.ranked_regions(outcome.result, lang))}</td>' if regional else ""
            rows.append(f'<tr class="file-row" data-rank="{worst_first(worst) if worst else 9}" data-order="{order}">'
                        f'<td>{link}</td><td>{plan}</td><td>{self._bar(counts)}</td>'
                        + "".join(f'<td class="num">{counts[s]}</td>' for s in STATUSES)
                        + f"<td>{worst_text}</td>{ranked}</tr>")
        totals = summary.totals
        errors = words["errors"].format(count=summary.error_count) if summary.error_count else ""
        foot = (f'<tr><td>{words["total"]}</td><td>{words["files"].format(count=len(summary.outcomes))}</td>'
                f'<td>{self._bar(totals)}</td>'
                + "".join(f'<td class="num">{totals[s]}</td>' for s in STATUSES) + f"<td>{errors}</td>"
                + ("<td></td>" if regional else "") + "</tr>")
        return (f'<table class="files"><colgroup><col class="c-file"><col class="c-plan"><col class="c-spread">'
                + '<col class="c-num">' * len(STATUSES) + '<col class="c-worst">'
                + ('<col class="c-regions">' if regional else "") + "</colgroup>"
                f'<thead><tr>{head}</tr></thead><tbody class="sortable">{"".join(rows)}</tbody>'
                f'<tfoot>{foot}</tfoot></table>')

    def _file_section(self, outcome: Outcome, charts: bool) -> str:
        """A file's section: its counts and on-schedule share, and its failing and lagging indicators
        (or those of the statuses --only names); or why it could not be checked."""
        lang, words = self.options.lang, self.words
        heading = f"<h2>{esc(outcome.source)}"
        if outcome.error is not None:
            problems = "".join(f"<li>{esc(line)}</li>" for line in outcome.error.text(lang).splitlines())
            return f'{heading}</h2><p>{words["problems"]}</p><ul class="problems">{problems}</ul>'
        result = outcome.result
        plan = result.plan
        heading += f' <span class="n">{esc(plan.city(lang))} {esc(plan.title)}</span></h2>'
        counts = result.summary
        total = len(result.indicators)
        on_schedule = shared.on_schedule(counts)
        line = words["on_schedule"].format(count=on_schedule, total=total, share=_share(on_schedule, total))
        listed = finding_statuses(self.options)
        items = sorted((item for item in result.indicators if item.status in listed),
                       key=lambda item: worst_first(item.status))
        if items and charts:
            order = {id(item): position for position, item in enumerate(result.indicators)}
            body = self._table(items, result, charts=True, sections=False, order=order)
        elif items:
            body = "".join(self._findings(status, [item for item in items if item.status is status])
                           for status in listed if any(item.status is status for item in items))
        else:
            body = f'<p class="note">{words["none_listed"].format(statuses=self._status_list_or(listed))}</p>'
        stop = "。" if lang == "zh" else ". "
        return (f'{heading}<p>{self._counts_text(counts, total)}{stop}{line}</p>{body}'
                f'{self._warnings(result.warnings, level=3)}')

    def _findings(self, status: Status, items: list[IndicatorResult]) -> str:
        """The indicators of one status in a large summary, in one paragraph: each name and deciding value."""
        lang = self.options.lang
        names = self._names
        listed = []
        for item in items:
            indicator = item.indicator
            known = names.get(id(indicator))
            if known is None or known[0] is not indicator:
                known = names[id(indicator)] = (indicator, esc(indicator.name(lang)))
            text = known[1]
            if item.actual is not None:
                value = f"{describe.actual_text(item, lang)} ({item.actual.period.label})"
                text += f"{'：' if lang == 'zh' else ': '}{esc(value)}"
            listed.append(text)
        separator = "；" if lang == "zh" else "; "
        return (f'<p class="findings row s-{status.value}"><span class="badge-key s-{status.value}">'
                f'{status.label(lang)} {len(items)}</span> {separator.join(listed)}</p>')

    def _status_list_or(self, statuses) -> str:
        lang = self.options.lang
        return self.words["or"].join(s.label(lang) for s in sorted(statuses, key=worst_first))
