"""The demo's synthetic placements: deterministic, within capacity, rules of distance kept."""

from dataclasses import dataclass

from commissioning.vocabulary import DeclineReason
from sufficiency.synthetic import HomeForPlacing, synthetic_snapshot


@dataclass(frozen=True)
class Authority:
    code: str
    lat: float
    lon: float


AUTHORITIES = [Authority("A", 53.0, -2.0), Authority("B", 53.1, -2.1), Authority("C", 51.5, 0.0)]
NEIGHBOURS = {"A": {"B"}, "B": {"A"}, "C": set()}
HOMES = [
    HomeForPlacing("H1", "A", 53.0, -2.0, 4, "standard", 5000),
    HomeForPlacing("H2", "B", 53.1, -2.1, 3, "standard", 6000),
    HomeForPlacing("H3", "C", 51.5, 0.0, 2, "solo", 7000),
    HomeForPlacing("H4", "C", 51.5, 0.0, 1, "secure", 9000),
]


def test_the_snapshot_is_the_same_for_the_same_seed():
    assert synthetic_snapshot(AUTHORITIES, NEIGHBOURS, HOMES, seed=3, count=20) == (
        synthetic_snapshot(AUTHORITIES, NEIGHBOURS, HOMES, seed=3, count=20)
    )


def test_no_home_takes_more_children_than_it_has_places():
    placements, _ = synthetic_snapshot(AUTHORITIES, NEIGHBOURS, HOMES, seed=1, count=50)
    places = {home.urn: home.places for home in HOMES}
    for urn in places:
        assert sum(p.home_urn == urn for p in placements) <= places[urn]
    solo = [p for p in placements if p.placement_type == "solo"]
    assert all(p.weekly_cost >= 7000 * 2 for p in solo)  # a solo child uses the whole home


def test_at_a_distance_means_out_of_area_and_not_next_door():
    placements, _ = synthetic_snapshot(AUTHORITIES, NEIGHBOURS, HOMES, seed=2, count=10)
    home_la = {home.urn: home.la_code for home in HOMES}
    for p in placements:
        assert p.out_of_area == (home_la[p.home_urn] != p.placing_la_code)
        assert p.at_a_distance == (
            p.out_of_area and home_la[p.home_urn] not in NEIGHBOURS[p.placing_la_code]
        )


def test_declines_give_the_reasons_a_provider_can_give():
    _, declines = synthetic_snapshot(AUTHORITIES, NEIGHBOURS, HOMES, seed=4, count=50)
    assert declines
    assert {decline.reason for decline in declines} <= set(DeclineReason)
