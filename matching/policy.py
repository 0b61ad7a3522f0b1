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

# What a tier may sum: the score terms (scoring.score_child, weighted by the Weights) and
# "impact_points", the group-impact points themselves, unweighted.
TERMS = (
    "distance_from_family",
    "distance_from_school",
    "over_20_miles",
    "at_a_distance",
    "out_of_area",
    "group_impact",
    "impact_points",
    "ofsted_grade",
    "weekly_cost",
)
SCORE_TERMS = tuple(term for term in TERMS if term != "impact_points")
# The group-impact tier counts impact in steps of this many points: the score screens, it does
# not assess (the home does, in its impact risk assessment), and a point or two either way
# (one risk shared, a year more between ages) is within what it can tell.  Finer, it would
# buy any small difference at any price.
IMPACT_STEP_POINTS = 10.0
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
GROUP_IMPACT = Tier(
    "group_impact",
    "The children already living there",
    "The group-impact points between each child and the children living in the home, and the "
    f"other children proposed for it, in steps of {IMPACT_STEP_POINTS:g} points (the home "
    "makes its own impact risk assessment).",
    _each("impact_points", multiplier=1 / IMPACT_STEP_POINTS),
)
COST = Tier(
    "cost",
    "Weekly fees, with the Ofsted grade priced in",
    "What the placements cost each week (a solo placement pays for the whole home), with each "
    "Ofsted grade below outstanding counted as the weekly premium the weights give it.",
    _each("weekly_cost", "ofsted_grade"),
)

NEAR_HOME_FIRST = Policy(
    "near_home_first",
    "Near home first",
    "Places as many children as possible, the most urgent first. Then keeps children as near "
    "their family and school as it can, and within their own authority's area, as the Children "
    "Act 1989 (s22C) requires so far as reasonably practicable. Then chooses homes where the "
    "children already living there are least affected. Cost only decides between proposals "
    "that are equal in all of these.",
    (NEAR_HOME, GROUP_IMPACT, COST),
)
NEAR_HOME_AT_LEAST_COST = Policy(
    "near_home_at_least_cost",
    "Near home first, at least cost",
    "Places as many children as possible, the most urgent first. Then keeps children as near "
    "their family and school as it can, and within their own authority's area. Then chooses "
    "the lowest weekly fees; the children already living in the homes only decide between "
    "proposals that cost the same.",
    (NEAR_HOME, COST, GROUP_IMPACT),
)
LOWEST_COST_WITHIN_20_MILES = Policy(
    "lowest_cost_within_20_miles",
    "Lowest cost within 20 miles",
    "Places as many children as possible, the most urgent first. Then keeps as many children as "
    "it can within 20 miles of home. Then chooses the lowest weekly fees, and only after that "
    "the nearest homes and the children already living there.",
    (
        Tier(
            "within_20_miles",
            "Children within 20 miles",
            "Each placement more than 20 miles from the family home counts one.",
            _each("over_20_miles"),
        ),
        COST,
        Tier(
            "near_home",
            "Near home",
            NEAR_HOME.description,
            _each(*(t for t in NEAR_HOME_TERMS if t != "over_20_miles")),
        ),
        GROUP_IMPACT,
    ),
)
LOWEST_COST = Policy(
    "lowest_cost",
    "Lowest cost",
    "Places as many children as possible, the most urgent first. Then chooses the lowest weekly "
    "fees; distance from home, and the children already living in the homes, only decide "
    "between proposals that cost the same.",
    (COST, NEAR_HOME, GROUP_IMPACT),
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
            _each(*SCORE_TERMS),
        ),
    ),
)

# The policies a consortium may choose, by name.
POLICIES: dict[str, Policy] = {
    policy.name: policy
    for policy in (
        NEAR_HOME_FIRST,
        NEAR_HOME_AT_LEAST_COST,
        LOWEST_COST_WITHIN_20_MILES,
        LOWEST_COST,
        WEIGHTED_SCORE,
    )
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
    points, each priced at `pounds_per_point` a week, to the cost; then the children already
    living there."""
    terms = {**_each(*NEAR_HOME_TERMS, multiplier=pounds_per_point), **COST.terms}
    return Policy(
        f"near_home_priced_{pounds_per_point:.6g}",
        "Near home, priced against cost",
        "Places as many children as possible, the most urgent first. Then weighs distance from "
        "home against weekly fees at the price that divides the two proposals next to it on the "
        "trade-off, then the children already living in the homes.",
        (
            Tier(
                "near_home_and_cost",
                "Near home and cost together",
                f"Near-home points at £{pounds_per_point:,.2f} a week each, plus the cost.",
                MappingProxyType(terms),
            ),
            GROUP_IMPACT,
        ),
    )
