"""Names and centroids of the places figures are broken down by."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sufficiency.metrics.publication import Areas, Unit
from sufficiency.metrics.tables import Area


class AuthorityLike(Protocol):
    code: str
    name: str
    region_code: str
    region_name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Geography:
    la_names: dict[str, str]
    la_regions: dict[str, str]
    region_names: dict[str, str]
    la_centroids: dict[str, tuple[float, float]]
    # Authorities sharing a boundary (commissioning.reference.geography.la_adjacency).
    neighbours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        authorities: Iterable[AuthorityLike],
        neighbours: Mapping[str, Iterable[str]] | None = None,
    ) -> "Geography":
        authorities = list(authorities)
        return cls(
            la_names={la.code: la.name for la in authorities},
            la_regions={la.code: la.region_code for la in authorities},
            region_names={la.region_code: la.region_name for la in authorities},
            la_centroids={la.code: (la.lat, la.lon) for la in authorities},
            neighbours={code: tuple(sorted(n)) for code, n in (neighbours or {}).items()},
        )

    def region_unit(self, region_code: str) -> Unit:
        return frozenset(code for code, r in self.la_regions.items() if r == region_code)

    def areas(self, groups: Iterable[Unit] = ()) -> Areas:
        """England, its regions and the given groups of authorities (consortia and such)."""
        return Areas(
            england=frozenset(self.la_names),
            regions=tuple(self.region_unit(code) for code in sorted(self.region_names)),
            groups=tuple(sorted({frozenset(group) for group in groups if group}, key=sorted)),
        )

    def unit_of(self, area: Area) -> Unit:
        return frozenset(self.la_names) if area.la_codes is None else frozenset(area.la_codes)

    def rows_of(self, area: Area) -> tuple[str, list[tuple[str, Unit]]]:
        """An area's rows: England's regions, else the area's authorities, by name."""
        if area.la_codes is None:
            rows = [(name, self.region_unit(code)) for code, name in self.region_names.items()]
            return "Region", sorted(rows)
        rows = [(self.la_names[code], frozenset({code})) for code in area.la_codes]
        return "Local authority", sorted(rows, key=lambda row: row[0])

    def near(self, area: Area) -> Area:
        """Where an area's children may be placed near home: one authority and the
        authorities sharing its boundary; a larger area, itself (like with like)."""
        if area.la_codes is None or len(area.la_codes) != 1:
            return area
        (code,) = area.la_codes
        return Area(
            f"{area.name} and the authorities next to it",
            frozenset({code, *self.neighbours.get(code, ())}),
        )

    def breakdown(self, area: Area) -> tuple[str, Callable[[str], str]]:
        """How to break an area down: England by region, anything smaller by authority.

        Returns the heading and a function from an LA code to the row's name."""
        if area.la_codes is None:
            return "Region", lambda la_code: self.region_names[self.la_regions[la_code]]
        return "Local authority", self.la_names.__getitem__
