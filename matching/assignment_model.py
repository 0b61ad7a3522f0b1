"""The CP-SAT assignment model, shared by the batch solve and its neighbourhood search."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from ortools.sat.python import cp_model

from matching.problem import Problem, place_in_order

Progress = Callable[[dict], bool | None]


@dataclass
class SolveContext:
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
        return wants_stop or self.stop_requested()

    def stop_requested(self) -> bool:
        return self.stop is not None and self.stop.is_set()


def relative_gap(objective: float, lower_bound: float) -> float:
    return 0.0 if objective <= 0 else max(0.0, (objective - lower_bound) / objective)


@dataclass
class StageOutcome:
    placement: dict[int, int] | None  # the best real proposal found, if better than the hint
    bound: float | None  # CP-SAT's proven bound on cost, when minimising cost
    stopped: bool


@dataclass(frozen=True)
class SolverSettings:
    """How CP-SAT runs: workers, seed and limits.  `work_limit` is CP-SAT's deterministic time,
    which makes the answer reproducible (with interleave_search); `seconds` is the wall-clock
    safety net behind it."""

    workers: int
    seed: int
    seconds: float
    work_limit: float


class AssignmentModel:
    """x[u, h] = unit u goes to candidate home h.  Per unit at most one home; per home beds used
    <= vacancies; y[u, v, h] >= x[u, h] + x[v, h] - 1 carries the impact between two new units
    in one home, created only where both fit the home together.

    `fixed` units ({unit: home}) are not variables: they take their beds, their impact with a
    unit joining them is a plain cost, and a unit in conflict with them cannot join.

    With `elsewhere`, elsewhere[u] = unit u goes to a home outside its candidates, at the cost of
    the cheapest of them, taking no bed and bringing no impact.  That relaxes the real problem
    (every real proposal maps to a model solution of no greater cost), so CP-SAT's bound on this
    model bounds every proposal, not only those within the candidates.  A solution using it is
    made real by placing those units in their cheapest home left (place_in_order)."""

    def __init__(
        self,
        problem: Problem,
        candidates: dict[int, np.ndarray],
        fixed: dict[int, int] | None = None,
        elsewhere: bool = True,
    ):
        self.problem = problem
        self.fixed = fixed or {}
        self.candidates = candidates
        self.model = cp_model.CpModel()
        self.choices: list[tuple[int, int, cp_model.IntVar]] = []  # (unit, home, x)
        self.elsewhere: list[tuple[int, cp_model.IntVar]] = []  # (unit, elsewhere)
        self._fixed_in: dict[int, list[int]] = defaultdict(list)
        for u, h in self.fixed.items():
            self._fixed_in[h].append(u)
        self._beds_left = problem.table.vacancies.copy()
        for u, h in self.fixed.items():
            self._beds_left[h] -= problem.beds_at(u, h)
        by_home: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
        terms: list[tuple[cp_model.IntVar, int, int]] = []  # (literal, cost, value)
        for u, positions in candidates.items():
            unit_terms = self._unit_choices(u, positions, by_home)
            if elsewhere:
                unit_terms += self._elsewhere_choice(u, positions)
            if unit_terms:
                self.model.add_at_most_one([literal for literal, _, _ in unit_terms])
            terms += unit_terms
        for h, entries in by_home.items():
            terms += [(y, points, 0) for y, points in self._home_constraints(h, entries)]
        weighted_sum = cp_model.LinearExpr.weighted_sum
        literals = [literal for literal, _, _ in terms]
        self.cost = weighted_sum(literals, [cost for _, cost, _ in terms])
        self.value = weighted_sum(literals, [value for _, _, value in terms])

    def _unit_choices(self, u: int, positions: np.ndarray, by_home) -> list:
        problem = self.problem
        terms = []
        for position in positions.tolist():
            h = int(problem.homes[u][position])
            beds = int(problem.beds[u][position])
            joining_cost = self._cost_of_joining_fixed(u, h)
            if beds > self._beds_left[h] or joining_cost is None:
                continue
            x = self.model.new_bool_var(f"x_{u}_{h}")
            self.choices.append((u, h, x))
            by_home[h].append((u, beds, x))
            terms.append((x, int(problem.costs[u][position]) + joining_cost, problem.value(u)))
        return terms

    def _cost_of_joining_fixed(self, u: int, h: int) -> int | None:
        """Impact with the fixed units of home h, or None if the unit may not live with them."""
        points = 0
        for other in self._fixed_in[h]:
            conflict, impact = self.problem.pair(u, other)
            if conflict:
                return None
            points += impact
        return points

    def _elsewhere_choice(self, u: int, positions: np.ndarray) -> list:
        outside = _first_outside(positions, len(self.problem.homes[u]))
        if outside is None:
            return []
        z = self.model.new_bool_var(f"elsewhere_{u}")
        self.elsewhere.append((u, z))
        return [(z, int(self.problem.costs[u][outside]), self.problem.value(u))]

    def _home_constraints(self, h: int, entries) -> list[tuple[cp_model.IntVar, int]]:
        """Capacity and pair constraints of one home; returns its (y, impact points) terms."""
        beds_left = int(self._beds_left[h])
        if sum(beds for _, beds, _ in entries) > beds_left:
            self.model.add(
                cp_model.LinearExpr.weighted_sum(
                    [x for _, _, x in entries], [beds for _, beds, _ in entries]
                )
                <= beds_left
            )
        impact_terms = []
        for i, (u, beds_u, x_u) in enumerate(entries):
            for v, beds_v, x_v in entries[i + 1 :]:
                if beds_u + beds_v > beds_left:
                    continue  # capacity already keeps them apart
                conflict, points = self.problem.pair(u, v)
                if conflict:
                    self.model.add_bool_or([~x_u, ~x_v])
                elif points > 0:
                    together = self.model.new_bool_var(f"y_{u}_{v}_{h}")
                    self.model.add_bool_or([~x_u, ~x_v, together])
                    impact_terms.append((together, points))
        return impact_terms

    def solve(
        self,
        context: SolveContext,
        stage: str,
        hint: dict[int, int],
        min_value: int,
        settings: SolverSettings,
    ) -> StageOutcome:
        """Minimise cost at value >= min_value."""
        model = self.model.clone()
        # Hint each unit's home only, never a value for every variable. CP-SAT takes a
        # complete hint as its first solution before its interleaved workers start and files
        # it only once they run: stopped in between (a time limit reached while our callback
        # waits for the GIL, a stop), OR-Tools 9.15 postsolves an empty solution and aborts
        # the process (`solution->size() == postsolve_mapping.size()`). A partial hint is
        # followed by the first worker instead, whose solution is filed like any other.
        for u, h, x in self.choices:
            if hint.get(u) == h:
                model.add_hint(x, True)
        model.add(self.value >= min_value)
        model.minimize(self.cost)
        solver = _solver(settings)
        callback = _ProgressCallback(self, context, stage, hint)
        status = solver.solve(model, callback)
        bound = None
        # The hint is feasible, so the bound holds even if CP-SAT was stopped (UNKNOWN) before
        # its first worker had followed the hint to a solution.
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
            bound = float(solver.best_objective_bound)
        return StageOutcome(callback.best, bound, callback.stopped)

    def placement(self, solution: cp_model.CpSolverSolutionCallback) -> dict[int, int]:
        """The real proposal of a model solution (fixed units included): units sent elsewhere
        go, after the others, to their cheapest home left."""
        chosen = dict(self.fixed)
        chosen.update((u, h) for u, h, x in self.choices if solution.boolean_value(x))
        elsewhere = [u for u, z in self.elsewhere if solution.boolean_value(z)]
        if not elsewhere:
            return chosen
        return place_in_order(self.problem, [*chosen, *elsewhere], chosen)


def _solver(settings: SolverSettings) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = settings.workers
    # Interleaved workers follow one deterministic schedule: with the work limit, the same
    # seed gives the same answer whatever the machine's load.
    solver.parameters.interleave_search = settings.workers > 1
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_time_in_seconds = max(0.05, settings.seconds)
    solver.parameters.max_deterministic_time = max(0.01, settings.work_limit)
    return solver


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Keeps the best real proposal among CP-SAT's solutions and reports each improvement."""

    def __init__(
        self, model: AssignmentModel, context: SolveContext, stage: str, start: dict[int, int]
    ):
        super().__init__()
        self.assignment_model, self.context, self.stage = model, context, stage
        self.best: dict[int, int] | None = None
        self.best_key = context.problem.key({**model.fixed, **start})
        self.stopped = False

    def on_solution_callback(self) -> None:
        placement = self.assignment_model.placement(self)
        key = self.context.problem.key(placement)
        if key >= self.best_key:
            return
        self.best, self.best_key = placement, key
        placed = self.context.problem.children_placed(placement)
        if self.context.report(self.stage, placed, float(key[1])):
            self.stopped = True
            self.stop_search()


def _first_outside(positions: np.ndarray, n_homes: int) -> int | None:
    """Position of the unit's cheapest feasible home that is not a candidate, if any."""
    outside = np.setdiff1d(np.arange(min(n_homes, len(positions) + 1)), positions)
    return int(outside[0]) if len(outside) else None
