"""An offline map of the candidate homes around the child's home, drawn as SVG.

No tiles and no script: England's shape is suggested by the centroids of its 153
authorities, and the page's table carries the same facts for anyone not using the map.
"""

from dataclasses import dataclass
from math import cos, radians

# England, with a margin: south-west of the Scillies to north of Berwick, east of Lowestoft.
SOUTH, NORTH, WEST, EAST = 49.8, 55.9, -6.5, 1.9
WIDTH = 400
# Squeeze longitude by the cosine of England's mid latitude so the shape is not stretched.
_ASPECT = cos(radians((SOUTH + NORTH) / 2))
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * _ASPECT))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


def project(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class CandidateMap:
    width: int
    height: int
    background: list[Point]
    child: Point
    homes: list[Point]


def candidate_map(child: tuple[float, float], homes, authorities) -> CandidateMap:
    """homes: (rank, lat, lon) of each candidate; authorities: objects with lat and lon."""
    return CandidateMap(
        width=WIDTH,
        height=HEIGHT,
        background=[Point(*project(la.lat, la.lon), "") for la in authorities],
        child=Point(*project(*child), "Child's family home"),
        homes=[Point(*project(lat, lon), str(rank)) for rank, lat, lon in homes],
    )
