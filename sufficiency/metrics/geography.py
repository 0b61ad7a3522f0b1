"""Names and centroids of the places figures are broken down by."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

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

    @classmethod
    def of(cls, authorities: Iterable[AuthorityLike]) -> "Geography":
        authorities = list(authorities)
        return cls(
            la_names={la.code: la.name for la in authorities},
            la_regions={la.code: la.region_code for la in authorities},
            region_names={la.region_code: la.region_name for la in authorities},
            la_centroids={la.code: (la.lat, la.lon) for la in authorities},
        )

    def breakdown(self, area: Area) -> tuple[str, Callable[[str], str]]:
        """How to break an area down: England by region, anything smaller by authority.

        Returns the heading and a function from an LA code to the row's name."""
        if area.la_codes is None:
            return "Region", lambda la_code: self.region_names[self.la_regions[la_code]]
        return "Local authority", self.la_names.__getitem__

    def regions_around(self, area: Area) -> Area:
        """The whole regions an area lies in: where its children's places are looked for."""
        if area.la_codes is None:
            return area
        regions = {self.la_regions[code] for code in area.la_codes}
        names = sorted(self.region_names[code] for code in regions)
        return Area(
            " and ".join(names),
            frozenset(code for code, region in self.la_regions.items() if region in regions),
        )
