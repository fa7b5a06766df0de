"""The contract's Regions rules, one by one: scope, rollup, the mismatch warning and the ranking."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from helpers import indicator, milestone
from tcmcheck import engine
from tcmcheck.describe import message_text
from tcmcheck.periods import parse_period
from tcmcheck.regions import city_from_regions, mismatches, ranking, region_results
from tcmcheck.result import IndicatorResult, Message, RegionResult, Status

AS_OF = date(2024, 12, 31)
REGIONS = ("蓬江区", "江海区", "新会区")


def judge(ind, entries):
    visible = [e for e in entries if e[1] <= AS_OF]
    if not visible:
        return IndicatorResult(ind, Status.NO_DATA, Message.of("no_report", as_of=AS_OF.isoformat()))
    return engine._judge(engine._rule(ind), visible, AS_OF, 2023)


def entries(*pairs, line=2):
    """entries(("2024", 30), ...) for indicator x."""
    return [("x", parse_period(p).end, line + i, parse_period(p), float(v)) for i, (p, v) in enumerate(pairs)]


def share(scope="city"):
    return dataclasses.replace(indicator(op=">=", milestones=(milestone(2024, value=25),)), scope=scope)


def count(rollup=None):
    return dataclasses.replace(indicator(op=">=", unit="count", milestones=(milestone(2024, value=100),)),
                               rollup=rollup)


def test_each_scope_gives_every_region_its_own_status_against_the_plan_target():
    regional = {"蓬江区": entries(("2024", 30)), "江海区": entries(("2024", 20)), "新会区": entries(("2024", 25))}
    results = region_results(share("each"), regional, REGIONS, {}, judge)
    assert [(r.region, r.status) for r in results] == [
        ("蓬江区", Status.PASS), ("江海区", Status.FAIL), ("新会区", Status.PASS)]


def test_each_scope_city_is_the_worst_region_once_every_region_reported():
    ind = share("each")
    regional = {"蓬江区": entries(("2024", 30)), "江海区": entries(("2024", 20)), "新会区": entries(("2024", 25))}
    city = city_from_regions(ind, regional, region_results(ind, regional, REGIONS, {}, judge), REGIONS, judge)
    assert city.status is Status.FAIL and "江海区" in message_text(city.detail, ind, "en")


def test_each_scope_city_is_no_data_naming_the_regions_missing():
    ind = share("each")
    regional = {"蓬江区": entries(("2024", 30))}
    city = city_from_regions(ind, regional, region_results(ind, regional, REGIONS, {}, judge), REGIONS, judge)
    assert city.status is Status.NO_DATA
    assert "江海区, 新会区" in message_text(city.detail, ind, "en")


def test_city_scope_regions_have_a_value_but_no_status_without_an_allocation():
    results = region_results(count(), {"蓬江区": entries(("2024", 30))}, REGIONS, {}, judge)
    assert results[0].status is None and results[0].actual.value == 30
    assert [r.region for r in results] == list(REGIONS)


def test_city_scope_region_with_an_allocation_is_judged_on_it():
    ind = count()
    allocated = {"蓬江区": dataclasses.replace(ind, milestones=(milestone(2024, value=40),))}
    results = region_results(ind, {"蓬江区": entries(("2024", 30))}, REGIONS, allocated, judge)
    assert results[0].status is Status.FAIL and results[0].indicator.milestones[0].value == 40


def test_sum_rollup_makes_the_city_value_when_every_region_reported():
    ind = count()
    regional = {region: entries(("2024", 40)) for region in REGIONS}
    city = city_from_regions(ind, regional, (), REGIONS, judge)
    assert city.status is Status.PASS and city.actual.value == 120 and city.actual.line is None


def test_sum_rollup_with_a_region_missing_gives_no_city_value_and_names_it():
    ind = count()
    regional = {"蓬江区": entries(("2024", 80)), "江海区": entries(("2024", 80))}
    city = city_from_regions(ind, regional, (), REGIONS, judge)
    assert city.status is Status.NO_DATA and "新会区" in message_text(city.detail, ind, "en")


def test_sum_rollup_uses_complete_periods_and_says_which_later_one_is_incomplete():
    ind = count()
    regional = {"蓬江区": entries(("2023", 40), ("2024", 50)), "江海区": entries(("2023", 40), ("2024", 50)),
                "新会区": entries(("2023", 40))}
    city = city_from_regions(ind, regional, (), REGIONS, judge)
    assert city.actual.period.label == "2023" and city.actual.value == 120
    assert "for 2024 not every region reported: 新会区" in message_text(city.detail, ind, "en")


def test_none_rollup_needs_the_city_row():
    ind = share()
    regional = {region: entries(("2024", 40)) for region in REGIONS}
    assert city_from_regions(ind, regional, (), REGIONS, judge).status is Status.NO_DATA
    assert count(rollup="none").sums is False and count().sums is True and share().sums is False


def test_mismatch_is_warned_past_half_a_percent():
    ind = count()
    regional = {region: entries(("2024", 40)) for region in REGIONS}
    assert mismatches(ind, entries(("2024", 120.5), line=9), regional, REGIONS, "x.csv") == []
    found = mismatches(ind, entries(("2024", 125), line=9), regional, REGIONS, "x.csv")
    assert [(p.code, p.line) for p in found] == [("csv-region-sum-mismatch", 9)]
    assert "125" in found[0].message and "120" in found[0].message
    assert mismatches(share(), entries(("2024", 125)), regional, REGIONS, "x.csv") == []


def item_with(*statuses):
    return IndicatorResult(share(), Status.PASS, Message.of("no_report", as_of="x"),
                           regions=tuple(RegionResult(region, status) for region, status in statuses))


def test_ranking_fewest_fail_then_fewest_lag_then_share_of_pass_then_name():
    items = [
        item_with(("A", Status.FAIL), ("B", Status.LAG), ("C", Status.PASS), ("D", Status.ON_TRACK), ("E", None)),
        item_with(("A", Status.PASS), ("B", Status.PASS), ("C", Status.ON_TRACK), ("D", Status.ON_TRACK), ("E", Status.PASS)),
    ]
    ranked = ranking(items)
    assert [(s.region, s.rank) for s in ranked] == [("E", 1), ("C", 2), ("D", 3), ("B", 4), ("A", 5)]
    assert ranked[0].untargeted == 1 and ranked[0].counts[Status.PASS] == 1


def test_ranking_ties_share_a_rank_and_are_listed_by_name():
    ranked = ranking([item_with(("乙", Status.PASS), ("甲", Status.PASS), ("丙", Status.FAIL))])
    assert [(s.region, s.rank) for s in ranked] == [("乙", 1), ("甲", 1), ("丙", 3)]


ORDER = [Status.PASS, Status.ON_TRACK, Status.NO_DATA, Status.LAG, Status.FAIL]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(0, 200), min_size=3, max_size=3), which=st.integers(0, 2),
       raise_by=st.floats(0, 100), scope=st.sampled_from(["each", "city"]), kind=st.sampled_from(["share", "count"]))
def test_raising_one_region_never_worsens_any_status(values, which, raise_by, scope, kind):
    ind = dataclasses.replace(share() if kind == "share" else count(), scope=scope)
    allocated = {region: ind for region in REGIONS} if scope == "city" else {}

    def statuses(vals):
        regional = {region: entries(("2023", v * 0.8), ("2024", v)) for region, v in zip(REGIONS, vals)}
        results = region_results(ind, regional, REGIONS, allocated, judge)
        city = city_from_regions(ind, regional, results, REGIONS, judge)
        return [r.status for r in results] + [city.status]

    before = statuses(values)
    raised = list(values)
    raised[which] += raise_by
    after = statuses(raised)
    for old, new in zip(before, after):
        if old is not None and new is not None:
            assert ORDER.index(new) <= ORDER.index(old), (before, after)
