"""The batch without the impact between new children, solved exactly as a MIP (SCIP).

It keeps what the flow (bound.py) relaxes — a sibling group takes k beds in one home, a solo child
every vacant bed — and, when costing, who may not live with whom; it drops only the impact
between children proposed for the same home (never negative).  So its cost bounds every proposal
at its value, and where beds are scarce its placement is a real proposal and a far better start
than CP-SAT's value-only placing stage, which ignores cost (North East, seed 0: 1,790,704 against
1,909,198).  SCIP solves it in seconds: it is nearly a transportation problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from matching.problem import Problem


@dataclass(frozen=True)
class PairFreeSolution:
    placement: dict[int, int]  # {unit: home}, a real proposal
    value: int  # the most placement value the relaxation allows
    value_proven: bool  # no unit's homes were pruned, so no proposal places more value
    cost_bound: float  # proven lower bound on the cost of any proposal of at least that value


class PairFreeRelaxation:
    """x[u, h] over each unit's cheapest homes (`homes_per_unit`).  A unit with dearer homes left
    out also gets "elsewhere" when costing, at the cost of its cheapest one left out, taking no bed:
    the pruning then relaxes rather than restricts, so the cost bound stays proven."""

    def __init__(self, problem: Problem, homes_per_unit: int, seconds: float):
        self.problem = problem
        self.solver = pywraplp.Solver.CreateSolver("SCIP")
        # A safety net only: normally SCIP proves optimality well within it (deterministic).
        self.solver.set_time_limit(max(1, int(seconds * 1000)))
        self.choices: list[tuple[int, int, int, pywraplp.Variable]] = []  # (unit, home, cost, x)
        self.elsewhere: list[tuple[int, int, pywraplp.Variable]] = []  # (unit, cost, variable)
        self._build(homes_per_unit)

    def _build(self, homes_per_unit: int) -> None:
        problem, solver = self.problem, self.solver
        beds_of_home: dict[int, list] = {}
        for u, homes in enumerate(problem.homes):
            kept = min(homes_per_unit, len(homes))
            options = []
            for position in range(kept):
                h, x = int(homes[position]), solver.BoolVar(f"x_{u}_{position}")
                self.choices.append((u, h, int(problem.costs[u][position]), x))
                beds_of_home.setdefault(h, []).append((int(problem.beds[u][position]), x))
                options.append(x)
            if kept < len(homes):
                z = solver.BoolVar(f"elsewhere_{u}")
                self.elsewhere.append((u, int(problem.costs[u][kept]), z))
                options.append(z)
            if options:
                solver.Add(solver.Sum(options) <= 1)
        for h, uses in beds_of_home.items():
            if sum(beds for beds, _ in uses) > problem.table.vacancies[h]:
                solver.Add(
                    solver.Sum([beds * x for beds, x in uses]) <= int(problem.table.vacancies[h])
                )

    def _keep_apart(self) -> None:
        """Two units that may not live together never share a home: unlike their impact, this
        is cheap to keep, and it makes the relaxation's placement a real proposal."""
        problem, solver = self.problem, self.solver
        home_choices: dict[int, dict[int, pywraplp.Variable]] = {}
        for u, h, _, x in self.choices:
            home_choices.setdefault(u, {})[h] = x
        units = sorted(home_choices)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                shared = home_choices[a].keys() & home_choices[b].keys()
                if shared and problem.pair(a, b)[0]:
                    for h in shared:
                        solver.Add(home_choices[a][h] + home_choices[b][h] <= 1)

    def solve(self) -> PairFreeSolution | None:
        """Most value over real homes (with no one kept apart: a proven bound on value), then
        least cost at that value; None if no real proposal reaches it or SCIP ran out of time."""
        value = self._most_value()
        if value is None:
            return None
        return self._least_cost(value)

    def _most_value(self) -> int | None:
        for _, _, z in self.elsewhere:
            z.SetUb(0)  # "elsewhere" takes no bed: it would place everyone
        self.solver.Maximize(self._value_expression())
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        for _, _, z in self.elsewhere:
            z.SetUb(1)
        return round(self.solver.Objective().Value())

    def _least_cost(self, value: int) -> PairFreeSolution | None:
        solver = self.solver
        self._keep_apart()
        solver.Add(self._value_expression() >= value)
        solver.Minimize(
            solver.Sum([cost * x for _, _, cost, x in self.choices + self._elsewhere_choices()])
        )
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        placement = {u: h for u, h, _, x in self.choices if x.solution_value() > 0.5}
        bound = solver.Objective().BestBound()
        return PairFreeSolution(placement, value, not self.elsewhere, bound)

    def _elsewhere_choices(self) -> list[tuple[int, None, int, pywraplp.Variable]]:
        return [(u, None, cost, z) for u, cost, z in self.elsewhere]

    def _value_expression(self):
        return self.solver.Sum(
            [self.problem.value(u) * x for u, _, _, x in self.choices + self._elsewhere_choices()]
        )
