"""The batch as home patterns, by column generation: a bound that sees the impact between new
children sharing a home, and a proposal from the patterns found (price-and-branch).

A pattern is a set of units one home can take together: beds within its vacancies, no two units
that may not live together.  Its cost is the units' costs there plus the impact between them.
The master picks at most one pattern per home and at most one home per unit, at a placement
value, for the least cost.  Its LP relaxation prices the impact between children who share a
home, which the x/y model cannot (its LP sets every y = x_a + x_b - 1 term to zero): on the
North East scarce case (300 referrals, seed 0) the LP bound is 1,778,629 against 1,740,603 for
the batch solved exactly without that impact.

Column generation: GLOP solves the master over the patterns found so far; at its duals, each
home's cheapest pattern is found exactly (`cheapest_pattern`) and added if its reduced cost is
negative.  From exact pricing the Lagrangian bound (Desrosiers & Lübbecke, "A primer in column
generation", 2005) bounds every proposal of at least the value, whenever we stop.  The proposal
is the LP's solution where it is whole, else SCIP's best choice among the patterns found.

Each unit is offered its N cheapest homes, N = units in the batch: any proposal using a dearer
home can move that unit to one of those N that no other unit uses, at no greater cost, so the
pruning changes no optimum and the bound stays proven.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from time import perf_counter

import numpy as np
from ortools.linear_solver import pywraplp

from matching.assignment_model import SolveContext
from matching.problem import Problem

# Reduced costs within this of zero are zero (GLOP's duals carry rounding of about 1e-9).
TOLERANCE = 1e-6
# A bound within this above a whole number is that number plus the LP's rounding noise.
ROUNDING = 1e-4
# Shares of the time left: pricing for the most value, then choosing among those patterns;
# pricing for the least cost, the choice among those getting the rest.  Pricing normally ends
# long before its share, when no pattern improves the LP.
PLACING_PRICING_SHARE = 0.25
PLACING_SHARE = 0.25
PRICING_SHARE = 0.5
# SCIP stops choosing among the patterns once within this of its bound: far inside the 2%
# wanted, and proving the last 0.01% took SCIP 14 s of 16 on the East Midlands case.
COST_GAP = 1e-3


@dataclass(frozen=True)
class PatternSolution:
    placement: dict[int, int] | None  # the best proposal found at the value, None if none
    value: int  # the placement value the cost bound holds at
    cost_bound: float  # proven lower bound on the cost of any proposal of at least the value
    proven: bool  # pricing proved the LP optimal: the bound is the master's LP bound


@dataclass(frozen=True)
class Duals:
    unit: np.ndarray  # <= 0, of "at most one home per unit"
    home: dict[int, float]  # <= 0, of "at most one pattern per home"
    value: float  # >= 0, of "placement value at least the target" (0 without the row)


class PatternMaster:
    """Least cost at placement value >= `value`; or, with value None, the most value (the
    objective is then minus the value, cost aside)."""

    def __init__(
        self,
        problem: Problem,
        options: dict[int, HomeOptions],
        value: int | None,
        starts: Sequence[dict[int, int]],
    ):
        self.problem, self.options, self.target = problem, options, value
        self.costing = value is not None
        self.values = np.array([problem.value(u) for u in range(len(problem.units))])
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.lp.infinity()
        self.unit_rows = [self.lp.Constraint(-infinity, 1) for _ in problem.units]
        self.home_rows = {h: self.lp.Constraint(-infinity, 1) for h in self.options}
        self.value_row = self.lp.Constraint(value, infinity) if self.costing else None
        self.patterns: dict[tuple[int, tuple[int, ...]], int] = {}  # (home, units) -> objective
        self._columns: list[pywraplp.Variable] = []  # the LP's, in the order of `patterns`
        for h, options in self.options.items():
            for u in options.units.tolist():
                self.add(h, (u,))
        for start in starts:
            for h, units in _patterns_of(start).items():
                self.add(h, units)

    def add(self, h: int, units: Sequence[int]) -> bool:
        """Add the pattern as a column; False if it is there already."""
        key = (h, tuple(sorted(units)))
        if key in self.patterns:
            return False
        value = int(self.values[list(key[1])].sum())
        objective = self.options[h].cost_of(key[1], self.problem) if self.costing else -value
        self.patterns[key] = objective
        # No upper bound: "at most one pattern per home" implies it, and a bound on the column
        # would hide its reduced cost from the duals.
        column = self.lp.NumVar(0, self.lp.infinity(), "")
        self.lp.Objective().SetCoefficient(column, objective)
        self.home_rows[h].SetCoefficient(column, 1)
        for u in key[1]:
            self.unit_rows[u].SetCoefficient(column, 1)
        if self.value_row is not None:
            self.value_row.SetCoefficient(column, value)
        self._columns.append(column)
        return True

    def solve_lp(self) -> Duals | None:
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        # Clip to the signs the rows allow: the bound below holds for any duals of these signs.
        return Duals(
            unit=np.minimum(0.0, [row.dual_value() for row in self.unit_rows]),
            home={h: min(0.0, row.dual_value()) for h, row in self.home_rows.items()},
            value=max(0.0, self.value_row.dual_value()) if self.value_row is not None else 0.0,
        )

    def price(self, duals: Duals) -> tuple[float, int]:
        """Add every home's cheapest pattern at these duals if its reduced cost is negative;
        returns (Lagrangian bound on the objective, patterns added).

        For a proposal P (at most one pattern per home and home per unit, value >= target),
        objective(P) = sum of its patterns' reduced costs + duals . rows(P) >= sum over homes
        of min(0, cheapest reduced cost) + sum of unit and home duals + value dual * target."""
        bound = duals.unit.sum() + sum(duals.home.values()) + duals.value * (self.target or 0)
        added = 0
        for h, options in self.options.items():
            units = options.units
            per_unit = -duals.unit[units] - duals.value * self.values[units]
            if self.costing:
                reduced, pair_costs = options.costs + per_unit, options.pair_costs
            else:
                reduced, pair_costs = per_unit - self.values[units], options.conflicts
            vacancies = int(self.problem.table.vacancies[h])
            found = cheapest_pattern(reduced, options.beds, pair_costs, vacancies)
            if found is None:
                continue
            pattern, reduced_cost = found
            reduced_cost -= duals.home[h]
            bound += min(0.0, reduced_cost)
            if reduced_cost < -TOLERANCE:
                added += self.add(h, units[pattern].tolist())
        return bound, added

    def best_proposal(self, hint: dict[int, int], seconds: float) -> dict[int, int] | None:
        """The LP's solution if it is whole (then it is the best); else SCIP's best choice among
        the patterns found: at most one per home and per unit (at least the target value, when
        costing).  The LP is nearly integral here, so SCIP proves it in seconds where CP-SAT,
        without the LP, searches (North East: 4.4 s against 20 s)."""
        whole = self._whole_lp_solution()
        if whole is not None:
            return whole
        return self._branch(hint, seconds)

    def _whole_lp_solution(self) -> dict[int, int] | None:
        # Often every column is 0 or 1 already (West Midlands, 300 referrals: 194 patterns at
        # one, none between), where SCIP would still take 26 s to say so.
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:  # again, if columns came after it
            return None
        values = np.array([column.solution_value() for column in self._columns])
        if len(values) == 0 or np.any(np.minimum(values, 1 - values) > TOLERANCE):
            return None
        chosen = [key for key, value in zip(self.patterns, values, strict=True) if value > 0.5]
        return {u: h for h, units in chosen for u in units}

    def _branch(self, hint: dict[int, int], seconds: float) -> dict[int, int] | None:
        solver = pywraplp.Solver.CreateSolver("SCIP")
        solver.set_time_limit(max(1, int(seconds * 1000)))
        rows_of = defaultdict(list)
        value_row = solver.Constraint(self.target or 0, solver.infinity())
        hinted = set(_patterns_of(hint).items())
        chosen, hints = [], []
        for (h, units), objective in self.patterns.items():
            z = solver.BoolVar("")
            solver.Objective().SetCoefficient(z, objective)
            value_row.SetCoefficient(z, float(self.values[list(units)].sum()))
            for row in [("home", h), *(("unit", u) for u in units)]:
                rows_of[row].append(z)
            chosen.append((h, units, z))
            hints.append((z, float((h, units) in hinted)))
        for literals in rows_of.values():
            solver.Add(solver.Sum(literals) <= 1)
        solver.SetHint([z for z, _ in hints], [value for _, value in hints])
        # The most value exactly: SCIP's default relative gap (1e-4) could stop a child's
        # urgency short on a value of ~150,000.  Cost stops within COST_GAP of SCIP's bound.
        parameters = pywraplp.MPSolverParameters()
        parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, COST_GAP if self.costing else 0.0)
        if solver.Solve(parameters) not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        return {u: h for h, units, z in chosen if z.solution_value() > 0.5 for u in units}


@dataclass
class HomeOptions:
    """The units that may go to one home: aligned arrays of unit, cost there and beds taken,
    and the pair costs between them (inf where two may not live together)."""

    units: np.ndarray
    costs: np.ndarray
    beds: np.ndarray
    pair_costs: np.ndarray

    @cached_property
    def conflicts(self) -> np.ndarray:
        """inf where two units may not live together, else 0: the pair costs when placing."""
        return np.where(np.isinf(self.pair_costs), np.inf, 0.0)

    def cost_of(self, units: tuple[int, ...], problem: Problem) -> int:
        where = {u: i for i, u in enumerate(self.units.tolist())}
        positions = [where[u] for u in units]
        cost = int(self.costs[positions].sum())
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                cost += problem.pair(a, b)[1]
        return cost


def options_by_home(problem: Problem) -> dict[int, HomeOptions]:
    kept = len(problem.units)
    entries: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for u in range(len(problem.units)):
        homes, costs, beds = (
            a[u][:kept].tolist() for a in (problem.homes, problem.costs, problem.beds)
        )
        for h, cost, bed_use in zip(homes, costs, beds, strict=True):
            entries[h].append((u, cost, bed_use))
    pair_costs = _pair_costs(problem)
    options = {}
    for h, rows in sorted(entries.items()):
        units = np.array([u for u, _, _ in rows])
        options[h] = HomeOptions(
            units=units,
            costs=np.array([cost for _, cost, _ in rows], dtype=float),
            beds=np.array([beds for _, _, beds in rows]),
            pair_costs=pair_costs[np.ix_(units, units)],
        )
    return options


def _pair_costs(problem: Problem) -> np.ndarray:
    """Impact points between every two units, inf where they may not live together (and on
    the diagonal: no unit joins itself)."""
    n = len(problem.units)
    costs = np.full((n, n), np.inf)
    for a in range(n):
        for b in range(a + 1, n):
            conflict, points = problem.pair(a, b)
            if not conflict:
                costs[a, b] = costs[b, a] = points
    return costs


def cheapest_pattern(
    reduced: np.ndarray, beds: np.ndarray, pair_costs: np.ndarray, vacancies: int
) -> tuple[np.ndarray, float] | None:
    """The pattern of least reduced cost (positions into the arrays, and that cost), or None if
    no pattern's is negative.  Exact branch and bound over the units of negative reduced cost:
    pair costs are never negative, so adding any other unit never lowers a pattern's cost."""
    candidates = np.flatnonzero((reduced < 0) & (beds <= vacancies))
    if len(candidates) == 0:
        return None
    candidates = candidates[np.argsort(reduced[candidates], kind="stable")]
    pairs = pair_costs[np.ix_(candidates, candidates)]
    search = _PatternSearch(beds[candidates], pairs, vacancies)
    search.visit(-1, [], 0, 0.0, reduced[candidates].astype(float))
    if search.best is None:
        return None
    return candidates[search.best], search.best_cost


class _PatternSearch:
    def __init__(self, beds: np.ndarray, pairs: np.ndarray, vacancies: int):
        self.beds, self.pairs, self.vacancies = beds, pairs, vacancies
        self.positions = np.arange(len(beds))
        self.best: list[int] | None = None
        self.best_cost = 0.0

    def visit(self, last: int, chosen: list[int], beds: int, cost: float, marginal) -> None:
        """`marginal[i]` is what adding candidate i to `chosen` would add to its cost."""
        if chosen and cost < self.best_cost:
            self.best, self.best_cost = list(chosen), cost
        room = self.vacancies - beds
        addable = np.flatnonzero((self.positions > last) & (self.beds <= room) & (marginal < 0))
        if len(addable) == 0:
            return
        # Each addition takes a bed or more and adds at most its marginal (impact among the
        # additions only raises it): the `room` most negative marginals bound what is left.
        most = min(room, len(addable))
        if cost + np.partition(marginal[addable], most - 1)[:most].sum() >= self.best_cost:
            return
        for i in addable.tolist():
            self.visit(
                i,
                [*chosen, i],
                beds + int(self.beds[i]),
                cost + marginal[i],
                marginal + self.pairs[i],
            )


def _patterns_of(placement: dict[int, int]) -> dict[int, tuple[int, ...]]:
    by_home: dict[int, list[int]] = defaultdict(list)
    for u, h in placement.items():
        by_home[h].append(u)
    return {h: tuple(sorted(units)) for h, units in by_home.items()}


def solve_by_patterns(
    context: SolveContext, start: dict[int, int], deadline: float
) -> PatternSolution | None:
    """The most value the patterns can place, then the least cost at it; None if the master
    cannot be solved.  Never below the start's value."""
    problem = context.problem
    options = options_by_home(problem)
    placing = PatternMaster(problem, options, None, [start])
    _generate_columns(placing, context, _share_of(deadline, PLACING_PRICING_SHARE))
    hint = start
    most = placing.best_proposal(start, (deadline - perf_counter()) * PLACING_SHARE)
    if most is not None and problem.key(most) < problem.key(start):
        hint = most
    value = problem.objective(hint)[0]
    costing = PatternMaster(problem, options, value, [start, hint])
    generated = _generate_columns(costing, context, _share_of(deadline, PRICING_SHARE))
    if generated is None:
        return None
    bound, proven = generated
    placement = costing.best_proposal(hint, max(0.0, deadline - perf_counter()))
    return PatternSolution(placement, value, bound, proven)


def _share_of(deadline: float, share: float) -> float:
    return perf_counter() + max(0.0, deadline - perf_counter()) * share


def _generate_columns(
    master: PatternMaster, context: SolveContext, deadline: float
) -> tuple[float, bool] | None:
    """Price until no pattern improves the LP (or the deadline); returns (the best Lagrangian
    bound, whether the LP was proven optimal), None if the LP has no solution."""
    bound = -np.inf
    while True:
        duals = master.solve_lp()
        if duals is None:
            return None
        round_bound, added = master.price(duals)
        # Costs are whole points, so is the least cost: the LP's rounding noise rounds away.
        bound = max(bound, math.ceil(round_bound - ROUNDING))
        if added == 0:
            return float(bound), True
        if perf_counter() > deadline or context.stop_requested():
            return float(bound), False
