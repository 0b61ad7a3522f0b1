"""Projected need from LAs' needs analyses against the places that cater for it, like with like:
one authority's children against places in it and the authorities next to it, a consortium's
or region's against places in that consortium or region, per need and placement type, period
by period."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from commissioning.vocabulary import Need
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.publication import Areas, Publication, Schema, publish
from sufficiency.metrics.tables import (
    HIDDEN,
    SMALLEST_SHOWN,
    SUPPRESSION_NOTE,
    Area,
    Column,
    Table,
    is_hidden,
    provenance_of,
    text,
)
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES

PROJECTED, CURRENT = "projected", "current"


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


@dataclass(frozen=True)
class NeedFigures:
    """Projected children and current placements of every needs analysis, protected for
    every area (a consortium's figure less its other authorities' must not give one away)."""

    publication: Publication
    lines: tuple[NeedLine, ...]

    def lines_in(self, area: Area, period: str | None = None) -> list[NeedLine]:
        return [
            line
            for line in self.lines
            if area.covers(line.la_code) and (period is None or line.period == period)
        ]


def need_figures(lines: Iterable[NeedLine], areas: Areas) -> NeedFigures:
    lines = tuple(lines)
    keys = sorted({(line.period, line.need_category, line.placement_type) for line in lines})
    schema = Schema(
        tuple(((measure, *key), True) for key in keys for measure in (PROJECTED, CURRENT))
    )
    counts: dict[str, dict] = defaultdict(dict)
    for line in lines:
        key = (line.period, line.need_category, line.placement_type)
        counts[line.la_code][(PROJECTED, *key)] = line.projected_children
        counts[line.la_code][(CURRENT, *key)] = line.current_placements
    return NeedFigures(publish(schema, counts, areas), lines)


def _catering_places(homes: Iterable[CateringHome], supply_area: Area) -> dict[tuple, int]:
    places: dict[tuple[str, str], int] = defaultdict(int)
    for home in homes:
        if supply_area.covers(home.la_code):
            for need in home.needs:
                places[need, home.placement_type] += home.places
    return places


def _needs_and_types(lines: Iterable[NeedLine]) -> list[tuple[str, str]]:
    """The (need, placement type) pairs projected, in the vocabularies' order."""
    present = {(line.need_category, line.placement_type) for line in lines}
    return [(need, kind) for need in Need for kind in PLACEMENT_TYPES if (need, kind) in present]


def need_against_supply(
    figures: NeedFigures,
    homes: list[CateringHome],
    area: Area,
    geography: Geography,
    period: str,
) -> Table:
    """For each need and placement type projected in `period` by the authorities in `area`:
    projected children, current placements and spend, the places near `area` catering for
    that need (geography.near), and the shortfall (projected children less those places)."""
    unit = geography.unit_of(area)
    near = geography.near(area)
    places = _catering_places(homes, near)
    cells = figures.publication
    lines = figures.lines_in(area, period)
    spend: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        spend[line.need_category, line.placement_type] += line.current_annual_spend
    rows = []
    for need, kind in _needs_and_types(lines):
        projected = cells.cell(unit, (PROJECTED, period, need, kind))
        placed = cells.count(unit, (CURRENT, period, need, kind))
        catering = places[need, kind]
        rows.append(
            (
                Need(need).label,
                PLACEMENT_TYPES[kind],
                projected,
                cells.cell(unit, (CURRENT, period, need, kind)),
                # Spend on fewer than 5 children is their placements' cost.
                HIDDEN if 0 < placed < SMALLEST_SHOWN else spend[need, kind],
                catering,
                HIDDEN if is_hidden(projected) else projected - catering,
            )
        )
    return Table(
        "need_against_supply",
        f"Projected need in {period}, {area.name}, against places in {near.name}",
        (
            text("Need"),
            text("Placement type"),
            Column("Projected children"),
            Column("Current placements"),
            Column("Current annual spend (£)"),
            Column("Places catering for it nearby"),
            Column("Shortfall (projected children less places)"),
        ),
        tuple(rows),
        provenance=provenance_of(home.is_synthetic for home in homes if near.covers(home.la_code)),
        notes=(
            _near_note(area, near, geography),
            "Places catering for a need: registered places of open homes whose statement of "
            "purpose includes it (a home catering for several needs counts under each). Those "
            "places also serve other authorities' children.",
            SUPPRESSION_NOTE,
        ),
    )


def _near_note(area: Area, near: Area, geography: Geography) -> str:
    if near is area:
        return f"Like with like: {area.name}'s projected children against places in {area.name}."
    neighbours = sorted(geography.la_names[code] for code in near.la_codes - area.la_codes)
    return (
        f"Nearby: {area.name} and the authorities sharing its boundary "
        f"({', '.join(neighbours) or 'none'}), where the placing authority's duty to place "
        "children near home (Children Act 1989, s22C) looks first."
    )


def need_over_time(
    figures: NeedFigures, homes: list[CateringHome], area: Area, geography: Geography
) -> Table:
    """Projected children for each need and placement type, period by period, beside the
    places nearby catering for it now."""
    unit = geography.unit_of(area)
    near = geography.near(area)
    places = _catering_places(homes, near)
    lines = figures.lines_in(area)
    all_periods = periods(lines)
    rows = tuple(
        (
            Need(need).label,
            PLACEMENT_TYPES[kind],
            *(
                figures.publication.cell(unit, (PROJECTED, period, need, kind))
                for period in all_periods
            ),
            places[need, kind],
        )
        for need, kind in _needs_and_types(lines)
    )
    return Table(
        "need_over_time",
        f"Projected children by period, {area.name}, against places in {near.name} now",
        (
            text("Need"),
            text("Placement type"),
            *(Column(f"Projected children {period}") for period in all_periods),
            Column("Places catering for it nearby now"),
        ),
        rows,
        provenance=provenance_of(home.is_synthetic for home in homes if near.covers(home.la_code)),
        notes=(SUPPRESSION_NOTE,),
    )
