"""Single search: every home ranked for one child, with the full breakdown for each feasible
home and the reasons for each excluded one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from time import perf_counter
from types import MappingProxyType

import numpy as np

from matching.feasibility import HomeTable, exclusion_reasons, primary_reason_counts, reason_codes
from matching.impact import items_in_home
from matching.model import Home, RankedHome, Referral, SearchResult, Weights
from matching.scoring import ChildScores, breakdown_at, score_child


def search(
    referral: Referral,
    homes: HomeTable | Sequence[Home],
    adjacency: Mapping[str, frozenset[str]],
    weights: Weights | None = None,
    siblings: Sequence[Referral] = (),
) -> SearchResult:
    """Rank every home for one child (placed with `siblings`, if any), best score first.

    Pass a HomeTable built once with HomeTable.from_homes to search many children quickly.
    """
    started = perf_counter()
    table = homes if isinstance(homes, HomeTable) else HomeTable.from_homes(homes)
    weights = weights or Weights()
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
    best_first = feasible[np.argsort(scores.total[feasible], kind="stable")]
    excluded = {table.homes[i].id: reason_codes(int(reasons[i])) for i in np.flatnonzero(reasons)}
    return SearchResult(
        referral_id=referral.id,
        ranked=Ranking(referral, table, weights, scores, best_first),
        excluded=MappingProxyType(excluded),
        exclusion_counts=MappingProxyType(primary_reason_counts(reasons)),
        seconds=perf_counter() - started,
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
        best_first: np.ndarray,
    ) -> None:
        self._referral = referral
        self._table = table
        self._weights = weights
        self._scores = scores
        self._best_first = best_first
        self._totals = scores.total

    def __len__(self) -> int:
        return len(self._best_first)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return tuple(self[k] for k in range(*position.indices(len(self))))
        i = int(self._best_first[position])  # an IndexError here ends iteration
        home = self._table.homes[i]
        explain = partial(items_in_home, self._referral, home, (), self._weights.impact)
        return RankedHome(
            home_id=home.id,
            score=float(self._totals[i]),
            breakdown=breakdown_at(self._scores, i, home.limiting_grade, self._weights, explain),
        )
