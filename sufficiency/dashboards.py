"""The dashboards: for each, the tables (the real register; placements recorded in Hearth and
the demo's synthetic ones; DfE's published figures) and charts it shows for an area. Built
from queries and pure metrics; the views only render them.

Every count of children is read from a publication protected for all areas at once
(sufficiency.metrics.publication), so no page can be set against another to undo it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from commissioning.csv_export import BYTE_ORDER_MARK, csv_bytes, zip_bytes
from commissioning.reference import dfe
from commissioning.vocabulary import Role
from sufficiency import charts, queries
from sufficiency.metrics import demand, placements, supply
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.publication import Areas, Unit
from sufficiency.metrics.tables import ENGLAND, Area, Table

ANALYSTS = (Role.ANALYST, Role.ADMIN)
# The register is public: commissioners may read the supply figures too.
READERS_OF_SUPPLY = (Role.COMMISSIONER, Role.ANALYST, Role.ADMIN)


@dataclass(frozen=True)
class Panel:
    table: Table
    chart: str  # a plotly figure as JSON


@dataclass(frozen=True)
class Request:
    """What a dashboard is asked for: the area, the places it is drawn from, every area
    figures are published for, and the period chosen (needs analyses)."""

    area: Area
    places: Geography
    areas: Areas
    period: str | None = None


@dataclass
class Dashboard:
    panels: list[Panel]
    periods: list[str] = field(default_factory=list)
    period: str | None = None


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    summary: str
    roles: tuple[str, ...]
    build: Callable[[Request], Dashboard]


def _supply(request: Request) -> Dashboard:
    area, places = request.area, request.places
    previous, current = queries.previous_register(), queries.current_register()
    by_area = supply.by_area(previous, current, area, places)
    by_sector = supply.by_sector(previous, current, area)
    by_grade = supply.by_grade(previous, current, area)
    by_size = supply.by_size(previous, current, area)
    changes = supply.openings_and_closures(previous, current, area, places)
    vacancies = supply.vacancies(current, area, places, provenance=queries.vacancies_provenance())
    return Dashboard(
        [
            Panel(by_area, _compare_registers(by_area, "Places", horizontal=True)),
            Panel(by_sector, _compare_registers(by_sector, "Places")),
            Panel(by_grade, _compare_registers(by_grade, "Homes")),
            Panel(by_size, _compare_registers(by_size, "Homes")),
            Panel(
                changes,
                charts.bar_chart(
                    changes, ["Homes opened", "Homes closed"], axis_title="Homes", horizontal=True
                ),
            ),
            Panel(
                vacancies,
                charts.bar_chart(
                    vacancies,
                    ["Vacancies", "Vacancies confirmed in the last 7 days"],
                    axis_title="Beds",
                    horizontal=True,
                ),
            ),
        ]
    )


def _compare_registers(table: Table, measure: str, horizontal: bool = False) -> str:
    """The measure ("Homes" or "Places") on both registers side by side."""
    series = [heading for heading in table.headings if heading.startswith(f"{measure} ")]
    return charts.bar_chart(table, series, axis_title=measure, horizontal=horizontal)


def _placements(request: Request) -> placements.PlacementFigures:
    return placements.placement_figures(
        queries.placement_facts(), queries.secure_order_waits(), request.areas
    )


def _secure(request: Request) -> Dashboard:
    area, places = request.area, request.places
    previous, current = queries.previous_register(), queries.current_register()
    figures = _placements(request)
    # There are only 13 secure children's homes, a national resource: always show them all.
    homes = supply.by_area(
        previous.within(ENGLAND, supply.is_secure),
        current.within(ENGLAND, supply.is_secure),
        ENGLAND,
        places,
        key="secure_homes",
        caption="Secure children's homes and places",
    )
    vacancies = supply.vacancies(
        current.within(ENGLAND, supply.is_secure),
        ENGLAND,
        places,
        key="secure_vacancies",
        caption="Secure vacancies now",
        provenance=queries.vacancies_provenance(),
    )
    orders = placements.secure_orders_by_placing_la(figures, area, places)
    routes = placements.secure_order_routes(figures, area, places)
    return Dashboard(
        [
            Panel(homes, _compare_registers(homes, "Places")),
            Panel(vacancies, charts.bar_chart(vacancies, ["Places", "Vacancies"])),
            Panel(
                orders,
                charts.bar_chart(
                    orders,
                    ["In a secure children's home", "Waiting for a secure bed"],
                    axis_title="Children",
                    horizontal=True,
                    stacked=True,
                ),
            ),
            Panel(routes, _cost_chart(routes)),
        ]
    )


def _cost_chart(table: Table) -> str:
    return charts.bar_chart(
        table, ["Median weekly cost (£)", "Mean weekly cost (£)"], axis_title="£ a week"
    )


def _solo(request: Request) -> Dashboard:
    area, places = request.area, request.places
    previous, current = queries.previous_register(), queries.current_register()
    one_place = supply.one_place_homes(previous, current, area, places)
    costs = placements.cost_by_placement_type(_placements(request), area, places)
    series = [heading for heading in one_place.headings if heading.startswith("1-place homes")]
    return Dashboard(
        [
            Panel(
                one_place,
                charts.bar_chart(one_place, series, axis_title="Homes", horizontal=True),
            ),
            Panel(costs, _cost_chart(costs)),
        ]
    )


def _dfe_new_placements(places: Geography) -> Callable[[Unit], list]:
    """DfE's rows for a unit: England's, a region's, one authority's, or a group's sum."""
    regions = {places.region_unit(code): code for code in places.region_names}

    def rows(unit: Unit) -> list:
        if unit == frozenset(places.la_names):
            return dfe.new_placements_of(dfe.ENGLAND_CODE)
        if unit in regions:
            return dfe.new_placements_of(regions[unit])
        if len(unit) == 1:
            return dfe.new_placements_of(next(iter(unit)))
        return dfe.new_placements_summed(unit)

    return rows


def _distance(request: Request) -> Dashboard:
    area, places = request.area, request.places
    figures = _placements(request)
    current = placements.distance_by_placing_la(figures, area, places)
    published = _dfe_new_placements(places)
    trend = placements.new_placements_trend(figures, published(places.unit_of(area)), area, places)
    panels = [
        Panel(
            current,
            charts.bar_chart(
                current,
                ["Out of area (%)", "At a distance (%)", "Over 20 miles (%)"],
                axis_title="% of children placed",
                horizontal=True,
            ),
        ),
        Panel(trend, _trend_chart(trend)),
    ]
    if len(places.unit_of(area)) > 1:  # one authority's row would repeat its trend
        by_authority = placements.new_placements_by_authority(figures, published, area, places)
        chart = charts.bar_chart(
            by_authority,
            by_authority.headings[1:],
            axis_title="% of new placements",
            horizontal=True,
        )
        panels.append(Panel(by_authority, chart))
    return Dashboard(panels)


def _cost(request: Request) -> Dashboard:
    area, places = request.area, request.places
    figures = _placements(request)
    distribution = placements.cost_distribution(figures, area, places)
    by_type = placements.cost_by_placement_type(figures, area, places)
    return Dashboard(
        [
            Panel(
                distribution,
                charts.bar_chart(
                    distribution,
                    distribution.headings[1:],
                    axis_title="Children",
                    stacked=True,
                ),
            ),
            Panel(
                by_type,
                charts.bar_chart(
                    by_type, ["Children costing over £10,000 a week"], axis_title="Children"
                ),
            ),
        ]
    )


def _demand(request: Request) -> Dashboard:
    area, places = request.area, request.places
    figures = demand.need_figures(queries.need_lines(ENGLAND), request.areas)
    periods = demand.periods(figures.lines_in(area))
    period = request.period if request.period in periods else (periods[0] if periods else None)
    panels = []
    if period:
        homes = queries.catering_homes()
        need = demand.need_against_supply(figures, homes, area, places, period)
        panels.append(
            Panel(
                need,
                charts.bar_chart(
                    _labelled_by_need_and_type(need),
                    [need.headings[2], need.headings[5]],
                    axis_title="Children or places",
                ),
            )
        )
        over_time = demand.need_over_time(figures, homes, area, places)
        panels.append(Panel(over_time, _over_time_chart(over_time)))
    declines = placements.decline_figures(queries.declined_offers(), request.areas)
    declined = placements.declined_offers_by_reason(declines, area, places)
    panels.append(
        Panel(
            declined,
            charts.bar_chart(declined, ["Offers declined"], axis_title="Offers", horizontal=True),
        )
    )
    return Dashboard(panels, periods, period)


def _labelled_by_need_and_type(table: Table) -> Table:
    """The need table with its first column naming both the need and the placement type."""
    rows = tuple((f"{row[0]} ({row[1].lower()})", *row[1:]) for row in table.rows)
    return Table(table.key, table.caption, table.columns, rows)


def _over_time_chart(table: Table) -> str:
    """A line for each need and placement type across the periods projected."""
    periods = [heading.removeprefix("Projected children ") for heading in table.headings[2:-1]]
    return charts.line_chart(
        [(f"{row[0]} ({row[1].lower()})", periods, list(row[2:-1])) for row in table.rows],
        axis_title="Projected children",
        category_title="Period",
    )


def _trend_chart(table: Table) -> str:
    """The shares outside the boundary and over 20 miles by year, a line per source."""
    traces = []
    for source in dict.fromkeys(table.column("Source")):
        rows = [row for row in table.rows if row[1] == source]
        for series in placements.TREND_SERIES:
            column = table.headings.index(series)
            traces.append(
                (
                    f"{series.removesuffix(' (%)')}: {source}",
                    [str(row[0]) for row in rows],
                    [row[column] for row in rows],
                )
            )
    return charts.line_chart(
        traces, axis_title="% of new placements", category_title="Year to 31 March"
    )


def _map(request: Request) -> Dashboard:
    area, places = request.area, request.places
    table = supply.la_supply(queries.current_register(), area, places)
    return Dashboard([Panel(table, charts.bubble_map(table, queries.district_centroids()))])


KINDS = {
    kind.key: kind
    for kind in (
        Kind(
            "supply",
            "Supply of children's homes",
            "Homes and places by area, sector, Ofsted grade and size; openings and closures "
            "between registers; vacancies now.",
            READERS_OF_SUPPLY,
            _supply,
        ),
        Kind(
            "secure",
            "Secure provision",
            "The secure children's homes, their places and vacancies; children with a secure "
            "order waiting for a bed, and where they live meanwhile.",
            ANALYSTS,
            _secure,
        ),
        Kind(
            "solo",
            "Single-bed and solo provision",
            "Homes registered for one place, and what solo placements cost against standard "
            "and secure ones.",
            ANALYSTS,
            _solo,
        ),
        Kind(
            "distance",
            "Distance from home",
            "Children placed out of area, at a distance and over 20 miles, by placing authority.",
            ANALYSTS,
            _distance,
        ),
        Kind(
            "cost",
            "Weekly cost",
            "The spread of weekly costs by placement type, and placements above £10,000 a week.",
            ANALYSTS,
            _cost,
        ),
        Kind(
            "demand",
            "Demand against supply",
            "Projected need from needs analyses against the places catering for it, and offers "
            "declined by reason.",
            ANALYSTS,
            _demand,
        ),
        Kind(
            "map",
            "Map of supply",
            "Places in each local authority, drawn at its centroid.",
            READERS_OF_SUPPLY,
            _map,
        ),
    )
}


def resolve_area(
    scope: Area, places: Geography, choices: queries.AreaChoices, chosen: dict[str, str]
) -> Area:
    """The narrowest area chosen (authority, else consortium, else region), within the
    user's scope; with nothing chosen, the whole scope. `chosen` holds valid choices only."""
    region, consortium, la = (chosen.get(name) for name in ("region", "consortium", "la"))
    if la:
        chosen = Area(places.la_names[la], frozenset({la}))
    elif consortium:
        name = dict(choices.consortia)[consortium]
        chosen = Area(name, queries.consortium_members(int(consortium)))
    elif region:
        codes = frozenset(code for code, r in places.la_regions.items() if r == region)
        chosen = Area(places.region_names[region], codes)
    else:
        return scope
    if scope.la_codes is None:
        return chosen
    return Area(chosen.name, chosen.la_codes & scope.la_codes)


ATTRIBUTION = (
    "Hearth. Contains public sector information licensed under the Open Government Licence "
    "v3.0 (Ofsted; Office for National Statistics; Department for Education)."
)


def _notes(table: Table) -> list[str]:
    provenance = [table.provenance.note] if table.synthetic else []
    return [table.caption, *provenance, *table.notes, ATTRIBUTION]


def table_csv(table: Table) -> bytes:
    """One table as CSV, its caption, provenance and notes on comment lines above it."""
    return csv_bytes(table.headings, table.all_rows(), comments=_notes(table))


def dashboard_zip(kind: Kind, dashboard: Dashboard, area: Area) -> bytes:
    """Every table of a dashboard as plain CSV (header first), with their notes in one
    notes.txt beside them."""
    files = {
        f"{kind.key}-{panel.table.key}.csv": csv_bytes(panel.table.headings, panel.table.all_rows())
        for panel in dashboard.panels
    }
    notes = [f"{kind.title}: {area.name}", ""]
    for panel in dashboard.panels:
        notes += [f"{kind.key}-{panel.table.key}.csv", *_notes(panel.table), ""]
    files["notes.txt"] = (BYTE_ORDER_MARK + "\r\n".join(notes)).encode("utf-8")
    return zip_bytes(files)
