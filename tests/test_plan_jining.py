"""The Jining plan (济宁市中医药振兴发展行动方案): verdicts that were wrong before the third review.

Each test runs the command line on a small submission and checks the verdict a reader of the document
expects; the plan is the built-in one, so these tests pin plans/jining.yaml.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import load_builtin


def status(tmp_path, rows, as_of, *extra):
    """Run `status jining` on a CSV of (indicator, period, value) rows; the exit code and the JSON document."""
    path = tmp_path / "jining.csv"
    path.write_text("indicator,period,value\n" + "".join(f"{i},{p},{v}\n" for i, p, v in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["status", "jining", str(path), "--as-of", as_of, "--format", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def item(document, indicator_id):
    found = [i for i in document["indicators"] if i["id"] == indicator_id]
    assert len(found) == 1, indicator_id
    return found[0]


# 1. 一、总体要求: 「2025年，高标准建设国家区域医疗中心」 had no indicator.

def test_national_regional_medical_centre_done_in_2025_is_pass(tmp_path):
    code, document = status(tmp_path, [("national-regional-medical-centre", "2025", "是")], "2025-12-31")
    centre = item(document, "national-regional-medical-centre")
    assert centre["status"] == "pass"
    assert code == (1 if document["summary"]["fail"] else 0)
    indicator = load_builtin("jining").indicator("national-regional-medical-centre")
    assert (indicator.kind, indicator.unit, indicator.section) == ("milestone", "yes_no", "一、总体要求")
    assert list(indicator.responsible) == ["市卫生健康委", "市财政局"]  # the units of task 1


def test_national_regional_medical_centre_not_done_by_2025_is_fail(tmp_path):
    code, document = status(tmp_path, [("national-regional-medical-centre", "2025", "否")], "2025-12-31")
    centre = item(document, "national-regional-medical-centre")
    assert centre["status"] == "fail"
    assert "2025-12-31" in centre["detail"]
    assert code == 1


def test_national_regional_medical_centre_not_done_in_2024_is_only_pending(tmp_path):
    code, document = status(tmp_path, [("national-regional-medical-centre", "2024", "否")], "2024-12-31")
    assert item(document, "national-regional-medical-centre")["status"] == "on-track"
    assert code == 0


# 2. 左右 targets are approximate: 300名左右 (2024) and 30%左右 (“十四五”末).

def test_about_300_general_practitioners_is_met_by_295(tmp_path):
    code, document = status(tmp_path, [("tcm-general-practitioners-trained", "2024", "295")], "2024-12-31")
    trained = item(document, "tcm-general-practitioners-trained")
    assert trained["status"] == "pass"  # was 未达标 (fail) when 300左右 read as at least 300
    assert "tolerance" in trained["detail"]
    assert code == 0


def test_about_300_general_practitioners_is_missed_by_276(tmp_path):
    code, document = status(tmp_path, [("tcm-general-practitioners-trained", "2024", "276")], "2024-12-31")
    assert item(document, "tcm-general-practitioners-trained")["status"] == "fail"
    assert code == 1


def test_about_30_percent_literacy_is_met_by_29(tmp_path):
    code, document = status(tmp_path, [("tcm-health-culture-literacy", "2025", "29")], "2025-12-31")
    literacy = item(document, "tcm-health-culture-literacy")
    assert literacy["status"] == "pass"
    assert "tolerance" in literacy["detail"]


def test_the_approximate_targets_are_marked_and_shown():
    plan = load_builtin("jining")
    approximate = {i.id for i in plan.indicators if any(m.approx for m in i.milestones)}
    assert approximate == {"tcm-general-practitioners-trained", "tcm-health-culture-literacy"}
    assert all(m.tolerance == 0.05 for i in plan.indicators for m in i.milestones if m.approx)
    shown = CliRunner().invoke(main, ["show", "jining"]).stdout
    assert "≈ 300 (±5%)" in shown and "≈ 30% (±5%)" in shown


# 3. The three 每年 targets and 保持全覆盖 take their last year from the plan's end (deadline_inferred);
#    「2024、2025年，分别新立项15个」 names its years.

ANNUAL_EACH_YEAR = ["provincial-famous-tcm-doctors-annual", "tcm-culture-popular-science-tours", "county-tcm-culture-festivals"]


def test_undated_annual_and_maintain_targets_are_marked_deadline_inferred():
    plan = load_builtin("jining")
    for indicator_id in ANNUAL_EACH_YEAR + ["tcm-clinic-full-coverage"]:
        indicator = plan.indicator(indicator_id)
        assert indicator.deadline_inferred, indicator_id
        assert "Rule 1" in indicator.note, indicator_id
    projects = plan.indicator("new-provincial-sci-tech-projects")
    assert projects.kind == "annual" and projects.years_named and not projects.deadline_inferred
    # 每年 targets are the only annual ones with an inferred end; no other annual target in the plan
    assert {i.id for i in plan.indicators if i.kind == "annual"} == set(ANNUAL_EACH_YEAR) | {projects.id}


def test_verbose_show_says_the_deadline_is_inferred_and_the_years_are_named():
    shown = CliRunner().invoke(main, ["show", "jining", "-v"]).stdout
    blocks = {block.split("  ")[0].split(". ", 1)[-1]: block for block in shown.split("\n\n")}
    for indicator_id in ANNUAL_EACH_YEAR + ["tcm-clinic-full-coverage"]:
        assert "deadline inferred" in blocks[indicator_id], indicator_id
    assert "the years the document names" in blocks["new-provincial-sci-tech-projects"]
    assert "deadline inferred" not in blocks["new-provincial-sci-tech-projects"]


def test_named_years_are_each_assessed_from_2024(tmp_path):
    # 2024、2025年分别新立项15个: 2024 is named, so 12 new projects in 2024 fails in 2024
    code, document = status(tmp_path, [("new-provincial-sci-tech-projects", "2024", "12")], "2024-12-31")
    projects = item(document, "new-provincial-sci-tech-projects")
    assert projects["status"] == "fail" and "2024" in projects["detail"]
    assert code == 1


def test_each_year_is_that_years_own_flow(tmp_path):
    # 15 new in 2024 and 15 new in 2025 meets 分别15个; a running total of 30 would read the same, but 15 then 14 fails
    _, document = status(tmp_path, [("new-provincial-sci-tech-projects", "2024", "15"),
                                    ("new-provincial-sci-tech-projects", "2025", "15")], "2025-12-31")
    assert item(document, "new-provincial-sci-tech-projects")["status"] == "pass"
    _, document = status(tmp_path, [("new-provincial-sci-tech-projects", "2024", "15"),
                                    ("new-provincial-sci-tech-projects", "2025", "14")], "2025-12-31")
    projects = item(document, "new-provincial-sci-tech-projects")
    assert projects["status"] == "fail" and "2025" in projects["detail"]


def test_the_document_states_no_issue_date():
    assert load_builtin("jining").issued is None


# Every indicator says what to report, in both languages.

def test_every_indicator_has_a_report_in_both_languages():
    plan = load_builtin("jining")
    missing = [i.id for i in plan.indicators if not (i.report_zh or "").strip() or not (i.report_en or "").strip()]
    assert missing == []


@pytest.mark.parametrize("indicator_id", ["tcm-hall-service-content", "village-clinics-tcm-staff",
                                          "tcm-health-culture-literacy", "county-tcm-theme-parks"])
def test_percent_reports_say_how_to_write_a_percentage(indicator_id):
    indicator = load_builtin("jining").indicator(indicator_id)
    assert indicator.unit == "percent"
    assert "%" in indicator.report_zh and "%" in indicator.report_en
    assert "填" in indicator.report_zh


def test_national_regional_medical_centre_first_reported_done_after_2025_is_late(tmp_path):
    # nothing reported by the deadline: done, but never "met at the deadline" (逾期完成)
    _, document = status(tmp_path, [("national-regional-medical-centre", "2026Q1", "是")], "2026-03-31")
    centre = item(document, "national-regional-medical-centre")
    assert centre["status"] == "pass" and centre["late"] is True
    assert "after the 2025-12-31 deadline" in centre["detail"]
