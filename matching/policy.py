"""Policies: what the optimiser puts first, named and said in plain words.

A policy orders the batch's objective lexicographically.  Children placed always comes first
(the most urgent first: one more child placed outweighs everything else).  Then come the
policy's tiers, in order: a proposal is better than another if it is better in the first tier
where they differ; a later tier only separates proposals that are equal in every tier before it.
No weight trades one tier against another, so none can be tuned away by accident.

Each tier is a sum of score terms (scoring.py), each term weighted as the instance's Weights say
(the exchange rates *within* a tier: how many km from home an "at a distance" placement counts
as), times the tier's own multiplier.  Tier values are whole numbers per placement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

# The score terms a tier may sum (scoring.score_child computes them).
TERMS = (
    "distance_from_family",
    "distance_from_school",
    "over_20_miles",
    "at_a_distance",
    "out_of_area",
    "group_impact",
    "ofsted_grade",
    "weekly_cost",
)
NEAR_HOME_TERMS = (
    "distance_from_family",
    "distance_from_school",
    "over_20_miles",
    "at_a_distance",
    "out_of_area",
)


def _each(*terms: str, multiplier: float = 1.0) -> MappingProxyType:
    return MappingProxyType(dict.fromkeys(terms, multiplier))


@dataclass(frozen=True)
class Tier:
    """One level of a policy's order: a sum of score terms, each times `terms[term]`."""

    name: str
    title: str
    description: str
    terms: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        unknown = set(self.terms) - set(TERMS)
        if unknown:
            raise ValueError(f"unknown score terms {sorted(unknown)}")
        if any(multiplier < 0 for multiplier in self.terms.values()):
            # The bounds rely on every term being non-negative (impact above all).
            raise ValueError("tier multipliers must be non-negative")


@dataclass(frozen=True)
class Policy:
    """A named order of what matters, with its plain-English description."""

    name: str
    title: str
    description: str
    tiers: tuple[Tier, ...]

    @cached_property  # a cached property, so the result JSON carries it
    def order(self) -> str:
        """How the policy orders the objective, in words."""
        steps = ["the most children placed, the most urgent first"]
        steps += [tier.title.lower() for tier in self.tiers]
        return (
            "Proposals are compared on "
            + "; then ".join(steps)
            + ". A later step only decides between proposals equal in every step before it."
        )


NEAR_HOME = Tier(
    "near_home",
    "Near home",
    "Kilometres from the child's family home, and from their school where they must keep "
    "going to it, with each placement over 20 miles, at a distance or out of the authority's "
    "area counted as further away (Children Act 1989 s22C(7)-(9); Care Planning Regulations "
    "2010 reg 11).",
    _each(*NEAR_HOME_TERMS),
)
SUITABILITY = Tier(
    "suitability",
    "The home's group and grade",
    "The impact on the children already living in the home and on each other, and the home's "
    "Ofsted grade (by its limiting judgement).",
    _each("group_impact", "ofsted_grade"),
)
WEEKLY_FEES = Tier(
    "weekly_fees",
    "Weekly fees",
    "What the placements cost each week (a solo placement pays for the whole home).",
    _each("weekly_cost"),
)

NEAR_HOME_FIRST = Policy(
    "near_home_first",
    "Near home first",
    "Places as many children as possible, the most urgent first. Then keeps children as near "
    "their family and school as it can, and within their own authority's area, as the Children "
    "Act 1989 (s22C) requires so far as reasonably practicable. Then looks after the children "
    "already living in the homes, and prefers better-graded homes. Cost only decides between "
    "proposals that are equal in all of these.",
    (NEAR_HOME, SUITABILITY, WEEKLY_FEES),
)
LOWEST_COST_WITHIN_20_MILES = Policy(
    "lowest_cost_within_20_miles",
    "Lowest cost within 20 miles",
    "Places as many children as possible, the most urgent first. Then keeps as many children as "
    "it can within 20 miles of home. Then chooses the lowest weekly fees, and only after that "
    "the nearest homes and the home's group and grade.",
    (
        Tier(
            "within_20_miles",
            "Children within 20 miles",
            "Each placement more than 20 miles from the family home counts one.",
            _each("over_20_miles"),
        ),
        WEEKLY_FEES,
        Tier(
            "near_home",
            "Near home",
            NEAR_HOME.description,
            _each(*(t for t in NEAR_HOME_TERMS if t != "over_20_miles")),
        ),
        SUITABILITY,
    ),
)
LOWEST_COST = Policy(
    "lowest_cost",
    "Lowest cost",
    "Places as many children as possible, the most urgent first. Then chooses the lowest weekly "
    "fees; distance from home, and the home's group and grade, only decide between proposals "
    "that cost the same.",
    (WEEKLY_FEES, NEAR_HOME, SUITABILITY),
)
WEIGHTED_SCORE = Policy(
    "weighted_score",
    "One weighted score",
    "Places as many children as possible, the most urgent first. Then minimises one score that "
    "adds fees, distance, approvals needed, group impact and grade at the exchange rates of "
    "the weights (one point is about £1 a week): cheaper homes can outweigh distance.",
    (
        Tier(
            "score",
            "The weighted score",
            "Every score term at the exchange rates of the weights.",
            _each(*TERMS),
        ),
    ),
)

# The policies a consortium may choose, by name.
POLICIES: dict[str, Policy] = {
    policy.name: policy
    for policy in (NEAR_HOME_FIRST, LOWEST_COST_WITHIN_20_MILES, LOWEST_COST, WEIGHTED_SCORE)
}
DEFAULT_POLICY = NEAR_HOME_FIRST

# Today's practice, for the bench: each child the nearest home that keeps every rule (equal
# distances decided as the default policy decides).
NEAREST_HOME = Policy(
    "nearest_home",
    "Nearest home",
    "Each child the nearest home that keeps every rule.",
    (
        Tier(
            "distance",
            "Distance from home",
            "Kilometres from the family home.",
            _each("distance_from_family"),
        ),
        *NEAR_HOME_FIRST.tiers,
    ),
)


def near_home_priced(pounds_per_point: float) -> Policy:
    """A point of the trade-off between near home and cost: one tier adding the near-home
    points, each worth `pounds_per_point` of weekly fees, then the home's group and grade."""
    terms = {**_each(*NEAR_HOME_TERMS, multiplier=pounds_per_point), "weekly_cost": 1.0}
    return Policy(
        f"near_home_at_{pounds_per_point:g}",
        "Near home, priced",
        f"Places as many children as possible, the most urgent first. Then weighs each "
        f"kilometre nearer home (in the near-home measure) against £{pounds_per_point * 10:,.0f} "
        f"a week of fees, then the home's group and grade.",
        (
            Tier(
                "near_home_and_fees",
                "Near home and fees together",
                "Near-home points priced in pounds a week, plus the weekly fees.",
                MappingProxyType(terms),
            ),
            SUITABILITY,
        ),
    )
