"""Figures about children's placements: distance from home, new placements by year, weekly
cost, secure orders and declined offers.

Every count of children comes from one protected publication per family
(sufficiency.metrics.publication): the same cell reads the same on every page, hidden cells
show "<5" (1 to 4 children) or "c" (hidden so that another cannot be worked out), and no
hidden count can be worked out from what is shown. Averages over fewer than 5 children are
withheld, and a share is withheld wherever its part or its whole is hidden.

The rows may be recorded in Hearth or invented for the demo (is_synthetic); each table says
which (tables.Provenance).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from commissioning.vocabulary import DeclineReason
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.publication import (
    Areas,
    Name,
    Publication,
    Schema,
    Sum,
    Unit,
    counts_by_authority,
    publish,
)
from sufficiency.metrics.tables import (
    HIDDEN,
    SUPPRESSION_NOTE,
    Area,
    Column,
    Provenance,
    Table,
    average_of_children,
    mean_of_children,
    provenance_of,
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
OPEN_REFERRAL = "open"  # a child with a secure order whose referral is still open


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


Child = TypeVar("Child", PlacementFact, SecureOrderWait, DeclinedOffer)


def reporting_year(day: date) -> int:
    """DfE's reporting year: the year ending 31 March (2022 runs April 2021 to March 2022)."""
    return day.year + (1 if day.month >= 4 else 0)


def cost_band(weekly_cost: int) -> str:
    """Bands of £2,000 whose edges fall on £10,000, so the bands over £10,000 add up to
    "children costing over £10,000 a week"."""
    if weekly_cost > COST_BANDS_TOP:
        return f"Over £{COST_BANDS_TOP:,}"
    if weekly_cost <= COST_BAND_WIDTH:
        return f"Up to £{COST_BAND_WIDTH:,}"
    high = -(-weekly_cost // COST_BAND_WIDTH) * COST_BAND_WIDTH
    return f"£{high - COST_BAND_WIDTH + 1:,} to £{high:,}"


COST_BANDS = tuple(
    cost_band(high) for high in range(COST_BAND_WIDTH, COST_BANDS_TOP + 1, COST_BAND_WIDTH)
) + (cost_band(COST_BANDS_TOP + 1),)
HIGH_COST_BANDS = tuple(
    cost_band(high)
    for high in range(HIGH_COST_WEEKLY + COST_BAND_WIDTH, COST_BANDS_TOP + 1, COST_BAND_WIDTH)
) + (cost_band(COST_BANDS_TOP + 1),)


# ---- the placements family: its cells and what an attacker knows about them

INSIDE, OUTSIDE = "inside", "outside"
UNDER, OVER = "under", "over"
ALL = "all"
UP_TO_10K, OVER_10K = "up_to_10k", "over_10k"
WITH_ORDER, WITHOUT_ORDER = "order", "no_order"


def placements_schema(years: tuple[int, ...]) -> Schema:
    """Two views of the same children, tied by their total ("placed"):

    - where: new placements by reporting year, inside or outside the placing authority and
      under or over 20 miles (DfE's table), with those at a distance among those outside;
    - what: placements by weekly cost band and type, with or without a secure order, and
      children with an order whose referral is still open.

    The two share only the total, so any pair of tables with that total could be true
    together: relating them through it is all an attacker can do with both.
    """
    types = tuple(PLACEMENT_TYPES)
    base = [
        (("new", y, where, miles), True)
        for y in years
        for where in (INSIDE, OUTSIDE)
        for miles in (UNDER, OVER)
    ]
    base += [(("at_distance",), True), (("adjoining",), False)]
    base += [(("band", band, t), True) for band in COST_BANDS for t in types]
    base += [
        (("cost_order", t, cost, order), cost == OVER_10K and order == WITH_ORDER)
        for t in types
        for cost in (UP_TO_10K, OVER_10K)
        for order in (WITH_ORDER, WITHOUT_ORDER)
    ]
    base += [((OPEN_REFERRAL,), True)]
    sums = []
    identities = []
    for y in years:
        for where in (INSIDE, OUTSIDE):
            sums.append(
                Sum(("new", y, where, ALL), tuple(("new", y, where, m) for m in (UNDER, OVER)))
            )
        for miles in (UNDER, OVER):
            sums.append(
                Sum(("new", y, ALL, miles), tuple(("new", y, w, miles) for w in (INSIDE, OUTSIDE)))
            )
        sums.append(Sum(("new", y, ALL, ALL), (("new", y, INSIDE, ALL), ("new", y, OUTSIDE, ALL))))
        identities.append((("new", y, ALL, ALL), (("new", y, ALL, UNDER), ("new", y, ALL, OVER))))
    sums += [
        Sum(("out_of_area",), tuple(("new", y, OUTSIDE, ALL) for y in years)),
        Sum(("in_area",), tuple(("new", y, INSIDE, ALL) for y in years), published=False),
        Sum(("over_20",), tuple(("new", y, ALL, OVER) for y in years)),
        Sum(("within_20",), tuple(("new", y, ALL, UNDER) for y in years), published=False),
        Sum(("placed",), tuple(("new", y, ALL, ALL) for y in years)),
    ]
    identities += [
        (("out_of_area",), (("at_distance",), ("adjoining",))),
        (("placed",), (("in_area",), ("out_of_area",))),
        (("placed",), (("within_20",), ("over_20",))),
    ]
    for t in types:
        for cost in (UP_TO_10K, OVER_10K):
            bands = (
                HIGH_COST_BANDS
                if cost == OVER_10K
                else tuple(band for band in COST_BANDS if band not in HIGH_COST_BANDS)
            )
            sums.append(
                Sum(("cost", t, cost), tuple(("band", b, t) for b in bands), cost == OVER_10K)
            )
            identities.append(
                (
                    ("cost", t, cost),
                    tuple(("cost_order", t, cost, o) for o in (WITH_ORDER, WITHOUT_ORDER)),
                )
            )
        sums += [
            Sum(("type", t), (("cost", t, UP_TO_10K), ("cost", t, OVER_10K))),
            Sum(
                ("route", t), tuple(("cost_order", t, c, WITH_ORDER) for c in (UP_TO_10K, OVER_10K))
            ),
            Sum(
                ("without_order", t),
                tuple(("cost_order", t, c, WITHOUT_ORDER) for c in (UP_TO_10K, OVER_10K)),
                published=False,
            ),
        ]
        identities += [
            (("type", t), tuple(("band", band, t) for band in COST_BANDS)),
            (("type", t), (("route", t), ("without_order", t))),
        ]
    sums += [
        Sum(("over_10k",), tuple(("cost", t, OVER_10K) for t in types)),
        Sum(("waiting",), (("route", "solo"), ("route", "standard"), (OPEN_REFERRAL,))),
        Sum(("with_order",), (("route", "secure"), ("waiting",))),
    ]
    identities.append((("placed",), tuple(("type", t) for t in types)))
    return Schema(tuple(base), tuple(sums), tuple(identities))


def _cells_of(fact: PlacementFact) -> list[Name]:
    where = OUTSIDE if fact.out_of_area else INSIDE
    miles = OVER if fact.distance_km > TWENTY_MILES_KM else UNDER
    cells = [
        ("new", reporting_year(fact.start_date), where, miles),
        ("band", cost_band(fact.weekly_cost), fact.placement_type),
        (
            "cost_order",
            fact.placement_type,
            OVER_10K if fact.weekly_cost > HIGH_COST_WEEKLY else UP_TO_10K,
            WITH_ORDER if fact.secure_order else WITHOUT_ORDER,
        ),
    ]
    if fact.out_of_area:
        cells.append(("at_distance",) if fact.at_a_distance else ("adjoining",))
    return cells


@dataclass(frozen=True)
class PlacementFigures:
    """The placements family protected for every area, and the placements themselves for
    averages (withheld below 5 children) and provenance."""

    publication: Publication
    years: tuple[int, ...]
    facts: tuple[PlacementFact, ...]
    waits: tuple[SecureOrderWait, ...]

    def placed_by(self, area: Area) -> list[PlacementFact]:
        return _placed_by(self.facts, area)

    def provenance(self, area: Area, with_waits: bool = False) -> Provenance:
        rows = [*self.placed_by(area), *(_placed_by(self.waits, area) if with_waits else [])]
        return provenance_of(row.is_synthetic for row in rows)


def placement_figures(
    facts: Iterable[PlacementFact], waits: Iterable[SecureOrderWait], areas: Areas
) -> PlacementFigures:
    facts, waits = tuple(facts), tuple(waits)
    years = tuple(sorted({reporting_year(fact.start_date) for fact in facts}))
    counts = counts_by_authority(
        [
            *((fact.placing_la_code, cell) for fact in facts for cell in _cells_of(fact)),
            *((wait.placing_la_code, (OPEN_REFERRAL,)) for wait in waits),
        ]
    )
    return PlacementFigures(publish(placements_schema(years), counts, areas), years, facts, waits)


def _placed_by(placements: Iterable[Child], area: Area) -> list[Child]:
    # A placement counts for the authority that placed the child (its s22G duty), wherever
    # the home is.
    return [p for p in placements if area.covers(p.placing_la_code)]


def _grouped(items, key: Callable) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


# ---- the tables


def distance_by_placing_la(figures: PlacementFigures, area: Area, geography: Geography) -> Table:
    """Out of area, at a distance (Care Planning Regulations 2010, reg 11) and over 20 miles."""
    heading, units = geography.rows_of(area)
    cells = figures.publication

    def row(name: str, unit: Unit) -> tuple:
        placed = ("placed",)
        return (
            name,
            cells.cell(unit, placed),
            cells.cell(unit, ("out_of_area",)),
            cells.share(unit, ("out_of_area",), placed),
            cells.cell(unit, ("at_distance",)),
            cells.share(unit, ("at_distance",), placed),
            cells.cell(unit, ("over_20",)),
            cells.share(unit, ("over_20",), placed),
        )

    return Table(
        "distance",
        f"Current placements out of area, at a distance and over 20 miles, by placing "
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
        tuple(row(name, unit) for name, unit in units if cells.count(unit, ("placed",))),
        total=row("Total", geography.unit_of(area)),
        provenance=figures.provenance(area),
        notes=(
            "Out of area: outside the placing authority. At a distance: out of area and not in "
            "an adjoining authority (Care Planning Regulations 2010, reg 11).",
            SUPPRESSION_NOTE,
        ),
    )


def secure_orders_by_placing_la(
    figures: PlacementFigures, area: Area, geography: Geography
) -> Table:
    """Children with a secure order: placed in a secure home, or waiting for a bed (placed
    elsewhere meanwhile, or with their referral still open)."""
    heading, units = geography.rows_of(area)
    cells = figures.publication
    waiting = [
        child
        for child in (*figures.placed_by(area), *_placed_by(figures.waits, area))
        if child.waiting_for_secure_bed
    ]
    by_unit = _grouped(waiting, lambda child: child.placing_la_code)

    def row(name: str, unit: Unit) -> tuple:
        days = [child.days_waiting for code in unit for child in by_unit.get(code, [])]
        return (
            name,
            cells.cell(unit, ("with_order",)),
            cells.cell(unit, ("route", "secure")),
            cells.cell(unit, ("waiting",)),
            average_of_children(days),
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
        tuple(row(name, unit) for name, unit in units if cells.count(unit, ("with_order",))),
        total=row("Total", geography.unit_of(area)),
        provenance=figures.provenance(area, with_waits=True),
        notes=(SUPPRESSION_NOTE,),
    )


_COST_COLUMNS = (
    Column("Children"),
    Column("Median weekly cost (£)"),
    Column("Mean weekly cost (£)"),
    Column("Children costing over £10,000 a week"),
)


def _cost_row(name: str, children, costs: Sequence[int], over_10k) -> tuple:
    return (name, children, average_of_children(costs), mean_of_children(costs), over_10k)


def secure_order_routes(figures: PlacementFigures, area: Area, geography: Geography) -> Table:
    """Where children with a secure order live, and what each route costs a week."""
    unit = geography.unit_of(area)
    cells = figures.publication
    with_order = [p for p in figures.placed_by(area) if p.secure_order]
    costs = _grouped(with_order, lambda p: p.placement_type)
    rows = [
        _cost_row(
            name,
            cells.cell(unit, ("route", token)),
            [p.weekly_cost for p in costs.get(token, [])],
            cells.cell(unit, ("cost_order", token, OVER_10K, WITH_ORDER)),
        )
        for token, name in SECURE_ORDER_ROUTES.items()
    ]
    rows.append(
        ("Not placed yet (referral open)", cells.cell(unit, (OPEN_REFERRAL,)), None, None, None)
    )
    return Table(
        "secure_routes",
        f"Where children with a secure order live, and the weekly cost, {area.name}",
        (text("Where the child lives"), *_COST_COLUMNS),
        tuple(rows),
        total=(
            "All children with a secure order",
            cells.cell(unit, ("with_order",)),
            None,
            None,
            None,
        ),
        provenance=figures.provenance(area, with_waits=True),
        notes=(SUPPRESSION_NOTE,),
    )


def cost_by_placement_type(figures: PlacementFigures, area: Area, geography: Geography) -> Table:
    unit = geography.unit_of(area)
    cells = figures.publication
    placed = figures.placed_by(area)
    costs = _grouped(placed, lambda p: p.placement_type)
    rows = [
        _cost_row(
            name,
            cells.cell(unit, ("type", token)),
            [p.weekly_cost for p in costs.get(token, [])],
            cells.cell(unit, ("cost", token, OVER_10K)),
        )
        for token, name in PLACEMENT_TYPES.items()
    ]
    return Table(
        "cost_by_type",
        f"Weekly cost by placement type, {area.name}",
        (text("Placement type"), *_COST_COLUMNS),
        tuple(rows),
        total=_cost_row(
            "All placements",
            cells.cell(unit, ("placed",)),
            [p.weekly_cost for p in placed],
            cells.cell(unit, ("over_10k",)),
        ),
        provenance=figures.provenance(area),
        notes=(SUPPRESSION_NOTE,),
    )


def cost_distribution(figures: PlacementFigures, area: Area, geography: Geography) -> Table:
    """How many children's placements cost each £2,000 band a week, by placement type."""
    unit = geography.unit_of(area)
    cells = figures.publication
    return Table(
        "cost_distribution",
        f"Placements by weekly cost and placement type, {area.name}",
        (text("Weekly cost"), *(Column(name) for name in PLACEMENT_TYPES.values())),
        tuple(
            (band, *(cells.cell(unit, ("band", band, token)) for token in PLACEMENT_TYPES))
            for band in COST_BANDS
        ),
        total=("Total", *(cells.cell(unit, ("type", token)) for token in PLACEMENT_TYPES)),
        provenance=figures.provenance(area),
        notes=(SUPPRESSION_NOTE,),
    )


def new_placements_by_year(figures: PlacementFigures, unit: Unit, year: int) -> tuple:
    """One year of Hearth's new placements in DfE's columns (inside/outside the boundary,
    under/over 20 miles, distance not known, total), then outside and over 20 miles with
    their shares."""
    cells = figures.publication
    total = ("new", year, ALL, ALL)
    outside, over = ("new", year, OUTSIDE, ALL), ("new", year, ALL, OVER)
    return (
        *(
            cells.cell(unit, ("new", year, where, miles))
            for where in (INSIDE, OUTSIDE)
            for miles in (UNDER, OVER)
        ),
        0,  # Hearth records every placement's distance
        cells.cell(unit, total),
        cells.cell(unit, outside),
        cells.share(unit, outside, total),
        cells.cell(unit, over),
        cells.share(unit, over, total),
    )


# ---- declined offers: a family of their own


def _row_for_reason(reason: str | None) -> str:
    # The offer table allows a decline without a reason: count it as "other", so that the
    # rows add up to the total.
    return reason if reason in DeclineReason._value2member_map_ else DeclineReason.OTHER


DECLINES_SCHEMA = Schema(
    tuple((("reason", reason), True) for reason in DeclineReason),
    (Sum(("offers",), tuple(("reason", reason) for reason in DeclineReason)),),
)


@dataclass(frozen=True)
class DeclineFigures:
    publication: Publication
    offers: tuple[DeclinedOffer, ...]


def decline_figures(offers: Iterable[DeclinedOffer], areas: Areas) -> DeclineFigures:
    offers = tuple(offers)
    counts = counts_by_authority(
        (offer.placing_la_code, ("reason", _row_for_reason(offer.reason))) for offer in offers
    )
    return DeclineFigures(publish(DECLINES_SCHEMA, counts, areas), offers)


def declined_offers_by_reason(figures: DeclineFigures, area: Area, geography: Geography) -> Table:
    unit = geography.unit_of(area)
    cells = figures.publication
    rows = [
        (
            name,
            cells.cell(unit, ("reason", token)),
            cells.share(unit, ("reason", token), ("offers",)),
        )
        for token, name in ((reason, reason.label) for reason in DeclineReason)
    ]
    return Table(
        "declined_offers",
        f"Offers declined by homes, by reason, {area.name}",
        (text("Reason"), Column("Offers declined"), Column("Share (%)")),
        tuple(rows),
        total=("Total", cells.cell(unit, ("offers",)), None),
        provenance=provenance_of(o.is_synthetic for o in _placed_by(figures.offers, area)),
        notes=(SUPPRESSION_NOTE,),
    )


# ---- new placements: DfE's published years beside Hearth's


class PublishedNewPlacements(Protocol):
    """A row of DfE's new-placements table (commissioning.reference.dfe.NewPlacements)."""

    year: int
    name: str
    figures: dict[str, int | str]


DFE_COLUMNS = ("inside_under_20", "inside_over_20", "outside_under_20", "outside_over_20")
TREND_SERIES = ("Outside the boundary (%)", "Over 20 miles (%)")


def _dfe_sum(*figures: int | str) -> int | str:
    markers = [f for f in figures if not isinstance(f, int)]
    return sum(figures) if not markers else "z" if set(markers) == {"z"} else HIDDEN


def _dfe_share(part: int | str, whole: int | str) -> float | str | None:
    if not isinstance(part, int) or not isinstance(whole, int):
        return part if not isinstance(part, int) else whole
    return round(100 * part / whole, 1) if whole else None


def _dfe_row(row: PublishedNewPlacements) -> tuple:
    figures = row.figures
    outside = _dfe_sum(figures["outside_under_20"], figures["outside_over_20"])
    over = _dfe_sum(figures["inside_over_20"], figures["outside_over_20"])
    total = figures["total"]
    return (
        *(figures[key] for key in DFE_COLUMNS),
        figures["not_known"],
        total,
        outside,
        _dfe_share(outside, total),
        over,
        _dfe_share(over, total),
    )


NEW_PLACEMENT_COLUMNS = (
    Column("Inside the boundary, under 20 miles"),
    Column("Inside the boundary, over 20 miles"),
    Column("Outside the boundary, under 20 miles"),
    Column("Outside the boundary, over 20 miles"),
    Column("Distance not known"),
    Column("New placements"),
    Column("Outside the boundary"),
    Column(TREND_SERIES[0]),
    Column("Over 20 miles"),
    Column(TREND_SERIES[1]),
)
DFE_NOTE = (
    "DfE: Children looked after in England including adoptions, location of new placements "
    "in the year to 31 March, all looked-after children (foster care too), with DfE's own "
    "marks: c hidden by DfE, z not applicable. Hearth: new placements in children's homes "
    "recorded in Hearth, by the year they started. Compare the shares, not the numbers."
)


def new_placements_trend(
    figures: PlacementFigures,
    published: Sequence[PublishedNewPlacements],
    area: Area,
    geography: Geography,
) -> Table:
    """The area's new placements year by year: DfE's published years, then Hearth's."""
    unit = geography.unit_of(area)
    rows = [
        (
            row.year,
            f"DfE ({row.name})" if row.name and row.name != area.name else "DfE",
            *_dfe_row(row),
        )
        for row in published
    ]
    rows += [
        (year, "Hearth", *new_placements_by_year(figures, unit, year)) for year in figures.years
    ]
    return Table(
        "new_placements",
        f"New placements inside and outside the boundary and over 20 miles, by year, {area.name}",
        (Column("Year to 31 March", numeric=False), text("Source"), *NEW_PLACEMENT_COLUMNS),
        tuple(rows),
        provenance=figures.provenance(area),
        notes=(DFE_NOTE, SUPPRESSION_NOTE),
    )


def new_placements_by_authority(
    figures: PlacementFigures,
    published: Callable[[Unit], Sequence[PublishedNewPlacements]],
    area: Area,
    geography: Geography,
) -> Table:
    """For each placing authority (each region, for England): the shares outside the boundary
    and over 20 miles in DfE's latest year and in each of Hearth's."""
    heading, units = geography.rows_of(area)
    cells = figures.publication

    def row(name: str, unit: Unit) -> tuple:
        latest = max(published(unit), key=lambda r: r.year, default=None)
        dfe = _dfe_row(latest)[7:10:2] if latest else (None, None)
        hearth = [
            cells.share(unit, ("new", year, part, whole), ("new", year, ALL, ALL))
            for year in figures.years
            for part, whole in ((OUTSIDE, ALL), (ALL, OVER))
        ]
        return (name, *dfe, *hearth)

    dfe_year = max((r.year for r in published(geography.unit_of(area))), default="")
    return Table(
        "new_placements_by_authority",
        f"Shares of new placements outside the boundary and over 20 miles, by placing "
        f"{heading.lower()}: DfE {dfe_year} and Hearth, {area.name}",
        (
            text(f"Placing {heading.lower()}"),
            *(Column(f"{series}, DfE {dfe_year}") for series in TREND_SERIES),
            *(
                Column(f"{series}, Hearth {year}")
                for year in figures.years
                for series in TREND_SERIES
            ),
        ),
        tuple(row(name, unit) for name, unit in units),
        total=row("Total", geography.unit_of(area)),
        provenance=figures.provenance(area),
        notes=(DFE_NOTE, SUPPRESSION_NOTE),
    )
