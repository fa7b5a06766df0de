"""The Liuzhou plan: designations the city already held in 2020 are targets of new ones, 每个 targets are
shares, and every indicator says what a submitter reports."""

import json

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import load_builtin


def run(tmp_path, rows, as_of, *extra):
    """`tcmcheck status liuzhou` on a CSV of (indicator, period, value) rows, in JSON."""
    csv = tmp_path / "liuzhou.csv"
    csv.write_text("indicator,period,value\n" + "".join(f"{i},{p},{v}\n" for i, p, v in rows), "utf-8")
    result = CliRunner().invoke(main, ["status", "liuzhou", str(csv), "--as-of", as_of, "--format", "json", *extra])
    return result


def verdict(tmp_path, rows, as_of):
    result = run(tmp_path, rows, as_of)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    items = {i["id"]: i for i in document["indicators"]}
    return result.exit_code, items


# 一、（一）发展基础: "2家单位获“广西中医药健康旅游示范基地”，2家单位获“广西中医药特色医养结合示范基地”",
# "建设广西中医药文化宣传教育基地1家". The targets (2-3, 1-3, 1-2) are new designations on top of these.
STOCKS = [
    # indicator, 2020 stock, new ones needed (the low end of the range)
    ("integrated-care-demo-bases", 2, 2),
    ("health-tourism-demo-bases", 2, 1),
    ("guangxi-culture-education-bases", 1, 1),
]


@pytest.mark.parametrize("indicator, stock, new", STOCKS)
def test_the_designations_held_in_2020_are_the_baseline(indicator, stock, new):
    spec = load_builtin("liuzhou").indicator(indicator)
    assert spec.kind == "increase" and spec.op == ">="
    assert (spec.baseline.period.label, spec.baseline.value) == ("2020", stock)
    assert spec.milestones[-1].value == new
    # the report sentence says that the total is meant, stock included
    assert str(stock) in spec.report_zh and "含2020年底" in spec.report_zh
    assert "including" in spec.report_en and "total" in spec.report_en


@pytest.mark.parametrize("indicator, stock, new", STOCKS)
@pytest.mark.parametrize("as_of", ["2022-12-31", "2024-12-31"])
def test_reporting_only_the_2020_stock_is_not_met_early(tmp_path, indicator, stock, new, as_of):
    # Before: a range (2-3 etc.) over the total, so the city's 2020 stock alone read as "met ahead of the deadline".
    year = as_of[:4]
    code, items = verdict(tmp_path, [(indicator, year, stock)], as_of)
    assert items[indicator]["status"] == "lag"
    assert "behind" in items[indicator]["detail"] and "ahead" not in items[indicator]["detail"]
    assert items[indicator]["target"].startswith(f"≥ +{new} over 2020 ({stock})")
    assert code == 0  # a lag is not a failure by default
    # a strict gate catches it
    assert run(tmp_path, [(indicator, year, stock)], as_of, "--fail-on", "lag,fail").exit_code == 1


@pytest.mark.parametrize("indicator, stock, new", STOCKS)
def test_the_2020_stock_at_the_deadline_fails(tmp_path, indicator, stock, new):
    code, items = verdict(tmp_path, [(indicator, "2025", stock)], "2025-12-31")
    assert (code, items[indicator]["status"]) == (1, "fail")
    assert "missed" in items[indicator]["detail"]


@pytest.mark.parametrize("indicator, stock, new", STOCKS)
def test_the_stock_plus_the_new_ones_passes(tmp_path, indicator, stock, new):
    code, items = verdict(tmp_path, [(indicator, "2024", stock + new)], "2024-12-31")
    assert (code, items[indicator]["status"]) == (0, "pass")
    # one short of the new ones by the deadline fails
    code, items = verdict(tmp_path, [(indicator, "2025", stock + new - 1)], "2025-12-31")
    assert (code, items[indicator]["status"]) == (1, "fail")


def test_integrated_care_bases_two_in_2022_is_behind_and_four_in_2025_passes(tmp_path):
    # the shipped example used to report the total 2 for 2022 and read as met
    rows = [("integrated-care-demo-bases", "2022", 2)]
    _, items = verdict(tmp_path, rows, "2022-12-31")
    assert items["integrated-care-demo-bases"]["status"] == "lag"
    rows += [("integrated-care-demo-bases", "2025", 4)]
    code, items = verdict(tmp_path, rows, "2025-12-31")
    assert (code, items["integrated-care-demo-bases"]["status"]) == (0, "pass")


# Designations with a related stock in the background (名科 vs 重点专科, 工作室, 广西名老中医, 师承人员,
# 重点实验室/研究中心): the name and the report ask for the new ones since 2021-01-01.
NEW_ONES = ["national-famous-departments", "regional-famous-departments", "national-regional-famous-doctors",
            "guangxi-famous-tcm-doctors", "famous-doctor-studios", "studio-successors", "regional-key-research-labs",
            "tcm-advantage-specialties", "tcm-sci-tech-innovation-platform", "talent-training-platforms",
            "tcm-excellent-talents", "tcm-backbone-talents"]


@pytest.mark.parametrize("indicator", NEW_ONES)
def test_new_ones_since_2021_are_asked_for_plainly(indicator):
    spec = load_builtin("liuzhou").indicator(indicator)
    assert "2021" in spec.name_zh and "2021" in spec.name_en
    assert "2021年1月1日" in spec.report_zh and "since 2021-01-01" in spec.report_en


# 每个县级中医类医院建成2个中医特色优势专科和1个县域中医药适宜技术推广中心; 每个县（区）……不低于30%;
# 力争培育每县（区）有1-2个优势品种: rule 2, shares of the units meeting the condition, 100%.
SHARES = {
    "county-tcm-hospitals-two-specialties-share": "county-tcm-hospital-advantage-specialties",
    "county-tcm-hospitals-technique-centre-share": "county-appropriate-technology-centre",
    "county-tcm-appraisal-weight-share": "grassroots-performance-tcm-score-share",
    "counties-with-advantage-herb-variety-share": "county-advantage-herb-varieties",
}


@pytest.mark.parametrize("indicator", sorted(SHARES))
def test_each_unit_targets_are_shares_of_the_units(indicator):
    spec = load_builtin("liuzhou").indicator(indicator)
    assert (spec.kind, spec.unit, spec.op, spec.milestones[-1].value) == ("threshold", "percent", ">=", 100)
    assert "%" in spec.report_zh and "%" in spec.report_en


@pytest.mark.parametrize("indicator", sorted(SHARES))
def test_the_old_count_per_unit_no_longer_passes(tmp_path, indicator):
    # Before: "each hospital has 2" was a count (report the smallest); 2 met the target. Now 2 is 2%.
    code, items = verdict(tmp_path, [(indicator, "2025", 2)], "2025-12-31")
    assert (code, items[indicator]["status"]) == (1, "fail")
    assert "missed" in items[indicator]["detail"] and items[indicator]["target"].startswith("≥ 100%")
    code, items = verdict(tmp_path, [(indicator, "2025", 100)], "2025-12-31")
    assert (code, items[indicator]["status"]) == (0, "pass")


@pytest.mark.parametrize("old", sorted(SHARES.values()))
def test_the_old_count_ids_are_refused(tmp_path, old):
    result = run(tmp_path, [(old, "2024", 2)], "2024-12-31")
    assert result.exit_code == 2
    assert old in result.stderr


def test_grade_2a_is_both_a_count_and_a_share(tmp_path):
    # 专栏1 序号3 (a count, 6 → 6) and 三、（二）"到2025年，100%的县级中医类医院达到二级甲等标准" (a share)
    plan = load_builtin("liuzhou")
    assert plan.indicator("county-tcm-hospitals-grade-2a").unit == "count"
    assert plan.indicator("county-tcm-hospitals-grade-2a-share").unit == "percent"
    code, items = verdict(tmp_path, [("county-tcm-hospitals-grade-2a", "2025", 6),
                                     ("county-tcm-hospitals-grade-2a-share", "2025", 6)], "2025-12-31")
    assert items["county-tcm-hospitals-grade-2a"]["status"] == "pass"
    assert (code, items["county-tcm-hospitals-grade-2a-share"]["status"]) == (1, "fail")


def test_the_assistance_teams_are_counted_per_year(tmp_path):
    # 每年遴选2-3个中医团队: a year's own flow; the source states no issue date, so 2021 is assessed too
    spec = load_builtin("liuzhou").indicator("county-assistance-tcm-teams")
    assert spec.kind == "annual" and [m.due.label for m in spec.assessed] == ["2021", "2022", "2023", "2024", "2025"]
    assert "当年" in spec.report_zh and "not a total" in spec.report_en
    rows = [("county-assistance-tcm-teams", year, n) for year, n in (("2021", 2), ("2022", 3), ("2023", 1))]
    code, items = verdict(tmp_path, rows, "2023-12-31")
    assert (code, items["county-assistance-tcm-teams"]["status"]) == (1, "fail")
    assert "2023" in items["county-assistance-tcm-teams"]["detail"]


def test_table_1_has_its_22_indicators_each_saying_stock_or_year():
    plan = load_builtin("liuzhou")
    table = [i for i in plan.indicators if "专栏1" in i.section]
    assert len(table) == 22  # 21 rows, row 16 holds two
    assert all(i.baseline is not None and i.baseline.period.label == "2020" and i.nature for i in table)
    assert all(i.milestones[-1].due.label == "2025" for i in table)
    for i in table:
        if i.unit == "percent":
            assert "如" in i.report_zh and "for" in i.report_en, i.id
        else:
            assert "期末" in i.report_zh or "年度" in i.report_zh, i.id


def test_every_indicator_says_what_to_report_in_both_languages():
    plan = load_builtin("liuzhou")
    missing = [i.id for i in plan.indicators if not (i.report_zh or "").strip() or not (i.report_en or "").strip()]
    assert missing == []
    for i in plan.indicators:
        assert i.report_zh.startswith(("填报", "柳州市")), i.id
        if i.unit == "percent":
            assert "%" in i.report_zh and "%" in i.report_en, i.id


def test_show_and_template_carry_the_report_sentence(tmp_path):
    shown = CliRunner().invoke(main, ["show", "liuzhou", "-v"])
    assert shown.exit_code == 0
    assert "including the 2 designated by the end of 2020" in shown.stdout
    target = tmp_path / "liuzhou-template.csv"
    made = CliRunner().invoke(main, ["template", "liuzhou", "--lang", "zh", "-o", str(target)])
    assert made.exit_code == 0, made.output
    assert "含2020年底前已获评的2家" in target.read_text("utf-8-sig")
