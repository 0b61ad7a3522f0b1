"""The batch as home patterns, by column generation: a bound that sees the impact between new
children sharing a home, and a proposal from the patterns found (price-and-branch).

A pattern is a set of units one home can take together: beds within its vacancies, no two units
that may not live together.  Its cost is the units' costs there plus the impact between them.
The master picks at most one pattern per home and at most one home per unit, at a placement
value (and, for a later tier of the policy, every earlier tier within its cap), for the least
value of the tier minimised.  Its LP relaxation prices the impact between children who share a
home, which the x/y model cannot (its LP sets every y = x_a + x_b - 1 term to zero): on the
North East scarce case (300 referrals, seed 0) the LP bound is 1,778,629 against 1,740,603 for
the batch solved exactly without that impact.

Column generation: GLOP solves the master over the patterns found so far; at its duals, each
home's cheapest pattern is found exactly (`cheapest_pattern`) and added if its reduced cost is
negative.  From exact pricing the Lagrangian bound (Desrosiers & Lübbecke, "A primer in column
generation", 2005) bounds every proposal of at least the value, whenever we stop.  The proposal
is the LP's solution where it is whole, else SCIP's best choice among the patterns found.

Each unit is offered its N best homes by the policy, N = units in the batch.  When placing, any
proposal using another home can move that unit to one of those N that no other unit uses, at the
same value, so that pruning changes no optimum.  For a tier under caps a better home by the
policy may be worse in the tier minimised, so a unit may also take any home beyond its N alone,
as an "outside" column with no home row: taking no bed and bringing no impact.  Every real
proposal maps to a master solution no worse in any tier, so the bound stays proven; pricing
finds each unit's best outside column like any pattern, and a proposal using one is made real by
placing those units there, or in their best home left.
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

from matching.assignment_model import SolveContext, Stage
from matching.problem import Problem, place_in_order

# Reduced costs within this of zero are zero (GLOP's duals carry rounding of about 1e-9).
TOLERANCE = 1e-6
# A bound within this above a whole number is that number plus the LP's rounding noise.
ROUNDING = 1e-4
CAP_SLACK = 0.5
# Each unit starts in the master alone in this many of its best homes.
FIRST_SINGLES = 5
# SCIP stops choosing among the patterns once within this of its bound: far inside the 2%
# wanted, and proving the last 0.01% took SCIP 14 s of 16 on the East Midlands case.
COST_GAP = 1e-3


@dataclass(frozen=True)
class PatternSolution:
    placement: dict[int, int] | None  # the best proposal found, None if none
    bound: float  # proven lower bound on the master's objective (minus value, when placing)
    proven: bool  # pricing proved the LP optimal: the bound is the master's LP bound


@dataclass(frozen=True)
class Duals:
    unit: np.ndarray  # <= 0, of "at most one home per unit"
    home: dict[int, float]  # <= 0, of "at most one pattern per home"
    value: float  # >= 0, of "placement value at least the target" (0 without the row)
    caps: np.ndarray  # <= 0, of "tier j within its cap", one per earlier tier


class PatternMaster:
    """With a stage: the least value of its tier at placement value >= `value`, earlier tiers
    within their caps.  With stage None: the most value (the objective is minus the value)."""

    def __init__(
        self,
        problem: Problem,
        options: PatternOptions,
        stage: Stage | None,
        value: int | None,
        starts: Sequence[dict[int, int]],
    ):
        self.problem, self.stage, self.target = problem, stage, value
        self.options, self.kept = options.homes, options.kept
        self.values = np.array([problem.value(u) for u in range(len(problem.units))])
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.lp.infinity()
        self.unit_rows = [self.lp.Constraint(-infinity, 1) for _ in problem.units]
        self.home_rows = {h: self.lp.Constraint(-infinity, 1) for h in self.options}
        costing = stage is not None
        self.value_row = self.lp.Constraint(value, infinity) if costing else None
        # Tiers are whole numbers, so "within the cap" is "below cap + 1/2": the same proposals,
        # and room for GLOP's tolerances when a cap is the LP's own optimum (else it may call
        # the master infeasible).
        self.caps = np.array(stage.caps if costing else (), dtype=float) + CAP_SLACK
        self.cap_rows = [self.lp.Constraint(-infinity, cap) for cap in self.caps]
        # (home, units) -> (objective, tier values)
        self.patterns: dict[tuple[int, tuple[int, ...]], tuple[int, np.ndarray]] = {}
        self._columns: list[pywraplp.Variable] = []  # the LP's, in the order of `patterns`
        # Each unit alone in its best few homes, so that the first duals already price units
        # sensibly (from none, every unit looks worth adding and pricing's search explodes);
        # pricing adds the rest the LP wants.
        for h, home_options in self.options.items():
            for u in home_options.units[home_options.rank < FIRST_SINGLES].tolist():
                self.add(h, (u,))
        for start in starts:
            for h, units in _patterns_of(start).items():
                if h in self.options and self.options[h].offers(units):  # within the N best
                    self.add(h, units)

    @property
    def costing(self) -> bool:
        return self.stage is not None

    def add(self, h: int, units: Sequence[int]) -> bool:
        """Add the pattern as a column; False if it is there already."""
        key = (h, tuple(sorted(units)))
        if key in self.patterns:
            return False
        value = int(self.values[list(key[1])].sum())
        if h < 0:
            tiers = self.problem.tiers_at(key[1][0], outside_home(h))
        else:
            tiers = self.options[h].tiers_of(key[1], self.problem)
        objective = int(tiers[self.stage.tier]) if self.costing else -value
        self.patterns[key] = (objective, tiers)
        # No upper bound: "at most one pattern per home" (or per unit) implies it, and a bound
        # on the column would hide its reduced cost from the duals.
        column = self.lp.NumVar(0, self.lp.infinity(), "")
        self.lp.Objective().SetCoefficient(column, objective)
        if h >= 0:
            self.home_rows[h].SetCoefficient(column, 1)
        for u in key[1]:
            self.unit_rows[u].SetCoefficient(column, 1)
        if self.value_row is not None:
            self.value_row.SetCoefficient(column, value)
        for tier, row in enumerate(self.cap_rows):
            row.SetCoefficient(column, float(tiers[tier]))
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
            caps=np.minimum(0.0, [row.dual_value() for row in self.cap_rows]),
        )

    def tier_prices(self, duals: Duals) -> np.ndarray:
        """What a point of each tier costs in the Lagrangian at these duals: 1 for the tier
        minimised, minus the cap's dual for each earlier tier, 0 for later ones."""
        prices = np.zeros(self.problem.n_tiers)
        prices[self.stage.tier] = 1.0
        prices[: len(duals.caps)] -= duals.caps
        return prices

    def price(self, duals: Duals) -> tuple[float, int]:
        """Add every home's cheapest pattern at these duals if its reduced cost is negative;
        returns (Lagrangian bound on the objective, patterns added).

        For a proposal P (at most one pattern per home and home per unit, value >= target,
        tiers within caps), objective(P) = sum of its patterns' reduced costs + duals . rows(P)
        >= sum over homes of min(0, cheapest reduced cost) + sum of unit and home duals + value
        dual * target + cap duals . caps."""
        bound = (
            duals.unit.sum()
            + sum(duals.home.values())
            + duals.value * (self.target or 0)
            + float(duals.caps @ self.caps)
        )
        prices = self.tier_prices(duals) if self.costing else None
        added = 0
        if self.costing:  # outside columns: each unit's are a block of their own
            for u, tiers in enumerate(self.problem.tiers):
                if tiers.shape[1] <= self.kept:
                    continue
                reduced = prices @ tiers[:, self.kept :] - duals.unit[u]
                reduced -= duals.value * self.values[u]
                best = int(np.argmin(reduced))
                bound += min(0.0, float(reduced[best]))
                if reduced[best] < -TOLERANCE:
                    h = int(self.problem.homes[u][self.kept + best])
                    added += self.add(outside_column(h), (u,))
        for h, options in self.options.items():
            units = options.units
            per_unit = -duals.unit[units] - duals.value * self.values[units]
            if self.costing:
                reduced = prices @ options.tiers + per_unit
                pair_costs = options.priced_pairs(prices)
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
        the patterns found: at most one per home and per unit (at least the target value and
        earlier tiers within their caps, when costing).  The LP is nearly integral here, so SCIP
        proves it in seconds where CP-SAT, without the LP, searches (North East: 4.4 s against
        20 s)."""
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
        return self._proposal(chosen)

    def _proposal(self, chosen: list[tuple[int, tuple[int, ...]]]) -> dict[int, int]:
        """The real proposal of chosen patterns: units in outside columns go, after the others,
        to that home if it can take them, else to their best home left."""
        placement = {u: h for h, units in chosen if h >= 0 for u in units}
        outside = {units[0]: outside_home(h) for h, units in chosen if h < 0}
        if not outside:
            return placement
        return place_in_order(self.problem, [*placement, *outside], {**placement, **outside})

    def _branch(self, hint: dict[int, int], seconds: float) -> dict[int, int] | None:
        solver = pywraplp.Solver.CreateSolver("SCIP")
        solver.set_time_limit(max(1, int(seconds * 1000)))
        rows_of = defaultdict(list)
        value_row = solver.Constraint(self.target or 0, solver.infinity())
        cap_rows = [solver.Constraint(-solver.infinity(), float(cap)) for cap in self.caps]
        hinted = set(_patterns_of(hint).items())
        chosen, hints = [], []
        for (h, units), (objective, tiers) in self.patterns.items():
            z = solver.BoolVar("")
            solver.Objective().SetCoefficient(z, objective)
            value_row.SetCoefficient(z, float(self.values[list(units)].sum()))
            for tier, row in enumerate(cap_rows):
                row.SetCoefficient(z, float(tiers[tier]))
            for row in [("home", h), *(("unit", u) for u in units)]:
                if row[1] >= 0 or row[0] == "unit":  # outside columns have no home row
                    rows_of[row].append(z)
            chosen.append((h, units, z))
            hints.append((z, float((h, units) in hinted)))
        for literals in rows_of.values():
            solver.Add(solver.Sum(literals) <= 1)
        solver.SetHint([z for z, _ in hints], [value for _, value in hints])
        # The most value exactly: SCIP's default relative gap (1e-4) could stop a child's
        # urgency short on a value of ~150,000.  A tier stops within COST_GAP of SCIP's bound.
        parameters = pywraplp.MPSolverParameters()
        parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, COST_GAP if self.costing else 0.0)
        if solver.Solve(parameters) not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        return self._proposal([(h, units) for h, units, z in chosen if z.solution_value() > 0.5])


@dataclass
class HomeOptions:
    """The units that may go to one home: aligned arrays of unit, tier values there (one row
    per tier) and beds taken, and the impact points between them (inf where two may not live
    together)."""

    units: np.ndarray
    rank: np.ndarray  # the home's position in each unit's list, best first
    tiers: np.ndarray
    beds: np.ndarray
    impact: np.ndarray
    impact_weights: np.ndarray  # points per impact point in each tier

    @property
    def conflicts(self) -> np.ndarray:
        """inf where two units may not live together, else 0: the pair costs when placing."""
        return np.where(np.isinf(self.impact), np.inf, 0.0)

    def priced_pairs(self, prices: np.ndarray) -> np.ndarray:
        """Pair costs at these prices per tier point (inf where two may not live together):
        the whole-number impact tiers, as Problem.pair rounds them, priced."""
        costs = self.conflicts
        finite = np.where(np.isinf(self.impact), 0.0, self.impact)
        for tier, per_point in enumerate(self.impact_weights):
            if per_point and prices[tier]:
                costs = costs + prices[tier] * np.rint(per_point * finite)
        return costs

    def offers(self, units: Sequence[int]) -> bool:
        return bool(np.isin(units, self.units).all())

    @cached_property
    def _where(self) -> dict[int, int]:
        return {u: i for i, u in enumerate(self.units.tolist())}

    def tiers_of(self, units: tuple[int, ...], problem: Problem) -> np.ndarray:
        tiers = self.tiers[:, [self._where[u] for u in units]].sum(axis=1)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                tiers = tiers + problem.pair(a, b)[1]
        return tiers


@dataclass(frozen=True)
class PatternOptions:
    """Each home's options: every unit is offered its `kept` best homes."""

    homes: dict[int, HomeOptions]
    kept: int


def outside_column(h: int) -> int:
    """The key's home of a unit's outside column at home h (negative: it has no home row)."""
    return -2 - h


def outside_home(key_home: int) -> int:
    return -2 - key_home


def options_by_home(problem: Problem) -> PatternOptions:
    """Each unit offered its N best homes, N = units in the batch (see the module's notes)."""
    kept = len(problem.units)
    entries: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for u in range(len(problem.units)):
        for position, h in enumerate(problem.homes[u][:kept].tolist()):
            entries[h].append((u, position, int(problem.beds[u][position])))
    impact = _impact_between(problem)
    options = {}
    for h, rows in sorted(entries.items()):
        units = np.array([u for u, _, _ in rows])
        options[h] = HomeOptions(
            units=units,
            rank=np.array([position for _, position, _ in rows]),
            tiers=np.array([problem.tiers[u][:, position] for u, position, _ in rows]).T,
            beds=np.array([beds for _, _, beds in rows]),
            impact=impact[np.ix_(units, units)],
            impact_weights=problem.impact_weights,
        )
    return PatternOptions(options, kept)


def _impact_between(problem: Problem) -> np.ndarray:
    """Impact points between every two units, inf where they may not live together (and on
    the diagonal: no unit joins itself)."""
    relations = problem.relations
    impact = np.where(relations.conflict, np.inf, relations.impact)
    np.fill_diagonal(impact, np.inf)
    return impact


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


def most_value_by_patterns(
    context: SolveContext,
    options: PatternOptions,
    start: dict[int, int],
    pricing_deadline: float,
    deadline: float,
) -> PatternSolution | None:
    """The most value the patterns can place (never below the start's), and a proven upper
    bound on the value of any proposal: minus the bound returned.  None if the LP fails."""
    master = PatternMaster(context.problem, options, None, None, [start])
    generated = _generate_columns(master, context, pricing_deadline)
    if generated is None:
        return None
    bound, proven = generated
    most = master.best_proposal(start, max(0.0, deadline - perf_counter()))
    return PatternSolution(most, bound, proven)


def least_tier_by_patterns(
    context: SolveContext,
    options: PatternOptions,
    stage: Stage,
    value: int,
    starts: Sequence[dict[int, int]],
    pricing_deadline: float,
    deadline: float,
) -> PatternSolution | None:
    """The least value of the stage's tier at placement value >= `value`, earlier tiers within
    their caps, and its proven bound; None if the master cannot be solved."""
    master = PatternMaster(context.problem, options, stage, value, starts)
    generated = _generate_columns(master, context, pricing_deadline)
    if generated is None:
        return None
    bound, proven = generated
    placement = master.best_proposal(starts[-1], max(0.0, deadline - perf_counter()))
    return PatternSolution(placement, bound, proven)


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
        # Objectives are whole numbers, so is their least: the LP's rounding noise rounds away.
        bound = max(bound, math.ceil(round_bound - ROUNDING))
        if added == 0:
            return float(bound), True
        if perf_counter() > deadline or context.stop_requested():
            return float(bound), False
