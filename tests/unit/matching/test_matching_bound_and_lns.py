import dataclasses
import time

import pytest

from matching import batch, solve, validate
from matching.assignment_model import SolveContext, Stage
from matching.batch import warm_start
from matching.bound import FlowBound
from matching.lns import improve_by_neighbourhoods
from matching.policy import WEIGHTED_SCORE
from matching.problem import prepare
from tests.unit.matching.test_matching_batch import synthetic_instance


def test_bound_is_proven_even_when_the_optimum_is_outside_the_candidates(build, monkeypatch):
    # One candidate home per unit: both children want "near", one must go "far", which is then
    # no candidate of theirs.  The elsewhere option keeps CP-SAT's bound below the optimum.
    monkeypatch.setattr(batch, "CANDIDATE_HOMES", 1)
    near = build.home("near", vacancies=1)
    far = build.home("far", vacancies=1, lat=53.60)
    problem = build.instance([near, far], [build.child("A"), build.child("B", age=12)])
    result = solve(problem, time_limit=5, seed=0)
    assert result.placed == 2
    assert result.lower_bound <= result.objective
    assert validate(problem, result) == []


def test_bound_sees_the_impact_the_flow_ignores(build):
    # Two runaways, one home of two beds and no other: the flow bound leaves out their 600
    # points of impact; the hand-solved optimum pays it, and the proven bound now reaches it.
    home = build.home("only", vacancies=2)
    runaways = [
        build.child(name, risks_to_self=frozenset({"going_missing", "drugs_alcohol"}))
        for name in ("A", "B")
    ]
    problem = dataclasses.replace(build.instance([home], runaways), policy=WEIGHTED_SCORE)
    prepared = prepare(problem)
    flow_bound = FlowBound.build(prepared).lexicographic().cost_points
    (optimum,) = prepared.objective({0: 0, 1: 0})[1]
    result = solve(problem, time_limit=5, seed=0)
    assert flow_bound < optimum
    assert result.objective == optimum
    assert result.lower_bound == pytest.approx(optimum)
    assert result.status == "optimal"


def test_neighbourhood_search_never_worsens_the_proposal(build):
    problem = synthetic_instance(build, n_homes=40, n_children=50)
    prepared = prepare(problem)
    start = warm_start(prepared, FlowBound.build(prepared).lexicographic())
    now = time.perf_counter()
    context = SolveContext(prepared, now, now + 30, 3, 0.0, None, None)
    candidates = {u: batch.np.arange(len(h)) for u, h in enumerate(prepared.homes) if len(h)}
    for stage in (Stage(0), Stage(1, prepared.key(start)[1:2])):
        improved, stopped = improve_by_neighbourhoods(
            context, stage, candidates, start, rounds=20, deadline=now + 30
        )
        assert not stopped
        assert prepared.key(improved) <= prepared.key(start)


def test_a_solo_child_takes_the_whole_home_in_the_bound_too(build):
    # The flow lets the solo child take one bed and places both; the home patterns know the
    # solo child takes the whole home, so one is placed (the urgent one), and the bound says
    # no proposal does better.
    home = build.home("only", vacancies=2)
    solo = build.child("S", living_alongside="solo", needed_by="today")
    problem = build.instance([home], [solo, build.child("A")])
    assert FlowBound.build(prepare(problem)).lexicographic().children == 2
    result = solve(problem, time_limit=5)
    assert [a.referral for a in result.assignments] == ["S"]
    assert result.lower_bound == pytest.approx(result.objective)
    assert validate(problem, result) == []
