"""Batch proposal: many referrals at once, solved lexicographically.

1. prepare: units (sibling groups are one unit), feasible homes and integer costs per unit;
2. a min-cost flow gives the most children placeable and a proven cost bound (bound.py);
3. the flow's placement is repaired into a feasible warm start (place_in_order);
4. where beds are scarce (the warm start places less than the flow), children must share homes:
   column generation over home patterns (patterns.py) finds the most value placeable, then the
   least cost at it with the impact between new children priced, a proposal and a bound far
   stronger than the flow's; when its pricing completes, that is the answer;
5. otherwise a neighbourhood search (lns.py) lowers the cost at the value reached, then CP-SAT
   minimises cost over the whole batch with "elsewhere" options that make its bound a proven
   bound (assignment_model.py);
6. the best proposal found is returned, never worse than the warm start.
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
from matching.patterns import solve_by_patterns
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
    best = Incumbent(problem, warm, "warm-start")
    stopped = context.report("warm start", problem.children_placed(warm), best.cost)
    # Beds are scarce when the warm start places less than the flow, which lets siblings split
    # and solo children share.
    scarce = best.value < relaxed.value
    patterns, solver_bound = None, None
    if scarce and not stopped:
        # Children must share homes: over home patterns (patterns.py), the most value placeable
        # with siblings whole, solo children alone and the impact between children priced,
        # then the least cost at it.
        patterns = solve_by_patterns(context, warm, deadline)
        if patterns is not None:
            best.offer(patterns.placement, "patterns")
            if best.value >= patterns.value:
                context.lower_bound = max(context.lower_bound, patterns.cost_bound)
            stopped = context.report("patterns", problem.children_placed(best.placement), best.cost)
    if not stopped and not (patterns is not None and patterns.proven):
        solver_bound, stopped = _lower_cost(context, relaxed, best)
    lower_bound = relaxed.cost_points
    if best.value < relaxed.value:
        # The flow placed more than we did: bound the cost at our value instead.
        lower_bound = flow.cost_bound_at_value(best.value, deadline=deadline + VALUE_BOUND_SECONDS)
    # Each bound below holds for every proposal of at least the value it was found at, which
    # ours reaches: the incumbent's value never falls.
    if solver_bound is not None:
        lower_bound = max(lower_bound, solver_bound)
    if patterns is not None and best.value >= patterns.value:
        lower_bound = max(lower_bound, patterns.cost_bound)
    proven = best.value == relaxed.value and best.cost <= lower_bound
    return build_result(
        problem,
        best.placement,
        status="stopped" if stopped else ("optimal" if proven else "feasible"),
        method=best.method,
        seconds=perf_counter() - started,
        lower_bound=lower_bound,
        max_placeable=relaxed.children,
        seed=seed,
        solver_bound=solver_bound,
    )


class Incumbent:
    """The best proposal so far and what found it; never replaced by a worse one."""

    def __init__(self, problem: Problem, placement: dict[int, int], method: str):
        self.problem, self.placement, self.method = problem, placement, method

    def offer(self, placement: dict[int, int] | None, method: str) -> None:
        if placement is not None and self.problem.key(placement) < self.problem.key(self.placement):
            self.placement, self.method = placement, method

    @property
    def value(self) -> int:
        return self.problem.objective(self.placement)[0]

    @property
    def cost(self) -> int:
        return self.problem.objective(self.placement)[1]


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


def _lower_cost(
    context: SolveContext, relaxed: FlowSolution, best: Incumbent
) -> tuple[float | None, bool]:
    """Neighbourhoods, then CP-SAT over the whole batch, at the incumbent's value; returns
    (proven cost bound, stopped)."""
    problem = context.problem
    model = _model_around(problem, relaxed, best.placement)
    target_value = best.value
    seconds = (context.deadline - perf_counter()) * NEIGHBOURHOOD_SHARE
    budget = (context.deadline - context.started) * NEIGHBOURHOOD_SHARE
    improved, stopped = improve_by_neighbourhoods(
        context,
        {u: positions for u, positions in model.candidates.items() if len(positions)},
        best.placement,
        rounds=round(budget * NEIGHBOURHOODS_PER_SECOND),
        deadline=perf_counter() + seconds,
    )
    best.offer(improved, "cp-sat")
    if stopped:
        return None, True
    costing = model.solve(context, "costing", best.placement, target_value, _settings(context, 1.0))
    best.offer(costing.placement, "cp-sat")
    return costing.bound, costing.stopped


def _model_around(
    problem: Problem, relaxed: FlowSolution, *placements: dict[int, int]
) -> AssignmentModel:
    """CP-SAT's model over each unit's cheapest homes and its homes in these placements."""
    candidates = _candidates(problem, relaxed.home_of_unit, *placements)
    return AssignmentModel(problem, dict(enumerate(candidates)))


def _settings(context: SolveContext, share: float) -> SolverSettings:
    """The wall-clock limit is a share of the time left; the work limit, a share of the whole
    budget, does not depend on how long earlier steps took, so it is the same on every run."""
    seconds = max(0.0, context.deadline - perf_counter()) * share
    budget = (context.deadline - context.started) * share
    return SolverSettings(WORKERS, context.seed, seconds, budget * WORK_PER_SECOND)


def _candidates(problem: Problem, *placements: dict[int, int]) -> list[np.ndarray]:
    """Positions (into problem.homes[u]) of the homes CP-SAT may choose for each unit."""
    chosen = []
    for u, homes in enumerate(problem.homes):
        wanted = {placement.get(u) for placement in placements} - {None}
        extra = np.flatnonzero(np.isin(homes, list(wanted)))
        chosen.append(np.union1d(np.arange(min(CANDIDATE_HOMES, len(homes))), extra))
    return chosen
