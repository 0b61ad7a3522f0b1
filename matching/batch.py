"""Batch proposal: many referrals at once, solved lexicographically with CP-SAT.

1. prepare: units (sibling groups are one unit), feasible homes and integer costs per unit;
2. a min-cost flow gives the most children placeable and a proven cost bound (bound.py);
3. the flow's placement is repaired into a feasible warm start (place_in_order);
4. where beds are scarce (the warm start places less than the flow), the batch without impact
   between new children, solved exactly (pair_free.py), gives a better start and bound;
5. CP-SAT, hinted with it, maximises children placed (urgent first) if the warm start falls
   short of the flow's maximum;
6. a neighbourhood search (lns.py) lowers the cost at that value, then CP-SAT minimises cost over
   the whole batch with "elsewhere" options that make its bound a proven bound
   (assignment_model.py);
7. the best proposal found is returned, never worse than the warm start.
"""

from __future__ import annotations

import threading
from time import perf_counter

import numpy as np

from matching.assignment_model import (
    AssignmentModel,
    Progress,
    SolveContext,
    SolverSettings,
)
from matching.bound import FlowBound, FlowSolution
from matching.feasibility import HomeTable
from matching.lns import improve_by_neighbourhoods
from matching.model import Instance, Result
from matching.pair_free import PairFreeRelaxation, PairFreeSolution
from matching.problem import Problem, improve_by_moves, place_in_order, prepare
from matching.result import build_result

# Cheapest homes per unit offered to CP-SAT (plus the warm start's and the flow's homes).
CANDIDATE_HOMES = 12
# CP-SAT's full portfolio wants 8 workers, even on 2 cores (DESIGN.md).
WORKERS = 8
# Kept back from the time limit for writing the result's breakdowns.
RESULT_SECONDS = 0.4
# Kept back before that for bounding the cost at the value reached, if below the flow's.
VALUE_BOUND_SECONDS = 0.5
# Share of the time left allowed to the pair-free relaxation (a safety net: it needs far less).
PAIR_FREE_SHARE = 0.5
# Share of the time left given to maximising children placed, when that is not already proven.
PLACING_SHARE = 0.4
# Share of the time left for the neighbourhood search; the whole-batch CP-SAT gets the rest.
NEIGHBOURHOOD_SHARE = 0.6
# CP-SAT deterministic time per second of wall clock on the reference 2-core machine: limits
# are set in these units, so a seed gives the same answer however loaded the machine is.
WORK_PER_SECOND = 1.0
# Neighbourhoods per second of wall clock on the reference machine (the same reason).
NEIGHBOURHOODS_PER_SECOND = 25


def solve(
    instance: Instance,
    time_limit: float = 10.0,
    seed: int = 0,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    table: HomeTable | None = None,
) -> Result:
    """Propose homes for every referral of the instance.

    progress, if given, receives dicts {stage, placed, objective, bound, gap, elapsed} as better
    proposals are found; returning True stops the search (so does setting `stop`), and the best
    proposal so far is returned with status "stopped".
    """
    started = perf_counter()
    problem = prepare(instance, table)
    flow = FlowBound.build(problem)
    deadline = started + max(0.0, time_limit - RESULT_SECONDS - VALUE_BOUND_SECONDS)
    relaxed = flow.lexicographic()
    context = SolveContext(problem, started, deadline, seed, relaxed.cost_points, progress, stop)
    warm = warm_start(problem, relaxed)
    best, best_key = warm, problem.key(warm)
    method, solver_bound = "warm-start", None
    stopped = context.report("warm start", problem.children_placed(warm), best_key[1])
    pair_free = None
    if not stopped and problem.objective(warm)[0] < relaxed.value:
        # Beds are scarce (the warm start places less than the flow): solve the exact
        # relaxation, both for a start that minds cost and for its bound.
        seconds = (deadline - perf_counter()) * PAIR_FREE_SHARE
        pair_free = PairFreeRelaxation(problem, problem.total_children, seconds).solve()
    if not stopped:
        proposal, solver_bound, stopped = _improve(context, relaxed, warm, pair_free)
        if problem.key(proposal) < best_key:
            best, best_key, method = proposal, problem.key(proposal), "cp-sat"
    value = -best_key[0]
    lower_bound = relaxed.cost_points
    if value < relaxed.value:
        # The flow placed more than we did: bound the cost at our value instead.
        lower_bound = flow.cost_bound_at_value(value, deadline=deadline + VALUE_BOUND_SECONDS)
    if solver_bound is not None:
        # CP-SAT's model relaxes every proposal placing at least the value it was asked for,
        # which ours does (_improve never asks for more than it returns).
        lower_bound = max(lower_bound, solver_bound)
    if pair_free is not None and value >= pair_free.value:
        lower_bound = max(lower_bound, pair_free.cost_bound)
    proven = value == relaxed.value and best_key[1] <= lower_bound
    return build_result(
        problem,
        best,
        status="stopped" if stopped else ("optimal" if proven else "feasible"),
        method=method,
        seconds=perf_counter() - started,
        lower_bound=lower_bound,
        max_placeable=relaxed.children,
        seed=seed,
        solver_bound=solver_bound,
    )


def warm_start(problem: Problem, relaxed: FlowSolution) -> dict[int, int]:
    """Repair the flow's placement: units the flow placed first, the most constrained (fewest
    feasible homes) first, each at its flow home if it still fits, else its cheapest home left;
    then move units to cheaper homes while any move helps."""
    order = sorted(
        range(len(problem.units)),
        key=lambda u: (
            u not in relaxed.home_of_unit,
            len(problem.homes[u]),
            -problem.units[u].urgency,
            u,
        ),
    )
    return improve_by_moves(problem, place_in_order(problem, order, relaxed.home_of_unit))


def _improve(
    context: SolveContext,
    relaxed: FlowSolution,
    warm: dict[int, int],
    pair_free: PairFreeSolution | None,
) -> tuple[dict[int, int], float | None, bool]:
    """Placing, neighbourhoods, costing; returns (placement, proven cost bound, stopped)."""
    problem = context.problem
    candidates = _candidates(
        problem, warm, relaxed.home_of_unit, pair_free.placement if pair_free else {}
    )
    model = AssignmentModel(problem, dict(enumerate(candidates)))
    best, most_value = warm, relaxed.value
    if pair_free is not None:
        best = min(best, improve_by_moves(problem, pair_free.placement), key=problem.key)
        if pair_free.value_proven:
            most_value = pair_free.value
    if problem.objective(best)[0] < most_value:
        placing = model.solve(context, "placing", best, None, _settings(context, PLACING_SHARE))
        if placing.stopped:
            return placing.placement or best, None, True
        if placing.placement is not None:
            best = _cheaper_hint(problem, placing.placement, best)
    target_value = problem.objective(best)[0]
    seconds = (context.deadline - perf_counter()) * NEIGHBOURHOOD_SHARE
    budget = (context.deadline - context.started) * NEIGHBOURHOOD_SHARE
    best, stopped = improve_by_neighbourhoods(
        context,
        {u: positions for u, positions in enumerate(candidates) if len(positions)},
        best,
        rounds=round(budget * NEIGHBOURHOODS_PER_SECOND),
        deadline=perf_counter() + seconds,
    )
    if stopped:
        return best, None, True
    costing = model.solve(context, "costing", best, target_value, _settings(context, 1.0))
    return costing.placement or best, costing.bound, costing.stopped


def _settings(context: SolveContext, share: float) -> SolverSettings:
    """The wall-clock limit is a share of the time left; the work limit, a share of the whole
    budget, does not depend on how long earlier steps took, so it is the same on every run."""
    seconds = max(0.0, context.deadline - perf_counter()) * share
    budget = (context.deadline - context.started) * share
    return SolverSettings(WORKERS, context.seed, seconds, budget * WORK_PER_SECOND)


def _cheaper_hint(problem: Problem, placed: dict[int, int], warm: dict[int, int]) -> dict[int, int]:
    """Stage one maximises value with no regard to cost: re-place its units, most constrained
    first, at their warm-start homes where they fit, else their cheapest home left.  Kept only
    if it places as much value; CP-SAT then starts the cost stage from a good proposal."""
    order = sorted(placed, key=lambda u: (len(problem.homes[u]), u))
    repaired = improve_by_moves(
        problem, place_in_order(problem, order, {u: warm.get(u, placed[u]) for u in order})
    )
    if problem.objective(repaired)[0] >= problem.objective(placed)[0]:
        return repaired
    return placed


def _candidates(problem: Problem, *placements: dict[int, int]) -> list[np.ndarray]:
    """Positions (into problem.homes[u]) of the homes CP-SAT may choose for each unit."""
    chosen = []
    for u, homes in enumerate(problem.homes):
        wanted = {placement.get(u) for placement in placements} - {None}
        extra = np.flatnonzero(np.isin(homes, list(wanted)))
        chosen.append(np.union1d(np.arange(min(CANDIDATE_HOMES, len(homes))), extra))
    return chosen
