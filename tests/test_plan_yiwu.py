"""The Yiwu plan (义乌市关于促进中医药传承创新发展的实施意见（征求意见稿）): verdicts that the plan used to get wrong.

Each test runs the command line on a small submission and checks the status of one indicator.
"""

import json

from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import load_builtin


def run(tmp_path, rows, as_of="2025-12-31"):
    """Run `tcmcheck status yiwu` on the rows (indicator, period, value); return the exit code and the JSON."""
    csv = tmp_path / "yiwu.csv"
    csv.write_text("indicator,period,value\n" + "".join(f"{i},{p},{v}\n" for i, p, v in rows), "utf-8")
    result = CliRunner().invoke(main, ["status", "yiwu", str(csv), "--as-of", as_of, "--format", "json"])
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result.exit_code, json.loads(result.stdout)


def outcome(document, indicator_id):
    return next(i for i in document["indicators"] if i["id"] == indicator_id)


# 1. 推广实施至少30个以上基层中医优势病种诊疗方案 (三、（一）3) had no indicator.

def test_primary_care_dominant_disease_protocols_30_is_met(tmp_path):
    code, document = run(tmp_path, [("primary-dominant-disease-protocols", "2025", "30")])
    item = outcome(document, "primary-dominant-disease-protocols")
    assert (code, item["status"], item["milestones"][-1]["value"]) == (0, "pass", 30)


def test_primary_care_dominant_disease_protocols_29_is_missed(tmp_path):
    code, document = run(tmp_path, [("primary-dominant-disease-protocols", "2025", "29")])
    item = outcome(document, "primary-dominant-disease-protocols")
    assert (code, item["status"]) == (1, "fail")
    assert "missed" in item["detail"]


def test_primary_care_protocols_are_checked_beside_the_annex_50(tmp_path):
    # 30 primary-care protocols out of 46 city-wide: the primary-care target is met, the annex's 50 is not
    _, document = run(tmp_path, [("primary-dominant-disease-protocols", "2025", "30"),
                                 ("dominant-disease-protocols", "2025", "46")])
    assert outcome(document, "primary-dominant-disease-protocols")["status"] == "pass"
    assert outcome(document, "dominant-disease-protocols")["status"] == "fail"


# 2. The performance-assessment scale lacked B++ (D, C, B, B+, B++, A, A+, A++).

def test_performance_grade_b_plus_plus_is_accepted_and_below_a(tmp_path):
    code, document = run(tmp_path, [("city-tcm-hospital-performance", "2025", "B++")])
    item = outcome(document, "city-tcm-hospital-performance")
    assert code == 1  # read (not exit 2), and below the target A
    assert (item["status"], item["actual"]) == ("fail", "B++")


def test_performance_grade_b_plus_plus_ranks_between_b_plus_and_a(tmp_path):
    progress = {}
    for grade in ("B+", "B++", "A"):
        (tmp_path / grade).mkdir()
        _, document = run(tmp_path / grade, [("city-tcm-hospital-performance", "2025", grade)])
        item = outcome(document, "city-tcm-hospital-performance")
        progress[grade] = item["progress"]
        assert item["status"] == ("pass" if grade == "A" else "fail")
    assert progress["B+"] < progress["B++"] < progress["A"]


def test_performance_scale_lists_the_national_grades_in_order():
    scale = load_builtin("yiwu").indicator("city-tcm-hospital-performance").scale
    assert scale.levels == ("D", "C", "B", "B+", "B++", "A", "A+", "A++")


# 3. 省级以上中医药科研课题: 10 in the text, 5 in the annex; the stricter 10 is encoded (rule 4).

def test_provincial_research_projects_6_no_longer_meets_the_target(tmp_path):
    code, document = run(tmp_path, [("provincial-research-projects", "2025", "6")])
    item = outcome(document, "provincial-research-projects")
    assert (code, item["status"], item["milestones"][-1]["value"]) == (1, "fail", 10)


def test_provincial_research_projects_10_meets_it(tmp_path):
    code, document = run(tmp_path, [("provincial-research-projects", "2025", "10")])
    assert (code, outcome(document, "provincial-research-projects")["status"]) == (0, "pass")


# 4. 倍增计划: doubling targets (rule 3).

def test_tcm_gp_doubling_is_read_against_the_2020_report(tmp_path):
    code, document = run(tmp_path, [("tcm-gp-doubling", "2020", "40"), ("tcm-gp-doubling", "2025", "79")])
    assert (code, outcome(document, "tcm-gp-doubling")["status"]) == (1, "fail")
    code, document = run(tmp_path, [("tcm-gp-doubling", "2020", "40"), ("tcm-gp-doubling", "2025", "80")])
    assert (code, outcome(document, "tcm-gp-doubling")["status"]) == (0, "pass")


def test_tcm_gp_doubling_without_a_2020_base_is_no_data(tmp_path):
    _, document = run(tmp_path, [("tcm-gp-doubling", "2025", "80")])
    item = outcome(document, "tcm-gp-doubling")
    assert item["status"] == "no-data" and "2020" in item["detail"]


def test_research_projects_doubling_is_twice_the_annex_14(tmp_path):
    code, document = run(tmp_path, [("research-projects-doubling", "2025", "27")])
    assert (code, outcome(document, "research-projects-doubling")["status"]) == (1, "fail")
    code, document = run(tmp_path, [("research-projects-doubling", "2025", "28")])
    assert (code, outcome(document, "research-projects-doubling")["status"]) == (0, "pass")


# 5. Increase vs stock, and 每年 as an annual flow.

def test_new_primary_tcm_beds_are_the_increase_over_end_2020(tmp_path):
    # 412 beds in 2025 used to pass as ">= 100"; it is only 7 more than the 405 of 2020
    code, document = run(tmp_path, [("primary-new-tcm-beds", "2020", "405"), ("primary-new-tcm-beds", "2025", "412")])
    item = outcome(document, "primary-new-tcm-beds")
    assert (code, item["kind"], item["status"]) == (1, "increase", "fail")
    code, document = run(tmp_path, [("primary-new-tcm-beds", "2020", "318"), ("primary-new-tcm-beds", "2025", "418")])
    assert (code, outcome(document, "primary-new-tcm-beds")["status"]) == (0, "pass")


def test_new_primary_tcm_beds_without_a_2020_base_is_no_data(tmp_path):
    _, document = run(tmp_path, [("primary-new-tcm-beds", "2025", "418")])
    item = outcome(document, "primary-new-tcm-beds")
    assert item["status"] == "no-data" and "2020" in item["detail"]


def test_danxi_formula_sales_fail_in_the_year_they_miss(tmp_path):
    # 每年销售产值达到30亿: a missed year fails before 2025 (it used to be a single 2025 level)
    rows = [("danxi-formula-sales", "2022", "31"), ("danxi-formula-sales", "2023", "20"), ("danxi-formula-sales", "2024", "32")]
    code, document = run(tmp_path, rows, as_of="2024-12-31")
    item = outcome(document, "danxi-formula-sales")
    assert (code, item["kind"], item["status"]) == (1, "annual", "fail")
    assert "2023" in item["detail"]


def test_danxi_formula_sales_2021_is_not_assessed(tmp_path):
    # the draft cannot have been issued before 2021: 2021 was not a full year after its issue
    rows = [("danxi-formula-sales", str(year), "10" if year == 2021 else "30") for year in range(2021, 2026)]
    code, document = run(tmp_path, rows)
    assert (code, outcome(document, "danxi-formula-sales")["status"]) == (0, "pass")


# What to report.

def test_every_indicator_says_what_to_report_in_both_languages():
    plan = load_builtin("yiwu")
    missing = [i.id for i in plan.indicators if not (i.report_zh or "").strip() or not (i.report_en or "").strip()]
    assert missing == []


def test_report_sentences_reach_the_json_output(tmp_path):
    _, document = run(tmp_path, [("tcm-health-literacy", "2025", "30")])
    item = outcome(document, "tcm-health-literacy")
    assert item["status"] == "pass"
    assert "30 for 30%" in item["report"]  # a share is written as 30, not 0.3
    assert "report: —" not in CliRunner().invoke(main, ["show", "yiwu", "-v"]).stdout
