"""Large-neighbourhood search: free the units competing for a few homes, fix the rest, and let
CP-SAT re-place the free ones optimally.  Competition between children is local (homes near
their families), so a neighbourhood grown through shared candidate homes holds the moves CP-SAT's
generic neighbourhoods rarely find; accepting only improvements, it never worsens the proposal."""

from __future__ import annotations

from collections import defaultdict
from time import perf_counter

import numpy as np

from matching.assignment_model import AssignmentModel, SolveContext, SolverSettings, Stage

# Units freed per neighbourhood: CP-SAT solves one this size in a few hundredths of a second.
NEIGHBOURHOOD_UNITS = 30
# CP-SAT's deterministic time per neighbourhood; most are proven optimal well within it.
NEIGHBOURHOOD_WORK = 0.2


def improve_by_neighbourhoods(
    context: SolveContext,
    stage: Stage,
    candidates: dict[int, np.ndarray],
    placement: dict[int, int],
    rounds: int,
    deadline: float,
) -> tuple[dict[int, int], bool]:
    """Up to `rounds` neighbourhoods lowering the stage's tier (earlier tiers within their
    caps), fewer only if the deadline comes first; returns (placement, stopped).  The count,
    not the clock, ends a normal run: a seed gives one answer."""
    problem = context.problem
    rng = np.random.default_rng(context.seed)
    units = sorted(candidates)
    units_of_home = _units_of_home(problem, candidates)
    settings = SolverSettings(1, context.seed, seconds=1.0, work_limit=NEIGHBOURHOOD_WORK)
    for _ in range(rounds if units else 0):
        if perf_counter() > deadline:
            break
        free = _neighbourhood(problem, candidates, units_of_home, units[rng.integers(len(units))])
        fixed = {u: h for u, h in placement.items() if u not in free}
        model = AssignmentModel(problem, {u: candidates[u] for u in free}, fixed, elsewhere=False)
        free_value = sum(problem.value(u) for u in free if u in placement)
        outcome = model.solve(context, "neighbourhood", stage, placement, free_value, settings)
        if outcome.placement is not None:
            placement = outcome.placement
        if outcome.stopped:
            return placement, True
    return placement, False


def _units_of_home(problem, candidates: dict[int, np.ndarray]) -> dict[int, list[int]]:
    units: dict[int, list[int]] = defaultdict(list)
    for u, positions in candidates.items():
        for h in problem.homes[u][positions].tolist():
            units[h].append(u)
    return units


def _neighbourhood(problem, candidates, units_of_home, seed_unit: int) -> set[int]:
    """The seed unit and, breadth first, the units competing with it for candidate homes."""
    free, queue = {seed_unit}, [seed_unit]
    while queue and len(free) < NEIGHBOURHOOD_UNITS:
        u = queue.pop(0)
        for h in problem.homes[u][candidates[u]].tolist():
            for v in units_of_home[h]:
                if v not in free and len(free) < NEIGHBOURHOOD_UNITS:
                    free.add(v)
                    queue.append(v)
    return free
