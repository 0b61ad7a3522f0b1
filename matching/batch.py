"""Batch proposal: many referrals at once, solved lexicographically by the instance's policy.

1. prepare: units (sibling groups are one unit), feasible homes and whole-number tier values per
   unit and home (problem.py);
2. the most children placed (most_placed): a min-cost flow bounds children placed and the first
   tier (bound.py); its placement, repaired, is the warm start.  Where beds are scarce (the warm
   start places less than the flow, which lets siblings split and solo children share), home
   patterns (patterns.py) place more, and bound what can be placed knowing who may live
   together; if that bound is still above the proposal, an exact CP-SAT model of who may live
   together settles it;
3. then each tier of the policy in turn (lowest_tiers): at the value reached, with every earlier
   tier within what it reached, minimise the tier — over home patterns where beds are scarce,
   else by a neighbourhood search (lns.py) and CP-SAT over the whole batch with "elsewhere"
   options that make its bound a proven bound (assignment_model.py);
4. the best proposal found is returned, never worse than the warm start by the policy's order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from matching.assignment_model import (
    AssignmentModel,
    Progress,
    SolveContext,
    SolverSettings,
    Stage,
    relative_gap,
)
from matching.bound import FlowBound, FlowSolution
from matching.feasibility import HomeTable
from matching.lns import improve_by_neighbourhoods
from matching.model import Instance, Result, TierOutcome
from matching.patterns import (
    COST_GAP,
    least_tier_by_patterns,
    most_value_by_patterns,
    options_by_home,
)
from matching.policy import Policy
from matching.problem import (
    Problem,
    improve_by_moves,
    insert_by_ejection,
    place_in_order,
    prepare,
)
from matching.result import build_result

# Best homes per unit offered to CP-SAT (plus the incumbent's and the flow's homes).
CANDIDATE_HOMES = 12
# CP-SAT's full portfolio wants 8 workers, even on 2 cores (DESIGN.md).
WORKERS = 8
# Kept back from the time limit for writing the result's breakdowns.
RESULT_SECONDS = 0.4
# Kept back before that for bounding the first tier at the value reached, if below the flow's.
VALUE_BOUND_SECONDS = 0.5
# Share of a tier's time for the neighbourhood search; the whole-batch CP-SAT gets the rest.
NEIGHBOURHOOD_SHARE = 0.6
# Where beds are scarce: shares of the time left for pricing the most value, then choosing
# among those patterns.  Of a tier's time: pricing its patterns, then (up to PATTERNS_SHARE)
# choosing among them; neighbourhoods and CP-SAT get the rest where that leaves a gap.
# Pricing normally ends long before its share, when no pattern improves the LP.
PLACING_PRICING_SHARE = 0.2
PLACING_SHARE = 0.2
PRICING_SHARE = 0.4
PATTERNS_SHARE = 0.6
# A tier within this of its proven bound is not searched further: the time goes to the tiers
# after it (SCIP stops choosing among patterns at the same gap).
CLOSE_ENOUGH = COST_GAP
# Of the whole plan, what the exact model of children placed may take when patterns leave
# the maximum unproven.
PLACED_MODEL_SHARE = 0.25
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
    policy: Policy | None = None,
) -> Result:
    """Propose homes for every referral of the instance, by `policy` (the instance's own by
    default).

    progress, if given, receives dicts {stage, tier, placed, objective, bound, gap, elapsed} as
    better proposals are found (objective and bound: the tier being minimised); returning True
    stops the search (so does setting `stop`), and the best proposal so far is returned with
    status "stopped".
    """
    started = perf_counter()
    problem = prepare(instance, table, policy)
    deadline = started + max(0.0, time_limit - RESULT_SECONDS - VALUE_BOUND_SECONDS)
    context = SolveContext(problem, started, deadline, seed, 0.0, progress, stop)
    most = most_placed(context, deadline)
    return lowest_tiers(context, most, [most.placement], deadline)


@dataclass
class MostPlaced:
    """The value step's outcome: a proposal placing the most found, and what is proven."""

    problem: Problem
    flow: FlowBound
    relaxed: FlowSolution
    placement: dict[int, int]
    method: str
    children_bound: int  # proven: no proposal places more children
    proof: str  # what proved it: "flow", "patterns" or "cp-sat"
    value_bound: int  # proven: no proposal has more placement value (children, urgency)
    scarce: bool  # the flow's relaxation places more than a real proposal can
    exact_model: bool  # the exact model of children placed was run
    stopped: bool


class Incumbent:
    """The best proposal so far and what found it; never replaced by a worse one."""

    def __init__(self, problem: Problem, placement: dict[int, int], method: str):
        self.problem, self.placement, self.method = problem, placement, method
        self.key = problem.key(placement)

    def offer(self, placement: dict[int, int] | None, method: str) -> None:
        if placement is None:
            return
        key = self.problem.key(placement)
        if key < self.key:
            self.placement, self.method, self.key = placement, method, key

    @property
    def value(self) -> int:
        return -self.key[0]

    @property
    def tiers(self) -> tuple[int, ...]:
        return self.key[1:]


def most_placed(context: SolveContext, deadline: float) -> MostPlaced:
    """The most children placed (the most urgent first), proven with who may live together."""
    problem = context.problem
    flow = FlowBound.build(problem)
    relaxed = flow.lexicographic()
    best = Incumbent(problem, warm_start(problem, relaxed), "warm-start")
    context.lower_bound = relaxed.cost_points
    stopped = context.report("warm start", problem.children_placed(best.placement), best.key)
    children_bound, proof, value_bound = relaxed.children, "flow", relaxed.value
    scarce = best.value < relaxed.value
    if scarce and not stopped:
        placing = most_value_by_patterns(
            context,
            options_by_home(problem),
            best.placement,
            _share_of(deadline, PLACING_PRICING_SHARE),
            _share_of(deadline, PLACING_PRICING_SHARE + PLACING_SHARE),
        )
        if placing is not None:
            best.offer(placing.placement, "patterns")
            # The master minimised minus the value: its bound caps the value.
            value_bound = min(value_bound, int(-placing.bound))
            if problem.children_of_value(value_bound) < children_bound:
                children_bound, proof = problem.children_of_value(value_bound), "patterns"
        stopped = context.report("most placed", problem.children_placed(best.placement), best.key)
    exact_model = problem.children_placed(best.placement) < children_bound and not stopped
    if exact_model:
        found, value_bound_exact, stopped = _most_value_exactly(context, best, deadline)
        best.offer(found, "cp-sat")
        if value_bound_exact is not None and value_bound_exact < value_bound:
            value_bound = value_bound_exact
            if problem.children_of_value(value_bound) < children_bound:
                children_bound, proof = problem.children_of_value(value_bound), "cp-sat"
    return MostPlaced(
        problem,
        flow,
        relaxed,
        best.placement,
        best.method,
        children_bound,
        proof,
        value_bound,
        scarce,
        exact_model,
        stopped,
    )


def _most_value_exactly(
    context: SolveContext, best: Incumbent, deadline: float
) -> tuple[dict[int, int] | None, int | None, bool]:
    """CP-SAT over each unit's N best homes (N = units: any proposal can move a unit beyond
    them to one no other unit uses, at the same value), with beds, siblings whole, solo
    children alone and who may not live together: the most value and a proven bound on it."""
    problem = context.problem
    kept = len(problem.units)
    candidates = {u: np.arange(min(kept, len(homes))) for u, homes in enumerate(problem.homes)}
    model = AssignmentModel(problem, candidates, elsewhere=False, with_impact=False)
    plan = (context.deadline - context.started) * PLACED_MODEL_SHARE
    seconds = max(0.0, min(plan, deadline - perf_counter()))
    settings = SolverSettings(WORKERS, context.seed, seconds, plan * WORK_PER_SECOND)
    outcome = model.most_value(context, best.placement, settings)
    return outcome.placement, outcome.bound, outcome.stopped


def lowest_tiers(
    context: SolveContext, most: MostPlaced, starts: list[dict[int, int]], deadline: float
) -> Result:
    """Each tier of the policy in turn, at the most value found, from the best of `starts`."""
    problem = context.problem
    if most.problem is problem:
        flow, relaxed = most.flow, most.relaxed
        best = Incumbent(problem, most.placement, most.method)
    else:  # another policy's view of the batch: its own flow and warm start
        flow = FlowBound.build(problem)
        relaxed = flow.lexicographic()
        best = Incumbent(problem, warm_start(problem, relaxed), "warm-start")
    for start in starts:
        best.offer(start, most.method)
    options = options_by_home(problem)
    plan = Plan(_planned_seconds(context, most), problem.n_tiers)
    bounds: list[float | None] = [None] * problem.n_tiers  # None: not reached (stopped)
    solver_bound = None
    stopped = most.stopped
    for tier in range(problem.n_tiers):
        if stopped:
            break
        context.tier = tier
        stage = Stage(tier, best.tiers[:tier])
        bound = 0.0  # every tier is a sum of non-negative terms
        if tier == 0:
            bound = _first_tier_bound(flow, relaxed, best.value)
        context.lower_bound = bound
        if best.tiers[tier] <= bound:
            bounds[tier] = bound
            continue
        stage_deadline = perf_counter() + max(0.0, deadline - perf_counter()) / (
            problem.n_tiers - tier
        )
        found = least_tier_by_patterns(
            context,
            options,
            stage,
            best.value,
            [*starts, best.placement],
            _share_of(stage_deadline, PRICING_SHARE),
            _share_of(stage_deadline, PATTERNS_SHARE),
        )
        if found is not None:
            best.offer(found.placement, "patterns")
            bound = max(bound, found.bound)
            context.lower_bound = bound
        stopped = context.report(tier_label(problem, tier), _placed(best), best.key)
        if not (stopped or relative_gap(best.tiers[tier], bound) <= CLOSE_ENOUGH):
            budget = plan.take(tier)
            cp_bound, stopped = _lower_tier(context, stage, relaxed, best, budget, stage_deadline)
            if cp_bound is not None:
                bound = max(bound, cp_bound)
                solver_bound = cp_bound if tier == 0 else solver_bound
        bounds[tier] = bound
    return _result(context, best, most, bounds, solver_bound, stopped)


def tier_label(problem: Problem, tier: int) -> str:
    return problem.policy.tiers[tier].name


def _placed(best: Incumbent) -> int:
    return best.problem.children_placed(best.placement)


def _first_tier_bound(flow: FlowBound, relaxed: FlowSolution, value: int) -> float:
    """The flow's bound on the first tier at the value reached: its own optimum where it placed
    no more, else the Lagrangian on the same flow at that value."""
    if value >= relaxed.value:
        return relaxed.cost_points
    return flow.cost_bound_at_value(value, deadline=perf_counter() + VALUE_BOUND_SECONDS)


def _planned_seconds(context: SolveContext, most: MostPlaced) -> float:
    """The seconds planned for the tiers: the whole budget, less the value step's planned
    shares where it searched."""
    shares = 0.0
    if most.scarce:
        shares += PLACING_PRICING_SHARE + PLACING_SHARE
    if most.exact_model:
        shares += PLACED_MODEL_SHARE
    return (context.deadline - context.started) * max(0.0, 1.0 - shares)


class Plan:
    """Planned seconds for the tiers that need searching.  A tier proven without a search
    leaves its share to the later ones; shares depend only on the time limit and on which
    tiers needed a search, never on the clock, so a seed gives one answer."""

    def __init__(self, seconds: float, tiers: int):
        self.left, self.tiers = seconds, tiers

    def take(self, tier: int) -> float:
        share = self.left / (self.tiers - tier)
        self.left -= share
        return share


def _result(
    context: SolveContext,
    best: Incumbent,
    most: MostPlaced,
    bounds: list[float | None],
    solver_bound: float | None,
    stopped: bool,
) -> Result:
    problem = context.problem
    tiers = tuple(
        TierOutcome(
            name=tier.name,
            title=tier.title,
            value=value,
            bound=bound,
            gap=None if bound is None else relative_gap(value, bound),
        )
        for tier, value, bound in zip(problem.policy.tiers, best.tiers, bounds, strict=True)
    )
    proven = best.value >= most.value_bound and all(t.gap == 0 for t in tiers)
    return build_result(
        problem,
        best.placement,
        status="stopped" if stopped else ("optimal" if proven else "feasible"),
        method=best.method,
        seconds=perf_counter() - context.started,
        tiers=tiers,
        max_placeable=most.children_bound,
        max_placeable_proof=most.proof,
        seed=context.seed,
        solver_bound=solver_bound,
    )


def warm_start(problem: Problem, relaxed: FlowSolution) -> dict[int, int]:
    """Repair the flow's placement: units the flow placed first, the most constrained (fewest
    feasible homes) first, each at its flow home if it still fits, else its best home left;
    then units left out take a home by moving the units there; then move units to better homes
    while any move helps."""
    order = sorted(
        range(len(problem.units)),
        key=lambda u: (
            u not in relaxed.home_of_unit,
            len(problem.homes[u]),
            -problem.units[u].urgency,
            u,
        ),
    )
    repaired = place_in_order(problem, order, relaxed.home_of_unit)
    return improve_by_moves(problem, insert_by_ejection(problem, repaired))


def _lower_tier(
    context: SolveContext,
    stage: Stage,
    relaxed: FlowSolution,
    best: Incumbent,
    budget: float,
    deadline: float,
) -> tuple[float | None, bool]:
    """Neighbourhoods, then CP-SAT over the whole batch, lowering the stage's tier at the
    incumbent's value; returns (proven bound on the tier, stopped)."""
    problem = context.problem
    model = AssignmentModel(problem, _candidates(problem, relaxed.home_of_unit, best.placement))
    seconds = max(0.0, deadline - perf_counter())
    improved, stopped = improve_by_neighbourhoods(
        context,
        stage,
        {u: positions for u, positions in model.candidates.items() if len(positions)},
        best.placement,
        rounds=round(budget * NEIGHBOURHOOD_SHARE * NEIGHBOURHOODS_PER_SECOND),
        deadline=perf_counter() + seconds * NEIGHBOURHOOD_SHARE,
    )
    best.offer(improved, "cp-sat")
    if stopped:
        return None, True
    settings = SolverSettings(
        WORKERS,
        context.seed,
        max(0.0, deadline - perf_counter()),
        budget * (1 - NEIGHBOURHOOD_SHARE) * WORK_PER_SECOND,
    )
    outcome = model.solve(context, "costing", stage, best.placement, best.value, settings)
    best.offer(outcome.placement, "cp-sat")
    return outcome.bound, outcome.stopped


def _share_of(deadline: float, share: float) -> float:
    return perf_counter() + max(0.0, deadline - perf_counter()) * share


def _candidates(problem: Problem, *placements: dict[int, int]) -> dict[int, np.ndarray]:
    """Positions (into problem.homes[u]) of the homes CP-SAT may choose for each unit."""
    chosen = {}
    for u, homes in enumerate(problem.homes):
        wanted = {placement.get(u) for placement in placements} - {None}
        extra = np.flatnonzero(np.isin(homes, list(wanted)))
        chosen[u] = np.union1d(np.arange(min(CANDIDATE_HOMES, len(homes))), extra)
    return chosen
