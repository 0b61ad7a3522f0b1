"""Why a child is not placed, specifically, as data a page can phrase.

No feasible home: the rules are applied in their priority order (feasibility.REASONS), so the
exclusion counts are a funnel — of every home, so many keep the first rule, of those so many the
next...  The rule that removes the last homes is the `code`, with how many homes kept every rule
before it (`homes_before`), which earlier rules removed homes (`earlier`), how many homes each
rule alone keeps out (`only_this_rule`: relax that rule and so many homes could take the child),
and the child's own limits the rules read (needs, secure order, distances).  So "no secure bed
within 80 km" is {"code": "beyond_max_distance", "secure_order": true, "max_distance_km": 80,
"homes_before": 2, "earlier": [..., "no_vacancy"]}.

Lost to competition: the child's feasible homes went to other children.  `code` is
"beds_taken" (every one of them is full: `taken_by` lists who took their beds), "kept_apart"
(some have a bed, but a child placed there may not live with this one: `kept_apart_from`), or
"not_reached" (a home could still take the child: the search stopped before placing them).
"""

from __future__ import annotations

from collections import defaultdict
from types import MappingProxyType

import numpy as np

from matching.feasibility import REASON_CODES, exclusion_reasons, primary_reason_counts
from matching.model import Unplaced
from matching.problem import Problem, Unit

# Named taken_by / kept_apart_from at most; the counts say how many there were in all.
NAMED_CHILDREN = 10


def unplaced_reasons(problem: Problem, placement: dict[int, int]) -> list[Unplaced]:
    """Every child of an unplaced unit, with the specific reason."""
    occupancy = _occupancy(problem, placement)
    unplaced = []
    for u, unit in enumerate(problem.units):
        if u in placement:
            continue
        if len(problem.homes[u]):
            reason, why = "lost_to_competition", _competition(problem, u, *occupancy)
        else:
            reason, why = "no_feasible_home", _no_home(problem, unit)
        frozen = MappingProxyType(why)
        unplaced += [Unplaced(child.id, reason, frozen) for child in unit.members]
    return unplaced


def _child_limits(unit: Unit) -> dict:
    """What the child (or sibling group) asks of a home, for the page's sentence."""
    first = unit.members[0]
    limits = {
        "children": unit.size,
        "needs": sorted({need for child in unit.members for need in child.needs}),
        "secure_order": any(child.secure_order for child in unit.members),
        "solo": unit.solo,
        "needed_today": any(child.needed_by == "today" for child in unit.members),
        "max_distance_km": first.max_distance_km,
    }
    if first.school_continues:
        limits["max_school_km"] = first.max_school_km
    return limits


def _no_home(problem: Problem, unit: Unit) -> dict:
    table = problem.table
    distances = [table.distances_km(child.lat, child.lon) for child in unit.members]
    bits = exclusion_reasons(unit.members, table, distances)
    funnel = primary_reason_counts(bits)
    removing = [code for code in REASON_CODES if code in funnel]
    if not removing:  # no home at all in the instance
        return {"code": "no_homes", "homes_before": 0, "earlier": [], **_child_limits(unit)}
    last = removing[-1]
    return {
        "code": last,
        "homes_before": funnel[last],
        "earlier": removing[:-1],
        "only_this_rule": _only_this_rule(bits),
        **_child_limits(unit),
    }


def _only_this_rule(bits: np.ndarray) -> dict[str, int]:
    """Homes that one rule alone keeps out, by rule."""
    single = bits[(bits != 0) & ((bits & (bits - np.uint32(1))) == 0)]
    return primary_reason_counts(single)


def _occupancy(problem: Problem, placement: dict[int, int]):
    beds_left = problem.table.vacancies.copy()
    units_in: dict[int, list[int]] = defaultdict(list)
    for u, h in placement.items():
        beds_left[h] -= problem.beds_at(u, h)
        units_in[h].append(u)
    return beds_left, units_in


def _competition(problem: Problem, u: int, beds_left: np.ndarray, units_in) -> dict:
    full, apart, open_homes = [], [], 0
    taken_by, kept_apart_from = set(), set()
    for h, beds in zip(problem.homes[u].tolist(), problem.beds[u].tolist(), strict=True):
        there = units_in.get(h, [])
        if beds_left[h] < beds:
            full.append(h)
            taken_by.update(child.id for v in there for child in problem.units[v].members)
            continue
        conflicting = [v for v in there if problem.pair(u, v)[0]]
        if conflicting:
            apart.append(h)
            kept_apart_from.update(
                child.id for v in conflicting for child in problem.units[v].members
            )
        else:
            open_homes += 1
    code = "not_reached" if open_homes else ("kept_apart" if apart else "beds_taken")
    return {
        "code": code,
        "homes": len(problem.homes[u]),
        "full": len(full),
        "kept_apart": len(apart),
        "taken_by": sorted(taken_by)[:NAMED_CHILDREN],
        "taken_by_count": len(taken_by),
        "kept_apart_from": sorted(kept_apart_from)[:NAMED_CHILDREN],
        **_child_limits(problem.units[u]),
    }
