"""Small numbers of children never show: "<5" in every table (and so every chart and CSV);
and each table says whether invented demo rows are in it."""

from datetime import date

import pytest

from sufficiency.metrics import placements
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import (
    ENGLAND,
    SUPPRESSED,
    WITHHELD,
    Area,
    Provenance,
    average_of_children,
    children,
    share,
)

PLACES = Geography(
    la_names={"E1": "Alpha", "E2": "Beta"},
    la_regions={"E1": "R1", "E2": "R1"},
    region_names={"R1": "North"},
    la_centroids={"E1": (53.0, -2.0), "E2": (53.5, -2.5)},
)


def placement(
    la="E1", kind="standard", cost=5000, km=5.0, out=False, far=False, order=False, demo=True
):
    return placements.PlacementFact(
        placing_la_code=la,
        home_la_code=la,
        placement_type=kind,
        weekly_cost=cost,
        distance_km=km,
        out_of_area=out,
        at_a_distance=far,
        secure_order=order,
        days_waiting=10 if order and kind != "secure" else None,
        start_date=date(2024, 1, 1),
        is_synthetic=demo,
    )


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, SUPPRESSED), (4, SUPPRESSED), (5, 5)])
def test_counts_of_one_to_four_children_show_as_under_5(count, shown):
    assert children(count) == shown


def test_a_share_is_withheld_when_it_would_reveal_a_small_count():
    assert share(3, 100) == WITHHELD  # 3 children
    assert share(97, 100) == WITHHELD  # 100 - 97 = 3 children
    assert share(50, 100) == 50.0
    assert share(0, 0) is None


def test_an_average_over_fewer_than_5_children_is_withheld():
    assert average_of_children([9000, 11000]) == WITHHELD
    assert average_of_children([1, 2, 3, 4, 5]) == 3


def test_distance_suppresses_small_authorities_and_keeps_the_total():
    facts = [placement("E1", out=True, km=50) for _ in range(3)]
    facts += [placement("E2", out=i < 6, km=40 if i < 6 else 2) for i in range(12)]
    table = placements.distance_by_placing_la(facts, Area("Two", frozenset({"E1", "E2"})), PLACES)
    alpha, beta = table.rows
    assert alpha == ("Alpha", SUPPRESSED, SUPPRESSED, WITHHELD, 0, WITHHELD, SUPPRESSED, WITHHELD)
    assert beta[:4] == ("Beta", 12, 6, 50.0)
    assert table.total[:2] == ("Total", 15)
    assert table.synthetic


def test_secure_order_figures_never_give_one_childs_wait_or_cost():
    facts = [placement(kind="solo", order=True, cost=20000), placement(kind="secure", order=True)]
    waiting = placements.secure_orders_by_placing_la(facts, [], ENGLAND, PLACES)
    assert waiting.total == ("Total", SUPPRESSED, SUPPRESSED, SUPPRESSED, WITHHELD)
    routes = placements.secure_order_routes(facts, ENGLAND)
    solo_route = routes.rows[1]
    assert solo_route[1:] == (SUPPRESSED, WITHHELD, WITHHELD, SUPPRESSED)


def test_cost_by_type_counts_placements_over_10000_a_week():
    facts = [placement(cost=11000 + i) for i in range(6)] + [placement(cost=4000)] * 4
    table = placements.cost_by_placement_type(facts, ENGLAND)
    standard = table.rows[0]
    assert standard[0] == "Standard residential"
    assert standard[1] == 10
    assert standard[4] == 6
    assert table.rows[1][1:] == (0, None, None, 0)  # no solo placements


def test_cost_distribution_suppresses_each_small_band():
    facts = [placement(cost=5000)] * 7 + [placement(kind="solo", cost=15000)] * 2
    table = placements.cost_distribution(facts, ENGLAND)
    by_band = {row[0]: row[1:] for row in table.rows}
    assert by_band["£4,000 to £5,999"] == (7, 0, 0)
    assert by_band["£14,000 to £15,999"] == (0, SUPPRESSED, 0)
    assert placements.cost_band(25000) == "£20,000 or more"


def test_declined_offers_are_counted_by_reason():
    offers = [placements.DeclinedOffer("E1", "impact_on_current_group", True)] * 6
    offers += [placements.DeclinedOffer("E1", "staffing", True)]
    table = placements.declined_offers_by_reason(offers, ENGLAND)
    by_reason = {row[0]: row[1] for row in table.rows}
    assert by_reason["Impact on the current group"] == 6
    assert by_reason["Not enough staff"] == SUPPRESSED


def test_recorded_and_synthetic_declines_share_the_rows_of_one_vocabulary():
    offers = [placements.DeclinedOffer("E1", "no_vacancy", demo) for demo in (True, False)] * 3
    offers += [placements.DeclinedOffer("E1", None, False)] * 5  # declined without a reason
    table = placements.declined_offers_by_reason(offers, ENGLAND)
    by_reason = {row[0]: row[1] for row in table.rows}
    assert by_reason["No vacancy now"] == 6
    assert by_reason["Another reason (in the assessment)"] == 5
    assert table.total[1] == 11
    assert table.provenance is Provenance.MIXED


def test_open_referrals_with_a_secure_order_count_as_waiting_for_a_bed():
    facts = [placement(kind="secure", order=True) for _ in range(5)]
    facts += [placement(kind="solo", order=True)]  # waiting 10 days, in a solo home meanwhile
    waits = [placements.SecureOrderWait("E1", days, False) for days in (2, 4, 30, 40)]
    waits += [placements.SecureOrderWait("E9", 7, False)]  # placed by an authority elsewhere
    area = Area("One", frozenset({"E1"}))
    table = placements.secure_orders_by_placing_la(facts, waits, area, PLACES)
    assert table.total == ("Total", 10, 5, 5, 10)
    assert table.provenance is Provenance.MIXED


def test_a_table_of_recorded_rows_only_carries_no_synthetic_tag():
    facts = [placement(out=True, km=50, demo=False) for _ in range(6)]
    recorded = placements.distance_by_placing_la(facts, ENGLAND, PLACES)
    assert recorded.provenance is Provenance.REAL and not recorded.synthetic
    with_demo = placements.distance_by_placing_la([*facts, placement()], ENGLAND, PLACES)
    assert with_demo.provenance is Provenance.MIXED and with_demo.synthetic
    assert with_demo.provenance.value == "Includes synthetic demo data"
    demo_only = placements.cost_by_placement_type([placement()], ENGLAND)
    assert demo_only.provenance.value == "Synthetic demo data"
