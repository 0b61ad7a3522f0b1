"""A proven lower bound on the policy's first tier (and upper bound on children placed) by
min-cost flow.

The flow sends children from units to homes (arc capacity = the unit's size, home capacity =
vacant beds).  It relaxes the batch: siblings may split, a solo child takes one bed, and impact
between children proposed for the same home (never negative) is left out.  So any real proposal
maps to a flow of no greater cost, and the flow's optimum bounds every proposal.

"Cost" here is the first tier's value (problem.tiers[u][0]), which counts impact only where the
policy's first tier does; the flow leaves impact between new children out, which can only lower
it.  Arc costs are integers: cost per child is scaled by the least common multiple of unit sizes.
Only each unit's best N arcs are kept (its homes are best first by the policy, so first by the
first tier), N = children in the batch: a flow using a dearer arc
could move that child to one of those N homes, at least one of which has a free bed (the other
children fill at most N - 1 of them), so the pruning changes no optimum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.problem import Problem


@dataclass(frozen=True)
class FlowSolution:
    cost_points: float  # sum of unit costs (unscaled)
    value: int  # placement value (first objective key)
    children: int
    home_of_unit: dict[int, int]  # the home taking most of each unit's children


@dataclass
class FlowBound:
    problem: Problem
    scale: int
    lexicographic_weight: int
    unit_of_arc: np.ndarray
    home_of_arc: np.ndarray
    scaled_cost: np.ndarray
    child_value: np.ndarray  # value per child of the arc's unit
    graph_nodes: tuple[int, int, np.ndarray, np.ndarray]

    @classmethod
    def build(cls, problem: Problem) -> FlowBound:
        n_children = problem.total_children
        scale = math.lcm(*(unit.size for unit in problem.units)) if problem.units else 1
        units, homes, costs = [], [], []
        for u, unit in enumerate(problem.units):
            keep = slice(0, n_children)
            units.append(np.full(len(problem.homes[u][keep]), u))
            homes.append(problem.homes[u][keep])
            costs.append(problem.tiers[u][0][keep] * (scale // unit.size))
        unit_of_arc = np.concatenate(units) if units else np.zeros(0, np.int64)
        home_of_arc = np.concatenate(homes) if homes else np.zeros(0, np.int64)
        scaled_cost = np.concatenate(costs) if costs else np.zeros(0, np.int64)
        child_value = np.array(
            [problem.value(u) // problem.units[u].size for u in unit_of_arc], dtype=np.int64
        )
        max_cost = sum(int(t[0].max()) * scale for t in problem.tiers if t.shape[1])
        source, sink = 0, 1
        unit_node = 2 + np.arange(len(problem.units))
        home_node = 2 + len(problem.units) + np.arange(len(problem.table))
        return cls(
            problem=problem,
            scale=scale,
            # One unit of placement value outweighs every possible difference in cost.
            lexicographic_weight=max_cost + 1,
            unit_of_arc=unit_of_arc,
            home_of_arc=home_of_arc,
            scaled_cost=scaled_cost,
            child_value=child_value,
            graph_nodes=(source, sink, unit_node, home_node),
        )

    def solve(self, value_weight: int) -> FlowSolution:
        """Min-cost flow with arc cost = scaled cost - value_weight * value per child.

        Placing is optional (a bypass arc), so value_weight trades value against cost.
        """
        problem = self.problem
        source, sink, unit_node, home_node = self.graph_nodes
        n_children = problem.total_children
        sizes = np.array([unit.size for unit in problem.units], dtype=np.int64)
        flow = min_cost_flow.SimpleMinCostFlow()
        tails = np.concatenate(
            [
                np.full(len(sizes), source),
                unit_node[self.unit_of_arc],
                home_node,
                [source],
            ]
        )
        heads = np.concatenate(
            [unit_node, home_node[self.home_of_arc], np.full(len(home_node), sink), [sink]]
        )
        capacities = np.concatenate(
            [sizes, sizes[self.unit_of_arc], problem.table.vacancies, [n_children]]
        )
        costs = np.concatenate(
            [
                np.zeros(len(sizes), np.int64),
                self.scaled_cost - value_weight * self.child_value,
                np.zeros(len(home_node), np.int64),
                [0],
            ]
        )
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        flow.set_node_supply(source, n_children)
        flow.set_node_supply(sink, -n_children)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        first_arc = len(sizes)
        arc_flow = flow.flows(np.arange(first_arc, first_arc + len(self.unit_of_arc)))
        return self._summarise(arc_flow)

    def _summarise(self, arc_flow: np.ndarray) -> FlowSolution:
        used = arc_flow > 0
        flows, units, homes = arc_flow[used], self.unit_of_arc[used], self.home_of_arc[used]
        home_of_unit: dict[int, int] = {}
        largest: dict[int, int] = {}
        for f, u, h in zip(flows.tolist(), units.tolist(), homes.tolist(), strict=True):
            if f > largest.get(u, 0):
                largest[u], home_of_unit[u] = f, h
        return FlowSolution(
            cost_points=float((flows * self.scaled_cost[used]).sum()) / self.scale,
            value=int((flows * self.child_value[used]).sum()),
            children=int(flows.sum()),
            home_of_unit=home_of_unit,
        )

    def lexicographic(self) -> FlowSolution:
        """Most value first (children, then urgency), then least cost: bounds both keys."""
        return self.solve(self.lexicographic_weight)

    def cost_bound_at_value(self, value: int, deadline: float, iterations: int = 40) -> float:
        """A lower bound on the cost of any proposal with placement value >= `value`.

        Lagrangian: for every weight w >= 0 and such a proposal P,
        scale*cost(P) >= min_flow(scale*cost - w*value) + w*value.  The best w is found by
        bisection on the flow's value (the function is concave in w).
        """
        low, high = 0, self.lexicographic_weight
        best = 0.0
        for _ in range(iterations):
            if high - low <= 1 or time.perf_counter() > deadline:
                break
            weight = (low + high) // 2
            solution = self.solve(weight)
            scaled = solution.cost_points * self.scale - weight * solution.value
            best = max(best, (scaled + weight * value) / self.scale)
            if solution.value > value:
                high = weight
            elif solution.value < value:
                low = weight
            else:
                break
        return best
