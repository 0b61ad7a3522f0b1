"""Single search: every home ranked for one child, with the full breakdown for each feasible
home and the reasons for each excluded one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from time import perf_counter
from types import MappingProxyType

import numpy as np

from matching.feasibility import HomeTable, exclusion_reasons, primary_reason_counts, reason_codes
from matching.impact import items_against_residents
from matching.model import Home, RankedHome, Referral, SearchResult, Weights
from matching.scoring import breakdown_at, score_child


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
    totals = scores.total
    best_first = feasible[np.argsort(totals[feasible], kind="stable")]
    ranked = tuple(
        RankedHome(
            home_id=table.homes[i].id,
            score=float(totals[i]),
            breakdown=breakdown_at(
                scores,
                i,
                table.homes[i].ofsted_grade,
                weights,
                tuple(items_against_residents(referral, table.homes[i], weights.impact)),
            ),
        )
        for i in best_first
    )
    excluded = {table.homes[i].id: reason_codes(int(reasons[i])) for i in np.flatnonzero(reasons)}
    return SearchResult(
        referral_id=referral.id,
        ranked=ranked,
        excluded=MappingProxyType(excluded),
        exclusion_counts=MappingProxyType(primary_reason_counts(reasons)),
        seconds=perf_counter() - started,
    )
