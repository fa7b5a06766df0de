"""The five built-in plans: metadata, indicator counts, and targets checked by hand against the documents."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import builtin_ids, load_builtin

METADATA = {
    # id: (city, province, document number, issued, start, end)
    "jiangmen": ("江门市", "广东省", "江府函〔2023〕199号", "2023-12-25", 2023, 2025),
    "nanyang": ("南阳市", "河南省", "宛政办〔2023〕34号", "2023-09-20", 2023, 2025),
    "jining": ("济宁市", "山东省", None, None, 2024, 2025),
    "liuzhou": ("柳州市", "广西壮族自治区", None, None, 2021, 2025),
    "yiwu": ("义乌市", "浙江省", None, None, 2021, 2025),
}
COUNTS = {"jiangmen": 79, "nanyang": 57, "jining": 59, "liuzhou": 58, "yiwu": 62}


def target(plan_id, indicator_id):
    indicator = load_builtin(plan_id).indicator(indicator_id)
    assert indicator is not None, indicator_id
    return indicator, [(m.due.label, m.value, m.low, m.high, m.factor, m.grade) for m in indicator.milestones]


def test_the_five_plans_are_built_in():
    assert builtin_ids() == sorted(METADATA)


@pytest.mark.parametrize("plan_id", sorted(METADATA))
def test_metadata_and_indicator_count(plan_id):
    plan = load_builtin(plan_id)
    city, province, number, issued, start, end = METADATA[plan_id]
    assert (plan.city_zh, plan.province_zh, plan.number, plan.issued, plan.start_year, plan.end_year) == (
        city, province, number, issued, start, end)
    assert len(plan.indicators) == COUNTS[plan_id]
    assert all(i.quote and i.section for i in plan.indicators)


def test_plans_command_lists_all_five_with_their_metadata():
    result = CliRunner().invoke(main, ["plans", "--format", "json"])
    listed = {p["id"]: p for p in json.loads(result.stdout)}
    assert set(listed) == set(METADATA)
    for plan_id, (city, province, number, issued, start, end) in METADATA.items():
        entry = listed[plan_id]
        assert (entry["city_zh"], entry["province_zh"], entry["number"], entry["issued"]) == (city, province, number, issued)
        assert entry["period"] == {"start": start, "end": end}
        assert entry["indicators"] == COUNTS[plan_id]
    assert listed["yiwu"]["status"] == "征求意见稿"
    text = CliRunner().invoke(main, ["plans"]).stdout
    assert "江府函〔2023〕199号" in text and "柳州市中医药发展“十四五”规划" in text


def test_jiangmen_targets():
    # 到2025年,社区卫生服务中心、乡镇卫生院中医类别医师占比不低于25%
    indicator, milestones = target("jiangmen", "primary-care-tcm-physician-share")
    assert (indicator.op, indicator.unit, milestones) == (">=", "percent", [("2025", 25, None, None, None, None)])
    # 全国基层中医药工作示范县（市）比例超过 40%: strict
    indicator, milestones = target("jiangmen", "demonstration-county-share")
    assert (indicator.op, milestones[-1][:2]) == (">", ("2025", 40))
    # 数量实现翻一番
    indicator, milestones = target("jiangmen", "tcm-pavilion-stations-doubling")
    assert (indicator.kind, milestones[-1][4]) == ("relative", 2)
    # 基层医疗机构中医诊疗量占比保持 30%以上
    indicator, milestones = target("jiangmen", "primary-care-tcm-visit-share")
    assert (indicator.kind, indicator.op, milestones[-1][1]) == ("maintain", ">=", 30)
    # 进入A级
    indicator, milestones = target("jiangmen", "wuyi-hospital-performance-grade")
    assert (indicator.kind, milestones[-1][5], indicator.scale.levels[-1]) == ("grade", "A", "A++")


def test_nanyang_targets():
    indicator, milestones = target("nanyang", "western-doctors-learning-tcm-annual")  # 每年培养西学中人才1000人
    assert indicator.kind == "annual" and [m[:2] for m in milestones] == [("2024", 1000), ("2025", 1000)]
    indicator, milestones = target("nanyang", "nanyang-tcm-hospital-new-campus")  # 力争2024年6月建成投用
    assert (indicator.kind, milestones) == ("milestone", [("2024-06", None, None, None, None, None)])
    indicator, milestones = target("nanyang", "tcm-industry-output-doubling")  # 产业年产值倍增
    assert (indicator.kind, milestones[-1][4]) == ("relative", 2)
    indicator, milestones = target("nanyang", "master-physician-workstations")  # 3~5个
    assert (indicator.kind, milestones[-1][2:4]) == ("range", (3, 5))
    indicator, milestones = target("nanyang", "family-doctor-signing-rate")  # 到2023年年底 ... 90%
    assert milestones == [("2023", 90, None, None, None, None)]


def test_jining_targets():
    # 2024年 前100名；2025年 前95名: a rank, lower is better, with an interim milestone
    indicator, milestones = target("jining", "xiyuan-jining-performance-rank")
    assert (indicator.unit, indicator.op, [m[:2] for m in milestones]) == ("rank", "<=", [("2024", 100), ("2025", 95)])
    indicator, milestones = target("jining", "city-level-tcm-village-clinics")  # 1500 -> 2000
    assert [m[:2] for m in milestones] == [("2024", 1500), ("2025", 2000)]
    indicator, _ = target("jining", "tcm-clinic-full-coverage")  # 保持…全覆盖
    assert indicator.kind == "maintain"
    indicator, milestones = target("jining", "new-provincial-sci-tech-projects")  # 2024、2025年分别新立项15个
    assert indicator.kind == "annual" and [m[:2] for m in milestones] == [("2024", 15), ("2025", 15)]


def test_liuzhou_targets():
    # 专栏1 row 7: 56.4 -> 60, 约束性
    indicator, milestones = target("liuzhou", "tcm-physician-share-public-tcm-hospitals")
    assert (indicator.baseline.value, indicator.baseline.period.label, milestones[-1][1], indicator.nature) == (
        56.4, "2020", 60, "binding")
    # 专栏1 row 16 holds two indicators, both Guangxi-specific
    first, _ = target("liuzhou", "grassroots-non-drug-therapy-share")
    second, milestones = target("liuzhou", "village-clinic-non-drug-therapy-share")
    assert (first.baseline.value, second.baseline.value, milestones[-1][1]) == (97.4, 64, 74)
    assert "guangxi-specific" in first.tags and "guangxi-specific" in second.tags
    indicator, milestones = target("liuzhou", "herb-planting-area")  # 万公顷 0.8 -> 2.17
    assert (indicator.unit, indicator.baseline.value, milestones[-1][1]) == ("hectare_10k", 0.8, 2.17)
    natures = [i.nature for i in load_builtin("liuzhou").indicators if i.nature]
    assert len(natures) == 22 and natures.count("binding") == 2


def test_yiwu_targets():
    # 千人公立中医类医院床位数达到0.69(1380张): two indicators
    rate, milestones = target("yiwu", "public-tcm-hospital-beds-per-1000")
    assert (rate.unit, milestones[-1][1], rate.baseline.value) == ("per_1000", 0.69, 0.32)
    beds, milestones = target("yiwu", "public-tcm-hospital-beds")
    assert (beds.unit, milestones[-1][1]) == ("count", 1380)
    indicator, milestones = target("yiwu", "city-tcm-hospital-grade")  # 三级甲等
    assert (indicator.kind, milestones[-1][5]) == ("grade", "三级甲等")
    indicator, milestones = target("yiwu", "national-outstanding-talents")  # 4 -> 5-7
    assert (indicator.kind, milestones[-1][2:4], indicator.baseline.value) == ("range", (5, 7), 4)
    assert load_builtin("yiwu").status == "征求意见稿"


CHECK_QUOTES = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "check_quotes.py"


@pytest.mark.skipif(not CHECK_QUOTES.exists(), reason="the source documents are not beside this checkout")
def test_every_quote_stands_in_its_source_document():
    plans = Path(__file__).resolve().parent.parent / "plans"
    result = subprocess.run([sys.executable, str(CHECK_QUOTES), str(plans)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count(" 0 problems") == len(METADATA)
