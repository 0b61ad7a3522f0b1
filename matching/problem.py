"""A batch prepared for solving: placement units, their feasible homes and integer costs.

Shared by the optimiser, its warm start and the greedy baseline so that all three use the same
rules and the same score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from matching.feasibility import (
    HomeTable,
    companion_conflict,
    exclusion_reasons,
    exploitation_conflict,
    primary_reason_counts,
)
from matching.impact import pair_impact
from matching.model import Instance, Referral
from matching.scoring import score_child, unit_terms

URGENCY = {"today": 2, "lt5days": 1, "gt5days": 0}


@dataclass(frozen=True)
class Unit:
    """What is placed: one child, or a sibling group that goes to one home or not at all."""

    members: tuple[Referral, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def solo(self) -> bool:
        return any(child.wants_solo for child in self.members)

    @property
    def urgency(self) -> int:
        # A sibling group is as urgent as its most urgent child.
        return max(URGENCY[child.needed_by] for child in self.members)


def placement_units(referrals: Iterable[Referral]) -> list[Unit]:
    """Group siblings into units, in the arrival order of each group's first child."""
    groups: dict[str, list[Referral]] = defaultdict(list)
    order: list[str | Referral] = []
    for child in referrals:
        if child.sibling_group is None:
            order.append(child)
            continue
        if child.sibling_group not in groups:
            order.append(child.sibling_group)
        groups[child.sibling_group].append(child)
    return [Unit(tuple(groups[key])) if isinstance(key, str) else Unit((key,)) for key in order]


@dataclass
class Problem:
    """Units against homes.  For unit u, homes[u] are its feasible home indices, cheapest first,
    with costs[u] (whole score points) and beds[u] (beds it would take there) aligned."""

    instance: Instance
    table: HomeTable
    units: list[Unit]
    homes: list[np.ndarray]
    costs: list[np.ndarray]
    beds: list[np.ndarray]
    exclusion_counts: list[dict[str, int]]
    _pairs: dict[tuple[int, int], tuple[bool, int]] = field(default_factory=dict, repr=False)

    @property
    def total_children(self) -> int:
        return sum(unit.size for unit in self.units)

    @cached_property
    def placement_unit_value(self) -> int:
        # One more child placed always outweighs any gain in urgency (at most 2 per child).
        return 2 * self.total_children + 1

    def value(self, u: int) -> int:
        """First key of the lexicographic objective: children placed, urgent ones first."""
        unit = self.units[u]
        return unit.size * (self.placement_unit_value + unit.urgency)

    def cost_at(self, u: int, h: int) -> int:
        position = np.searchsorted(self.homes[u], h, sorter=self._home_order[u])
        return int(self.costs[u][self._home_order[u][position]])

    def beds_at(self, u: int, h: int) -> int:
        position = np.searchsorted(self.homes[u], h, sorter=self._home_order[u])
        return int(self.beds[u][self._home_order[u][position]])

    @cached_property
    def _home_order(self) -> list[np.ndarray]:
        return [np.argsort(homes, kind="stable") for homes in self.homes]

    def pair(self, u: int, v: int) -> tuple[bool, int]:
        """(hard conflict, impact points) between two units sharing a home; home-independent."""
        key = (min(u, v), max(u, v))
        if key not in self._pairs:
            self._pairs[key] = self._pair_relation(*key)
        return self._pairs[key]

    def _pair_relation(self, u: int, v: int) -> tuple[bool, int]:
        members_u, members_v = self.units[u].members, self.units[v].members
        conflict = any(
            exploitation_conflict(a, b) or companion_conflict(a, b)
            for a in members_u
            for b in members_v
        )
        impact = sum(
            pair_impact(a, b, self.instance.weights.impact) for a in members_u for b in members_v
        )
        return conflict, round(self.instance.weights.per_impact_point * impact)

    def objective(self, placement: dict[int, int]) -> tuple[int, int]:
        """(placement value, cost points) of a {unit: home index} placement."""
        value = sum(self.value(u) for u in placement)
        cost = sum(self.cost_at(u, h) for u, h in placement.items())
        by_home: dict[int, list[int]] = defaultdict(list)
        for u, h in placement.items():
            by_home[h].append(u)
        for units in by_home.values():
            cost += sum(self.pair(a, b)[1] for i, a in enumerate(units) for b in units[i + 1 :])
        return value, cost

    def key(self, placement: dict[int, int]) -> tuple[int, int]:
        """Lexicographic key, smaller is better: (-placement value, cost)."""
        value, cost = self.objective(placement)
        return -value, cost

    def children_placed(self, placement: dict[int, int]) -> int:
        return sum(self.units[u].size for u in placement)


def prepare(instance: Instance, table: HomeTable | None = None) -> Problem:
    table = table or HomeTable.from_homes(instance.homes)
    units = placement_units(instance.referrals)
    homes, costs, beds, counts = [], [], [], []
    for unit in units:
        feasible, cost, bed_use, reasons = _unit_against_homes(unit, table, instance)
        homes.append(feasible)
        costs.append(cost)
        beds.append(bed_use)
        counts.append(primary_reason_counts(reasons))
    return Problem(instance, table, units, homes, costs, beds, counts)


def _unit_against_homes(unit: Unit, table: HomeTable, instance: Instance):
    distances = [table.distances_km(child.lat, child.lon) for child in unit.members]
    reasons = exclusion_reasons(unit.members, table, distances)
    feasible = np.flatnonzero(reasons == 0)
    total = np.zeros(len(feasible))
    for child, family_km in zip(unit.members, distances, strict=True):
        scores = score_child(
            child, table, family_km, instance.adjacency, instance.weights, unit.size, unit.solo
        )
        total += scores.total[feasible]
    order = np.argsort(total, kind="stable")
    feasible, cost = feasible[order], np.rint(total[order]).astype(np.int64)
    bed_use = unit_terms(table, unit.size, unit.solo)[0][feasible]
    return feasible, cost, bed_use, reasons


class Occupancy:
    """Beds left and units placed per home while placing units one at a time."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.beds_left = problem.table.vacancies.copy()
        self.units_in: dict[int, list[int]] = defaultdict(list)
        self.placement: dict[int, int] = {}

    def added_cost(self, u: int, position: int) -> int | None:
        """Cost of placing unit u at its position-th feasible home now, or None if it can't go."""
        problem = self.problem
        h = int(problem.homes[u][position])
        if self.beds_left[h] < problem.beds[u][position]:
            return None
        cost = int(problem.costs[u][position])
        for other in self.units_in[h]:
            conflict, points = problem.pair(u, other)
            if conflict:
                return None
            cost += points
        return cost

    def position_of(self, u: int, h: int) -> int:
        return int(np.flatnonzero(self.problem.homes[u] == h)[0])

    def remove(self, u: int) -> int:
        """Take unit u out of its home; returns the home's position in its list."""
        h = self.placement.pop(u)
        position = self.position_of(u, h)
        self.beds_left[h] += self.problem.beds[u][position]
        self.units_in[h].remove(u)
        return position

    def place(self, u: int, position: int) -> None:
        h = int(self.problem.homes[u][position])
        self.beds_left[h] -= self.problem.beds[u][position]
        self.units_in[h].append(u)
        self.placement[u] = h

    def best_position(self, u: int) -> int | None:
        """The unit's cheapest home that can still take it, counting impact with units there."""
        best, best_cost = None, None
        for position, base_cost in enumerate(self.problem.costs[u]):
            if best_cost is not None and base_cost >= best_cost:
                break  # homes are cheapest first and impact only adds
            cost = self.added_cost(u, position)
            if cost is not None and (best_cost is None or cost < best_cost):
                best, best_cost = position, cost
        return best


def place_in_order(
    problem: Problem, order: Sequence[int], preferred: dict[int, int] | None = None
) -> dict[int, int]:
    """Place units one at a time: the preferred home if it can still take the unit, else the
    cheapest home left.  Returns {unit: home index}."""
    occupancy = Occupancy(problem)
    preferred = preferred or {}
    for u in order:
        position = None
        if u in preferred:
            wanted = np.flatnonzero(problem.homes[u] == preferred[u])
            if len(wanted) and occupancy.added_cost(u, int(wanted[0])) is not None:
                position = int(wanted[0])
        if position is None:
            position = occupancy.best_position(u)
        if position is not None:
            occupancy.place(u, position)
    return occupancy.placement


def improve_by_moves(
    problem: Problem, placement: dict[int, int], rounds: int = 5
) -> dict[int, int]:
    """Local search: move each placed unit to its cheapest home that can take it now, counting
    impact with the units there, until no move helps.  Never lowers value or raises cost."""
    occupancy = Occupancy(problem)
    for u, h in placement.items():
        occupancy.place(u, occupancy.position_of(u, h))
    for _ in range(rounds):
        moved = False
        for u in list(occupancy.placement):
            current = occupancy.remove(u)
            current_cost = occupancy.added_cost(u, current)
            best = occupancy.best_position(u)
            if best is not None and occupancy.added_cost(u, best) < current_cost:
                occupancy.place(u, best)
                moved = True
            else:
                occupancy.place(u, current)
        if not moved:
            break
    return occupancy.placement
