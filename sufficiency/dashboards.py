"""The dashboards: for each, the tables (the real register; placements recorded in Hearth and
the demo's synthetic ones) and charts it shows for an area. Built from queries and pure
metrics; the views only render them."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from commissioning.vocabulary import Role
from sufficiency import charts, queries
from sufficiency.metrics import demand, placements, supply
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import ENGLAND, Area, Table

ANALYSTS = (Role.ANALYST, Role.ADMIN)
# The register is public: commissioners may read the supply figures too.
READERS_OF_SUPPLY = (Role.COMMISSIONER, Role.ANALYST, Role.ADMIN)


@dataclass(frozen=True)
class Panel:
    table: Table
    chart: str  # a plotly figure as JSON


@dataclass(frozen=True)
class Options:
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
    build: Callable[[Area, Geography, Options], Dashboard]


def _supply(area: Area, places: Geography, options: Options) -> Dashboard:
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


def _secure(area: Area, places: Geography, options: Options) -> Dashboard:
    previous, current = queries.previous_register(), queries.current_register()
    facts = queries.placement_facts()
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
    orders = placements.secure_orders_by_placing_la(
        facts, queries.secure_order_waits(), area, places
    )
    routes = placements.secure_order_routes(facts, area)
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


def _solo(area: Area, places: Geography, options: Options) -> Dashboard:
    previous, current = queries.previous_register(), queries.current_register()
    one_place = supply.one_place_homes(previous, current, area, places)
    costs = placements.cost_by_placement_type(queries.placement_facts(), area)
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


def _distance(area: Area, places: Geography, options: Options) -> Dashboard:
    table = placements.distance_by_placing_la(queries.placement_facts(), area, places)
    chart = charts.bar_chart(
        table,
        ["Out of area (%)", "At a distance (%)", "Over 20 miles (%)"],
        axis_title="% of children placed",
        horizontal=True,
    )
    return Dashboard([Panel(table, chart)])


def _cost(area: Area, places: Geography, options: Options) -> Dashboard:
    facts = queries.placement_facts()
    distribution = placements.cost_distribution(facts, area)
    by_type = placements.cost_by_placement_type(facts, area)
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


def _demand(area: Area, places: Geography, options: Options) -> Dashboard:
    lines = queries.need_lines(area)
    periods = demand.periods(lines)
    period = options.period if options.period in periods else (periods[0] if periods else None)
    panels = []
    if period:
        need = demand.need_against_supply(
            lines, queries.catering_homes(), area, places.regions_around(area), period
        )
        series = [need.headings[2], need.headings[5]]
        panels.append(
            Panel(
                need,
                charts.bar_chart(
                    _labelled_by_need_and_type(need), series, axis_title="Children or places"
                ),
            )
        )
    declined = placements.declined_offers_by_reason(queries.declined_offers(), area)
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


def _map(area: Area, places: Geography, options: Options) -> Dashboard:
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


def as_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headings)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.all_rows())
    if table.synthetic:
        writer.writerow([table.provenance.note])
    return buffer.getvalue()
