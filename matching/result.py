"""Turn a {unit: home} placement into a Result with a full breakdown per child."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from types import MappingProxyType

from matching.impact import items_in_home, pair_impact
from matching.model import Assignment, Referral, Result, Unplaced
from matching.problem import Problem, Unit
from matching.scoring import breakdown_at, score_child


def build_result(
    problem: Problem,
    placement: dict[int, int],
    *,
    status: str,
    method: str,
    seconds: float,
    lower_bound: float | None,
    max_placeable: int | None,
    seed: int | None = None,
    solver_bound: float | None = None,
) -> Result:
    _, objective = problem.objective(placement)
    children_in: dict[int, list[Referral]] = defaultdict(list)
    for u, h in placement.items():
        children_in[h].extend(problem.units[u].members)
    assignments = [
        _assignment(problem, problem.units[u], child, h, children_in[h])
        for u, h in sorted(placement.items())
        for child in problem.units[u].members
    ]
    unplaced = [
        Unplaced(child.id, "lost_to_competition" if len(problem.homes[u]) else "no_feasible_home")
        for u, unit in enumerate(problem.units)
        if u not in placement
        for child in unit.members
    ]
    exclusions = {
        child.id: MappingProxyType(problem.exclusion_counts[u])
        for u, unit in enumerate(problem.units)
        for child in unit.members
    }
    gap = None
    if lower_bound is not None:
        gap = 0.0 if objective <= 0 else max(0.0, (objective - lower_bound) / objective)
    return Result(
        status=status,
        method=method,
        seconds=seconds,
        objective=float(objective),
        lower_bound=lower_bound,
        gap=gap,
        placed=problem.children_placed(placement),
        max_placeable=max_placeable,
        assignments=tuple(assignments),
        unplaced=tuple(unplaced),
        exclusion_counts=MappingProxyType(exclusions),
        seed=seed,
        solver_bound=solver_bound,
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
