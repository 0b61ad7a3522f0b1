"""Builders for hand-made homes and children: every test states only what it is about."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from matching.model import Home, Instance, Referral, Resident, Weights

# Two LAs side by side and one far away (lat/lon near Manchester, Stockport and London).
LA_HOME, LA_NEXT, LA_FAR = "E08000003", "E08000007", "E09000001"
ADJACENCY = MappingProxyType(
    {LA_HOME: frozenset({LA_NEXT}), LA_NEXT: frozenset({LA_HOME}), LA_FAR: frozenset()}
)
FAMILY = (53.48, -2.24)


def home(id="H1", **changes) -> Home:
    base = Home(
        id=id,
        lat=FAMILY[0],
        lon=FAMILY[1],
        la_code=LA_HOME,
        type="childrens_home",
        vacancies=2,
        places=4,
        min_age=8,
        max_age=17,
        sexes=frozenset({"F", "M"}),
        needs=frozenset({"emotional_behavioural", "autism", "mental_health"}),
        solo_only=False,
        has_pets=False,
        weekly_fee=5000.0,
        ofsted_grade="good",
        residents=(),
    )
    return dataclasses.replace(base, **changes)


def child(id="R1", **changes) -> Referral:
    base = Referral(
        id=id,
        placing_la_code=LA_HOME,
        lat=FAMILY[0],
        lon=FAMILY[1],
        age=14,
        sex="F",
        needs=frozenset({"emotional_behavioural"}),
    )
    return dataclasses.replace(base, **changes)


def resident(age=14, sex="M", risks_to_self=(), risks_to_others=()) -> Resident:
    return Resident(age, sex, frozenset(risks_to_self), frozenset(risks_to_others))


def instance(homes, referrals, weights=None) -> Instance:
    return Instance(tuple(homes), tuple(referrals), ADJACENCY, weights or Weights())


@pytest.fixture
def build():
    """The builders as one namespace: build.home(...), build.child(...), ..."""
    return type(
        "Builders",
        (),
        {
            "home": staticmethod(home),
            "child": staticmethod(child),
            "resident": staticmethod(resident),
            "instance": staticmethod(instance),
            "adjacency": ADJACENCY,
            "LA_HOME": LA_HOME,
            "LA_NEXT": LA_NEXT,
            "LA_FAR": LA_FAR,
        },
    )
