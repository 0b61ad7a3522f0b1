"""Projected need from needs analyses against the places catering for it, like with like."""

from sufficiency.metrics.demand import (
    CateringHome,
    NeedLine,
    need_against_supply,
    need_figures,
    need_over_time,
    periods,
)
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import HIDDEN, Area

PLACES = Geography(
    la_names={"E1": "Alpha", "E2": "Beta", "E9": "Omega"},
    la_regions={"E1": "R1", "E2": "R1", "E9": "R2"},
    region_names={"R1": "North", "R2": "South"},
    la_centroids={"E1": (53.0, -2.0), "E2": (53.5, -2.5), "E9": (51.0, 0.0)},
    neighbours={"E1": ("E2",), "E2": ("E1",)},
)
OURS = Area("Ours", frozenset({"E1", "E2"}))


def line(la, need, kind, projected, period="2025-26"):
    return NeedLine(la, period, need, kind, projected, max(projected - 1, 0), 100_000)


def test_a_group_sets_its_projected_children_against_its_own_places():
    lines = [
        line("E1", "autism", "standard", 12),
        line("E2", "autism", "standard", 8),
        line("E1", "autism", "solo", 3),
        line("E9", "autism", "solo", 30),
        line("E1", "autism", "standard", 50, period="2026-27"),
    ]
    homes = [
        CateringHome("E1", "standard", 4, frozenset({"autism", "mental_health"})),
        CateringHome("E9", "standard", 6, frozenset({"autism"})),
        CateringHome("E1", "solo", 1, frozenset({"mental_health"})),
    ]
    figures = need_figures(lines, PLACES.areas())
    table = need_against_supply(figures, homes, OURS, PLACES, "2025-26")
    standard, solo = table.rows
    assert standard == ("Autism", "Standard residential", 20, 18, 200_000, 4, 16)
    assert solo == ("Autism", "Solo", HIDDEN, HIDDEN, HIDDEN, 0, HIDDEN)
    assert periods(lines) == ["2025-26", "2026-27"]


def test_one_authority_is_set_against_places_in_it_and_next_to_it():
    lines = [line("E1", "autism", "standard", 12)]
    homes = [
        CateringHome("E2", "standard", 5, frozenset({"autism"})),
        CateringHome("E9", "standard", 6, frozenset({"autism"}), is_synthetic=True),
    ]
    alpha = Area("Alpha", frozenset({"E1"}))
    table = need_against_supply(
        need_figures(lines, PLACES.areas()), homes, alpha, PLACES, "2025-26"
    )
    assert table.rows[0][5:] == (5, 7)
    assert "against places in Alpha and the authorities next to it" in table.caption
    assert any("Beta" in note for note in table.notes)
    assert not table.synthetic


def test_projections_are_shown_period_by_period():
    lines = [
        line("E1", "autism", "standard", n, period)
        for n, period in ((12, "2025-26"), (15, "2026-27"))
    ]
    lines += [line("E2", "autism", "standard", 9, "2025-26")]
    table = need_over_time(need_figures(lines, PLACES.areas()), [], OURS, PLACES)
    assert table.headings[2:4] == ["Projected children 2025-26", "Projected children 2026-27"]
    assert table.rows[0][2:] == (21, 15, 0)
