import numpy as np
import pytest
from geopy.distance import great_circle

from matching.feasibility import (
    REASON_CODES,
    HomeTable,
    exclusion_reasons,
    primary_reason_counts,
    reason_codes,
)
from matching.geo import haversine_km

# A child who must keep going to a school next to the family home.
SCHOOL_KEPT = {"keep_school": True, "school_lat": 53.48, "school_lon": -2.24}


def reasons_for(members, homes):
    table = HomeTable.from_homes(homes)
    distances = [table.distances_km(m.lat, m.lon) for m in members]
    bits = exclusion_reasons(members, table, distances)
    return [reason_codes(int(b)) for b in bits]


def test_a_matching_home_is_feasible(build):
    assert reasons_for([build.child()], [build.home()]) == [()]


@pytest.mark.parametrize(
    ("child_changes", "home_changes", "code"),
    [
        ({}, {"registration_status": "suspended"}, "registration_suspended"),
        ({}, {"short_break_only": True}, "short_break_only"),
        ({"secure_order": True}, {}, "secure_order_needs_secure_home"),
        ({}, {"type": "secure_childrens_home"}, "secure_home_needs_order"),
        ({"age": 7}, {}, "age_outside_range"),
        ({"age": 12}, {"min_age": 13}, "age_outside_range"),
        ({"sex": "F"}, {"sexes": frozenset({"M"})}, "sex_not_catered"),
        ({"needs": frozenset({"autism", "therapeutic"})}, {}, "needs_not_catered"),
        ({}, {"vacancies": 0}, "no_vacancy"),
        ({"pets": "no"}, {"has_pets": True}, "pets"),
        ({"pets": "must"}, {"has_pets": False}, "pets"),
        ({}, {"ofsted_grade": "inadequate"}, "inadequate_grade"),
        ({"max_distance_km": 10.0}, {"lat": 51.5, "lon": -0.12}, "beyond_max_distance"),
        ({"needed_by": "today"}, {"accepts_emergencies": False}, "no_emergencies"),
        ({}, {"safety_grade": "inadequate", "ofsted_grade": "good"}, "inadequate_grade"),
        (SCHOOL_KEPT, {"lat": 53.70}, "beyond_school_distance"),  # 24 km from school
    ],
)
def test_each_rule_excludes_with_its_reason_code(build, child_changes, home_changes, code):
    assert reasons_for([build.child(**child_changes)], [build.home(**home_changes)]) == [(code,)]


def test_secure_order_goes_to_a_secure_home(build):
    secure = build.home(type="secure_childrens_home")
    assert reasons_for([build.child(secure_order=True)], [secure]) == [()]


def test_requires_improvement_is_never_excluded(build):
    assert reasons_for([build.child()], [build.home(ofsted_grade="requires_improvement")]) == [()]


def test_inadequate_allowed_with_a_recorded_override(build):
    overridden = build.child(inadequate_override_reason="only home near the child's school")
    blank = build.child(inadequate_override_reason="  ")
    homes = [build.home(ofsted_grade="inadequate")]
    assert reasons_for([overridden], homes) == [()]
    assert reasons_for([blank], homes) == [("inadequate_grade",)]


def test_solo_child_needs_an_empty_home(build):
    solo = build.child(living_alongside="solo")
    occupied = build.home(residents=(build.resident(),))
    assert reasons_for([solo], [occupied, build.home()]) == [("solo_needs_empty_home",), ()]


def test_solo_only_home_takes_one_child_and_only_when_empty(build):
    solo_home = build.home(solo_only=True, places=1, vacancies=2)
    occupied = build.home(solo_only=True, residents=(build.resident(),))
    siblings = [build.child("A", sibling_group="G"), build.child("B", sibling_group="G")]
    assert reasons_for([build.child()], [solo_home, occupied]) == [(), ("solo_only_home",)]
    assert reasons_for(siblings, [solo_home]) == [("solo_only_home",)]


def test_sibling_group_needs_a_bed_each(build):
    siblings = [build.child(str(i), sibling_group="G") for i in range(3)]
    assert reasons_for(siblings, [build.home(vacancies=2), build.home(vacancies=3)]) == [
        ("no_vacancy",),
        (),
    ]


@pytest.mark.parametrize(
    ("living_alongside", "resident_age", "excluded"),
    [
        ("older_only", 15, False),
        ("older_only", 14, True),
        ("younger_only", 13, False),
        ("younger_only", 14, True),
        ("no_preference", 9, False),
    ],
)
def test_only_older_or_younger_companions(build, living_alongside, resident_age, excluded):
    kid = build.child(age=14, living_alongside=living_alongside)
    occupied = build.home(residents=(build.resident(age=resident_age),))
    assert reasons_for([kid], [occupied]) == [("companion_ages",) if excluded else ()]


def test_home_inside_an_avoided_area_is_excluded(build):
    from matching.model import Avoid

    kid = build.child(avoid=(Avoid(lat=53.49, lon=-2.24, radius_km=3.0),))
    far_enough = build.home(lat=53.60, lon=-2.24)
    assert reasons_for([kid], [build.home(), far_enough]) == [("in_avoided_area",), ()]


@pytest.mark.parametrize(
    ("child_flags", "resident_flags"),
    [
        (
            {"risks_to_self": frozenset({"sexual_exploitation"})},
            {"risks_to_others": ["sexual_harm"]},
        ),
        (
            {"risks_to_self": frozenset({"criminal_exploitation"})},
            {"risks_to_others": ["criminal_exploitation"]},
        ),
        (
            {"risks_to_others": frozenset({"sexual_harm"})},
            {"risks_to_self": ["sexual_exploitation"]},
        ),
    ],
)
def test_exploitation_conflict_with_a_resident_is_excluded(build, child_flags, resident_flags):
    occupied = build.home(residents=(build.resident(**resident_flags),))
    assert reasons_for([build.child(**child_flags)], [occupied]) == [("resident_conflict",)]


def test_exploitation_within_a_sibling_group_excludes_every_home(build):
    siblings = [
        build.child("A", sibling_group="G", risks_to_self=frozenset({"sexual_exploitation"})),
        build.child("B", sibling_group="G", risks_to_others=frozenset({"sexual_harm"})),
    ]
    assert reasons_for(siblings, [build.home()]) == [("sibling_conflict",)]


def test_all_reasons_listed_and_counted_once_by_the_first(build):
    homes = [
        build.home("A", vacancies=0, ofsted_grade="inadequate"),
        build.home("B", vacancies=0),
        build.home("C", ofsted_grade="inadequate"),
        build.home("D"),
    ]
    table = HomeTable.from_homes(homes)
    kid = build.child()
    bits = exclusion_reasons([kid], table, [table.distances_km(kid.lat, kid.lon)])
    assert reason_codes(int(bits[0])) == ("no_vacancy", "inadequate_grade")
    assert primary_reason_counts(bits) == {"no_vacancy": 2, "inadequate_grade": 1}
    assert len(set(REASON_CODES)) == len(REASON_CODES) <= 32


def test_vectorised_distances_agree_with_geopy():
    rng = np.random.default_rng(1)
    lats, lons = rng.uniform(50, 55.8, 200), rng.uniform(-5.5, 1.7, 200)
    ours = haversine_km(51.5, -0.12, lats, lons)
    theirs = [
        great_circle((51.5, -0.12), (lat, lon)).km for lat, lon in zip(lats, lons, strict=True)
    ]
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-6)


def test_a_lead_can_pin_a_child_to_one_home_or_rule_homes_out(build):
    homes = [build.home(id="A"), build.home(id="B"), build.home(id="C")]
    assert reasons_for([build.child(pinned_home="B")], homes) == [
        ("pinned_elsewhere",),
        (),
        ("pinned_elsewhere",),
    ]
    ruled_out = build.child(excluded_homes=frozenset({"A", "C"}))
    assert reasons_for([ruled_out], homes) == [("excluded_by_lead",), (), ("excluded_by_lead",)]


def test_a_home_that_takes_no_emergencies_still_takes_a_child_not_needed_today(build):
    home = build.home(accepts_emergencies=False)
    assert reasons_for([build.child(needed_by="lt5days")], [home]) == [()]


def test_the_school_travel_limit_is_the_commissioners(build):
    home_24_km_away = build.home(lat=53.70)
    assert reasons_for([build.child(**SCHOOL_KEPT, max_school_km=30.0)], [home_24_km_away]) == [()]
    # Without the duty to keep the school, the distance from it is no rule.
    school_left = {**SCHOOL_KEPT, "keep_school": False}
    assert reasons_for([build.child(**school_left)], [home_24_km_away]) == [()]


def test_helped_and_protected_is_the_limiting_judgement(build):
    good_but_unsafe = build.home(ofsted_grade="outstanding", safety_grade="inadequate")
    assert good_but_unsafe.limiting_grade == "inadequate"
    assert build.home(safety_grade="good").limiting_grade == "good"
    overridden = build.child(inadequate_override_reason="the only home near the school")
    assert reasons_for([overridden], [good_but_unsafe]) == [()]
