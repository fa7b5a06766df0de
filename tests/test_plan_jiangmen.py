"""The Jiangmen plan (江府函〔2023〕199号): verdicts that were wrong before the third review of the plan.

Each test runs the command line on a small submission and checks the status (and a word of the detail)
of the indicator the review changed; the comment above it quotes the document.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import load_builtin


def run(tmp_path, rows, as_of, name="submission.csv"):
    """`tcmcheck status jiangmen` on rows (indicator, period, value); returns (exit code, {id: record})."""
    path = tmp_path / name
    path.write_text("indicator,period,value\n" + "".join(f"{i},{p},{v}\n" for i, p, v in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["status", "jiangmen", str(path), "--as-of", as_of, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    return result.exit_code, {record["id"]: record for record in document["indicators"]}


# 附件 2023年: 推动二级以上中医医院加强老年病科建设，覆盖率达到100% (the department exists);
# 到2025年,全市二级以上中医医院全部设置符合标准的老年病科 (it meets the standard): two measures, not one.
def test_geriatrics_coverage_and_standard_are_separate_targets(tmp_path):
    code, records = run(tmp_path, [("geriatrics-dept-coverage", "2023", "100"),
                                   ("geriatrics-dept-standard", "2024", "80")], "2024-12-31")
    assert code == 0
    assert records["geriatrics-dept-coverage"]["status"] == "pass"
    standard = records["geriatrics-dept-standard"]
    assert standard["status"] == "on-track"
    assert "interim" not in standard["detail"]
    assert [m["due"] for m in standard["milestones"]] == ["2025-12-31"]


def test_geriatrics_coverage_missed_in_2023_fails(tmp_path):
    code, records = run(tmp_path, [("geriatrics-dept-coverage", "2023", "83.3")], "2024-12-31")
    assert code == 1
    assert records["geriatrics-dept-coverage"]["status"] == "fail"
    assert "2023-12-31" in records["geriatrics-dept-coverage"]["detail"]


# 争取市五邑中医院在国家三级公立中医医院绩效考核中进入A级; the assessment grades D … B+, B++, A … A++.
def test_performance_grade_b_plus_plus_is_accepted_and_ranks_between_b_plus_and_a(tmp_path):
    assert load_builtin("jiangmen").indicator("wuyi-hospital-performance-grade").scale.levels == (
        "D", "C", "B", "B+", "B++", "A", "A+", "A++")
    progress = {}
    for grade in ("B+", "B++", "A"):
        code, records = run(tmp_path, [("wuyi-hospital-performance-grade", "2024", grade)], "2024-12-31")
        assert code == 0
        record = records["wuyi-hospital-performance-grade"]
        assert record["actual"] == grade
        assert record["status"] == ("pass" if grade == "A" else "on-track")
        progress[grade] = record["progress"]
    assert progress["B+"] < progress["B++"] < progress["A"] == 1.0
    # due: B++ is below A, so the target is missed
    code, records = run(tmp_path, [("wuyi-hospital-performance-grade", "2025", "B++")], "2025-12-31")
    assert code == 1 and records["wuyi-hospital-performance-grade"]["status"] == "fail"


# 比例超过 10% (主要目标) vs 10%的…设置中医阁 (附件 2025年): the stricter, > 10, is encoded.
@pytest.mark.parametrize("value, status", [("10", "fail"), ("10.1", "pass")])
def test_tcm_pavilion_share_must_exceed_ten_percent(tmp_path, value, status):
    _, records = run(tmp_path, [("tcm-pavilion-station-share", "2025", value)], "2025-12-31")
    assert records["tcm-pavilion-station-share"]["status"] == status


# 在“十四五”期间培养30名学科领军人才、60名骨干人才、100名优秀青年人才 (main text) vs
# 培养领军人才18人，骨干人才20人，青年优秀人才75人 (附件 2025年): the same programme and date, the stricter figures.
def test_361_talents_are_judged_on_the_main_text_figures(tmp_path):
    rows = [("talent-361-discipline-leaders", "2025", "18"), ("talent-361-backbone", "2025", "60"),
            ("talent-361-young", "2025", "75")]
    code, records = run(tmp_path, rows, "2025-12-31")
    assert code == 1
    assert records["talent-361-discipline-leaders"]["status"] == "fail"
    assert records["talent-361-backbone"]["status"] == "pass"
    assert records["talent-361-young"]["status"] == "fail"
    assert not {"mentorship-discipline-leaders-2025", "mentorship-backbone-2025", "mentorship-young-2025"} & set(records)


# 设置“中医阁”的社区卫生服务站、村卫生站数量实现翻一番: the base is the stock when the plan began (end of 2022);
# the annex 2023 column already builds 23 pavilions.
def test_tcm_pavilion_doubling_is_measured_from_the_end_of_2022(tmp_path):
    rows = [("tcm-pavilion-stations-doubling", "2022", "40"), ("tcm-pavilion-stations-doubling", "2023", "63"),
            ("tcm-pavilion-stations-doubling", "2025", "80")]
    code, records = run(tmp_path, rows, "2025-12-31")
    assert code == 0
    record = records["tcm-pavilion-stations-doubling"]
    assert record["status"] == "pass" and record["actual"] == 80
    assert load_builtin("jiangmen").indicator("tcm-pavilion-stations-doubling").baseline.period.label == "2022"


def test_tcm_pavilion_doubling_below_twice_the_2022_stock_fails(tmp_path):
    rows = [("tcm-pavilion-stations-doubling", "2022", "40"), ("tcm-pavilion-stations-doubling", "2025", "79")]
    code, records = run(tmp_path, rows, "2025-12-31")
    assert code == 1 and records["tcm-pavilion-stations-doubling"]["status"] == "fail"


# 争取新增广东省中药材产业化基地 stands in the 2024 and the 2025 column, like 争取新会陈皮入选…品种 beside it:
# one aim restated while pending (a cumulative count of new bases), not one new base every year.
def test_herb_industrialization_bases_are_a_cumulative_count(tmp_path):
    code, records = run(tmp_path, [("provincial-herb-industrialization-bases", "2024", "0")], "2024-12-31")
    assert code == 0
    record = records["provincial-herb-industrialization-bases"]
    assert record["status"] == "lag" and "interim" in record["detail"]
    rows = [("provincial-herb-industrialization-bases", "2024", "0"), ("provincial-herb-industrialization-bases", "2025", "1")]
    code, records = run(tmp_path, rows, "2025-12-31")
    assert code == 0 and records["provincial-herb-industrialization-bases"]["status"] == "pass"
    gap = load_builtin("jiangmen").indicator("xinhui-chenpi-gap-variety")
    assert load_builtin("jiangmen").indicator("provincial-herb-industrialization-bases").kind == "threshold"
    assert [m.due.label for m in gap.milestones] == ["2024", "2025"]


# 每年选派骨干参加全国中药特色技术传承人才培训项目 (main text, no years) and the same item in the annex 2023 and 2024
# columns: the years 2023 and 2024 are named, 2025 is the plan's end year (inferred).
def test_pharmacist_training_2023_is_assessed_and_2025_is_inferred(tmp_path):
    indicator = load_builtin("jiangmen").indicator("pharmacist-heritage-training-annual")
    assert indicator.deadline_inferred and indicator.years_named
    rows = [("pharmacist-heritage-training-annual", "2023", "0"), ("pharmacist-heritage-training-annual", "2024", "2")]
    code, records = run(tmp_path, rows, "2024-12-31")
    assert code == 1
    record = records["pharmacist-heritage-training-annual"]
    assert record["status"] == "fail" and "2023" in record["detail"]


# 1.举办第二届华侨华人中医药论坛 (附件 2023年): the annex names 2023, so the plan's issue date (2023-12-25) does not skip it.
def test_overseas_forum_2023_is_assessed(tmp_path):
    rows = [("overseas-chinese-tcm-forum-annual", "2023", "0"), ("overseas-chinese-tcm-forum-annual", "2024", "1")]
    code, records = run(tmp_path, rows, "2024-12-31")
    assert code == 1
    assert records["overseas-chinese-tcm-forum-annual"]["status"] == "fail"
    assert "2023" in records["overseas-chinese-tcm-forum-annual"]["detail"]


def test_annual_targets_in_named_annex_columns_are_marked_years_named():
    plan = load_builtin("jiangmen")
    annual = {i.id for i in plan.indicators if i.kind == "annual"}
    assert annual == {"pharmacist-heritage-training-annual", "overseas-chinese-tcm-forum-annual",
                      "primary-institutions-preventive-technique-assisted", "primary-staff-tcm-training-2024",
                      "mentorship-person-times-annual"}
    assert all(plan.indicator(i).years_named for i in annual)


# 全部/每个 as the share of the units that meet the condition, in %: 治未病服务全部达AAA以上等级,
# 每个县级中医医院建设2个中医特色专科和1个县域中医药适宜技术推广中心.
@pytest.mark.parametrize("indicator_id", ["preventive-care-service-aaa-share", "county-hospitals-two-specialties-share",
                                          "county-hospitals-technique-centre-share"])
def test_all_or_each_targets_are_shares_of_one_hundred_percent(tmp_path, indicator_id):
    indicator = load_builtin("jiangmen").indicator(indicator_id)
    assert (indicator.kind, indicator.unit, indicator.op, indicator.final.value) == ("threshold", "percent", ">=", 100)
    _, records = run(tmp_path, [(indicator_id, "2025", "80%")], "2025-12-31")
    assert records[indicator_id]["status"] == "fail"
    _, records = run(tmp_path, [(indicator_id, "2025", "100%")], "2025-12-31")
    assert records[indicator_id]["status"] == "pass"


def test_every_indicator_says_what_to_report_in_both_languages():
    plan = load_builtin("jiangmen")
    for indicator in plan.indicators:
        zh, en = indicator.report("zh"), indicator.report("en")
        assert zh and zh.strip() and en and en.strip(), indicator.id
        if indicator.unit == "percent":
            assert "%" in zh and "%" in en, indicator.id
        if indicator.unit == "yes_no":
            assert "是" in zh and "yes" in en, indicator.id
