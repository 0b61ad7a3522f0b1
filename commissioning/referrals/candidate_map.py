"""An offline map of the candidate homes around the child's home, drawn as SVG.

No tiles and no script: the area is framed round the child and the candidates, local
authorities' centres give a sense of place, and the page's table carries the same facts for
anyone not using the map.
"""

from dataclasses import dataclass
from math import cos, pi, radians, sin

WIDTH = 480
# Frame at least this much latitude, so a single nearby home is not drawn at street scale.
MIN_SPAN_DEGREES = 0.6
MARGIN = 0.15


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    approximate: bool = False


@dataclass(frozen=True)
class Frame:
    """A lat/lon box drawn WIDTH wide, longitude squeezed by the cosine of its latitude."""

    south: float
    north: float
    west: float
    east: float

    @classmethod
    def around(cls, places: list[tuple[float, float]]) -> "Frame":
        lats, lons = [p[0] for p in places], [p[1] for p in places]
        middle_lat, middle_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
        aspect = cos(radians(middle_lat))
        lat_span = max(max(lats) - min(lats), (max(lons) - min(lons)) * aspect, MIN_SPAN_DEGREES)
        half_lat = lat_span * (1 + 2 * MARGIN) / 2
        half_lon = half_lat / aspect
        return cls(
            middle_lat - half_lat,
            middle_lat + half_lat,
            middle_lon - half_lon,
            middle_lon + half_lon,
        )

    @property
    def height(self) -> int:
        aspect = cos(radians((self.south + self.north) / 2))
        return round(WIDTH * (self.north - self.south) / ((self.east - self.west) * aspect))

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - lat) / (self.north - self.south) * self.height
        return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class CandidateMap:
    width: int
    height: int
    background: list[Point]
    child: Point
    homes: list[Point]


# Homes known only by their authority share its centre: drawn on a ring round it, each this
# much of the ring's length apart (a marker is 14 wide), so that none hides another.
MARKER_SPACING = 17
SMALLEST_RING = 10


def candidate_map(child: tuple[float, float], homes, authorities) -> CandidateMap:
    """homes: (rank, lat, lon, approximate) of each candidate; authorities: objects with lat
    and lon."""
    frame = Frame.around([child, *((lat, lon) for _, lat, lon, _ in homes)])
    return CandidateMap(
        width=WIDTH,
        height=frame.height,
        background=[
            Point(*frame.project(la.lat, la.lon), "")
            for la in authorities
            if frame.contains(la.lat, la.lon)
        ],
        child=Point(*frame.project(*child), "Child's family home"),
        homes=_spread(
            [
                Point(*frame.project(lat, lon), str(rank), approximate)
                for rank, lat, lon, approximate in homes
            ]
        ),
    )


def _spread(points: list[Point]) -> list[Point]:
    """Points drawn at one spot moved onto a small ring round it, in rank order."""
    at_spot: dict[tuple[float, float], list[Point]] = {}
    for point in points:
        at_spot.setdefault((point.x, point.y), []).append(point)
    spread = []
    for (x, y), together in at_spot.items():
        if len(together) == 1:
            spread.extend(together)
            continue
        radius = max(SMALLEST_RING, MARKER_SPACING * len(together) / (2 * pi))
        for k, point in enumerate(together):
            angle = 2 * pi * k / len(together)
            moved = (round(x + radius * cos(angle), 1), round(y + radius * sin(angle), 1))
            spread.append(Point(*moved, point.label, point.approximate))
    return sorted(spread, key=lambda point: int(point.label))
