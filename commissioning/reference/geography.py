"""Regions, children's-services local authorities and postcode centroids of England.

Sources (OGL v3.0, see commissioning/data/README.md): ONS codes via drkane/geo-lookups and
postcode centroids derived from ONS postcode data.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.spatial import Delaunay

from commissioning.reference import DATA_DIR

GEO_DIR = DATA_DIR / "geo"

# Two sectors whose Delaunay edge is shorter than this are treated as touching. Sectors are
# 1-3 km apart in towns and up to ~15 km in the uplands and the Fens: 15 km finds the sparse
# borders (Northumberland with Westmorland and Furness, Lincolnshire with Norfolk) that 12 km
# misses, and 20 km starts joining authorities that do not touch (Kirklees with Derbyshire).
ADJACENCY_EDGE_MAX_METRES = 15_000
# An LA border needs more than one short edge, so that a single thin triangle across water
# (the Solent, the Severn) does not make two authorities neighbours.
ADJACENCY_MIN_EDGES = 2


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class LocalAuthority:
    """An upper-tier (children's services) authority with the centroid of its postcodes."""

    code: str
    name: str
    region_code: str
    region_name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class PostcodeArea:
    """A postcode district ("M14") or sector ("M14 5") with its centroid and authority."""

    code: str
    la_code: str
    lat: float
    lon: float


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@cache
def load_local_authorities() -> tuple[LocalAuthority, ...]:
    """The 153 children's-services authorities of England, sorted by ONS code."""
    rows = _read(GEO_DIR / "england_childrens_services_la_centroids.csv")
    return tuple(
        LocalAuthority(
            code=row["UTLACD"],
            name=row["UTLANM"],
            region_code=row["RGNCD"],
            region_name=row["RGNNM"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        for row in sorted(rows, key=lambda row: row["UTLACD"])
    )


@cache
def load_regions() -> tuple[Region, ...]:
    """The nine regions of England that hold children's-services authorities."""
    codes = {la.region_code: la.region_name for la in load_local_authorities()}
    return tuple(Region(code, name) for code, name in sorted(codes.items()))


def normalise_la_name(name: str) -> str:
    """Fold the spellings Ofsted and ONS use for one authority into one key.

    Ofsted writes "Bristol", "Durham", "St Helens", "Southend on Sea" and "&"; ONS writes
    "Bristol, City of", "County Durham", "St. Helens", "Southend-on-Sea" and "and".
    """
    key = name.lower().replace("&", " and ").replace(".", " ").replace("-", " ")
    key = re.sub(r",\s*(city|county) of$", "", key)
    key = re.sub(r"^(city of|county) ", "", key.strip())
    return " ".join(key.split())


@cache
def _la_codes_by_name() -> dict[str, str]:
    return {normalise_la_name(la.name): la.code for la in load_local_authorities()}


def la_code_for_name(name: str) -> str | None:
    """The ONS code of an authority named as Ofsted names it, or None if unknown."""
    return _la_codes_by_name().get(normalise_la_name(name))


def _read_postcode_areas(filename: str, code_column: str) -> dict[str, PostcodeArea]:
    english_las = {la.code for la in load_local_authorities()}
    return {
        row[code_column]: PostcodeArea(
            code=row[code_column],
            la_code=row["main_utla_code"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        for row in _read(GEO_DIR / filename)
        if row["main_utla_code"] in english_las
    }


@cache
def postcode_districts() -> dict[str, PostcodeArea]:
    """English postcode districts (outward codes) by code, e.g. "M14"."""
    return _read_postcode_areas("uk_postcode_district_centroids.csv", "outcode")


@cache
def postcode_sectors() -> dict[str, PostcodeArea]:
    """English postcode sectors by code, e.g. "M14 5"."""
    return _read_postcode_areas("uk_postcode_sector_centroids.csv", "sector")


@cache
def la_adjacency() -> dict[str, tuple[str, ...]]:
    """Each authority's neighbours, derived reproducibly from postcode-sector centroids.

    Care Planning, Placement and Case Review Regulations 2010, reg 11 (as amended 2013) turns
    on whether a home's authority adjoins the placing one. The register holds no boundaries,
    so: triangulate the English sector centroids (Delaunay, on the OS grid in metres) and call
    two authorities neighbours when enough short edges join sectors of one to sectors of the
    other.
    """
    rows = [
        row
        for row in _read(GEO_DIR / "uk_postcode_sector_centroids.csv")
        if row["country"] == "England"
    ]
    points = np.array([(float(row["easting"]), float(row["northing"])) for row in rows])
    la_of_point = [row["main_utla_code"] for row in rows]
    edges = _short_delaunay_edges(points)
    edge_counts: dict[tuple[str, str], int] = {}
    for a, b in edges:
        la_a, la_b = la_of_point[a], la_of_point[b]
        if la_a != la_b:
            pair = (min(la_a, la_b), max(la_a, la_b))
            edge_counts[pair] = edge_counts.get(pair, 0) + 1
    neighbours: dict[str, set[str]] = {la.code: set() for la in load_local_authorities()}
    for (la_a, la_b), count in edge_counts.items():
        if count >= ADJACENCY_MIN_EDGES and la_a in neighbours and la_b in neighbours:
            neighbours[la_a].add(la_b)
            neighbours[la_b].add(la_a)
    return {code: tuple(sorted(codes)) for code, codes in sorted(neighbours.items())}


def _short_delaunay_edges(points: np.ndarray) -> set[tuple[int, int]]:
    triangles = Delaunay(points).simplices
    pairs = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    lengths = np.linalg.norm(points[pairs[:, 0]] - points[pairs[:, 1]], axis=1)
    short = pairs[lengths < ADJACENCY_EDGE_MAX_METRES]
    return {(int(a), int(b)) for a, b in short}
