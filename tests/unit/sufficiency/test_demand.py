"""Projected need from needs analyses against the places catering for it."""

from sufficiency.metrics.demand import CateringHome, NeedLine, need_against_supply, periods
from sufficiency.metrics.tables import ENGLAND, SUPPRESSED, WITHHELD, Area


def line(la, need, kind, projected, period="2025-26"):
    return NeedLine(la, period, need, kind, projected, projected - 1, 100_000)


def test_need_is_summed_over_authorities_and_set_against_catering_places():
    lines = [
        line("E1", "autism", "standard", 12),
        line("E2", "autism", "standard", 8),
        line("E1", "autism", "solo", 3),
        line("E1", "autism", "standard", 50, period="2026-27"),
    ]
    homes = [
        CateringHome("E1", "standard", 4, frozenset({"autism", "mental_health"})),
        CateringHome("E9", "standard", 6, frozenset({"autism"})),
        CateringHome("E1", "solo", 1, frozenset({"mental_health"})),
    ]
    area = Area("Ours", frozenset({"E1", "E2"}))
    table = need_against_supply(lines, homes, area, ENGLAND, "2025-26")
    standard, solo = table.rows
    assert standard == ("Autism", "Standard residential", 20, 18, 200_000, 10, 10)
    assert solo == ("Autism", "Solo", SUPPRESSED, SUPPRESSED, 100_000, 0, WITHHELD)
    assert periods(lines) == ["2025-26", "2026-27"]


def test_places_outside_the_supply_area_are_not_counted():
    lines = [line("E1", "autism", "standard", 12)]
    homes = [CateringHome("E9", "standard", 6, frozenset({"autism"}), is_synthetic=True)]
    table = need_against_supply(lines, homes, ENGLAND, Area("Near", frozenset({"E1"})), "2025-26")
    assert table.rows[0][5:] == (0, 12)
    assert not table.synthetic
