"""Plan specs: built-in plans, the schema, and located errors for bad plans."""

import pytest

from conftest import DATA
from tcmcheck.errors import PlanError
from tcmcheck.spec import builtin_ids, load_builtin, parse_plan, resolve_plan, validate_builtin

SAMPLE = (DATA / "sample.yaml").read_text("utf-8")


def problems(text):
    with pytest.raises(PlanError) as caught:
        parse_plan(text.encode("utf-8"), "bad.yaml")
    return caught.value.problems


@pytest.mark.parametrize("plan_id", builtin_ids())
def test_every_builtin_plan_validates(plan_id):
    plan = validate_builtin(plan_id)
    assert plan.id == plan_id
    assert plan.indicators
    assert plan == load_builtin(plan_id)


def test_sample_plan_builds_every_kind(sample_plan):
    assert {i.kind for i in sample_plan.indicators} == {
        "threshold", "range", "relative", "grade", "milestone", "maintain", "annual"}
    centre = sample_plan.indicator("centre-opened")
    assert centre.final.due.end.isoformat() == "2024-06-30"


def test_dates_stay_strings(sample_plan):
    assert sample_plan.issued == "2023-06-30"


@pytest.mark.parametrize("reference", ["jiangmen", "JIANGMEN", "江门", "江门市", "Jiangmen"])
def test_resolve_by_id_or_city_name(reference):
    if "jiangmen" not in builtin_ids():
        pytest.skip("jiangmen plan not present")
    assert resolve_plan(reference).id == "jiangmen"


def test_unknown_plan_lists_the_known_ones():
    with pytest.raises(PlanError) as caught:
        resolve_plan("atlantis")
    assert caught.value.problems[0].code == "plan-unknown"


def test_unknown_kind_is_rejected_with_its_line():
    (problem,) = problems(SAMPLE.replace("kind: range", "kind: interval"))
    assert problem.code == "plan-schema"
    assert problem.line == SAMPLE.splitlines().index("    kind: range") + 1
    assert problem.field == "/indicators/4/kind"


def test_range_low_above_high_is_rejected():
    (problem,) = problems(SAMPLE.replace("low: 3, high: 5", "low: 6, high: 5"))
    assert "exceeds" in problem.message
    assert problem.field == "/indicators/4/milestones/0"


def test_grade_not_on_its_scale_is_rejected():
    (problem,) = problems(SAMPLE.replace("grade: A}", "grade: AAA}"))
    assert "not on scale" in problem.message


@pytest.mark.parametrize("bad", ["2024-13", "2023-02-30", "next year"])
def test_malformed_dates_are_rejected(bad):
    found = problems(SAMPLE.replace("due: 2024-06", f"due: {bad}"))
    assert found[0].field.startswith("/indicators/7/milestones/0")


def test_every_schema_violation_is_listed():
    text = SAMPLE.replace("kind: range", "kind: interval").replace('op: ">"', 'op: "=>"')
    assert len(problems(text)) == 2


def test_milestones_out_of_order_are_rejected():
    text = SAMPLE.replace("{due: 2024, value: 1500}, {due: 2025, value: 2000}",
                          "{due: 2025, value: 2000}, {due: 2024, value: 1500}")
    assert problems(text)[0].code == "plan-milestone-order"


def test_duplicate_ids_and_keys_are_rejected():
    text = SAMPLE.replace("id: demo-county-share", "id: physician-share")
    assert problems(text)[0].code == "plan-duplicate-id"
    text = SAMPLE.replace("    section: 一、目标\n", "    section: 一、目标\n    section: again\n", 1)
    (problem,) = problems(text)
    assert problem.code == "plan-duplicate-key" and problem.line == 17


def test_yaml_syntax_error_has_line_and_column():
    (problem,) = problems("id: x\ncity: {zh: a\n")
    assert problem.code == "plan-yaml-syntax" and problem.line is not None


def test_python_tags_are_refused_not_run():
    (problem,) = problems("id: !!python/object/apply:os.system ['echo hi']\n")
    assert problem.code == "plan-yaml-tag"


def test_alias_bombs_are_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    (problem,) = problems("\n".join(lines) + "\n")
    assert problem.code == "plan-too-large"


def test_annual_milestones_take_a_value_or_a_range_but_not_both():
    ranged = SAMPLE.replace("{due: 2023, value: 1000}", "{due: 2023, low: 900, high: 1100}")
    plan = parse_plan(ranged.encode("utf-8"), "ok.yaml")
    assert plan.indicator("training").milestones[0].low == 900
    both = SAMPLE.replace("{due: 2023, value: 1000}", "{due: 2023, value: 1000, low: 900, high: 1100}")
    assert problems(both)[0].field == "/indicators/9/milestones/0"
    reversed_range = SAMPLE.replace("{due: 2023, value: 1000}", "{due: 2023, low: 1100, high: 900}")
    assert "exceeds" in problems(reversed_range)[0].message


@pytest.mark.parametrize("plan_id", builtin_ids())
def test_the_compiled_copy_of_each_builtin_plan_matches_its_yaml(plan_id):
    from tcmcheck.plan_yaml import load_trusted
    from tcmcheck.spec import _compiled_specs, builtin_dir, fingerprint

    data = builtin_dir().joinpath(f"{plan_id}.yaml").read_bytes()
    compiled = _compiled_specs().get(plan_id)
    assert compiled is not None and compiled["yaml"] == fingerprint(data), \
        "plans/compiled.json is stale: run python -m tcmcheck.compile_plans plans/"
    assert compiled["spec"] == load_trusted(data)


def test_a_stale_compiled_copy_is_ignored(monkeypatch):
    from tcmcheck import spec

    fresh = spec.load_builtin("jiangmen")
    stale = {"jiangmen": {"yaml": "0:00000000", "spec": {"id": "not-read"}}}
    monkeypatch.setattr(spec, "_compiled_specs", lambda: stale)
    assert spec.load_builtin("jiangmen") == fresh


def test_compile_plans_writes_a_copy_that_load_builtin_reads(tmp_path, monkeypatch):
    from tcmcheck import compile_plans, spec

    for plan_id in builtin_ids():
        (tmp_path / f"{plan_id}.yaml").write_bytes(spec.builtin_dir().joinpath(f"{plan_id}.yaml").read_bytes())
    assert compile_plans.main([str(tmp_path)]) == 0
    written = (tmp_path / "compiled.json").read_text("utf-8")
    assert written == spec.builtin_dir().joinpath("compiled.json").read_text("utf-8")
    assert compile_plans.main([str(tmp_path / "missing")]) == 2
    (tmp_path / "jiangmen.yaml").write_text("id: jiangmen\nunknown: 1\n", "utf-8")
    assert compile_plans.main([str(tmp_path)]) == 2
    assert (tmp_path / "compiled.json").read_text("utf-8") == written


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", b'{"jiangmen": 3}', b'{"jiangmen": {"yaml": 1}}'])
def test_a_damaged_compiled_copy_is_ignored(monkeypatch, tmp_path, damage):
    from tcmcheck import spec

    fresh = spec.load_builtin("jiangmen")
    for plan_id in builtin_ids():
        (tmp_path / f"{plan_id}.yaml").write_bytes(spec.builtin_dir().joinpath(f"{plan_id}.yaml").read_bytes())
    (tmp_path / spec.COMPILED).write_bytes(damage)
    monkeypatch.setattr(spec, "builtin_dir", lambda: tmp_path)
    spec._compiled_specs.cache_clear()
    try:
        assert spec.load_builtin("jiangmen") == fresh
    finally:
        monkeypatch.undo()
        spec._compiled_specs.cache_clear()
