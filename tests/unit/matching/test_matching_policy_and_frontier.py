"""Policies that order the objective, the trade-off frontier and the baselines (issue 15)."""

import dataclasses
import json

import pytest

from matching import (
    POLICIES,
    InstanceError,
    dump_instance,
    greedy,
    load_instance,
    nearest_home,
    result_to_dict,
    solve,
    validate,
)
from matching.frontier import compare, frontier
from matching.model import Outcomes
from matching.policy import (
    DEFAULT_POLICY,
    LOWEST_COST,
    LOWEST_COST_WITHIN_20_MILES,
    NEAR_HOME_FIRST,
    WEIGHTED_SCORE,
    Tier,
)

LONDON = {"lat": 51.5, "lon": -0.12}


def homes_of(result):
    return {a.referral: a.home for a in result.assignments}


def test_every_policy_is_named_and_said_in_plain_words():
    assert DEFAULT_POLICY is NEAR_HOME_FIRST
    for name, policy in POLICIES.items():
        assert policy.name == name and policy.title and policy.description
        assert policy.order.startswith("Proposals are compared on the most children placed")
        assert all(tier.title and tier.description and tier.terms for tier in policy.tiers)
    assert [t.name for t in NEAR_HOME_FIRST.tiers] == ["near_home", "group_impact", "cost"]
    with pytest.raises(ValueError):
        Tier("t", "T", "unknown term", {"postcode": 1.0})


def test_near_home_first_pays_to_keep_a_child_near_and_lowest_cost_does_not(build):
    near_but_dear = build.home("NEAR", weekly_fee=9000.0)
    far_but_cheap = build.home("FAR", weekly_fee=4000.0, la_code=build.LA_FAR, **LONDON)
    problem = build.instance([near_but_dear, far_but_cheap], [build.child()])

    default = solve(problem, time_limit=2)
    cheapest = solve(problem, time_limit=2, policy=LOWEST_COST)

    assert homes_of(default) == {"R1": "NEAR"} and homes_of(cheapest) == {"R1": "FAR"}
    assert default.policy is NEAR_HOME_FIRST and cheapest.policy is LOWEST_COST
    assert default.outcomes.over_20_miles == 0 and cheapest.outcomes.over_20_miles == 1


def test_lowest_cost_within_20_miles_chooses_the_cheapest_home_within_them(build):
    homes = [
        build.home("NEAR_DEAR", weekly_fee=9000.0),
        build.home("TEN_MILES_CHEAPER", weekly_fee=6000.0, lat=53.62, la_code=build.LA_NEXT),
        build.home("FAR_CHEAPEST", weekly_fee=3000.0, la_code=build.LA_FAR, **LONDON),
    ]
    problem = build.instance(homes, [build.child()])
    result = solve(problem, time_limit=2, policy=LOWEST_COST_WITHIN_20_MILES)
    assert homes_of(result) == {"R1": "TEN_MILES_CHEAPER"}
    assert homes_of(solve(problem, time_limit=2)) == {"R1": "NEAR_DEAR"}


def test_the_result_says_which_policy_made_it(build):
    problem = build.instance([build.home()], [build.child()])
    data = json.loads(json.dumps(result_to_dict(solve(problem, time_limit=2))))
    assert data["schema"] == "hearth-matching/1"
    assert data["policy"]["name"] == "near_home_first"
    assert data["policy"]["title"] == "Near home first"
    assert "Children Act 1989" in data["policy"]["description"]
    assert data["policy"]["order"] == NEAR_HOME_FIRST.order
    assert [t["name"] for t in data["tiers"]] == ["near_home", "group_impact", "cost"]
    assert data["objective"] == data["tiers"][0]["value"]
    assert data["outcomes"]["placed"] == 1 and data["outcomes"]["weekly_fees"] == 5000.0


def test_an_instance_chooses_its_policy_by_name(build):
    data = dump_instance(build.instance([build.home()], [build.child()]))
    assert data["policy"] == "near_home_first"
    data["policy"] = "lowest_cost"
    assert load_instance(data).policy is LOWEST_COST
    del data["policy"]
    assert load_instance(data).policy is NEAR_HOME_FIRST
    data["policy"] = "cheapest_anywhere"
    with pytest.raises(InstanceError, match="instance.policy: must be one of"):
        load_instance(data)


def test_the_weighted_score_policy_is_the_score_as_before(build):
    problem = build.instance([build.home()], [build.child()])
    result = solve(problem, time_limit=2, policy=WEIGHTED_SCORE)
    assert result.objective == round(result.assignments[0].score)
    assert [t.name for t in result.tiers] == ["score"]


def test_nearest_home_takes_each_child_the_nearest_home_left(build):
    homes = [
        build.home("NEAR", vacancies=1, weekly_fee=9000.0),
        build.home("NEXT", lat=53.52, weekly_fee=4000.0),
    ]
    kids = [build.child("FIRST"), build.child("SECOND")]
    problem = build.instance(homes, kids)
    result = nearest_home(problem)
    assert homes_of(result) == {"FIRST": "NEAR", "SECOND": "NEXT"}
    assert result.method == "nearest-home" and result.max_placeable is None
    assert homes_of(greedy(problem)) == homes_of(result)  # near home first decides so too
    cheapest_first = greedy(problem, policy=LOWEST_COST)
    assert homes_of(cheapest_first) == {"FIRST": "NEXT", "SECOND": "NEXT"}


def trade_off_instance(build):
    """Four children near Manchester; beds near home are dear, cheap ones far away."""
    homes = [
        build.home("NEAR_1", vacancies=1, weekly_fee=8000.0),
        build.home("NEAR_2", vacancies=1, weekly_fee=7000.0),
        build.home("NEXT", vacancies=2, weekly_fee=5200.0, lat=53.62, la_code=build.LA_NEXT),
        build.home("LONDON", vacancies=4, weekly_fee=3000.0, la_code=build.LA_FAR, **LONDON),
    ]
    kids = [build.child(f"C{i}", lat=53.48 + i / 200) for i in range(4)]
    return build.instance(homes, kids)


def test_the_frontier_runs_from_nearest_to_cheapest_every_point_valid_and_full(build):
    problem = trade_off_instance(build)
    updates = []

    trade_off = frontier(problem, points=5, time_limit=30, progress=updates.append)

    assert len(trade_off.points) >= 4
    results = trade_off.proposals
    assert results[0].policy is NEAR_HOME_FIRST and results[-1].policy is LOWEST_COST
    for result in results:
        assert validate(problem, result) == []
        assert result.placed == result.max_placeable == 4
    near = [p.near_home for p in trade_off.points]
    fees = [p.result.outcomes.weekly_fees for p in trade_off.points]
    assert near == sorted(near) and fees == sorted(fees, reverse=True)
    assert len(set(zip(near[1:], fees[1:], strict=True))) == len(near) - 1  # distinct
    sentences = [c.sentence for c in trade_off.comparisons()]
    assert len(sentences) == len(results) - 1
    assert any("more a week keeps" in s and "within 20 miles" in s for s in sentences)
    assert {"point", "points"} <= set(updates[0]) and not trade_off.stopped


def test_a_comparison_says_what_the_extra_cost_buys():
    def outcomes(over_20, distance, area, fees, impact=10.0, mean_km=20.0):
        return Outcomes(10, over_20, distance, area, mean_km, 40.0, fees, fees / 10, impact)

    comparison = compare(outcomes(2, 1, 3, 60000.0), outcomes(5, 4, 3, 52500.0))
    assert comparison.sentence == (
        "£7,500 more a week keeps 3 more children within 20 miles of home and 3 fewer children "
        "at a distance"
    )
    assert (comparison.more_within_20_miles, comparison.fewer_at_a_distance) == (3, 3)
    same_distances = compare(outcomes(2, 1, 3, 60000.0, impact=4.0), outcomes(2, 1, 3, 50000.0))
    assert same_distances.sentence == (
        "£10,000 more a week places children as near home, with 6 fewer points of impact on the "
        "children already living in the homes"
    )
    mixed = compare(outcomes(1, 2, 3, 51000.0), outcomes(2, 1, 3, 50000.0))
    assert mixed.sentence == (
        "£1,000 more a week keeps 1 more child within 20 miles of home, but 1 more child at a "
        "distance"
    )


def test_a_frontier_of_one_when_nothing_is_cheaper_further_away(build):
    problem = build.instance([build.home()], [build.child()])
    trade_off = frontier(problem, points=5, time_limit=10)
    assert [p.result.policy.name for p in trade_off.points] == [
        "near_home_first",
        "near_home_at_least_cost",
    ]
    assert trade_off.comparisons()[0].extra_weekly_fees == 0.0


def test_policies_rank_the_same_batch_differently_but_validly(build):
    problem = trade_off_instance(build)
    for policy in POLICIES.values():
        result = solve(dataclasses.replace(problem, policy=policy), time_limit=3)
        assert result.policy is policy and result.placed == 4
        assert validate(problem, result) == []


def test_the_command_line_writes_the_result_and_the_frontier_as_json(build, tmp_path, capsys):
    from matching.__main__ import main

    path = tmp_path / "instance.json"
    path.write_text(json.dumps(dump_instance(trade_off_instance(build))))

    assert main(["solve", str(path), "--time-limit", "5"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["policy"]["name"], result["placed"]) == ("near_home_first", 4)

    assert main(["frontier", str(path), "--time-limit", "20"]) == 0
    trade_off = json.loads(capsys.readouterr().out)
    assert len(trade_off["points"]) >= 4
    assert trade_off["points"][0]["result"]["policy"]["name"] == "near_home_first"
    assert len(trade_off["comparisons"]) == len(trade_off["points"]) - 1
    assert trade_off["comparisons"][-1]["sentence"].startswith("£")
