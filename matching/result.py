"""Turn a {unit: home} placement into a Result with a full breakdown per child."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from types import MappingProxyType

import numpy as np

from matching.impact import items_in_home, pair_impact
from matching.model import Assignment, Outcomes, Referral, Result, TierOutcome
from matching.problem import Problem, Unit
from matching.reasons import unplaced_reasons
from matching.scoring import breakdown_at, score_child


def build_result(
    problem: Problem,
    placement: dict[int, int],
    *,
    status: str,
    method: str,
    seconds: float,
    tiers: tuple[TierOutcome, ...] | None = None,
    max_placeable: int | None = None,
    max_placeable_proof: str = "",
    seed: int | None = None,
    solver_bound: float | None = None,
) -> Result:
    """The result of a placement; `tiers` carries the proven bounds (baselines prove none)."""
    if tiers is None:
        tiers = tuple(
            TierOutcome(tier.name, tier.title, value, None, None)
            for tier, value in zip(problem.policy.tiers, problem.key(placement)[1:], strict=True)
        )
    children_in: dict[int, list[Referral]] = defaultdict(list)
    for u, h in placement.items():
        children_in[h].extend(problem.units[u].members)
    assignments = tuple(
        _assignment(problem, problem.units[u], child, h, children_in[h])
        for u, h in sorted(placement.items())
        for child in problem.units[u].members
    )
    exclusions = {
        child.id: MappingProxyType(problem.exclusion_counts[u])
        for u, unit in enumerate(problem.units)
        for child in unit.members
    }
    first = tiers[0] if tiers else None
    return Result(
        status=status,
        method=method,
        seconds=seconds,
        objective=float(first.value) if first else 0.0,
        lower_bound=first.bound if first else None,
        gap=first.gap if first else None,
        placed=problem.children_placed(placement),
        max_placeable=max_placeable,
        assignments=assignments,
        unplaced=tuple(unplaced_reasons(problem, placement)),
        exclusion_counts=MappingProxyType(exclusions),
        seed=seed,
        solver_bound=solver_bound,
        policy=problem.policy,
        tiers=tiers,
        outcomes=outcomes_of(assignments),
        max_placeable_proof=max_placeable_proof,
    )


def outcomes_of(assignments: tuple[Assignment, ...]) -> Outcomes:
    """The figures commissioners compare proposals on.  `impact` sums each placed child's
    group-impact points (so two new children sharing a home each count their pair)."""
    distances = np.array([a.distance_km for a in assignments])
    fees = sum(a.weekly_cost for a in assignments)
    return Outcomes(
        placed=len(assignments),
        over_20_miles=sum(a.over_20_miles for a in assignments),
        at_a_distance=sum(a.at_a_distance for a in assignments),
        out_of_area=sum(a.out_of_area for a in assignments),
        mean_km=float(distances.mean()) if len(distances) else 0.0,
        p90_km=float(np.percentile(distances, 90)) if len(distances) else 0.0,
        weekly_fees=float(fees),
        fee_per_child=float(fees / len(assignments)) if assignments else 0.0,
        impact=float(sum(a.group_impact for a in assignments)),
    )


def _assignment(
    problem: Problem, unit: Unit, child: Referral, h: int, children_in_home: list[Referral]
) -> Assignment:
    instance, table = problem.instance, problem.table
    home = table.homes[h]
    weights = instance.weights
    scores = score_child(
        child,
        table,
        table.distances_km(child.lat, child.lon),
        instance.adjacency,
        weights,
        unit.size,
        unit.solo,
    )
    # Siblings are placed together by rule, so only other units' children count here.
    co_placed = tuple(other for other in children_in_home if other not in unit.members)
    breakdown = breakdown_at(
        scores,
        h,
        home.limiting_grade,
        weights,
        partial(items_in_home, child, home, co_placed, weights.impact),
        sum(pair_impact(child, other, weights.impact) for other in co_placed),
    )
    return Assignment(
        referral=child.id,
        home=home.id,
        distance_km=breakdown.distance_km,
        out_of_area=breakdown.out_of_area,
        at_a_distance=breakdown.at_a_distance,
        over_20_miles=breakdown.over_20_miles,
        weekly_cost=breakdown.weekly_cost,
        group_impact=breakdown.group_impact,
        score=breakdown.total,
        breakdown=breakdown,
    )
