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


@dataclass(frozen=True)
class Stage:
    """One step of the lexicographic solve: minimise tier `tier` while every earlier tier stays
    within its cap (the value it reached in its own step)."""

    tier: int
    caps: tuple[int, ...] = ()  # caps[j] for each tier j < tier


@dataclass
class SolveContext:
    problem: Problem
    started: float
    deadline: float
    seed: int
    lower_bound: float  # the proven bound on the tier being minimised, as far as known
    progress: Progress | None
    stop: threading.Event | None
    tier: int = 0

    def report(self, stage: str, placed: int, key: tuple[int, ...]) -> bool:
        """Send progress on a proposal of this key; True if the caller asked to stop."""
        wants_stop = False
        if self.progress is not None:
            objective = float(key[1 + self.tier]) if len(key) > 1 + self.tier else 0.0
            wants_stop = bool(
                self.progress(
                    {
                        "stage": stage,
                        "tier": self.problem.policy.tiers[self.tier].name,
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
    bound: float | None  # CP-SAT's proven bound on the tier minimised
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
    in one home, created only where both fit the home together.  Each tier of the policy is a
    linear expression over these (impact only ever adds, so y may exceed the product only to
    its own cost).

    `fixed` units ({unit: home}) are not variables: they take their beds, their impact with a
    unit joining them is a plain cost, and a unit in conflict with them cannot join.

    With `elsewhere`, elsewhere[u] = unit u goes to a home outside its candidates, at each
    tier's least value over those homes, taking no bed and bringing no impact.  That relaxes the
    real problem (every real proposal maps to a model solution no worse in any tier), so
    CP-SAT's bound on this model bounds every proposal, not only those within the candidates.
    A solution using it is made real by placing those units in their best home left
    (place_in_order)."""

    def __init__(
        self,
        problem: Problem,
        candidates: dict[int, np.ndarray],
        fixed: dict[int, int] | None = None,
        elsewhere: bool = True,
        with_impact: bool = True,
    ):
        self.problem = problem
        self.with_impact = with_impact  # without: only who may live together, for the value
        self.fixed = fixed or {}
        self.candidates = candidates
        self.model = cp_model.CpModel()
        self.choices: list[tuple[int, int, cp_model.IntVar]] = []  # (unit, home, x)
        self.elsewhere: list[tuple[int, cp_model.IntVar]] = []  # (unit, elsewhere)
        self._fixed_in: dict[int, list[int]] = defaultdict(list)
        for u, h in self.fixed.items():
            self._fixed_in[h].append(u)
        # The fixed units' own tiers, which no variable changes: caps apply to the rest.
        self.fixed_tiers = problem.objective(self.fixed)[1]
        self._beds_left = problem.table.vacancies.copy()
        for u, h in self.fixed.items():
            self._beds_left[h] -= problem.beds_at(u, h)
        by_home: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
        terms: list[tuple[cp_model.IntVar, np.ndarray, int]] = []  # (literal, tiers, value)
        for u, positions in candidates.items():
            unit_terms = self._unit_choices(u, positions, by_home)
            if elsewhere:
                unit_terms += self._elsewhere_choice(u, positions)
            if unit_terms:
                self.model.add_at_most_one([literal for literal, _, _ in unit_terms])
            terms += unit_terms
        for h, entries in by_home.items():
            terms += [(y, np.array(tiers), 0) for y, tiers in self._home_constraints(h, entries)]
        weighted_sum = cp_model.LinearExpr.weighted_sum
        literals = [literal for literal, _, _ in terms]
        self.tier_sums = [
            weighted_sum(literals, [int(tiers[t]) for _, tiers, _ in terms])
            for t in range(problem.n_tiers)
        ]
        self.value = weighted_sum(literals, [value for _, _, value in terms])

    def _unit_choices(self, u: int, positions: np.ndarray, by_home) -> list:
        problem = self.problem
        terms = []
        for position in positions.tolist():
            h = int(problem.homes[u][position])
            beds = int(problem.beds[u][position])
            joining = self._tiers_of_joining_fixed(u, h)
            if beds > self._beds_left[h] or joining is None:
                continue
            x = self.model.new_bool_var(f"x_{u}_{h}")
            self.choices.append((u, h, x))
            by_home[h].append((u, beds, x))
            terms.append((x, problem.tiers[u][:, position] + joining, problem.value(u)))
        return terms

    def _tiers_of_joining_fixed(self, u: int, h: int) -> np.ndarray | None:
        """Impact with the fixed units of home h, or None if the unit may not live with them."""
        added = np.zeros(self.problem.n_tiers, dtype=np.int64)
        for other in self._fixed_in[h]:
            conflict, pair_tiers = self.problem.pair(u, other)
            if conflict:
                return None
            added += pair_tiers
        return added

    def _elsewhere_choice(self, u: int, positions: np.ndarray) -> list:
        outside = np.delete(self.problem.tiers[u], positions, axis=1)
        if outside.shape[1] == 0:
            return []
        z = self.model.new_bool_var(f"elsewhere_{u}")
        self.elsewhere.append((u, z))
        return [(z, outside.min(axis=1), self.problem.value(u))]

    def _home_constraints(self, h: int, entries) -> list[tuple[cp_model.IntVar, tuple]]:
        """Capacity and pair constraints of one home; returns its (y, impact tiers) terms."""
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
                conflict, pair_tiers = self.problem.pair(u, v)
                if conflict:
                    self.model.add_bool_or([~x_u, ~x_v])
                elif self.with_impact and any(pair_tiers):
                    together = self.model.new_bool_var(f"y_{u}_{v}_{h}")
                    self.model.add_bool_or([~x_u, ~x_v, together])
                    impact_terms.append((together, pair_tiers))
        return impact_terms

    def solve(
        self,
        context: SolveContext,
        label: str,
        stage: Stage,
        hint: dict[int, int],
        min_value: int,
        settings: SolverSettings,
    ) -> StageOutcome:
        """Minimise the stage's tier at value >= min_value (of the units not fixed), every
        earlier tier of the whole proposal within its cap."""
        model = self._hinted(hint)
        model.add(self.value >= min_value)
        for tier, cap in enumerate(stage.caps):
            model.add(self.tier_sums[tier] <= cap - self.fixed_tiers[tier])
        model.minimize(self.tier_sums[stage.tier])
        solver = _solver(settings)
        callback = _ProgressCallback(self, context, label, hint)
        status = solver.solve(model, callback)
        bound = _proven(solver, status)
        if bound is not None:
            bound += self.fixed_tiers[stage.tier]
        return StageOutcome(callback.best, bound, callback.stopped)

    def _hinted(self, hint: dict[int, int]) -> cp_model.CpModel:
        """The model with each unit's home in the hint hinted, never a value for every
        variable. CP-SAT takes a complete hint as its first solution before its interleaved
        workers start and files it only once they run: stopped in between (a time limit
        reached while our callback waits for the GIL, a stop), OR-Tools 9.15 postsolves an
        empty solution and aborts the process (`solution->size() == postsolve_mapping.size()`,
        issue 16). A partial hint is followed by the first worker instead, whose solution is
        filed like any other."""
        model = self.model.clone()
        for u, h, x in self.choices:
            if hint.get(u) == h:
                model.add_hint(x, True)
        return model

    def most_value(
        self, context: SolveContext, hint: dict[int, int], settings: SolverSettings
    ) -> StageOutcome:
        """The most placement value, and CP-SAT's proven bound on it."""
        model = self._hinted(hint)
        model.maximize(self.value)
        solver = _solver(settings)
        callback = _ProgressCallback(self, context, "most placed", hint)
        bound = _proven(solver, solver.solve(model, callback))
        value_bound = None if bound is None else int(np.floor(bound + 1e-6))
        return StageOutcome(callback.best, value_bound, callback.stopped)

    def placement(self, solution: cp_model.CpSolverSolutionCallback) -> dict[int, int]:
        """The real proposal of a model solution (fixed units included): units sent elsewhere
        go, after the others, to their best home left."""
        chosen = dict(self.fixed)
        chosen.update((u, h) for u, h, x in self.choices if solution.boolean_value(x))
        elsewhere = [u for u, z in self.elsewhere if solution.boolean_value(z)]
        if not elsewhere:
            return chosen
        return place_in_order(self.problem, [*chosen, *elsewhere], chosen)


def _proven(solver: cp_model.CpSolver, status) -> float | None:
    """CP-SAT's bound on the objective, if it proved one.  The hint is feasible, so the bound
    holds even if CP-SAT was stopped (UNKNOWN) before its first worker followed the hint."""
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        return None
    bound = float(solver.best_objective_bound)
    return bound if np.isfinite(bound) else None


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
        if self.context.report(self.stage, placed, key):
            self.stopped = True
            self.stop_search()
