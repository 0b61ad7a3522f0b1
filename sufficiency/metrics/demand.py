"""Projected need from LAs' needs analyses against the places that cater for it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from commissioning.vocabulary import Need
from sufficiency.metrics.tables import (
    SUPPRESSION_NOTE,
    WITHHELD,
    Area,
    Column,
    Table,
    children,
    is_suppressed,
    provenance_of,
    text,
)
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES


@dataclass(frozen=True)
class NeedLine:
    """One line of an LA's needs analysis (the downloadable template's columns)."""

    la_code: str
    period: str
    need_category: str
    placement_type: str
    projected_children: int
    current_placements: int
    current_annual_spend: int


@dataclass(frozen=True)
class CateringHome:
    """An open home's places, the kind of placement it offers and the needs it caters for."""

    la_code: str
    placement_type: str
    places: int
    needs: frozenset[str]
    is_synthetic: bool = False  # the demo's invented statement of purpose


def periods(lines: Iterable[NeedLine]) -> list[str]:
    return sorted({line.period for line in lines})


def need_against_supply(
    lines: Iterable[NeedLine],
    homes: Iterable[CateringHome],
    area: Area,
    supply_area: Area,
    period: str,
) -> Table:
    """For each need and placement type projected in `period` by the authorities in `area`:
    projected children, current placements and spend, the places in `supply_area` catering
    for that need, and the shortfall (projected children less those places)."""
    projected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        if area.covers(line.la_code) and line.period == period:
            totals = projected[line.need_category, line.placement_type]
            totals[0] += line.projected_children
            totals[1] += line.current_placements
            totals[2] += line.current_annual_spend
    places: dict[tuple[str, str], int] = defaultdict(int)
    supplying = [home for home in homes if supply_area.covers(home.la_code)]
    for home in supplying:
        for need in home.needs:
            places[need, home.placement_type] += home.places
    rows = []
    for need, need_name in ((need, need.label) for need in Need):
        for placement_type, type_name in PLACEMENT_TYPES.items():
            if (need, placement_type) not in projected:
                continue
            need_count, placed, spend = projected[need, placement_type]
            shown = children(need_count)
            catering = places[need, placement_type]
            shortfall = WITHHELD if is_suppressed(shown) else need_count - catering
            rows.append((need_name, type_name, shown, children(placed), spend, catering, shortfall))
    return Table(
        "need_against_supply",
        f"Projected need in {period}, {area.name}, against places in {supply_area.name}",
        (
            text("Need"),
            text("Placement type"),
            Column("Projected children"),
            Column("Current placements"),
            Column("Current annual spend (£)"),
            Column(f"Places catering for it in {supply_area.name}"),
            Column("Shortfall (projected children less places)"),
        ),
        tuple(rows),
        provenance=provenance_of(home.is_synthetic for home in supplying),
        notes=(
            "Places catering for a need: registered places of open homes whose statement of "
            "purpose includes it (a home catering for several needs counts under each). "
            "The places serve every authority in the region, not only those with a needs "
            "analysis here.",
            SUPPRESSION_NOTE,
        ),
    )
