"""Single search: every home ranked for one child, with the full breakdown for each feasible
home, what being nearer costs, and the reasons for each excluded one.

Homes are ranked "overall" by the policy (its tiers in order, as the batch compares them), or
by "distance" from the family or weekly "cost" (each then overall).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property, partial
from time import perf_counter
from types import MappingProxyType

import numpy as np

from matching.feasibility import HomeTable, exclusion_reasons, primary_reason_counts, reason_codes
from matching.impact import items_in_home
from matching.model import Home, NearerCost, RankedHome, Referral, SearchResult, Weights
from matching.policy import DEFAULT_POLICY, Policy
from matching.problem import tier_values
from matching.scoring import ChildScores, breakdown_at, score_child

ORDERS = ("overall", "distance", "cost")


def search(
    referral: Referral,
    homes: HomeTable | Sequence[Home],
    adjacency: Mapping[str, frozenset[str]],
    weights: Weights | None = None,
    siblings: Sequence[Referral] = (),
    order: str = "overall",
    policy: Policy | None = None,
) -> SearchResult:
    """Rank every home for one child (placed with `siblings`, if any), best first in `order`:
    "overall" by `policy` (the default policy unless given), "distance" or "cost".

    Pass a HomeTable built once with HomeTable.from_homes to search many children quickly.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    started = perf_counter()
    table = homes if isinstance(homes, HomeTable) else HomeTable.from_homes(homes)
    weights = weights or Weights()
    policy = policy or DEFAULT_POLICY
    members = (referral, *siblings)
    distances = [table.distances_km(child.lat, child.lon) for child in members]
    reasons = exclusion_reasons(members, table, distances)
    scores = score_child(
        referral,
        table,
        distances[0],
        adjacency,
        weights,
        unit_size=len(members),
        unit_solo=any(child.wants_solo for child in members),
    )
    feasible = np.flatnonzero(reasons == 0)
    tiers = tier_values(
        {
            **{name: values[feasible] for name, values in scores.terms.items()},
            "impact_points": scores.impact[feasible],
        },
        policy,
    )
    excluded = {table.homes[i].id: reason_codes(int(reasons[i])) for i in np.flatnonzero(reasons)}
    return SearchResult(
        referral_id=referral.id,
        ranked=Ranking(referral, table, weights, scores, feasible, tiers, order),
        excluded=MappingProxyType(excluded),
        exclusion_counts=MappingProxyType(primary_reason_counts(reasons)),
        seconds=perf_counter() - started,
        order=order,
        policy=policy,
    )


class Ranking(Sequence[RankedHome]):
    """The feasible homes best first, each RankedHome built when read.

    A search ranks up to thousands of homes and a user reads a few; building every breakdown up
    front cost most of the search's time, and holding them all made the garbage collector's
    full passes (50 ms with the national register loaded) fall inside searches.
    """

    def __init__(
        self,
        referral: Referral,
        table: HomeTable,
        weights: Weights,
        scores: ChildScores,
        feasible: np.ndarray,
        tiers: np.ndarray,
        order: str,
    ) -> None:
        self._referral = referral
        self._table = table
        self._weights = weights
        self._scores = scores
        self._totals = scores.total
        self._tiers = tiers  # aligned with `feasible`
        # lexsort sorts by its last key first: overall is the policy's tiers, first to last.
        keys = [feasible, *tiers[::-1]]
        if order == "distance":
            keys.append(scores.family_km[feasible])
        elif order == "cost":
            keys.append(scores.weekly_cost[feasible])
        self._ranks = np.lexsort(keys)  # positions into `feasible`, best first
        self._feasible = feasible

    @cached_property
    def _nearer(self) -> _NearerCosts:
        feasible = self._feasible
        return _NearerCosts(
            self._table, self._scores.family_km[feasible], self._scores.weekly_cost[feasible]
        )

    def __len__(self) -> int:
        return len(self._ranks)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return tuple(self[k] for k in range(*position.indices(len(self))))
        j = int(self._ranks[position])  # an IndexError here ends iteration
        i = int(self._feasible[j])
        home = self._table.homes[i]
        explain = partial(items_in_home, self._referral, home, (), self._weights.impact)
        return RankedHome(
            home_id=home.id,
            score=float(self._totals[i]),
            breakdown=breakdown_at(self._scores, i, home.limiting_grade, self._weights, explain),
            tiers=tuple(self._tiers[:, j].tolist()),
            nearer=self._nearer.at(j, self._feasible),
        )


class _NearerCosts:
    """For each feasible home: the cheapest home overall, and the cheapest further away."""

    def __init__(self, table: HomeTable, km: np.ndarray, cost: np.ndarray) -> None:
        self._table, self._km, self._cost = table, km, cost
        if len(km) == 0:
            return
        self._cheapest = int(np.argmin(cost))
        # Nearest first; for each, the cheapest among the homes strictly further away.
        by_distance = np.argsort(km, kind="stable")
        self._rank = np.empty(len(km), dtype=np.int64)
        self._rank[by_distance] = np.arange(len(km))
        # The cheapest from each position to the end, found on the reversed costs: a running
        # minimum, and the last position where it was reached.
        reversed_costs = cost[by_distance][::-1]
        running = np.minimum.accumulate(reversed_costs)
        reached = np.where(reversed_costs == running, np.arange(len(km)), 0)
        last_reached = np.maximum.accumulate(reached)
        self._by_distance = by_distance
        self._suffix_best = (len(km) - 1 - last_reached)[::-1]
        # The first home strictly further than each (equal distances are not "further").
        self._first_further = np.searchsorted(km[by_distance], km[by_distance], side="right")

    def at(self, j: int, feasible: np.ndarray) -> NearerCost:
        km, cost = self._km, self._cost
        cheapest = self._cheapest
        start = self._first_further[self._rank[j]]
        further = None
        if start < len(km):
            further = int(self._by_distance[self._suffix_best[start]])
        home_id = self._table.homes[int(feasible[cheapest])].id
        return NearerCost(
            cheapest_home=home_id,
            extra_vs_cheapest=float(cost[j] - cost[cheapest]),
            km_nearer_than_cheapest=float(km[cheapest] - km[j]),
            cheapest_further_home=(
                None if further is None else self._table.homes[int(feasible[further])].id
            ),
            extra_vs_cheapest_further=None if further is None else float(cost[j] - cost[further]),
            km_nearer_than_cheapest_further=(
                None if further is None else float(km[further] - km[j])
            ),
        )
