"""The baselines: today's practice, one child at a time in arrival order, nothing revisited.

- greedy: each referral (with its siblings) takes the best home left by the policy the
  optimiser uses, counting impact with children already proposed there;
- nearest_home: each takes the nearest home left that keeps every rule (equal distances decided
  as the default policy decides).
"""

from __future__ import annotations

from time import perf_counter

from matching.feasibility import HomeTable
from matching.model import Instance, Result
from matching.policy import NEAREST_HOME, Policy
from matching.problem import place_in_order, prepare
from matching.result import build_result


def greedy(
    instance: Instance, table: HomeTable | None = None, policy: Policy | None = None
) -> Result:
    return _one_at_a_time(instance, table, policy, "greedy")


def nearest_home(instance: Instance, table: HomeTable | None = None) -> Result:
    return _one_at_a_time(instance, table, NEAREST_HOME, "nearest-home")


def _one_at_a_time(
    instance: Instance, table: HomeTable | None, policy: Policy | None, method: str
) -> Result:
    started = perf_counter()
    problem = prepare(instance, table, policy)
    placement = place_in_order(problem, range(len(problem.units)))
    return build_result(
        problem, placement, status="feasible", method=method, seconds=perf_counter() - started
    )
