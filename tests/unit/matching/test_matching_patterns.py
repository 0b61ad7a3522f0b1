import itertools

import numpy as np
import pytest

from matching import solve, validate
from matching.bound import FlowBound
from matching.patterns import cheapest_pattern
from matching.problem import prepare
from tests.unit.matching.test_matching_batch import synthetic_instance


def _brute_force_cheapest(reduced, beds, pair_costs, vacancies):
    best, best_cost = None, 0.0
    positions = range(len(reduced))
    for size in range(1, len(reduced) + 1):
        for pattern in itertools.combinations(positions, size):
            if beds[list(pattern)].sum() > vacancies:
                continue
            cost = reduced[list(pattern)].sum() + sum(
                pair_costs[a, b] for a, b in itertools.combinations(pattern, 2)
            )
            if cost < best_cost:
                best, best_cost = pattern, cost
    return best, best_cost


@pytest.mark.parametrize("seed", range(25))
def test_each_homes_cheapest_pattern_is_found_exactly(seed):
    rng = np.random.default_rng(seed)
    m = 9
    pair_costs = rng.integers(0, 6, size=(m, m)).astype(float)
    pair_costs[rng.random((m, m)) < 0.15] = np.inf  # children who may not live together
    pair_costs = np.minimum(pair_costs, pair_costs.T)
    np.fill_diagonal(pair_costs, np.inf)
    beds = rng.choice([1, 1, 1, 2], size=m)
    reduced = rng.uniform(-10, 4, size=m)

    found = cheapest_pattern(reduced, beds, pair_costs, vacancies=4)

    expected, expected_cost = _brute_force_cheapest(reduced, beds, pair_costs, 4)
    if expected is None:
        assert found is None
    else:
        pattern, cost = found
        assert cost == pytest.approx(expected_cost)
        assert sorted(pattern.tolist()) == list(expected)


def _best_by_enumeration(problem):
    """Every way of sending units to homes (or nowhere), keeping beds and who may not live with
    whom: the lexicographic optimum by brute force."""
    best = None
    n_homes = len(problem.table)
    for choice in itertools.product(range(-1, n_homes), repeat=len(problem.units)):
        placement = {u: h for u, h in enumerate(choice) if h >= 0}
        if any(h not in problem.homes[u] for u, h in placement.items()):
            continue
        beds = np.zeros(n_homes, dtype=int)
        for u, h in placement.items():
            beds[h] += problem.beds_at(u, h)
        if (beds > problem.table.vacancies).any():
            continue
        if any(
            problem.pair(a, b)[0]
            for a, b in itertools.combinations(placement, 2)
            if placement[a] == placement[b]
        ):
            continue
        if best is None or problem.key(placement) < problem.key(best):
            best = placement
    return best


def test_a_scarce_batch_with_impact_between_new_children_reaches_its_known_optimum(build):
    # The solo child takes the small home whole, so of the other four only three fit the big
    # home: which three, and the impact between them, decide the cost.
    big = build.home("big", vacancies=3)
    small = build.home("small", vacancies=2, lat=53.52)
    children = [
        build.child("S", living_alongside="solo", needed_by="today"),
        build.child("A", risks_to_self=frozenset({"going_missing"})),
        build.child("B", risks_to_self=frozenset({"going_missing", "drugs_alcohol"})),
        build.child("C", age=11, risks_to_others=frozenset({"physical_harm"})),
        build.child("D", age=16),
    ]
    instance = build.instance([big, small], children)
    problem = prepare(instance)
    optimum = problem.objective(_best_by_enumeration(problem))

    result = solve(instance, time_limit=10, seed=0)

    assert result.placed == 4
    assert tuple(tier.value for tier in result.tiers) == optimum[1]
    assert all(tier.bound <= value for tier, value in zip(result.tiers, optimum[1], strict=True))
    assert validate(instance, result) == []


def test_pattern_bound_is_proven_and_beats_the_flows(build):
    instance = synthetic_instance(build, n_homes=25, n_children=70, seed=1)
    problem = prepare(instance)
    flow = FlowBound.build(problem)

    result = solve(instance, time_limit=20, seed=0)

    index_of = {home.id: h for h, home in enumerate(instance.homes)}
    unit_of = {child.id: u for u, unit in enumerate(problem.units) for child in unit.members}
    placement = {unit_of[a.referral]: index_of[a.home] for a in result.assignments}
    value = problem.objective(placement)[0]
    flow_bound = flow.cost_bound_at_value(value, deadline=float("inf"))
    assert result.method == "patterns"
    assert flow_bound < result.lower_bound <= result.objective
    assert result.gap < 0.005
    assert validate(instance, result) == []
