"""Supply of children's homes from Ofsted's register (real data): homes, places, sector, grade,
size, openings and closures between two registers, and vacancies now."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from commissioning.vocabulary import OfstedGrade, Sector
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import Area, Column, Provenance, Table, text

SECURE = "secure_childrens_home"
SIZE_BANDS = ("1 place", "2 places", "3 places", "4 places", "5 places", "6 or more places")


@dataclass(frozen=True)
class SupplyHome:
    """A children's home as one register (or the live directory) records it."""

    urn: str
    provision_type: str
    sector: str
    places: int
    la_code: str
    overall_grade: str | None = None
    vacancies: int | None = None  # None: not known (an older register)
    vacancy_confirmed: bool = False


@dataclass(frozen=True)
class Register:
    """The homes on a register, with a label such as "31 Aug 2023"."""

    label: str
    homes: tuple[SupplyHome, ...]

    def within(self, area: Area, keep: Callable[[SupplyHome], bool] = lambda home: True):
        return Register(
            self.label, tuple(h for h in self.homes if area.covers(h.la_code) and keep(h))
        )

    @property
    def places(self) -> int:
        return sum(home.places for home in self.homes)


def from_register(label: str, entries: Iterable) -> Register:
    """A Register from commissioning.reference.register's RegisterHome entries."""
    return Register(
        label,
        tuple(
            SupplyHome(
                urn=entry.urn,
                provision_type=entry.provision_type,
                sector=entry.sector,
                places=entry.places,
                la_code=entry.la_code,
                overall_grade=entry.overall_grade,
            )
            for entry in entries
        ),
    )


def is_secure(home: SupplyHome) -> bool:
    return home.provision_type == SECURE


def has_one_place(home: SupplyHome) -> bool:
    return home.places == 1


def size_band(home: SupplyHome) -> str:
    return SIZE_BANDS[min(home.places, len(SIZE_BANDS)) - 1] if home.places else "No places"


def _homes_and_places(homes: Iterable[SupplyHome], key: Callable[[SupplyHome], str]):
    homes_by, places_by = Counter(), Counter()
    for home in homes:
        homes_by[key(home)] += 1
        places_by[key(home)] += home.places
    return homes_by, places_by


def _compare(
    key: str,
    caption: str,
    heading: str,
    previous: Register,
    current: Register,
    group: Callable[[SupplyHome], str],
    order: Sequence[str] | None = None,
) -> Table:
    """Homes and places in each group on both registers, with a total row."""
    old_homes, old_places = _homes_and_places(previous.homes, group)
    new_homes, new_places = _homes_and_places(current.homes, group)
    groups = order or sorted(set(old_homes) | set(new_homes))
    rows = [
        (
            name,
            old_homes[name],
            old_places[name],
            new_homes[name],
            new_places[name],
            new_places[name] - old_places[name],
        )
        for name in groups
        if old_homes[name] or new_homes[name]
    ]
    total = (
        "Total",
        len(previous.homes),
        previous.places,
        len(current.homes),
        current.places,
        current.places - previous.places,
    )
    return Table(
        key,
        caption,
        (
            text(heading),
            Column(f"Homes {previous.label}"),
            Column(f"Places {previous.label}"),
            Column(f"Homes {current.label}"),
            Column(f"Places {current.label}"),
            Column("Change in places"),
        ),
        tuple(rows),
        total=total,
    )


def by_area(
    previous: Register,
    current: Register,
    area: Area,
    geography: Geography,
    key: str = "by_area",
    caption: str = "Homes and places",
) -> Table:
    heading, name_of = geography.breakdown(area)
    return _compare(
        key,
        f"{caption} by {heading.lower()}, {area.name}",
        heading,
        previous.within(area),
        current.within(area),
        lambda home: name_of(home.la_code),
    )


def by_sector(previous: Register, current: Register, area: Area) -> Table:
    return _compare(
        "by_sector",
        f"Homes and places by sector, {area.name}",
        "Sector",
        previous.within(area),
        current.within(area),
        lambda home: Sector(home.sector).label,
        order=[sector.label for sector in Sector],
    )


def by_grade(previous: Register, current: Register, area: Area) -> Table:
    return _compare(
        "by_grade",
        f"Homes and places by overall Ofsted grade, {area.name}",
        "Overall grade",
        previous.within(area),
        current.within(area),
        lambda home: OfstedGrade(home.overall_grade or OfstedGrade.NONE).label,
        order=[grade.label for grade in OfstedGrade],
    )


def by_size(previous: Register, current: Register, area: Area) -> Table:
    return _compare(
        "by_size",
        f"Homes and places by registered places, {area.name}",
        "Size",
        previous.within(area),
        current.within(area),
        size_band,
        order=[*SIZE_BANDS, "No places"],
    )


def openings_and_closures(
    previous: Register, current: Register, area: Area, geography: Geography
) -> Table:
    """Homes on the newer register only (opened) and on the older only (closed)."""
    previous, current = previous.within(area), current.within(area)
    old = {home.urn: home for home in previous.homes}
    new = {home.urn: home for home in current.homes}
    opened = [home for urn, home in new.items() if urn not in old]
    closed = [home for urn, home in old.items() if urn not in new]
    heading, name_of = geography.breakdown(area)
    opened_homes, opened_places = _homes_and_places(opened, lambda h: name_of(h.la_code))
    closed_homes, closed_places = _homes_and_places(closed, lambda h: name_of(h.la_code))
    names = sorted(set(opened_homes) | set(closed_homes))
    rows = [
        (
            name,
            opened_homes[name],
            opened_places[name],
            closed_homes[name],
            closed_places[name],
            opened_homes[name] - closed_homes[name],
        )
        for name in names
    ]
    total = (
        "Total",
        len(opened),
        sum(h.places for h in opened),
        len(closed),
        sum(h.places for h in closed),
        len(opened) - len(closed),
    )
    return Table(
        "openings_closures",
        f"Homes opened and closed between {previous.label} and {current.label}, {area.name}",
        (
            text(heading),
            Column("Homes opened"),
            Column("Places opened"),
            Column("Homes closed"),
            Column("Places closed"),
            Column("Net change in homes"),
        ),
        tuple(rows),
        total=total,
    )


def vacancies(
    current: Register,
    area: Area,
    geography: Geography,
    key: str = "vacancies",
    caption: str = "Vacancies now",
    provenance: Provenance = Provenance.REAL,
) -> Table:
    """Vacant beds as providers last stated them, and how many were confirmed this week."""
    current = current.within(area)
    heading, name_of = geography.breakdown(area)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for home in current.homes:
        row = totals[name_of(home.la_code)]
        row[0] += home.places
        row[1] += home.vacancies or 0
        row[2] += (home.vacancies or 0) if home.vacancy_confirmed else 0
    rows = [(name, *totals[name]) for name in sorted(totals)]
    total = tuple(sum(row[i] for row in totals.values()) for i in range(3))
    return Table(
        key,
        f"{caption} by {heading.lower()}, {area.name}",
        (
            text(heading),
            Column("Places"),
            Column("Vacancies"),
            Column("Vacancies confirmed in the last 7 days"),
        ),
        tuple(rows),
        total=("Total", *total),
        provenance=provenance,
    )


def one_place_homes(
    previous: Register, current: Register, area: Area, geography: Geography
) -> Table:
    """Single-bed homes on each register and their growth."""
    heading, name_of = geography.breakdown(area)
    previous = previous.within(area, has_one_place)
    current = current.within(area, has_one_place)
    old = Counter(name_of(home.la_code) for home in previous.homes)
    new = Counter(name_of(home.la_code) for home in current.homes)

    def growth(before: int, after: int) -> float | None:
        return round(100 * (after - before) / before, 1) if before else None

    rows = [
        (name, old[name], new[name], new[name] - old[name], growth(old[name], new[name]))
        for name in sorted(set(old) | set(new))
    ]
    before, after = len(previous.homes), len(current.homes)
    return Table(
        "one_place_homes",
        f"Homes registered for 1 place, {previous.label} and {current.label}, {area.name}",
        (
            text(heading),
            Column(f"1-place homes {previous.label}"),
            Column(f"1-place homes {current.label}"),
            Column("Change"),
            Column("Growth (%)"),
        ),
        tuple(rows),
        total=("Total", before, after, after - before, growth(before, after)),
    )


def la_supply(current: Register, area: Area, geography: Geography) -> Table:
    """Homes, places and vacancies in each authority, at its centroid: the map's table."""
    current = current.within(area)
    homes, places = _homes_and_places(current.homes, lambda home: home.la_code)
    vacant = Counter()
    for home in current.homes:
        vacant[home.la_code] += home.vacancies or 0
    rows = [
        (
            geography.la_names[code],
            geography.region_names[geography.la_regions[code]],
            homes[code],
            places[code],
            vacant[code],
            *geography.la_centroids[code],
        )
        for code in sorted(homes, key=geography.la_names.__getitem__)
    ]
    return Table(
        "la_supply",
        f"Homes, places and vacancies by local authority, {area.name}",
        (
            text("Local authority"),
            text("Region"),
            Column("Homes"),
            Column("Places"),
            Column("Vacancies"),
            Column("Latitude"),
            Column("Longitude"),
        ),
        tuple(rows),
    )
