"""A SYNTHETIC snapshot of current placements and declined offers, for the demo only.

The placement dashboards show this invented snapshot, deterministic from a seed, as background
to the placements and offers recorded in Hearth, and label any table it feeds as synthetic.
Children are spread over placing authorities, given a kind of placement (shared, solo, or a
secure order) and put in a home of that kind with a bed left, usually one of the nearest. Rates
are orders of magnitude from published figures, not any authority's own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from commissioning.vocabulary import DeclineReason

PLACEMENTS = 6_000
SECURE_ORDER_SHARE = 0.03
SOLO_SHARE = 0.07
# Secure children's homes also take children on youth-justice routes; the rest of their beds
# are for welfare placements under s25 Children Act 1989.
SECURE_WELFARE_SHARE_OF_BEDS = 0.5
# A child with a secure order in an ordinary home needs two or three staff at all times.
WAITING_FOR_SECURE_COST_FACTOR = 1.8
# Homes are chosen near the child more often than far: the rank among the homes with a bed,
# nearest first, is geometric with this success probability.
NEAREST_RANK_P = 0.06
DECLINES_PER_PLACEMENT = 1.5
# How often homes give each reason a provider can decline with (one share per token).
DECLINE_REASON_SHARES = {
    "impact_on_current_group": 0.35,
    "no_vacancy": 0.2,
    "cannot_meet_needs": 0.2,
    "outside_statement_of_purpose": 0.08,
    "location_unsuitable": 0.08,
    "staffing": 0.05,
    "other": 0.04,
}
SNAPSHOT_AS_AT = date(2024, 3, 31)
EARTH_RADIUS_KM = 6371.0


class AuthorityLike(Protocol):
    code: str
    lat: float
    lon: float


@dataclass(frozen=True)
class HomeForPlacing:
    urn: str
    la_code: str
    lat: float
    lon: float
    places: int
    kind: str  # standard | solo | secure
    weekly_fee: int


@dataclass(frozen=True)
class SyntheticPlacement:
    placing_la_code: str
    home_urn: str
    placement_type: str
    weekly_cost: int
    distance_km: float
    out_of_area: bool
    at_a_distance: bool
    secure_order: bool
    days_waiting: int | None
    start_date: date


@dataclass(frozen=True)
class SyntheticDeclinedOffer:
    placing_la_code: str
    home_urn: str
    reason: str
    declined_on: date


def _distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (lat, lon, lats, lons))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


class _Beds:
    """Beds left in the homes of one kind, and the nearest-first choice among them."""

    def __init__(self, homes: list[HomeForPlacing], beds: np.ndarray):
        self.homes = homes
        self.lats = np.array([home.lat for home in homes])
        self.lons = np.array([home.lon for home in homes])
        self.left = beds.astype(int)

    def place(self, rng: np.random.Generator, lat: float, lon: float, whole_home: bool):
        """The home chosen and the distance to it, or None when no bed is left."""
        free = np.flatnonzero(self.left > 0)
        if not len(free):
            return None
        distances = _distances_km(lat, lon, self.lats[free], self.lons[free])
        order = np.argsort(distances, kind="stable")
        rank = min(int(rng.geometric(NEAREST_RANK_P)) - 1, len(order) - 1)
        chosen = free[order[rank]]
        self.left[chosen] = 0 if whole_home else self.left[chosen] - 1
        return self.homes[chosen], float(distances[order[rank]])


def synthetic_snapshot(
    authorities: Sequence[AuthorityLike],
    neighbours: dict[str, set[str]],
    homes: Sequence[HomeForPlacing],
    seed: int,
    count: int = PLACEMENTS,
) -> tuple[list[SyntheticPlacement], list[SyntheticDeclinedOffer]]:
    rng = np.random.default_rng(seed)
    by_kind = {
        kind: [home for home in homes if home.kind == kind]
        for kind in ("standard", "solo", "secure")
    }
    beds = {
        kind: _Beds(listed, np.array([h.places for h in listed]))
        for kind, listed in by_kind.items()
    }
    beds["secure"].left = np.floor(beds["secure"].left * SECURE_WELFARE_SHARE_OF_BEDS).astype(int)
    demand = rng.gamma(2.0, 1.0, len(authorities))
    placing = rng.choice(len(authorities), size=count, p=demand / demand.sum())
    placements, declines = [], []
    for index in placing:
        authority = authorities[index]
        placement = _place_child(rng, authority, neighbours.get(authority.code, set()), beds)
        if placement is None:
            continue
        placements.append(placement)
        declines += _declines(rng, placement, by_kind["standard"])
    return placements, declines


def _place_child(rng, authority: AuthorityLike, neighbours: set[str], beds: dict[str, _Beds]):
    # The family lives somewhere in the authority, not at its centroid.
    lat = authority.lat + rng.normal(0, 0.05)
    lon = authority.lon + rng.normal(0, 0.08)
    draw = rng.random()
    secure_order = draw < SECURE_ORDER_SHARE
    kind = (
        "secure"
        if secure_order
        else "solo"
        if draw < SECURE_ORDER_SHARE + SOLO_SHARE
        else "standard"
    )
    days_waiting = None
    chosen = beds[kind].place(rng, lat, lon, whole_home=kind == "solo")
    if chosen is None and kind == "secure":
        # No secure bed: the child waits in a solo home or, failing that, a shared one.
        kind = "solo" if rng.random() < 0.65 else "standard"
        days_waiting = int(rng.integers(1, 120))
        chosen = beds[kind].place(rng, lat, lon, whole_home=kind == "solo")
    if chosen is None:
        return None
    home, distance = chosen
    cost = home.weekly_fee * (home.places if kind == "solo" else 1)
    if days_waiting is not None:
        cost *= WAITING_FOR_SECURE_COST_FACTOR
    out_of_area = home.la_code != authority.code
    return SyntheticPlacement(
        placing_la_code=authority.code,
        home_urn=home.urn,
        placement_type=kind,
        weekly_cost=int(round(cost, -1)),
        distance_km=round(distance, 1),
        out_of_area=out_of_area,
        at_a_distance=out_of_area and home.la_code not in neighbours,
        secure_order=secure_order,
        days_waiting=days_waiting,
        start_date=SNAPSHOT_AS_AT - timedelta(days=int(rng.integers(0, 730))),
    )


def _declines(rng, placement: SyntheticPlacement, homes: list[HomeForPlacing]):
    reasons = [reason.value for reason in DeclineReason]
    shares = [DECLINE_REASON_SHARES[reason] for reason in reasons]
    return [
        SyntheticDeclinedOffer(
            placing_la_code=placement.placing_la_code,
            home_urn=homes[int(rng.integers(len(homes)))].urn,
            reason=reasons[rng.choice(len(reasons), p=shares)],
            declined_on=placement.start_date - timedelta(days=int(rng.integers(1, 30))),
        )
        for _ in range(int(rng.poisson(DECLINES_PER_PLACEMENT)))
    ]
