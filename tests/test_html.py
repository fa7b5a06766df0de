"""--format html: one self-contained page per run, its structure, counts, escaping, filters, charts,
print stylesheet and the summary's threshold for charts. The page in a real browser: test_browser.py."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from helpers import indicator, milestone, reports
from tcmcheck.actuals import read_actuals
from tcmcheck.cli import main
from tcmcheck.engine import evaluate
from tcmcheck.errors import Problem
from tcmcheck.formats import formatter
from tcmcheck.formats.html_chart import SPANS, _thinned, chart
from tcmcheck.formats.html_format import CHART_FILES, chapter, groups, section_key
from tcmcheck.formats.interface import RenderOptions
from tcmcheck.model import Scale
from tcmcheck.periods import parse_period
from tcmcheck.result import STATUSES, IndicatorResult, Message, Report, Result, Status
from tcmcheck.spec import load_builtin, load_plan

ROOT = Path(__file__).resolve().parent.parent
JIANGMEN = ("status", "jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Page(HTMLParser):
    """The elements of a page: (tag, attributes, the text directly inside it), and all its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.open: list[tuple[str, dict, list[str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in ("meta", "input", "col", "br", "link", "circle", "line", "rect", "path", "polyline"):
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if self.open:
            self.open[-1][2].append(data)

    def having(self, tag: str, css_class: str) -> list[tuple[str, dict, list[str]]]:
        return [e for e in self.elements if e[0] == tag and css_class in e[1].get("class", "").split()]

    def badges(self) -> dict[str, int]:
        counts = {status.value: 0 for status in STATUSES}
        for _, attrs, _ in self.having("span", "badge"):
            status = next(c[2:] for c in attrs["class"].split() if c.startswith("s-"))
            counts[status] += 1
        return counts


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


def json_summary(*args) -> dict:
    return json.loads(run(*args, "--format", "json").stdout)


def test_status_page_is_one_document_with_header_groups_and_a_badge_per_indicator():
    result = run(*JIANGMEN, "--format", "html")
    assert result.exit_code == 1, result.stderr
    text = result.stdout
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and text.rstrip().endswith("</html>")
    page = Page(text)
    expected = json_summary(*JIANGMEN)
    assert page.badges() == expected["summary"]
    assert len(page.having("tr", "row")) == len(expected["indicators"])
    header = " ".join(Page(re.search("<header>.*?</header>", text, re.S).group()).text)
    assert "江门市推动中医药高质量发展行动方案" in header and "江府函〔2023〕199号" in header
    assert "as of 2024-12-31" in header and "examples/jiangmen-2024.csv" in header
    headings = [" ".join(e[2]).strip() for e in page.elements if e[0] == "h2"]
    assert headings[:3] == ["一、总体要求", "二、主要任务", "附件"]
    segments = page.having("div", "seg")
    assert len(segments) == sum(1 for count in expected["summary"].values() if count)


def test_header_says_how_many_targets_are_at_or_ahead_of_schedule():
    expected = json_summary(*JIANGMEN)["summary"]
    on_schedule = expected["pass"] + expected["on-track"]
    total = sum(expected.values())
    share = f"{round(on_schedule * 100 / total, 1):g}%"
    text = "".join(Page(run(*JIANGMEN, "--format", "html", "--lang", "zh").stdout).text)
    assert f"达到序时进度 {on_schedule} 项，占比 {share}" in text
    english = "".join(Page(run(*JIANGMEN, "--format", "html").stdout).text)
    assert f"{on_schedule} of {total} targets at or ahead of schedule ({share})" in english
    assert f"达到序时进度 {on_schedule} 项，占比 {share}" in english


def test_each_row_shows_status_text_name_target_actual_progress_detail_and_responsible_units():
    page = Page(run(*JIANGMEN, "--format", "html", "--lang", "zh").stdout)
    heads = [" ".join(e[2]) for e in page.elements if e[0] == "th"][:8]
    assert heads == ["状态", "指标", "目标", "实际值", "进度", "说明", "责任单位", "报送与目标路径"]
    text = "".join(page.text)
    assert "新增国家优势中医专科" in text and "≥ 1个 2025-12-31前" in text and "市卫生健康局" in text
    labels = {"".join(e[2]) for e in page.having("span", "badge")}
    assert labels == {"达标", "序时推进", "滞后", "未达标", "未报送"}
    assert len(page.having("div", "progress")) > 0


def test_no_data_rows_say_what_to_report():
    text = "".join(Page(run(*JIANGMEN, "--format", "html").stdout).text)
    assert "To report: " in text


def test_only_limits_the_page_and_the_header_still_counts_everything():
    full = json_summary(*JIANGMEN)["summary"]
    text = run(*JIANGMEN, "--format", "html", "--only", "lag,fail").stdout
    page = Page(text)
    assert page.badges() == {**{s: 0 for s in full}, "lag": full["lag"], "fail": full["fail"]}
    legend = re.findall(r'<li><span class="dot s-([a-z-]+)"></span>[^<]* <strong>(\d+)</strong></li>', text)
    assert {status: int(count) for status, count in legend} == full
    assert f"Shown: fail, lag ({full['lag'] + full['fail']} of {sum(full.values())} indicators)." in "".join(page.text)
    boxes = [e[1]["data-status"] for e in page.elements if e[0] == "input"]
    assert boxes == ["lag", "fail"]


def test_sort_status_puts_the_worst_first_within_each_chapter():
    text = run(*JIANGMEN, "--format", "html", "--sort", "status").stdout
    chapters = [re.findall(r'data-rank="(\d+)"', body.split("</tbody>")[0])
                for body in text.split('<tbody class="sortable">')[1:]]
    assert len(chapters) == 3
    assert all(ranks == sorted(ranks, key=int) for ranks in chapters)
    assert '<option value="status" selected>' in text
    plain = run(*JIANGMEN, "--format", "html").stdout
    assert '<option value="document" selected>' in plain
    ranks = [re.findall(r'data-rank="(\d+)"', body.split("</tbody>")[0])
             for body in plain.split('<tbody class="sortable">')[1:]]
    assert any(group != sorted(group, key=int) for group in ranks)

    def document_order(page: str) -> list[str]:  # the ids in the order the script's "document order" gives
        rows = re.findall(r'data-order="(\d+)">.*?<div class="sub id">([^<]+)</div>', page)
        chapters = [re.findall(r'data-order="(\d+)">.*?<div class="sub id">([^<]+)</div>', body.split("</tbody>")[0])
                    for body in page.split('<tbody class="sortable">')[1:]]
        assert sum(map(len, chapters)) == len(rows)
        return [ident for chapter in chapters for _, ident in sorted(chapter, key=lambda row: int(row[0]))]

    assert document_order(text) == document_order(plain)
    assert document_order(plain) == re.findall(r'<div class="sub id">([^<]+)</div>', plain)


def test_chinese_page():
    text = run(*JIANGMEN, "--format", "html", "--lang", "zh").stdout
    assert text.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    page = Page(text)
    assert page.badges() == json_summary(*JIANGMEN)["summary"]
    assert "截至2024-12-31" in "".join(page.text) and "报送文件：" in "".join(page.text)


def test_the_page_fetches_nothing_and_runs_only_its_own_script():
    for args in (JIANGMEN, ("summary", "examples/", "--as-of", "2024-12-31")):
        text = run(*args, "--format", "html").stdout
        assert not re.search(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:https?:|//|file:|data:)""", text, re.I)
        assert not re.search(r"url\s*\(|@import", text, re.I)
        assert "<link" not in text and "<img" not in text and "<iframe" not in text
        assert "http://" not in text and "https://" not in text
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
        assert "default-src 'none'" in policy
        script = re.search(r"<script>(.*?)</script>", text, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in policy
        assert text.count("<script") == 1


def test_everything_is_visible_without_javascript():
    text = run(*JIANGMEN, "--format", "html").stdout
    assert '<form class="controls" id="controls" hidden>' in text  # the filters need the script: shown by it
    markup = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", text, flags=re.S)
    assert "hide-" not in markup and "display:none" not in markup.replace(" ", "")
    assert " hidden" not in markup.replace('<form class="controls" id="controls" hidden>', "")


def test_print_stylesheet_pages_a4_repeats_headers_and_keeps_rows_whole():
    text = run(*JIANGMEN, "--format", "html").stdout
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    assert re.search(r"@page\s*\{\s*size:\s*A4", style)
    printing = style[style.index("@media print"):]
    assert "thead { display: table-header-group; }" in printing
    assert "break-inside: avoid" in printing and "print-color-adjust: exact" in printing
    assert ".controls { display: none; }" in printing


def test_chart_font_stack_names_common_chinese_fonts():
    style = re.search(r"<style>(.*?)</style>", run(*JIANGMEN, "--format", "html").stdout, re.S).group(1)
    rule = style[style.index("svg.chart"):]
    rule = rule[:rule.index("}")]
    for font in ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi"):
        assert font in rule


def test_a_chart_for_every_indicator_with_a_report():
    page = Page(run(*JIANGMEN, "--format", "html").stdout)
    expected = json_summary(*JIANGMEN)["indicators"]
    with_report = sum(1 for item in expected if item["actual"] is not None)
    assert len(page.having("svg", "chart")) == with_report
    deciding = [e for e in page.elements if e[0] == "circle" and "dec" in e[1]["class"].split()]
    assert len(deciding) == with_report  # the report that decided each status stands out


def hostile_result() -> Result:
    """A result whose every text from a file is an attempt at markup or a control character."""
    plan = load_plan(DATA / "sample.yaml")
    evil = '<script>alert("x")</script>\x1b[2J\x07&amp;'
    hostile = dataclasses.replace(plan.indicators[0], name_en=evil, name_zh=evil, section=f"一、{evil}",
                                  responsible=(evil,), id="x<b>", unit_label=evil)
    plan = dataclasses.replace(plan, title=evil, city_en=evil, city_zh=evil, number=evil, indicators=(hostile,))
    report = Report("x<b>", parse_period("2024"), 23.5, 2)
    item = IndicatorResult(hostile, Status.LAG, Message.of("due_later", due="2025-12-31"), report, 0.5,
                           history=(report,))
    warning = Problem("csv-unit-mismatch", "unit", evil, 2, indicator=evil, given=evil, unit="%")
    return Result(plan, date(2024, 12, 31), f"in{evil}.csv", (item,), (warning,))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_from_files_is_escaped_and_made_visible(lang):
    text = formatter("html", RenderOptions(lang=lang)).status(hostile_result())
    assert "<script>alert" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\\x1b[2J\\x07&amp;amp;" in text
    assert RAW_CONTROL.search(text) is None
    assert text.count("<script") == 1


def test_hostile_file_name_in_summary_is_escaped(tmp_path):
    shutil.copy(ROOT / "examples" / "jiangmen-2024.csv", tmp_path / "jiangmen-<i>\x1b.csv")
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "html")
    assert result.exit_code == 1, result.stderr
    assert "<i>" not in result.stdout and "jiangmen-&lt;i&gt;\\x1b.csv" in result.stdout
    assert RAW_CONTROL.search(result.stdout) is None


def test_summary_page_has_a_row_per_file_totals_and_each_file_s_findings():
    args = ("summary", "examples/", "--as-of", "2024-12-31")
    result = run(*args, "--format", "html")
    assert result.exit_code == 1, result.stderr
    page = Page(result.stdout)
    expected = json_summary(*args)
    rows = page.having("tr", "file-row")
    assert len(rows) == len(expected["files"])
    links = [e[1]["href"] for e in page.elements if e[0] == "a"]
    sections = [e[1]["id"] for e in page.having("section", "file-section")]
    assert links == [f"#{s}" for s in sections] and len(sections) == len(expected["files"])
    listed = {"fail": 0, "lag": 0}
    for entry in expected["files"]:
        for item in entry["indicators"]:
            if item["status"] in listed:
                listed[item["status"]] += 1
    badges = page.badges()
    assert {s: badges[s] for s in listed} == listed and badges["pass"] == badges["on-track"] == 0
    text = " ".join(page.text)
    for status, count in expected["total"].items():
        assert str(count) in text
    assert len(page.having("svg", "chart")) == sum(listed.values())  # at most CHART_FILES files: charts drawn


def many_copies(directory: Path, count: int) -> None:
    data = (ROOT / "examples" / "jiangmen-2024.csv").read_bytes()
    for number in range(count):
        (directory / f"jiangmen-{number:03d}.csv").write_bytes(data)


def test_summary_above_the_threshold_leaves_charts_out_and_says_so(tmp_path):
    many_copies(tmp_path, CHART_FILES + 1)
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "html")
    assert result.exit_code == 1, result.stderr
    assert "<svg" not in result.stdout
    assert f"this summary has {CHART_FILES + 1} files, more than {CHART_FILES}" in result.stdout
    page = Page(result.stdout)
    assert len(page.having("p", "findings")) == 2 * (CHART_FILES + 1)  # fail and lag, per file
    zh = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "html", "--lang", "zh").stdout
    assert f"本汇总含{CHART_FILES + 1}个文件，超过{CHART_FILES}个，未绘制图表" in zh


def test_summary_at_the_threshold_charts_every_report_even_with_several_processes(tmp_path):
    many_copies(tmp_path, CHART_FILES)
    result = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "html", "--jobs", "2")
    assert result.exit_code == 1, result.stderr
    page = Page(result.stdout)
    plan = load_builtin("jiangmen")
    kept = evaluate(plan, read_actuals((ROOT / "examples" / "jiangmen-2024.csv").read_bytes(), plan, "x.csv"),
                    date(2024, 12, 31), history=True)
    listed = [item for item in kept.indicators if item.status in (Status.FAIL, Status.LAG)]
    points = sum(min(len(item.history), SPANS + 1) for item in listed)
    assert len([e for e in page.elements if e[0] == "circle"]) == CHART_FILES * points
    assert "Charts are left out" not in result.stdout


def test_summary_size_per_file_stays_small(tmp_path):
    many_copies(tmp_path, 50)
    text = run("summary", tmp_path, "--as-of", "2024-12-31", "--format", "html", "--lang", "zh").stdout
    assert "<svg" not in text
    assert len(text.encode()) / 50 < 2_500


def test_html_code_is_not_imported_on_other_paths():
    script = ("import sys\nfrom tcmcheck.cli import main\n"
              "for args in (['status', 'jiangmen', 'examples/jiangmen-2024.csv', '--format', 'json'],\n"
              "             ['summary', 'examples/', '--format', 'csv'], ['status', 'jiangmen', 'examples/jiangmen-2024.csv']):\n"
              "    try:\n        main(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
              "sys.stdout = sys.__stdout__\n"
              "print(sorted(m for m in sys.modules if 'html' in m and m.startswith('tcmcheck')))\n")
    done = subprocess.run([sys.executable, "-P", "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# the pieces: chapters, history, charts

def test_sections_group_under_their_chapters_in_document_order():
    assert chapter("一、总体要求（二）主要目标 打造新发展阶段中医药高地") == "一、总体要求"
    assert chapter("二、主要任务（一）1.实施创优登峰行动") == "二、主要任务"
    assert chapter("附件 重点指标任务表 发挥龙头引领作用 2023年") == "附件"
    assert chapter("三、3.做强一批现代中药企业") == "三、"
    assert chapter("Goals and targets") == "Goals"
    assert section_key("二、主要任务（五）17.推进") < section_key("二、主要任务（七）23.深化")
    assert section_key("十一、保障") > section_key("九、任务")
    assert section_key("附件 表") > section_key("十一、保障")
    plan = load_builtin("jining")
    items = tuple(IndicatorResult(i, Status.PASS, Message.of("met_early", due="2025")) for i in plan.indicators)
    ordered = [item.indicator.section for _, members in groups(items) for item in members]
    assert [section_key(s) for s in ordered] == sorted(section_key(s) for s in ordered)
    assert sorted(ordered) == sorted(i.section for i in plan.indicators)


def test_evaluate_keeps_every_report_up_to_the_as_of_date_only_when_asked():
    plan = load_plan(DATA / "sample.yaml")
    actuals = read_actuals((DATA / "sample.csv").read_bytes(), plan, "sample.csv")
    plain = evaluate(plan, actuals, date(2024, 6, 30))
    kept = evaluate(plan, actuals, date(2024, 6, 30), history=True)
    assert all(item.history == () for item in plain.indicators)
    assert [(i.status, i.actual, i.detail) for i in plain.indicators] == [(i.status, i.actual, i.detail)
                                                                          for i in kept.indicators]
    share = next(i for i in kept.indicators if i.indicator.id == "physician-share")
    assert [(r.period.label, r.value) for r in share.history] == [("2023", 21.5)]
    later = evaluate(plan, actuals, date(2024, 12, 31), history=True)
    share = next(i for i in later.indicators if i.indicator.id == "physician-share")
    assert [(r.period.label, r.value, r.line) for r in share.history] == [("2023", 21.5, 2), ("2024", 23.5, 3)]
    assert tuple(share.history) == tuple(share.history[0:2]) and share.history[-1] == share.actual


def item_with(kind="threshold", history=(), status=Status.ON_TRACK, **fields) -> IndicatorResult:
    target = indicator(kind, **fields)
    history = tuple(history)
    return IndicatorResult(target, status, Message.of("due_later", due="2025-12-31"),
                           history[-1] if history else None, 0.5, history=history)


def test_chart_draws_path_points_target_and_as_of_line():
    item = item_with(history=reports(("2023", 20), ("2024", 22)), baseline=("2022", 18))
    svg = chart(item, 2023, date(2024, 12, 31), "en")
    assert svg.startswith('<svg class="chart"') and svg.count("<circle") == 2
    assert '<polyline class="path"' in svg and svg.count('class="tg"') == 1
    assert '<line class="asof"' in svg and "as of 2024-12-31" in svg and "≥ 25%" in svg
    assert chart(item_with(), 2023, date(2024, 12, 31), "en") == ""


def test_chart_of_an_approximate_target_shows_its_tolerance_band():
    approximate = (milestone(2025, value=300, approx=True, tolerance=0.1),)
    item = item_with(history=reports(("2023", 200), ("2024", 250)), milestones=approximate, unit="count")
    svg = chart(item, 2023, date(2024, 12, 31), "en")
    band = re.search(r'<rect class="band" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    assert band is not None
    exact = chart(item_with(history=reports(("2023", 200), ("2024", 250)), unit="count",
                            milestones=(milestone(2025, value=300),)), 2023, date(2024, 12, 31), "en")
    assert '<rect class="band"' not in exact


def test_chart_of_grades_steps_on_the_scale_levels():
    scale = Scale("performance", ("D", "C", "B", "B+", "A", "A+", "A++"))
    item = item_with("grade", history=reports(("2023", "B"), ("2024", "A")), scale=scale,
                     milestones=(milestone(2025, grade="A+"),))
    svg = chart(item, 2023, date(2024, 12, 31), "zh")
    assert '<path class="line" d="M' in svg and "V" in svg.split('<path class="line" d="')[1].split('"')[0]
    for level in ("D", "A+", "A++"):
        assert f">{level}</text>" in svg
    assert svg.count("<circle") == 2


def test_chart_of_a_deliverable_is_a_timeline_with_its_due_date():
    item = item_with("milestone", history=reports(("2024-03", False), ("2024-09", True)),
                     milestones=(milestone("2024-06"),), status=Status.PASS)
    svg = chart(item, 2023, date(2024, 12, 31), "zh")
    assert "2024-06-30到期" in svg and 'class="pt done' in svg and 'class="pt open' in svg
    assert "due 2024-06-30" in chart(item, 2023, date(2024, 12, 31), "en")


def test_chart_of_many_reports_draws_the_latest_of_each_span_and_the_deciding_one():
    days = [(f"2023-01-{d:02d}", 10 + d) for d in range(1, 32)] + [(f"2024-{m:02d}", 50 + m) for m in range(1, 13)]
    days += [(f"2024-12-{d:02d}", 80) for d in range(1, 31)]
    history = tuple(reports(*days))
    deciding = history[5]
    item = IndicatorResult(indicator(), Status.FAIL, Message.of("due_later", due="2025-12-31"), deciding, 0.1,
                           history=history)
    svg = chart(item, 2023, date(2024, 12, 31), "en")
    points = svg.count("<circle")
    assert len(history) > SPANS and points <= SPANS + 2
    assert 'class="pt dec s-fail"' in svg and "2023-01-06: 16%" in svg
    assert "the latest of each of" in svg


@pytest.mark.parametrize("spacing", ["daily", "bunched", "sparse"])
def test_thinning_keeps_the_latest_report_of_each_span(spacing):
    import random

    generator = random.Random(spacing)
    first, last = date(2021, 1, 1), date(2025, 12, 31)
    days = {"daily": list(range(1826)), "bunched": sorted(generator.sample(range(300), 200)) + [1500, 1800],
            "sparse": sorted(generator.sample(range(1826), SPANS + 5))}[spacing]
    history = tuple(Report("x", parse_period(date.fromordinal(first.toordinal() + day).isoformat()), float(day), line)
                    for line, day in enumerate(days, start=2))
    expected = []
    for number in range(1, SPANS + 1):
        cut = first.toordinal() + (last.toordinal() - first.toordinal()) * number // SPANS
        inside = [r for r in history if r.period.end.toordinal() <= cut and (not expected or r.line > expected[-1].line)]
        if inside:
            expected.append(inside[-1])
    assert _thinned(history, None, first, last) == expected


def test_chart_of_annual_and_maintain_targets_draws_each_year_s_level():
    annual = item_with("annual", history=reports(("2023", 900), ("2024", 1100)), unit="count",
                       milestones=(milestone(2023, value=1000), milestone(2024, value=1000), milestone(2025, value=1000)))
    svg = chart(annual, 2023, date(2024, 12, 31), "en")
    assert svg.count("H") >= 3 and svg.count('class="tg"') == 3
    held = item_with("maintain", history=reports(("2023", 31), ("2024", 32)), milestones=(milestone(2025, value=30),))
    assert '<path class="path" d="M' in chart(held, 2023, date(2024, 12, 31), "en")
