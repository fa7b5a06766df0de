"""Regions in --format html, through the command line on the shipped regional example: the heat map of
regions by indicator, the ranking, and each region's own view, linked from the map's column headers.
The page in a real browser: test_browser.py."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ("jiangmen", "examples/jiangmen-regions-2024.csv", "--targets", "examples/jiangmen-targets-2025.txt",
           "--as-of", "2024-12-31")
GLYPH = {"pass": "✔P", "on-track": "▸T", "lag": "▴L", "fail": "✖F", "no-data": "◦N", "": "-"}
CELL = re.compile(r'<td class="cell s-([\w-]+)" data-region="([^"]*)" data-status="([\w-]*)" title="[^"]*">'
                  r'<span class="glyph">([^<]*)</span><span class="fig">([^<]*)</span></td>')
HEAT_ROW = re.compile(r'<tr data-indicator="([^"]*)">(.*?)</tr>')
HEAD = re.compile(r'<th class="region" scope="col" data-region="([^"]*)"><a href="#([^"]+)" title="[^"]*">([^<]*)</a>')
RANK_ROW = re.compile(r'<tr data-region="([^"]*)"><td>(.*?)</td><td>.*?</td>((?:<td class="num"[^>]*>\d+</td>){5})'
                      r'<td class="num rank">(\d+)</td></tr>')
VIEW_ROW = re.compile(r'<tr class="row s-([\w-]+)"[^>]*><td><span class="badge[^>]*>[^<]*</span></td><td>'
                      r'<div class="name">[^<]*</div><div class="sub id">([^<]*)</div></td><td>([^<]*)</td>'
                      r'<td>(?:[^<]*<div class="period">([^<]*)</div>|—)</td>')


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def page(*args, lang="en"):
    result = run("status", *args, "--format", "html", "--lang", lang)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def document():
    result = CliRunner().invoke(main, ["status", *EXAMPLE, "--format", "json"])
    return json.loads(result.stdout)


def section(text, ident):
    """The HTML of the <section> with this id."""
    start = text.index(f'id="{ident}"')
    return text[start:text.index("</section>", start)]


def heat_map(text):
    """{(indicator, region): (css status, data-status, glyph, figure)} from the heat map, and the row order."""
    cells, order = {}, []
    for ident, row in HEAT_ROW.findall(section(text, "regions")):
        order.append(html.unescape(ident))
        for css, region, status, glyph, figure in CELL.findall(row):
            cells[(order[-1], html.unescape(region))] = (css, status, glyph, html.unescape(figure))
    return cells, order


def test_heat_map_has_a_cell_per_indicator_and_region_with_its_status_glyph_and_figure(document):
    text = page(*EXAMPLE)
    cells, order = heat_map(text)
    regions = [r["region"] for r in document["regions"]]
    assert order == [item["id"] for item in document["indicators"] if any(v["status"] for v in item["regions"])]
    assert len(cells) == len(order) * len(regions)
    views = {(item["id"], view["region"]): view for item in document["indicators"] for view in item["regions"]}
    for (ident, region), (css, status, glyph, figure) in cells.items():
        view = views.get((ident, region))
        wanted = view["status"] if view and view["status"] else ""
        assert status == wanted and glyph == GLYPH[wanted], (ident, region)
        assert css == (wanted or "none"), "the colour goes with the glyph, never alone"
        if view is not None and view["actual"] is not None:
            assert figure, (ident, region)
    assert cells[("talent-361-young", "台山市")] == ("on-track", "on-track", "▸T", "11")
    assert cells[("county-hospital-capability-standard", "蓬江区")][3] == "86.4%"
    heads = HEAD.findall(text)
    assert [name for name, _, _ in heads] == ["蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"]
    assert [label for _, _, label in heads] == ["蓬江", "江海", "新会", "台山", "开平", "鹤山", "恩平"]
    for _, anchor, _ in heads:
        assert f'<section class="region-view" data-group id="{anchor}">' in text
    assert "Pengjiang" in section(text, "regions"), "an English page names each region in English too"


def test_ranking_lists_the_regions_best_first_with_their_counts_linked_to_their_views(document):
    text = page(*EXAMPLE)
    ranking = section(text, "ranking")
    assert "Regions ranked (1 = best: fewest fail, fewest lag, largest share of pass)" in ranking
    rows = RANK_ROW.findall(ranking)
    assert [(name, [int(n) for n in re.findall(r">(\d+)<", counts)], int(rank)) for name, _, counts, rank in rows] == [
        (r["region"], list(r["summary"].values()), r["rank"]) for r in document["regions"]]
    anchors = dict((name, anchor) for name, anchor, _ in HEAD.findall(text))
    for name, cell, _, _ in rows:
        assert cell == f'<a href="#{anchors[name]}">{name}</a>'
    assert text.index('id="regions"') < text.index('id="ranking"') < text.index('id="region-1"') < text.index(
        '<section class="warnings">'), "after the city's view: the map, the ranking, each region, then warnings"


def test_each_region_has_its_own_view_with_its_own_targets_figures_and_periods(document):
    text = page(*EXAMPLE)
    anchors = dict((name, anchor) for name, anchor, _ in HEAD.findall(text))
    for summary in document["regions"]:
        region = summary["region"]
        view = section(text, anchors[region])
        rows = [(ident, status, html.unescape(target), period) for status, ident, target, period
                in VIEW_ROW.findall(view)]
        assert rows == [(item["id"], own["status"], own["target"], own["period"] or "")
                        for item in document["indicators"] for own in item["regions"]
                        if own["region"] == region and own["status"] is not None]
        assert f"Rank {summary['rank']} of 7" in view
        assert f"{summary['without_target']} more indicator(s) reported without a target" in view
        assert '<a href="#regions">' in view
    taishan = section(text, anchors["台山市"])
    assert "<h2>台山市 Taishan " in taishan
    assert "≥ 14 by 2025-12-31" in taishan, "judged against its allocation, not the city's target"


def test_the_chinese_page_says_it_in_chinese():
    text = page(*EXAMPLE, lang="zh")
    regions = text[text.index('id="regions"'):text.index("<footer>")]
    for words in ("各区县指标状态", "无目标", "每格为该区县的状态及最新数值", "区县排名", "排名第", "目标（本区县）",
                  "返回各区县指标状态", "达标", "序时推进", "滞后", "未达标"):
        assert words in regions, words
    for words in ("no target", "Rank ", "indicator(s)", "all regions", "Pengjiang", ">pass<", "on trajectory"):
        assert words not in regions, words


def test_a_page_without_region_data_has_no_regions_part():
    text = page("jiangmen", "examples/jiangmen-2024.csv", "--as-of", "2024-12-31")
    assert 'id="regions"' not in text and 'id="ranking"' not in text and "table.heat" not in text


def test_a_region_view_shows_its_indicators_and_its_line_of_the_ranking(document):
    text = page(*EXAMPLE, "--region", "台山")
    assert 'id="regions"' not in text and '<section class="region-view"' not in text
    rows = RANK_ROW.findall(section(text, "ranking"))
    taishan = next(r for r in document["regions"] if r["region"] == "台山市")
    assert [(name, cell, int(rank)) for name, cell, _, rank in rows] == [("台山市", "台山市", taishan["rank"])]
    badges = re.findall(r'<span class="badge s-([\w-]+)">', text)
    assert len(badges) == sum(1 for item in document["indicators"] for own in item["regions"]
                              if own["region"] == "台山市" and own["status"] is not None)


def test_only_blanks_the_other_cells_and_keeps_the_rows_of_the_chosen_statuses():
    text = page(*EXAMPLE, "--only", "fail")
    cells, order = heat_map(text)
    assert order == ["party-administration-separation", "county-hospital-preventive-dept", "geriatrics-dept-coverage"]
    assert {status for css, status, _, _ in cells.values() if css != "hidden"} <= {"fail", ""}
    assert all(glyph == "" and figure == "" for css, _, glyph, figure in cells.values() if css == "hidden")
    views = re.findall(r'<section class="region-view" data-group id="region-\d">(.*?)</section>', text, re.S)
    assert len(views) == 7
    assert {status for view in views for status, *_ in VIEW_ROW.findall(view)} == {"fail"}


def test_region_names_from_a_file_are_escaped_and_made_visible(tmp_path):
    """Yiwu lists no regions, so any name is one."""
    evil = '<b>"x"</b>\x1b[2J'
    submission = tmp_path / "yiwu.csv"
    submission.write_text("indicator,region,period,value\n"
                          f"secondary-hospitals-tcm-department,{evil},2024,80\n"
                          "secondary-hospitals-tcm-department,稠城街道,2024,100\n", "utf-8")
    result = run("status", "yiwu", submission, "--as-of", "2024-12-31", "--format", "html")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "<b>" not in text and "\x1b" not in text
    assert 'data-region="&lt;b&gt;&quot;x&quot;&lt;/b&gt;\\x1b[2J"' in text
    cells, _ = heat_map(text)
    assert cells[("secondary-hospitals-tcm-department", '<b>"x"</b>\\x1b[2J')][:3] == ("on-track", "on-track", "▸T")


def test_the_regional_page_stays_self_contained():
    text = page(*EXAMPLE)
    assert not re.search(r'(?:src|href)="(?!#)', text), "links only within the page"
    assert "default-src 'none'" in text
