"""Figures about children's placements: secure orders, solo placements, distance, cost and
declined offers. Every count of children is suppressed below 5; no row is about one child.

The rows may be recorded in Hearth or invented for the demo (is_synthetic); each table says
which (tables.Provenance).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from commissioning.vocabulary import DeclineReason
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import (
    SUPPRESSION_NOTE,
    Area,
    Column,
    Provenance,
    Table,
    average_of_children,
    children,
    mean_of_children,
    provenance_of,
    share,
    text,
)
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES, SECURE_ORDER_ROUTES

# The NAO and DfE report placements "more than 20 miles" from home.
TWENTY_MILES_KM = 32.19
# Placements above £10,000 a week are the ones the Competition and Markets Authority's 2022
# market study and LAs' sufficiency statements single out.
HIGH_COST_WEEKLY = 10_000
COST_BAND_WIDTH = 2_000
COST_BANDS_TOP = 20_000


@dataclass(frozen=True)
class PlacementFact:
    """One child's current placement, without anything that identifies the child."""

    placing_la_code: str
    home_la_code: str
    placement_type: str  # standard | solo | secure
    weekly_cost: int
    distance_km: float
    out_of_area: bool
    at_a_distance: bool
    secure_order: bool
    days_waiting: int | None  # a child with a secure order not in a secure home
    start_date: date
    is_synthetic: bool

    @property
    def waiting_for_secure_bed(self) -> bool:
        return self.secure_order and self.placement_type != "secure"


@dataclass(frozen=True)
class SecureOrderWait:
    """A child with a secure accommodation order whose referral is still open: not placed yet,
    so waiting for a secure bed."""

    placing_la_code: str
    days_waiting: int  # since the referral was submitted
    is_synthetic: bool

    @property
    def waiting_for_secure_bed(self) -> bool:
        return True


@dataclass(frozen=True)
class DeclinedOffer:
    placing_la_code: str
    reason: str | None  # a DeclineReason token
    is_synthetic: bool


Child = TypeVar("Child", PlacementFact, SecureOrderWait)


def _placed_by(placements: Iterable[Child], area: Area) -> list[Child]:
    # A placement counts for the authority that placed the child (its s22G duty), wherever
    # the home is.
    return [p for p in placements if area.covers(p.placing_la_code)]


def _provenance(rows: Sequence) -> Provenance:
    return provenance_of(row.is_synthetic for row in rows)


def _grouped(items, key: Callable) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def secure_orders_by_placing_la(
    placements: Iterable[PlacementFact],
    waits: Iterable[SecureOrderWait],
    area: Area,
    geography: Geography,
) -> Table:
    """Children with a secure order: placed in a secure home, or waiting for a bed (placed
    elsewhere meanwhile, or with their referral still open)."""
    orders = [
        *(p for p in _placed_by(placements, area) if p.secure_order),
        *_placed_by(waits, area),
    ]
    heading, name_of = geography.breakdown(area)
    groups = _grouped(orders, lambda p: name_of(p.placing_la_code))

    def row(name: str, group: list[PlacementFact | SecureOrderWait]) -> tuple:
        waiting = [p for p in group if p.waiting_for_secure_bed]
        return (
            name,
            children(len(group)),
            children(len(group) - len(waiting)),
            children(len(waiting)),
            average_of_children(p.days_waiting for p in waiting),
        )

    return Table(
        "secure_orders",
        f"Children with a secure accommodation order, by placing {heading.lower()}, {area.name}",
        (
            text(f"Placing {heading.lower()}"),
            Column("Children with a secure order"),
            Column("In a secure children's home"),
            Column("Waiting for a secure bed"),
            Column("Median days waiting"),
        ),
        tuple(row(name, groups[name]) for name in sorted(groups)),
        total=row("Total", orders),
        provenance=_provenance(orders),
        notes=(SUPPRESSION_NOTE,),
    )


def _cost_row(name: str, group: list[PlacementFact]) -> tuple:
    costs = [p.weekly_cost for p in group]
    return (
        name,
        children(len(group)),
        average_of_children(costs),
        mean_of_children(costs),
        children(sum(cost > HIGH_COST_WEEKLY for cost in costs)),
    )


_COST_COLUMNS = (
    Column("Children"),
    Column("Median weekly cost (£)"),
    Column("Mean weekly cost (£)"),
    Column("Children costing over £10,000 a week"),
)


def secure_order_routes(placements: Iterable[PlacementFact], area: Area) -> Table:
    """Where children with a secure order live, and what each route costs a week."""
    placements = [p for p in _placed_by(placements, area) if p.secure_order]
    groups = _grouped(placements, lambda p: p.placement_type)
    return Table(
        "secure_routes",
        f"Where children with a secure order live, and the weekly cost, {area.name}",
        (text("Where the child lives"), *_COST_COLUMNS),
        tuple(
            _cost_row(name, groups.get(token, [])) for token, name in SECURE_ORDER_ROUTES.items()
        ),
        provenance=_provenance(placements),
        notes=(SUPPRESSION_NOTE,),
    )


def cost_by_placement_type(placements: Iterable[PlacementFact], area: Area) -> Table:
    placements = _placed_by(placements, area)
    groups = _grouped(placements, lambda p: p.placement_type)
    rows = [_cost_row(name, groups.get(token, [])) for token, name in PLACEMENT_TYPES.items()]
    return Table(
        "cost_by_type",
        f"Weekly cost by placement type, {area.name}",
        (text("Placement type"), *_COST_COLUMNS),
        tuple(rows),
        total=_cost_row("All placements", placements),
        provenance=_provenance(placements),
        notes=(SUPPRESSION_NOTE,),
    )


def cost_band(weekly_cost: int) -> str:
    if weekly_cost >= COST_BANDS_TOP:
        return f"£{COST_BANDS_TOP:,} or more"
    low = weekly_cost // COST_BAND_WIDTH * COST_BAND_WIDTH
    return f"£{low:,} to £{low + COST_BAND_WIDTH - 1:,}"


COST_BANDS = tuple(
    cost_band(low) for low in range(0, COST_BANDS_TOP + COST_BAND_WIDTH, COST_BAND_WIDTH)
)


def cost_distribution(placements: Iterable[PlacementFact], area: Area) -> Table:
    """How many children's placements cost each £2,000 band a week, by placement type."""
    placements = _placed_by(placements, area)
    counts = Counter((cost_band(p.weekly_cost), p.placement_type) for p in placements)
    rows = [
        (band, *(children(counts[band, token]) for token in PLACEMENT_TYPES)) for band in COST_BANDS
    ]
    return Table(
        "cost_distribution",
        f"Placements by weekly cost and placement type, {area.name}",
        (text("Weekly cost"), *(Column(name) for name in PLACEMENT_TYPES.values())),
        tuple(rows),
        provenance=_provenance(placements),
        notes=(SUPPRESSION_NOTE,),
    )


def distance_by_placing_la(
    placements: Iterable[PlacementFact], area: Area, geography: Geography
) -> Table:
    """Out of area, at a distance (Care Planning Regulations 2010, reg 11) and over 20 miles."""
    placements = _placed_by(placements, area)
    heading, name_of = geography.breakdown(area)
    groups = _grouped(placements, lambda p: name_of(p.placing_la_code))

    def row(name: str, group: list[PlacementFact]) -> tuple:
        total = len(group)
        cells = [name, children(total)]
        for flag in (
            sum(p.out_of_area for p in group),
            sum(p.at_a_distance for p in group),
            sum(p.distance_km > TWENTY_MILES_KM for p in group),
        ):
            cells += [children(flag), share(flag, total)]
        return tuple(cells)

    return Table(
        "distance",
        f"Placements out of area, at a distance and over 20 miles, by placing "
        f"{heading.lower()}, {area.name}",
        (
            text(f"Placing {heading.lower()}"),
            Column("Children placed"),
            Column("Out of area"),
            Column("Out of area (%)"),
            Column("At a distance"),
            Column("At a distance (%)"),
            Column("Over 20 miles"),
            Column("Over 20 miles (%)"),
        ),
        tuple(row(name, groups[name]) for name in sorted(groups)),
        total=row("Total", placements),
        provenance=_provenance(placements),
        notes=(
            "Out of area: outside the placing authority. At a distance: out of area and not in "
            "an adjoining authority (Care Planning Regulations 2010, reg 11).",
            SUPPRESSION_NOTE,
        ),
    )


def _row_for_reason(reason: str | None) -> str:
    # The offer table allows a decline without a reason: count it as "other", so that the
    # rows add up to the total.
    return reason if reason in DeclineReason._value2member_map_ else DeclineReason.OTHER


def declined_offers_by_reason(offers: Iterable[DeclinedOffer], area: Area) -> Table:
    offers = [offer for offer in offers if area.covers(offer.placing_la_code)]
    counts = Counter(_row_for_reason(offer.reason) for offer in offers)
    rows = [
        (reason.label, children(counts[reason]), share(counts[reason], len(offers)))
        for reason in DeclineReason
    ]
    return Table(
        "declined_offers",
        f"Offers declined by homes, by reason, {area.name}",
        (text("Reason"), Column("Offers declined"), Column("Share (%)")),
        tuple(rows),
        total=("Total", children(len(offers)), None),
        provenance=_provenance(offers),
        notes=(SUPPRESSION_NOTE,),
    )
