"""A batch prepared for solving: placement units, their feasible homes and their tier values.

Shared by the optimiser, its warm start and the baselines so that all use the same rules and
the same policy.  A proposal is compared by its key, (-placement value, tier 1, tier 2, ...):
smaller is better, tuple by tuple, which is the policy's lexicographic order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from matching.feasibility import (
    HomeTable,
    conflicts_between,
    exclusion_reasons,
    primary_reason_counts,
)
from matching.impact import impact_between
from matching.model import Instance, Referral
from matching.policy import Policy
from matching.scoring import score_child, unit_terms

URGENCY = {"today": 2, "lt5days": 1, "gt5days": 0}

Key = tuple[int, ...]


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


class Relations:
    """Between two units sharing a home: whether they may not (a hard rule), and their impact
    points.  Home-independent, so shared by every policy's view of the batch; computed for
    every pair at once (a unit's are the sums over its children's)."""

    def __init__(self, instance: Instance, units: list[Unit]):
        children = [child for unit in units for child in unit.members]
        membership = np.zeros((len(units), len(children)))
        for u, first in enumerate(np.cumsum([0, *(unit.size for unit in units)])[:-1]):
            membership[u, first : first + units[u].size] = 1.0
        impact = impact_between(children, instance.weights.impact)
        conflicts = conflicts_between(children).astype(float)
        self.impact = membership @ impact @ membership.T
        self.conflict = (membership @ conflicts @ membership.T) > 0

    def __call__(self, u: int, v: int) -> tuple[bool, float]:
        return bool(self.conflict[u, v]), float(self.impact[u, v])


@dataclass
class Problem:
    """Units against homes under a policy.  For unit u, homes[u] are its feasible home indices,
    best first by the policy; tiers[u][t] the whole-number value of tier t at each of them,
    beds[u] the beds it would take there, and terms[u] its weighted score terms (summed over its
    children) from which any policy's tiers are made."""

    instance: Instance
    table: HomeTable
    units: list[Unit]
    policy: Policy
    homes: list[np.ndarray]
    tiers: list[np.ndarray]  # tiers[u]: shape (number of tiers, len(homes[u])), int64
    beds: list[np.ndarray]
    terms: list[dict[str, np.ndarray]]
    exclusion_counts: list[dict[str, int]]
    relations: Relations
    _pair_tiers: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict, repr=False)

    @property
    def n_tiers(self) -> int:
        return len(self.policy.tiers)

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

    def children_of_value(self, value: float) -> int:
        """The most children a placement of at most this value can hold."""
        return int(value // self.placement_unit_value)

    @cached_property
    def impact_weights(self) -> np.ndarray:
        """Tier points per impact point in each tier (0 where a tier does not count impact)."""
        per_point = self.instance.weights.per_impact_point
        return np.array(
            [
                t.terms.get("group_impact", 0.0) * per_point + t.terms.get("impact_points", 0.0)
                for t in self.policy.tiers
            ]
        )

    def under(self, policy: Policy) -> Problem:
        """The same batch under another policy (feasibility and terms are not recomputed)."""
        homes, tiers, beds, terms = [], [], [], []
        for u in range(len(self.units)):
            order, unit_tiers = _ranked(self.homes[u], self.terms[u], policy)
            homes.append(self.homes[u][order])
            tiers.append(unit_tiers)
            beds.append(self.beds[u][order])
            terms.append({name: values[order] for name, values in self.terms[u].items()})
        return replace(
            self, policy=policy, homes=homes, tiers=tiers, beds=beds, terms=terms, _pair_tiers={}
        )

    def position(self, u: int, h: int) -> int:
        """Where home h is in unit u's list."""
        order = self._home_order[u]
        return int(order[np.searchsorted(self.homes[u], h, sorter=order)])

    def tiers_at(self, u: int, h: int) -> np.ndarray:
        return self.tiers[u][:, self.position(u, h)]

    def beds_at(self, u: int, h: int) -> int:
        return int(self.beds[u][self.position(u, h)])

    @cached_property
    def _home_order(self) -> list[np.ndarray]:
        return [np.argsort(homes, kind="stable") for homes in self.homes]

    def pair(self, u: int, v: int) -> tuple[bool, tuple[int, ...]]:
        """(hard conflict, tier values of their impact) between two units sharing a home."""
        conflict, impact = self.relations(u, v)
        key = (min(u, v), max(u, v))
        if key not in self._pair_tiers:
            self._pair_tiers[key] = tuple(
                np.rint(self.impact_weights * impact).astype(int).tolist()
            )
        return conflict, self._pair_tiers[key]

    def objective(self, placement: dict[int, int]) -> tuple[int, tuple[int, ...]]:
        """(placement value, tier values) of a {unit: home index} placement."""
        value = sum(self.value(u) for u in placement)
        tiers = np.zeros(self.n_tiers, dtype=np.int64)
        by_home: dict[int, list[int]] = defaultdict(list)
        for u, h in placement.items():
            tiers += self.tiers_at(u, h)
            by_home[h].append(u)
        for units in by_home.values():
            for i, a in enumerate(units):
                for b in units[i + 1 :]:
                    tiers += self.pair(a, b)[1]
        return value, tuple(int(t) for t in tiers)

    def key(self, placement: dict[int, int]) -> Key:
        """Lexicographic key, smaller is better: (-placement value, tier 1, tier 2, ...)."""
        value, tiers = self.objective(placement)
        return (-value, *tiers)

    def children_placed(self, placement: dict[int, int]) -> int:
        return sum(self.units[u].size for u in placement)


def prepare(instance: Instance, table: HomeTable | None = None, policy: Policy | None = None):
    """The batch under `policy` (the instance's own by default)."""
    table = table or HomeTable.from_homes(instance.homes)
    units = placement_units(instance.referrals)
    policy = policy or instance.policy
    homes, tiers, beds, terms, counts = [], [], [], [], []
    for unit in units:
        feasible, unit_terms_, bed_use, reasons = _unit_against_homes(unit, table, instance)
        order, unit_tiers = _ranked(feasible, unit_terms_, policy)
        homes.append(feasible[order])
        tiers.append(unit_tiers)
        beds.append(bed_use[order])
        terms.append({name: values[order] for name, values in unit_terms_.items()})
        counts.append(primary_reason_counts(reasons))
    return Problem(
        instance,
        table,
        units,
        policy,
        homes,
        tiers,
        beds,
        terms,
        counts,
        Relations(instance, units),
    )


def tier_values(terms: dict[str, np.ndarray], policy: Policy) -> np.ndarray:
    """Whole-number tier values (one row per tier) from weighted score terms."""
    rows = []
    for tier in policy.tiers:
        total = sum(
            (multiplier * terms[name] for name, multiplier in tier.terms.items()),
            start=np.zeros(len(next(iter(terms.values())))),
        )
        rows.append(np.rint(total).astype(np.int64))
    return np.array(rows, dtype=np.int64).reshape(len(policy.tiers), -1)


def _ranked(homes: np.ndarray, terms: dict[str, np.ndarray], policy: Policy):
    """(order of the homes best first by the policy, their tier values in that order)."""
    values = tier_values(terms, policy)
    # lexsort sorts by its last key first; the home index last keeps ties deterministic.
    order = np.lexsort((homes, *values[::-1]))
    return order, values[:, order]


def _unit_against_homes(unit: Unit, table: HomeTable, instance: Instance):
    distances = [table.distances_km(child.lat, child.lon) for child in unit.members]
    reasons = exclusion_reasons(unit.members, table, distances)
    feasible = np.flatnonzero(reasons == 0)
    terms: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(feasible)))
    for child, family_km in zip(unit.members, distances, strict=True):
        scores = score_child(
            child, table, family_km, instance.adjacency, instance.weights, unit.size, unit.solo
        )
        for name, values in (*scores.terms.items(), ("impact_points", scores.impact)):
            terms[name] = terms[name] + values[feasible]
    bed_use = unit_terms(table, unit.size, unit.solo)[0][feasible]
    return feasible, dict(terms), bed_use, reasons


class Occupancy:
    """Beds left and units placed per home while placing units one at a time."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.beds_left = problem.table.vacancies.copy()
        self.units_in: dict[int, list[int]] = defaultdict(list)
        self.placement: dict[int, int] = {}

    def added_key(self, u: int, position: int) -> Key | None:
        """Tier values unit u would add at its position-th feasible home now, counting impact
        with the units there, or None if it can't go."""
        problem = self.problem
        h = int(problem.homes[u][position])
        if self.beds_left[h] < problem.beds[u][position]:
            return None
        added = problem.tiers[u][:, position].copy()
        for other in self.units_in[h]:
            conflict, pair_tiers = problem.pair(u, other)
            if conflict:
                return None
            added += pair_tiers
        return tuple(added.tolist())

    def position_of(self, u: int, h: int) -> int:
        return self.problem.position(u, h)

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
        """The unit's best home by the policy that can still take it, counting impact with the
        units there."""
        best, best_key = None, None
        tiers = self.problem.tiers[u]
        for position in range(tiers.shape[1]):
            if best_key is not None and tuple(tiers[:, position].tolist()) >= best_key:
                break  # homes are best first, and impact only adds (to every tier)
            key = self.added_key(u, position)
            if key is not None and (best_key is None or key < best_key):
                best, best_key = position, key
        return best


def place_in_order(
    problem: Problem, order: Sequence[int], preferred: dict[int, int] | None = None
) -> dict[int, int]:
    """Place units one at a time: the preferred home if it can still take the unit, else the
    best home left.  Returns {unit: home index}."""
    occupancy = Occupancy(problem)
    preferred = preferred or {}
    for u in order:
        position = None
        if u in preferred:
            wanted = np.flatnonzero(problem.homes[u] == preferred[u])
            if len(wanted) and occupancy.added_key(u, int(wanted[0])) is not None:
                position = int(wanted[0])
        if position is None:
            position = occupancy.best_position(u)
        if position is not None:
            occupancy.place(u, position)
    return occupancy.placement


def insert_by_ejection(problem: Problem, placement: dict[int, int]) -> dict[int, int]:
    """Place units left out by taking one of their homes: move the units there to their best
    homes left, and keep the change only if it places more value.  The repair of the flow's
    placement can miss a unit whose only homes it filled first (national, seed 0: a sibling
    pair needing a home to themselves, with one home that can take them)."""
    value = problem.value
    left_out = sorted(
        (u for u in range(len(problem.units)) if u not in placement and len(problem.homes[u])),
        key=lambda u: (-value(u), len(problem.homes[u]), u),
    )
    for u in left_out:
        for h in problem.homes[u].tolist():
            tried = _eject_into(problem, placement, u, h)
            if tried is not None:
                placement = tried
                break
    return placement


def _eject_into(problem: Problem, placement: dict[int, int], u: int, h: int):
    """The placement with unit u in home h and the units there moved to their best homes left,
    or None if that places no more value."""
    occupancy = Occupancy(problem)
    moved = [v for v, home in placement.items() if home == h]
    for v, home in placement.items():
        if home != h:
            occupancy.place(v, occupancy.position_of(v, home))
    position = occupancy.position_of(u, h)
    if occupancy.added_key(u, position) is None:
        return None
    occupancy.place(u, position)
    lost = 0
    for v in moved:
        best = occupancy.best_position(v)
        if best is None:
            lost += problem.value(v)
        else:
            occupancy.place(v, best)
    return occupancy.placement if lost < problem.value(u) else None


def improve_by_moves(
    problem: Problem, placement: dict[int, int], rounds: int = 5
) -> dict[int, int]:
    """Local search: move each placed unit to its best home that can take it now, counting
    impact with the units there, until no move helps.  Never lowers value or worsens the key."""
    occupancy = Occupancy(problem)
    for u, h in placement.items():
        occupancy.place(u, occupancy.position_of(u, h))
    for _ in range(rounds):
        moved = False
        for u in list(occupancy.placement):
            current = occupancy.remove(u)
            current_key = occupancy.added_key(u, current)
            best = occupancy.best_position(u)
            if best is not None and occupancy.added_key(u, best) < current_key:
                occupancy.place(u, best)
                moved = True
            else:
                occupancy.place(u, current)
        if not moved:
            break
    return occupancy.placement
