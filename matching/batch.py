"""Batch proposal: many referrals at once, solved lexicographically with CP-SAT.

1. prepare: units (sibling groups are one unit), feasible homes and integer costs per unit;
2. a min-cost flow gives the most children placeable and a proven cost bound (bound.py);
3. the flow's placement is repaired into a feasible warm start (place_in_order);
4. CP-SAT, hinted with it, first maximises children placed (urgent first) if the warm start
   falls short of the flow's maximum, then minimises cost at that value;
5. the better of the warm start and CP-SAT's answer is returned, never the worse.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from ortools.sat.python import cp_model

from matching.bound import FlowBound, FlowSolution
from matching.feasibility import HomeTable
from matching.model import Instance, Result
from matching.problem import Problem, improve_by_moves, place_in_order, prepare
from matching.result import build_result

# Cheapest homes per unit offered to CP-SAT (plus the warm start's and the flow's homes).
CANDIDATE_HOMES = 12
# CP-SAT's full portfolio wants 8 workers, even on 2 cores (DESIGN.md).
WORKERS = 8
# Share of the time left given to maximising children placed, when that is not already proven.
PLACING_SHARE = 0.4

Progress = Callable[[dict], bool | None]


@dataclass
class _Context:
    problem: Problem
    started: float
    deadline: float
    seed: int
    lower_bound: float
    progress: Progress | None
    stop: threading.Event | None

    def report(self, stage: str, placed: int, objective: float) -> bool:
        """Send progress; True if the caller asked to stop."""
        wants_stop = False
        if self.progress is not None:
            wants_stop = bool(
                self.progress(
                    {
                        "stage": stage,
                        "placed": placed,
                        "objective": objective,
                        "bound": self.lower_bound,
                        "gap": relative_gap(objective, self.lower_bound),
                        "elapsed": perf_counter() - self.started,
                    }
                )
            )
        return wants_stop or (self.stop is not None and self.stop.is_set())


def relative_gap(objective: float, lower_bound: float) -> float:
    return 0.0 if objective <= 0 else max(0.0, (objective - lower_bound) / objective)


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
    relaxed = flow.lexicographic()
    context = _Context(
        problem, started, started + time_limit, seed, relaxed.cost_points, progress, stop
    )
    warm = warm_start(problem, relaxed)
    best, best_key = warm, _key(problem, warm)
    method, solver_bound = "warm-start", None
    stopped = context.report("warm start", problem.children_placed(warm), best_key[1])
    if not stopped:
        proposal, solver_bound, stopped = _improve(context, relaxed, warm)
        if _key(problem, proposal) < best_key:
            best, best_key, method = proposal, _key(problem, proposal), "cp-sat"
    value = -best_key[0]
    lower_bound = relaxed.cost_points
    if value < relaxed.value:
        # The flow placed more than we did: bound the cost at our value instead.
        lower_bound = flow.cost_bound_at_value(value, deadline=perf_counter() + 1.0)
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


def _key(problem: Problem, placement: dict[int, int]) -> tuple[int, int]:
    """Lexicographic key, smaller is better: (-placement value, cost)."""
    value, cost = problem.objective(placement)
    return -value, cost


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
    context: _Context, relaxed: FlowSolution, warm: dict[int, int]
) -> tuple[dict[int, int], float | None, bool]:
    """CP-SAT in two lexicographic stages; returns (placement, solver cost bound, stopped)."""
    problem = context.problem
    model = _BatchModel(problem, _candidates(problem, warm, relaxed))
    best = warm
    warm_value, _ = problem.objective(warm)
    target_value = warm_value
    if warm_value < relaxed.value:
        remaining = context.deadline - perf_counter()
        placing = model.solve(
            context, "placing", best, None, remaining * PLACING_SHARE, maximise_value=True
        )
        if placing.stopped:
            return placing.placement or best, None, True
        if placing.placement is not None:
            best = _cheaper_hint(problem, placing.placement, warm)
            target_value = problem.objective(best)[0]
    remaining = context.deadline - perf_counter()
    costing = model.solve(context, "costing", best, target_value, remaining, maximise_value=False)
    return costing.placement or best, costing.bound, costing.stopped


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


def _candidates(problem: Problem, warm: dict[int, int], relaxed: FlowSolution) -> list[np.ndarray]:
    """Positions (into problem.homes[u]) of the homes CP-SAT may choose for each unit."""
    chosen = []
    for u, homes in enumerate(problem.homes):
        wanted = {warm.get(u), relaxed.home_of_unit.get(u)} - {None}
        extra = np.flatnonzero(np.isin(homes, list(wanted)))
        chosen.append(np.union1d(np.arange(min(CANDIDATE_HOMES, len(homes))), extra))
    return chosen


@dataclass
class _StageOutcome:
    placement: dict[int, int] | None
    bound: float | None
    stopped: bool


class _BatchModel:
    """x[u, h] = unit u goes to home h.  Per unit at most one home; per home beds used <=
    vacancies; y[u, v, h] >= x[u, h] + x[v, h] - 1 carries the impact between two new units
    in one home, created only where both fit the home together."""

    def __init__(self, problem: Problem, candidates: list[np.ndarray]):
        self.problem = problem
        self.model = cp_model.CpModel()
        self.choices: list[tuple[int, int, cp_model.IntVar]] = []  # (unit, home, x)
        self.pairs: list[tuple[int, int, int, cp_model.IntVar]] = []  # (unit, unit, home, y)
        by_home: dict[int, list[tuple[int, int, cp_model.IntVar]]] = {}
        x_vars: list[cp_model.IntVar] = []
        costs, values, sizes = [], [], []
        for u, positions in enumerate(candidates):
            unit_vars = []
            for position in positions.tolist():
                h = int(problem.homes[u][position])
                x = self.model.new_bool_var(f"x_{u}_{h}")
                unit_vars.append(x)
                self.choices.append((u, h, x))
                by_home.setdefault(h, []).append((u, int(problem.beds[u][position]), x))
                x_vars.append(x)
                costs.append(int(problem.costs[u][position]))
                values.append(problem.value(u))
                sizes.append(problem.units[u].size)
            if unit_vars:
                self.model.add_at_most_one(unit_vars)
        y_vars, impacts = [], []
        for h, entries in by_home.items():
            for together, points in self._home_constraints(h, entries):
                y_vars.append(together)
                impacts.append(points)
        weighted_sum = cp_model.LinearExpr.weighted_sum
        self.cost = weighted_sum(x_vars + y_vars, costs + impacts)
        self.value = weighted_sum(x_vars, values)
        self.placed = weighted_sum(x_vars, sizes)

    def _home_constraints(self, h: int, entries) -> list[tuple[cp_model.IntVar, int]]:
        """Capacity and pair constraints of one home; returns its (y, impact points) terms."""
        vacancies = int(self.problem.table.vacancies[h])
        if sum(beds for _, beds, _ in entries) > vacancies:
            self.model.add(
                cp_model.LinearExpr.weighted_sum(
                    [x for _, _, x in entries], [beds for _, beds, _ in entries]
                )
                <= vacancies
            )
        impact_terms = []
        for i, (u, beds_u, x_u) in enumerate(entries):
            for v, beds_v, x_v in entries[i + 1 :]:
                if beds_u + beds_v > vacancies:
                    continue  # capacity already keeps them apart
                conflict, points = self.problem.pair(u, v)
                if conflict:
                    self.model.add_bool_or([~x_u, ~x_v])
                elif points > 0:
                    together = self.model.new_bool_var(f"y_{u}_{v}_{h}")
                    self.pairs.append((u, v, h, together))
                    self.model.add_bool_or([~x_u, ~x_v, together])
                    impact_terms.append((together, points))
        return impact_terms

    def solve(
        self,
        context: _Context,
        stage: str,
        hint: dict[int, int],
        min_value: int | None,
        seconds: float,
        maximise_value: bool,
    ) -> _StageOutcome:
        model = self.model.clone()
        # A complete hint (pair variables too) lets CP-SAT start from it rather than repair it.
        for u, h, x in self.choices:
            model.add_hint(x, hint.get(u) == h)
        for u, v, h, together in self.pairs:
            model.add_hint(together, hint.get(u) == h and hint.get(v) == h)
        if maximise_value:
            model.maximize(self.value)
        else:
            model.add(self.value >= min_value)
            model.minimize(self.cost)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = WORKERS
        solver.parameters.random_seed = context.seed
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        callback = _ProgressCallback(self, context, stage)
        status = solver.solve(model, callback)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _StageOutcome(None, None, callback.stopped)
        placement = {u: h for u, h, x in self.choices if solver.boolean_value(x)}
        bound = None if maximise_value else float(solver.best_objective_bound)
        return _StageOutcome(placement, bound, callback.stopped)


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, batch_model: _BatchModel, context: _Context, stage: str):
        super().__init__()
        self.batch_model, self.context, self.stage = batch_model, context, stage
        self.stopped = False

    def on_solution_callback(self) -> None:
        placed = int(self.value(self.batch_model.placed))
        if self.context.report(self.stage, placed, float(self.value(self.batch_model.cost))):
            self.stopped = True
            self.stop_search()
