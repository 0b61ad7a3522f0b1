import dataclasses

import numpy as np
import pytest

from matching.feasibility import HomeTable
from matching.impact import impact_against_residents, impact_items
from matching.model import ImpactPoints, Weights
from matching.search import search

POINTS = ImpactPoints()


def test_empty_home_has_no_impact(build):
    table = HomeTable.from_homes([build.home()])
    kid = build.child(risks_to_others=frozenset({"physical_harm"}))
    assert impact_against_residents(kid, table, POINTS).tolist() == [0.0]


def test_every_point_is_explained(build):
    kid = build.child(
        age=16,
        risks_to_self=frozenset({"going_missing", "drugs_alcohol"}),
        risks_to_others=frozenset({"fire_setting"}),
    )
    other = build.resident(
        age=10,
        risks_to_self=["going_missing"],
        risks_to_others=["criminal_exploitation"],
    )
    items = impact_items(kid, other, "resident 1", POINTS)
    by_reason = {item.reason: item.points for item in items}
    assert by_reason == {
        "6 years apart (free band 3)": 3.0,  # 3 years beyond the free band, 1 point each
        "child poses fire_setting to others": 1.0,
        "resident 1 poses criminal_exploitation to others": 3.0,
        "resident 1 poses criminal_exploitation; child is at risk of drugs_alcohol": 2.0,
        "resident 1 poses criminal_exploitation; child is at risk of going_missing": 2.0,
        "both at risk of going_missing": 2.0,
    }


def test_children_close_in_age_without_flags_score_zero(build):
    assert impact_items(build.child(age=14), build.resident(age=12), "r", POINTS) == []


def test_impact_weights_are_tunable(build):
    gentle = dataclasses.replace(POINTS, age_gap_free_years=10)
    assert impact_items(build.child(age=16), build.resident(age=10), "r", gentle) == []


def test_vectorised_impact_agrees_with_the_explained_items(build):
    rng = np.random.default_rng(3)
    from matching.model import vocab

    def flags(vocabulary):
        return [t for t in vocabulary if rng.random() < 0.3]

    homes = [
        build.home(
            f"H{i}",
            residents=tuple(
                build.resident(
                    age=int(rng.integers(8, 18)),
                    risks_to_self=flags(vocab.RISKS_TO_SELF),
                    risks_to_others=flags(vocab.RISKS_TO_OTHERS),
                )
                for _ in range(int(rng.integers(0, 4)))
            ),
        )
        for i in range(30)
    ]
    table = HomeTable.from_homes(homes)
    for _ in range(10):
        kid = build.child(
            age=int(rng.integers(8, 18)),
            risks_to_self=frozenset(flags(vocab.RISKS_TO_SELF)),
            risks_to_others=frozenset(flags(vocab.RISKS_TO_OTHERS)),
        )
        explained = [
            sum(item.points for r in h.residents for item in impact_items(kid, r, "r", POINTS))
            for h in homes
        ]
        np.testing.assert_allclose(impact_against_residents(kid, table, POINTS), explained)


def test_search_ranks_feasible_homes_and_explains_the_rest(build):
    cheap_far = build.home("far", weekly_fee=4000.0, lat=51.5, lon=-0.12, la_code=build.LA_FAR)
    near = build.home("near", weekly_fee=5000.0)
    next_door = build.home("next", weekly_fee=5000.0, lat=53.41, la_code=build.LA_NEXT)
    full = build.home("full", vacancies=0)
    result = search(build.child(), [cheap_far, near, next_door, full], build.adjacency)
    assert [r.home_id for r in result.ranked] == ["near", "next", "far"]
    assert result.why_not("full") == ("no_vacancy",)
    assert result.why_not("near") == ()
    assert dict(result.exclusion_counts) == {"no_vacancy": 1}
    near_b, next_b, far_b = (r.breakdown for r in result.ranked)
    assert (near_b.out_of_area, near_b.at_a_distance, near_b.over_20_miles) == (False,) * 3
    assert (next_b.out_of_area, next_b.at_a_distance) == (True, False)
    assert (far_b.out_of_area, far_b.at_a_distance, far_b.over_20_miles) == (True,) * 3
    assert far_b.distance_km == pytest.approx(262.0, abs=2.0)


def test_breakdown_terms_add_up_to_the_score(build):
    weights = Weights()
    occupied = build.home("H", lat=53.6, la_code=build.LA_NEXT, residents=(build.resident(age=9),))
    kid = build.child(keep_school=True, school_lat=53.5, school_lon=-2.24)
    ranked = search(kid, [occupied], build.adjacency, weights).ranked[0]
    terms = ranked.breakdown.terms
    assert ranked.score == pytest.approx(sum(terms.values()))
    assert terms["weekly_cost"] == 5000.0
    assert terms["group_impact"] == 2 * weights.per_impact_point  # 5 years apart
    assert terms["out_of_area"] == weights.out_of_area
    assert terms["at_a_distance"] == 0.0
    assert terms["distance_from_school"] == pytest.approx(
        weights.per_km_school * ranked.breakdown.school_distance_km
    )
    assert [item.points for item in ranked.breakdown.impact_items] == [2.0]


def test_weights_change_the_ranking(build):
    outstanding_far = build.home("A", ofsted_grade="outstanding", lat=53.80)
    requires_improvement_near = build.home("B", ofsted_grade="requires_improvement")
    homes = [outstanding_far, requires_improvement_near]
    default = search(build.child(), homes, build.adjacency)
    grade_driven = search(
        build.child(),
        homes,
        build.adjacency,
        dataclasses.replace(Weights(), per_km_family=0.0, over_20_miles=0.0),
    )
    assert [r.home_id for r in default.ranked] == ["B", "A"]
    assert [r.home_id for r in grade_driven.ranked] == ["A", "B"]


def test_solo_child_pays_for_the_whole_home(build):
    result = search(build.child(living_alongside="solo"), [build.home(places=3)], build.adjacency)
    assert result.ranked[0].breakdown.weekly_cost == 15000.0


def test_ranked_homes_are_built_as_read_and_explain_impact_only_when_asked(build):
    homes = [
        build.home(f"H{i}", lat=53.48 + i / 100, residents=(build.resident(age=9),))
        for i in range(4)
    ]
    result = search(build.child(), homes, build.adjacency)
    ranked = result.ranked
    assert len(ranked) == 4
    assert [r.home_id for r in ranked[1:3]] == [ranked[1].home_id, ranked[2].home_id]
    assert ranked[-1] == list(ranked)[-1]
    with pytest.raises(IndexError):
        ranked[4]
    breakdown = ranked[0].breakdown
    assert "impact_items" not in vars(breakdown)  # not explained until read
    assert [item.points for item in breakdown.impact_items] == [2.0]  # 5 years apart
    assert breakdown.group_impact == sum(item.points for item in breakdown.impact_items)


def test_impact_and_conflicts_between_new_children_agree_pair_by_pair(build):
    from matching.feasibility import conflicts_between, exploitation_conflict
    from matching.impact import impact_between, pair_impact
    from matching.model import vocab

    rng = np.random.default_rng(7)
    kids = [
        build.child(
            f"K{i}",
            age=int(rng.integers(8, 18)),
            living_alongside=str(rng.choice(vocab.LIVING_ALONGSIDE)),
            risks_to_self=frozenset(t for t in vocab.RISKS_TO_SELF if rng.random() < 0.3),
            risks_to_others=frozenset(t for t in vocab.RISKS_TO_OTHERS if rng.random() < 0.2),
        )
        for i in range(25)
    ]

    def refuses(a, b):
        return (a.living_alongside == "older_only" and b.age <= a.age) or (
            a.living_alongside == "younger_only" and b.age >= a.age
        )

    impact, conflicts = impact_between(kids, POINTS), conflicts_between(kids)
    for i, a in enumerate(kids):
        for j, b in enumerate(kids):
            if i == j:
                assert (impact[i, j], conflicts[i, j]) == (0.0, False)
                continue
            assert impact[i, j] == pytest.approx(pair_impact(a, b, POINTS))
            expected = exploitation_conflict(a, b) or refuses(a, b) or refuses(b, a)
            assert conflicts[i, j] == expected
    assert conflicts.any() and not conflicts.all()


def three_homes(build):
    """Near and dear, ten miles and middling, far and cheap (all feasible)."""
    return [
        build.home("NEAR", weekly_fee=7000.0),
        build.home("MID", weekly_fee=5000.0, lat=53.57, la_code=build.LA_NEXT),
        build.home("FAR", weekly_fee=4000.0, lat=51.5, lon=-0.12, la_code=build.LA_FAR),
    ]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("overall", ["NEAR", "MID", "FAR"]),
        ("distance", ["NEAR", "MID", "FAR"]),
        ("cost", ["FAR", "MID", "NEAR"]),
    ],
)
def test_search_sorts_by_distance_cost_or_overall(build, order, expected):
    result = search(build.child(), three_homes(build), build.adjacency, order=order)
    assert [r.home_id for r in result.ranked] == expected
    assert result.order == order


def test_overall_follows_the_policy(build):
    from matching.policy import LOWEST_COST

    result = search(build.child(), three_homes(build), build.adjacency, policy=LOWEST_COST)
    assert [r.home_id for r in result.ranked] == ["FAR", "MID", "NEAR"]
    assert result.ranked[0].tiers[0] < result.ranked[1].tiers[0]


def test_an_unknown_order_is_refused(build):
    with pytest.raises(ValueError, match="order must be one of"):
        search(build.child(), three_homes(build), build.adjacency, order="grade")


def test_each_home_says_what_being_nearer_costs(build):
    ranked = search(build.child(), three_homes(build), build.adjacency).ranked
    near, mid, far = (r.nearer for r in ranked)
    assert near.cheapest_home == mid.cheapest_home == far.cheapest_home == "FAR"
    assert near.extra_vs_cheapest == 3000.0
    assert near.km_nearer_than_cheapest == pytest.approx(ranked[2].breakdown.distance_km)
    # Against the cheapest home further away: for NEAR that is FAR (cheaper than MID).
    assert (near.cheapest_further_home, near.extra_vs_cheapest_further) == ("FAR", 3000.0)
    assert (mid.cheapest_further_home, mid.extra_vs_cheapest_further) == ("FAR", 1000.0)
    assert mid.km_nearer_than_cheapest_further == pytest.approx(
        ranked[2].breakdown.distance_km - ranked[1].breakdown.distance_km
    )
    assert far.cheapest_further_home is None and far.extra_vs_cheapest == 0.0


def test_homes_equally_far_are_not_further(build):
    same_place = [build.home("DEAR", weekly_fee=6000.0), build.home("CHEAP", weekly_fee=5000.0)]
    ranked = search(build.child(), same_place, build.adjacency).ranked
    assert [r.home_id for r in ranked] == ["CHEAP", "DEAR"]  # equally near: cost decides
    dear = ranked[1].nearer
    assert dear.cheapest_further_home is None and dear.extra_vs_cheapest == 1000.0
