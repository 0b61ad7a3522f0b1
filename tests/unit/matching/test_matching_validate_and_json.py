import dataclasses
import json
from types import MappingProxyType, SimpleNamespace

import numpy as np
import pytest

from matching import (
    InstanceError,
    dump_instance,
    load_instance,
    result_to_dict,
    solve,
    validate,
    weights_with_overrides,
)
from matching.model import Assignment, Result, ScoreBreakdown
from matching.synthetic import profile_homes, referrals

NO_BREAKDOWN = ScoreBreakdown(
    0.0, None, False, False, False, 0.0, 0.0, "good", MappingProxyType({}), tuple
)


def proposal(*pairs) -> Result:
    assignments = tuple(
        Assignment(r, h, 0.0, False, False, False, 0.0, 0.0, 0.0, NO_BREAKDOWN) for r, h in pairs
    )
    return Result("feasible", "hand", 0.0, 0.0, None, None, len(pairs), None, assignments, (), {})


def rules(breaks):
    return sorted(b.rule for b in breaks)


def test_validator_accepts_a_proposal_that_keeps_every_rule(build):
    problem = build.instance([build.home()], [build.child()])
    assert validate(problem, proposal(("R1", "H1"))) == []


def test_validator_catches_hand_made_rule_breaks(build):
    homes = [
        build.home("H1", vacancies=1, residents=(build.resident(risks_to_others=["sexual_harm"]),)),
        build.home("H2", min_age=15, ofsted_grade="inadequate"),
    ]
    kids = [
        build.child("A", risks_to_self=frozenset({"sexual_exploitation"})),
        build.child("B"),
        build.child("C", sibling_group="G"),
        build.child("D", sibling_group="G"),
    ]
    problem = build.instance(homes, kids)
    breaks = validate(problem, proposal(("A", "H1"), ("B", "H1"), ("C", "H2")))
    assert rules(breaks) == [
        "age",  # C is 14 in a 15-17 home
        "capacity",  # A and B in a one-bed home
        "exploitation",  # A at risk of sexual exploitation with a resident posing sexual harm
        "inadequate",
        "siblings_split",  # C placed, D not
    ]


def test_validator_catches_the_emergency_school_and_limiting_judgement_rules(build):
    homes = [
        build.home("NO_EMERGENCIES", accepts_emergencies=False),
        build.home("FAR_FROM_SCHOOL", lat=53.70),
        build.home("UNSAFE", ofsted_grade="good", safety_grade="inadequate"),
    ]
    kids = [
        build.child("TODAY", needed_by="today"),
        build.child("PUPIL", keep_school=True, school_lat=53.48, school_lon=-2.24),
        build.child("C"),
    ]
    problem = build.instance(homes, kids)
    placed = proposal(("TODAY", "NO_EMERGENCIES"), ("PUPIL", "FAR_FROM_SCHOOL"), ("C", "UNSAFE"))
    breaks = validate(problem, placed)
    assert rules(breaks) == ["emergency", "inadequate", "school_distance"]
    relaxed = build.instance(homes, [dataclasses.replace(kids[1], max_school_km=30.0)])
    assert validate(relaxed, proposal(("PUPIL", "FAR_FROM_SCHOOL"))) == []


def test_validator_catches_solo_and_companion_breaks(build):
    kids = [build.child("S", living_alongside="solo"), build.child("Y", age=10)]
    older = build.child("O", living_alongside="older_only", age=15)
    problem = build.instance([build.home(vacancies=3)], [*kids, older])
    breaks = validate(problem, proposal(("S", "H1"), ("Y", "H1"), ("O", "H1")))
    assert "solo" in rules(breaks) and "only_older" in rules(breaks)


def test_validator_catches_a_pin_or_exclusion_ignored(build):
    homes = [build.home("H1"), build.home("H2")]
    kids = [build.child("P", pinned_home="H2"), build.child("X", excluded_homes=frozenset({"H1"}))]
    breaks = validate(build.instance(homes, kids), proposal(("P", "H1"), ("X", "H1")))
    assert rules(breaks) == ["excluded", "pinned"]


def test_the_batch_honours_pins_and_exclusions(build):
    homes = [build.home("NEAR"), build.home("FAR", lat=51.5, lon=-0.1)]
    kids = [
        build.child("P", pinned_home="FAR"),
        build.child("X", excluded_homes=frozenset({"NEAR"})),
    ]
    result = solve(build.instance(homes, kids), time_limit=2)
    assert {(a.referral, a.home) for a in result.assignments} == {("P", "FAR"), ("X", "FAR")}


def test_instance_json_round_trip_and_result_json(build):
    from matching.model import Avoid

    kid = build.child(
        avoid=(Avoid(53.5, -2.2, 2.0),),
        school_lat=53.4,
        school_lon=-2.1,
        max_school_km=35.0,
        pinned_home="H1",
        excluded_homes=frozenset({"H9"}),
    )
    house = build.home(
        residents=(build.resident(),),
        accepts_emergencies=False,
        safety_grade="good",
        solo_weekly_fee=9000.0,
    )
    problem = build.instance([house], [kid])
    data = json.loads(json.dumps(dump_instance(problem)))
    assert data["schema"] == "hearth-matching/1"
    assert load_instance(data) == problem
    result = json.loads(json.dumps(result_to_dict(solve(problem, time_limit=2))))
    assert result["placed"] == 1
    assert result["assignments"][0]["home"] == "H1"
    # Impact items are computed lazily but written like any field; the function behind them is not.
    breakdown = result["assignments"][0]["breakdown"]
    assert list(breakdown)[-2:] == ["terms", "impact_items"]
    assert sum(item["points"] for item in breakdown["impact_items"]) == breakdown["group_impact"]
    assert result["exclusion_counts"] == {"R1": {}}


def test_invalid_instance_lists_every_error_with_its_path(build):
    data = dump_instance(build.instance([build.home()], [build.child()]))
    data["homes"][0]["sexes"] = ["X"]
    data["referrals"][0]["age"] = "fourteen"
    del data["referrals"][0]["lat"]
    data["weights"] = {"per_km_family": -1}
    with pytest.raises(InstanceError) as caught:
        load_instance(data)
    errors = "\n".join(caught.value.errors)
    assert "homes[0].sexes: unknown ['X']" in errors
    assert "referrals[0].age: must be a number" in errors
    assert "referrals[0].lat: is required" in errors
    assert "instance.weights: per_km_family must be a non-negative number" in errors


def test_weights_override_merges_tables():
    weights = weights_with_overrides(
        {"per_pound": 2, "grade": {"good": 0}, "impact": {"shared": {"self_harm": 5}}}
    )
    assert weights.per_pound == 2
    assert weights.grade["good"] == 0 and weights.grade["requires_improvement"] == 400.0
    assert weights.impact.shared["self_harm"] == 5 and weights.impact.shared["going_missing"] == 2.0


def register(n=400):
    kinds = ["childrens_home"] * 8 + ["residential_special_school", "secure_childrens_home"]
    return [
        SimpleNamespace(
            urn=f"SC{i:05d}",
            provision_type=kinds[i % len(kinds)],
            registration_status="active",
            short_break_only=False,
            places=1 + (i * 7) % 6,
            sector="private",
            la_code="E08000003",
            lat=53.4,
            lon=-2.2,
            overall_grade=None if i % 9 == 0 else "good",
        )
        for i in range(n)
    ]


def test_synthetic_homes_are_deterministic_and_calibrated():
    homes = profile_homes(register(), seed=3)
    assert homes == profile_homes(register(), seed=3)
    assert homes != profile_homes(register(), seed=4)
    fees = np.array([h.weekly_fee for h in homes])
    assert 5000 < fees.mean() < 7500 and fees.max() > 10000
    vacant = sum(h.vacancies for h in homes) / sum(h.places for h in homes)
    assert 0.2 < vacant < 0.4
    assert all(len(h.residents) == h.places - h.vacancies for h in homes)
    assert all(h.solo_only == (h.places == 1) for h in homes)
    assert {h.type for h in homes} == {"childrens_home", "secure_childrens_home"}
    assert {h.ofsted_grade for h in homes} == {"good", "none"}


def test_synthetic_referrals_are_deterministic_and_varied():
    las = [
        SimpleNamespace(code=f"E0600000{i}", lat=53 + i / 10, lon=-2.0, region_code="R")
        for i in range(5)
    ]
    kids = referrals(300, las, seed=9)
    assert kids == referrals(300, las, seed=9)
    assert len(kids) == 300 and len({k.id for k in kids}) == 300
    groups = {}
    for kid in kids:
        if kid.sibling_group:
            groups.setdefault(kid.sibling_group, []).append(kid)
    assert groups and all(2 <= len(g) <= 3 for g in groups.values())
    assert all(len({k.placing_la_code for k in g}) == 1 for g in groups.values())
    assert any(k.wants_solo for k in kids) and any(k.avoid for k in kids)
    assert {k.needed_by for k in kids} == {"today", "lt5days", "gt5days"}
    assert dataclasses.is_dataclass(kids[0])


def test_an_old_instance_without_the_new_fields_loads_with_their_defaults(build):
    data = dump_instance(build.instance([build.home()], [build.child()]))
    for field in ("accepts_emergencies", "safety_grade", "solo_weekly_fee"):
        del data["homes"][0][field]
    del data["referrals"][0]["max_school_km"]
    loaded = load_instance(data)
    assert loaded.homes[0].accepts_emergencies is True
    assert (loaded.homes[0].safety_grade, loaded.homes[0].solo_weekly_fee) == (None, None)
    assert loaded.referrals[0].max_school_km == 20.0
