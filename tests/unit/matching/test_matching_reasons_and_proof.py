"""Why a child is not placed, specifically; and the proven most children placeable, knowing who
may live together (issue 15)."""

import pytest

from matching import batch, solve, validate
from matching.bound import FlowBound
from matching.problem import prepare

LONDON = {"lat": 51.5, "lon": -0.12}


def why(result, referral):
    (unplaced,) = [u for u in result.unplaced if u.referral == referral]
    return unplaced.reason, dict(unplaced.why)


def test_no_secure_bed_within_the_childs_distance(build):
    homes = [
        build.home("ORDINARY"),
        build.home("SECURE_FULL", type="secure_childrens_home", vacancies=0),
        build.home("SECURE_FAR", type="secure_childrens_home", la_code=build.LA_FAR, **LONDON),
    ]
    child = build.child(secure_order=True, max_distance_km=80.0)
    reason, details = why(solve(build.instance(homes, [child]), time_limit=2), "R1")
    assert reason == "no_feasible_home"
    assert details["code"] == "beyond_max_distance"  # the rule that removed the last homes
    assert details["homes_before"] == 1  # one secure home with a bed, beyond 80 km
    assert details["earlier"] == ["secure_order_needs_secure_home", "no_vacancy"]
    assert (details["secure_order"], details["max_distance_km"]) == (True, 80.0)
    # Each home is kept out by one rule alone (relax it, and that home could take the child).
    assert details["only_this_rule"] == {
        "secure_order_needs_secure_home": 1,
        "no_vacancy": 1,
        "beyond_max_distance": 1,
    }


def test_no_home_caters_for_the_childs_needs_with_a_vacancy(build):
    homes = [
        build.home("AUTISM_FULL", vacancies=0),
        build.home("NO_AUTISM", needs=frozenset({"emotional_behavioural"})),
    ]
    child = build.child(needs=frozenset({"autism", "emotional_behavioural"}))
    reason, details = why(solve(build.instance(homes, [child]), time_limit=2), "R1")
    assert (reason, details["code"]) == ("no_feasible_home", "no_vacancy")
    assert details["earlier"] == ["needs_not_catered"]
    assert details["needs"] == ["autism", "emotional_behavioural"]
    assert details["homes_before"] == 1


def test_a_child_whose_beds_went_to_other_children_says_who_took_them(build):
    kids = [build.child("TODAY", needed_by="today"), build.child("LATER", needed_by="gt5days")]
    result = solve(build.instance([build.home(vacancies=1)], kids), time_limit=2)
    reason, details = why(result, "LATER")
    assert reason == "lost_to_competition"
    assert details["code"] == "beds_taken"
    assert (details["homes"], details["full"], details["taken_by"]) == (1, 1, ["TODAY"])


def test_a_child_kept_apart_from_those_placed_says_from_whom(build):
    at_risk = build.child(
        "AT_RISK", needed_by="today", risks_to_self=frozenset({"sexual_exploitation"})
    )
    posing = build.child("POSING", risks_to_others=frozenset({"sexual_harm"}))
    problem = build.instance([build.home(vacancies=2)], [at_risk, posing])
    reason, details = why(solve(problem, time_limit=2), "POSING")
    assert (reason, details["code"]) == ("lost_to_competition", "kept_apart")
    assert details["kept_apart_from"] == ["AT_RISK"] and details["full"] == 0


def test_the_maximum_counts_who_may_live_together_not_only_the_flow(build):
    # The flow puts both children in the one home; they may not live together, so one is
    # placed, and the result proves no proposal places two.
    at_risk = build.child("A", risks_to_self=frozenset({"criminal_exploitation"}))
    posing = build.child("B", risks_to_others=frozenset({"criminal_exploitation"}))
    problem = build.instance([build.home(vacancies=2)], [at_risk, posing])
    assert FlowBound.build(prepare(problem)).lexicographic().children == 2

    result = solve(problem, time_limit=5)

    assert (result.placed, result.max_placeable, result.max_placeable_proof) == (1, 1, "patterns")
    assert validate(problem, result) == []


def test_where_patterns_cannot_settle_it_the_exact_model_proves_the_maximum(build, monkeypatch):
    monkeypatch.setattr(batch, "most_value_by_patterns", lambda *args: None)
    solo = build.child("S", living_alongside="solo", needed_by="today")
    problem = build.instance([build.home(vacancies=2)], [solo, build.child("A")])

    result = solve(problem, time_limit=5)

    assert (result.placed, result.max_placeable, result.max_placeable_proof) == (1, 1, "cp-sat")
    assert [a.referral for a in result.assignments] == ["S"]


@pytest.mark.parametrize("seed", [3, 4])
def test_placed_equals_the_proven_maximum_on_scarce_synthetic_batches(build, seed):
    from tests.unit.matching.test_matching_batch import synthetic_instance

    problem = synthetic_instance(build, n_homes=25, n_children=70, seed=seed)
    result = solve(problem, time_limit=10, seed=0)
    assert result.placed == result.max_placeable
    assert result.max_placeable_proof in {"flow", "patterns", "cp-sat"}
    assert validate(problem, result) == []
