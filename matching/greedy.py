"""The baseline: today's practice, one child at a time in arrival order.

Each referral (with its siblings) takes the best home left by the same score the optimiser
uses, counting impact with children already proposed there; nothing is revisited.
"""

from __future__ import annotations

from time import perf_counter

from matching.feasibility import HomeTable
from matching.model import Instance, Result
from matching.problem import place_in_order, prepare
from matching.result import build_result


def greedy(instance: Instance, table: HomeTable | None = None) -> Result:
    started = perf_counter()
    problem = prepare(instance, table)
    placement = place_in_order(problem, range(len(problem.units)))
    return build_result(
        problem,
        placement,
        status="feasible",
        method="greedy",
        seconds=perf_counter() - started,
        lower_bound=None,
        max_placeable=None,
    )
