import threading
from types import SimpleNamespace

import pytest

from matching import greedy, search, solve, validate
from matching.batch import warm_start
from matching.bound import FlowBound
from matching.impact import pair_impact
from matching.model import ImpactPoints
from matching.policy import IMPACT_STEP_POINTS, NEAR_HOME_FIRST, NEAR_HOME_TERMS, WEIGHTED_SCORE
from matching.problem import prepare
from matching.synthetic import profile_homes, referrals


def homes_of(result):
    return {a.referral: a.home for a in result.assignments}


def test_small_instance_with_a_known_optimum(build):
    # Greedy gives the near home to A, who arrives first, and leaves B (too young for the far
    # home) without a bed.  The optimum sends A to the far home and places both.
    near = build.home("near", vacancies=1)
    far = build.home("far", vacancies=1, lat=53.60, min_age=13)
    a, b = build.child("A", age=14), build.child("B", age=10)
    problem = build.instance([near, far], [a, b])

    result = solve(problem, time_limit=5, seed=1)

    assert homes_of(result) == {"A": "far", "B": "near"}
    # The default policy's first tier after children placed: near home, in score points.
    expected = sum(
        round(
            sum(
                search(kid, [place], build.adjacency).ranked[0].breakdown.terms[t]
                for t in NEAR_HOME_TERMS
            )
        )
        for kid, place in ((a, far), (b, near))
    )
    assert result.objective == result.tiers[0].value == expected
    assert result.policy == NEAR_HOME_FIRST and result.tiers[0].name == "near_home"
    assert (result.placed, result.max_placeable) == (2, 2)
    assert result.status == "optimal"
    assert result.gap == pytest.approx(0.0)
    assert homes_of(greedy(problem)) == {"A": "near"}
    assert validate(problem, result) == []


def test_siblings_go_together_or_not_at_all(build):
    one_bed = build.home("one", vacancies=1)
    two_beds = build.home("two", vacancies=2, lat=53.7)
    siblings = [build.child("A", sibling_group="G"), build.child("B", sibling_group="G", age=12)]
    result = solve(build.instance([one_bed, two_beds], siblings), time_limit=5)
    assert homes_of(result) == {"A": "two", "B": "two"}

    result = solve(build.instance([one_bed], siblings), time_limit=5)
    assert result.placed == 0
    assert {u.reason for u in result.unplaced} == {"no_feasible_home"}


def test_solo_child_has_the_home_to_themselves(build):
    roomy = build.home("roomy", vacancies=3, places=3)
    other = build.home("other", vacancies=1, lat=53.8, residents=(build.resident(),))
    solo = build.child("S", living_alongside="solo", needed_by="today")
    others = [build.child("A"), build.child("B")]
    problem = build.instance([roomy, other], [solo, *others])
    result = solve(problem, time_limit=5)
    placed = homes_of(result)
    assert placed["S"] == "roomy"
    assert list(placed.values()).count("roomy") == 1
    assert result.placed == 2  # the solo child uses all three beds of roomy
    assert validate(problem, result) == []


def test_capacity_is_respected_and_unplaced_children_say_why(build):
    kids = [build.child(f"C{i}") for i in range(3)] + [build.child("old", age=18)]
    problem = build.instance([build.home(vacancies=2)], kids)
    result = solve(problem, time_limit=5)
    assert result.placed == 2
    reasons = {u.referral: u.reason for u in result.unplaced}
    assert reasons["old"] == "no_feasible_home"
    assert list(reasons.values()).count("lost_to_competition") == 1
    assert dict(result.exclusion_counts["old"]) == {"age_outside_range": 1}


def test_urgent_children_are_placed_first(build):
    kids = [build.child("later", needed_by="gt5days"), build.child("today", needed_by="today")]
    result = solve(build.instance([build.home(vacancies=1)], kids), time_limit=5)
    assert homes_of(result) == {"today": "H1"}
    assert homes_of(greedy(build.instance([build.home(vacancies=1)], kids))) == {"later": "H1"}


def test_children_who_must_not_live_together_are_kept_apart(build):
    shared = build.home("shared", vacancies=2)
    spare = build.home("spare", vacancies=1, lat=53.9)
    at_risk = build.child("A", risks_to_self=frozenset({"sexual_exploitation"}))
    posing = build.child("B", risks_to_others=frozenset({"sexual_harm"}))
    problem = build.instance([shared, spare], [at_risk, posing])
    result = solve(problem, time_limit=5)
    assert result.placed == 2
    assert len(set(homes_of(result).values())) == 2
    assert validate(problem, result) == []


def test_impact_between_new_children_is_counted(build):
    shared = build.home("shared", vacancies=2)
    spare = build.home("spare", vacancies=1, lat=53.49)  # about 1 km further
    runaways = [
        build.child(n, risks_to_self=frozenset({"going_missing", "drugs_alcohol"}))
        for n in ("A", "B")
    ]
    problem = build.instance([shared, spare], runaways)
    # By one weighted score, together they would score 4 impact points (600 score points);
    # apart costs ~10 points.
    result = solve(problem, time_limit=5, policy=WEIGHTED_SCORE)
    assert sorted(homes_of(result).values()) == ["shared", "spare"]
    # Near home first: a kilometre nearer comes before the children already there...
    assert sorted(homes_of(solve(problem, time_limit=5)).values()) == ["shared", "shared"]
    # ...which decide between homes equally near, where the impact is a step or more.
    equally_near = build.home("spare", vacancies=1)
    result = solve(build.instance([shared, equally_near], runaways), time_limit=5)
    assert sorted(homes_of(result).values()) == ["shared", "shared"]  # 4 points: within a step
    troubled = frozenset({"going_missing", "drugs_alcohol", "self_harm", "eating_disorder"})
    pair = [
        build.child(
            "A", age=16, risks_to_self=troubled, risks_to_others=frozenset({"physical_harm"})
        ),
        build.child("B", age=11, risks_to_self=troubled),
    ]
    assert pair_impact(*pair, ImpactPoints()) >= IMPACT_STEP_POINTS
    result = solve(build.instance([shared, equally_near], pair), time_limit=5)
    assert sorted(homes_of(result).values()) == ["shared", "spare"]


def synthetic_instance(build, n_homes=60, n_children=40, seed=5):
    register = [
        SimpleNamespace(
            urn=f"SC{i:05d}",
            provision_type="childrens_home",
            registration_status="active",
            short_break_only=False,
            places=1 + i % 5,
            sector="private",
            la_code=(build.LA_HOME, build.LA_NEXT)[i % 2],
            lat=53.3 + (i % 7) * 0.05,
            lon=-2.5 + (i % 5) * 0.08,
            overall_grade="good",
        )
        for i in range(n_homes)
    ]
    las = [
        SimpleNamespace(code=build.LA_HOME, lat=53.48, lon=-2.24, region_code="E12000002"),
        SimpleNamespace(code=build.LA_NEXT, lat=53.41, lon=-2.16, region_code="E12000002"),
    ]
    return build.instance(profile_homes(register, seed), referrals(n_children, las, seed))


def test_a_fixed_seed_gives_the_same_proposal(build):
    problem = synthetic_instance(build)
    first, second = (solve(problem, time_limit=3, seed=7) for _ in range(2))
    assert homes_of(first) == homes_of(second)
    assert first.objective == second.objective
    assert validate(problem, first) == []


def test_never_worse_than_the_warm_start_or_greedy(build):
    problem = synthetic_instance(build, n_homes=40, n_children=50)
    prepared = prepare(problem)
    start = warm_start(prepared, FlowBound.build(prepared).lexicographic())
    result = solve(problem, time_limit=3, seed=2)
    assert (-result.placed, result.objective) <= (
        -prepared.children_placed(start),
        prepared.key(start)[1],
    ) or result.placed > prepared.children_placed(start)
    baseline = greedy(problem)
    assert result.placed >= baseline.placed
    assert result.objective >= result.lower_bound
    assert validate(problem, result) == validate(problem, baseline) == []


def test_progress_reports_and_can_stop_the_search(build):
    problem = synthetic_instance(build)
    updates = []

    def progress(update):
        updates.append(update)
        return True  # stop at the first report

    result = solve(problem, time_limit=30, progress=progress)
    assert result.status == "stopped"
    assert set(updates[0]) == {"stage", "tier", "placed", "objective", "bound", "gap", "elapsed"}
    assert validate(problem, result) == []

    stop = threading.Event()
    stop.set()
    assert solve(problem, time_limit=30, stop=stop).status == "stopped"
