"""One rule for the beds a placement takes and what it costs (issue 12, defect 3)."""

import pytest

from matching import placement_terms, search


@pytest.mark.parametrize(
    ("home_changes", "children", "solo", "beds", "weekly_cost", "per_child"),
    [
        ({}, 1, False, 1, 5000.0, 5000.0),
        ({}, 2, False, 2, 10000.0, 5000.0),  # siblings: a bed each at the fee
        ({}, 1, True, 3, 20000.0, 20000.0),  # solo: every vacant bed, fee x places
        ({"solo_weekly_fee": 12000.0}, 1, True, 3, 12000.0, 12000.0),  # the home's solo fee
        ({"solo_only": True, "places": 1, "vacancies": 1}, 1, False, 1, 5000.0, 5000.0),
        ({"solo_weekly_fee": 7000.0}, 2, False, 2, 10000.0, 5000.0),  # no solo: no solo fee
        ({"solo_weekly_fee": 12000.0}, 2, True, 3, 12000.0, 6000.0),  # siblings, one solo
    ],
)
def test_beds_and_cost_of_a_placement(
    build, home_changes, children, solo, beds, weekly_cost, per_child
):
    home = build.home(**{"places": 4, "vacancies": 3, **home_changes})
    terms = placement_terms(home, children, solo)
    assert (terms.beds, terms.weekly_cost, terms.per_child) == (beds, weekly_cost, per_child)
    assert terms.whole_home == (solo or home.solo_only)


def test_a_placement_has_a_child(build):
    with pytest.raises(ValueError):
        placement_terms(build.home(), children=0)


def test_the_optimiser_costs_a_solo_child_at_the_homes_solo_fee(build):
    home = build.home(places=3, vacancies=3, solo_weekly_fee=11000.0)
    ranked = search(build.child(living_alongside="solo"), [home], build.adjacency).ranked[0]
    assert ranked.breakdown.weekly_cost == placement_terms(home, 1, solo=True).weekly_cost
