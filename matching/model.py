"""Plain data in and out of the optimiser.

Every class here is a frozen dataclass with no behaviour beyond small derived properties, so the
web app can build them from its own records and read results without importing anything else.
Vocabulary tokens are the ones DESIGN.md fixes for forms, database and JSON alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from matching.policy import DEFAULT_POLICY, Policy
from matching.vocabulary import (
    HomeType,
    LivingAlongside,
    Need,
    NeededBy,
    OfstedGrade,
    Pets,
    RegistrationStatus,
    RiskToOthers,
    RiskToSelf,
    Sex,
)

SCHEMA = "hearth-matching/1"

# "More than 20 miles" is the distance statistic the DfE and NAO report (20 miles = 32.19 km).
TWENTY_MILES_KM = 32.19
# How far from the school a home may be when the child must keep going to it, unless the
# commissioner sets another limit on the referral: about 40 minutes' drive at peak times.
DEFAULT_MAX_SCHOOL_KM = 20.0


class vocab:  # noqa: N801 - a namespace of token tuples, read as vocab.NEEDS
    """The tokens of matching.vocabulary as tuples in a fixed order: the vectorised
    feasibility code indexes its arrays by position in them."""

    RISKS_TO_SELF = tuple(RiskToSelf)
    RISKS_TO_OTHERS = tuple(RiskToOthers)
    NEEDS = tuple(Need)
    LIVING_ALONGSIDE = tuple(LivingAlongside)
    PETS = tuple(Pets)
    NEEDED_BY = tuple(NeededBy)
    HOME_TYPES = tuple(HomeType)
    OFSTED_GRADES = tuple(OfstedGrade)
    SEXES = tuple(Sex)
    REGISTRATION_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.SUSPENDED)


@dataclass(frozen=True)
class Resident:
    """A child already living in a home, anonymised: age, sex and risk flags only."""

    age: int
    sex: Sex
    risks_to_self: frozenset[str] = frozenset()
    risks_to_others: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Home:
    """A children's home with its statement of purpose, fee, vacancies and current group."""

    id: str  # Ofsted URN
    lat: float
    lon: float
    la_code: str
    type: str
    vacancies: int
    places: int
    min_age: int
    max_age: int
    sexes: frozenset[str]
    needs: frozenset[str]
    solo_only: bool
    has_pets: bool
    weekly_fee: float  # per bed per week, in pounds
    ofsted_grade: str
    residents: tuple[Resident, ...] = ()
    registration_status: str = "active"
    short_break_only: bool = False
    # The statement of purpose says whether the home takes emergency placements (same day).
    accepts_emergencies: bool = True
    # Ofsted's "how well children are helped and protected" judgement, where known.
    safety_grade: str | None = None
    # The weekly price of the whole home for one child, where the home quotes one.
    solo_weekly_fee: float | None = None

    @property
    def is_secure(self) -> bool:
        return self.type == "secure_childrens_home"

    @property
    def limiting_grade(self) -> str:
        """The grade the rules and the score use: "helped and protected" is Ofsted's limiting
        judgement, so inadequate there makes the home inadequate whatever its overall grade."""
        return "inadequate" if self.safety_grade == "inadequate" else self.ofsted_grade


@dataclass(frozen=True)
class Avoid:
    """A place the child must be kept away from (e.g. where they were exploited)."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Referral:
    """One child to place: the placements data standard v2 plus the fields matching needs."""

    id: str
    placing_la_code: str
    lat: float  # family home (postcode sector centroid)
    lon: float
    age: int
    sex: Sex
    needs: frozenset[str] = frozenset()
    risks_to_self: frozenset[str] = frozenset()
    risks_to_others: frozenset[str] = frozenset()
    living_alongside: str = "no_preference"
    pets: str = "unknown"
    secure_order: bool = False
    sibling_group: str | None = None
    needed_by: str = "gt5days"
    max_distance_km: float | None = None
    avoid: tuple[Avoid, ...] = ()
    school_lat: float | None = None
    school_lon: float | None = None
    keep_school: bool = False
    # The travel limit the commissioner sets when the child must keep going to the school.
    max_school_km: float = DEFAULT_MAX_SCHOOL_KM
    # Inadequate homes are excluded unless a commissioner overrides with a recorded reason.
    inadequate_override_reason: str | None = None
    # A consortium lead's adjustments to a batch: the one home this child must go to, or
    # homes it must not.
    pinned_home: str | None = None
    excluded_homes: frozenset[str] = frozenset()

    @property
    def wants_solo(self) -> bool:
        return self.living_alongside == "solo"

    @property
    def allows_inadequate(self) -> bool:
        return bool(self.inadequate_override_reason and self.inadequate_override_reason.strip())

    @property
    def school_continues(self) -> bool:
        return self.keep_school and self.school_lat is not None and self.school_lon is not None


def _frozen(mapping: dict[str, float]) -> MappingProxyType:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ImpactPoints:
    """Group-impact points between two children; see README "Group impact" for the reasoning."""

    # Children more than this many years apart score per extra year (peer groups of very
    # different ages are harder to care for together).
    age_gap_free_years: int = 3
    per_year_beyond: float = 1.0
    # Points a child posing this risk to others brings against each other child in the home.
    posing: MappingProxyType = field(
        default_factory=lambda: _frozen(
            {
                "physical_harm": 2.0,
                "sexual_harm": 3.0,
                "fire_setting": 1.0,
                "harm_to_animals": 0.0,
                "criminal_exploitation": 3.0,
            }
        )
    )
    # Extra points when one child poses a risk that the other child is specifically exposed to.
    # (Sexual or criminal exploitation against sexual harm or criminal exploitation is a hard
    # exclusion, not a score: see feasibility.)
    exposure: MappingProxyType = field(
        default_factory=lambda: _frozen(
            {
                "criminal_exploitation>drugs_alcohol": 2.0,
                "criminal_exploitation>going_missing": 2.0,
                "physical_harm>self_harm": 1.0,
            }
        )
    )
    # Points when both children share a risk that spreads within a peer group.
    shared: MappingProxyType = field(
        default_factory=lambda: _frozen(
            {
                "going_missing": 2.0,
                "drugs_alcohol": 2.0,
                "self_harm": 1.0,
                "eating_disorder": 1.0,
                "criminal_exploitation": 1.0,
                "sexual_exploitation": 1.0,
            }
        )
    )


@dataclass(frozen=True)
class Weights:
    """Score points per unit of each term; one point is worth about £1 of weekly fee.  A policy
    sums them tier by tier, so they are exchange rates only within a tier (and in the single
    weighted score)."""

    per_pound: float = 1.0
    # Distance first (issue 15's measured rates): within the default policy's near-home tier
    # these make a placement over 20 miles count as 667 km, at a distance as 167 km and out of
    # area as 33 km; in the single weighted score they outweigh fees.
    per_km_family: float = 30.0
    per_km_school: float = 30.0
    over_20_miles: float = 20000.0
    out_of_area: float = 1000.0
    at_a_distance: float = 5000.0
    per_impact_point: float = 150.0
    grade: MappingProxyType = field(
        default_factory=lambda: _frozen(
            {
                "outstanding": 0.0,
                "good": 150.0,
                "requires_improvement": 400.0,
                "none": 300.0,
                "inadequate": 1500.0,
            }
        )
    )
    impact: ImpactPoints = field(default_factory=ImpactPoints)


@dataclass(frozen=True)
class Instance:
    """A batch problem: homes, referrals, LA adjacency, weights and the policy that orders the
    objective (schema hearth-matching/1)."""

    homes: tuple[Home, ...]
    referrals: tuple[Referral, ...]
    adjacency: MappingProxyType  # la_code -> frozenset of neighbouring la_codes
    weights: Weights = field(default_factory=Weights)
    policy: Policy = DEFAULT_POLICY


@dataclass(frozen=True)
class ImpactItem:
    """One reason for group-impact points between the child and another child."""

    other: str  # "resident 2 of home X" or "referral R12"
    points: float
    reason: str


@dataclass(frozen=True)
class ScoreBreakdown:
    """Every term of a placement's score; total = sum of the weighted terms."""

    distance_km: float
    school_distance_km: float | None
    over_20_miles: bool
    out_of_area: bool
    at_a_distance: bool
    weekly_cost: float
    group_impact: float
    ofsted_grade: str
    terms: MappingProxyType  # term name -> weighted points
    # Explaining impact point by point costs far more than scoring it, and a search ranks
    # thousands of homes of which a user reads a few, so impact_items are built on first read.
    explain_impact: Callable[[], tuple[ImpactItem, ...]] = field(repr=False, compare=False)

    @property
    def total(self) -> float:
        return float(sum(self.terms.values()))

    @cached_property
    def impact_items(self) -> tuple[ImpactItem, ...]:
        """The group-impact points item by item, each with its reason."""
        return self.explain_impact()


@dataclass(frozen=True)
class NearerCost:
    """What being this near costs, per child per week, against cheaper homes further away."""

    cheapest_home: str  # the cheapest home that can take the child
    extra_vs_cheapest: float  # this home's weekly cost less the cheapest's (>= 0)
    km_nearer_than_cheapest: float  # the cheapest's distance less this one's (< 0: further)
    cheapest_further_home: str | None  # the cheapest home further from the family, if any
    extra_vs_cheapest_further: float | None  # this home's weekly cost less that one's
    km_nearer_than_cheapest_further: float | None  # > 0


@dataclass(frozen=True)
class RankedHome:
    home_id: str
    score: float  # the weighted score (every term at the weights' exchange rates)
    breakdown: ScoreBreakdown
    tiers: tuple[int, ...] = ()  # the policy's tier values here, which order "overall"
    nearer: NearerCost | None = None


@dataclass(frozen=True)
class SearchResult:
    """One child against every home: feasible homes ranked best first, the rest with reasons."""

    referral_id: str
    ranked: Sequence[RankedHome]  # built as read, in `order`: see search.Ranking
    excluded: MappingProxyType  # home_id -> tuple of reason codes (all that apply)
    exclusion_counts: MappingProxyType  # primary reason code -> number of homes
    seconds: float
    order: str = "overall"  # "overall" (by the policy), "distance" or "cost"
    policy: Policy = DEFAULT_POLICY

    def why_not(self, home_id: str) -> tuple[str, ...]:
        """Reason codes for an excluded home, or () if the home is feasible."""
        return self.excluded.get(home_id, ())


@dataclass(frozen=True)
class Assignment:
    referral: str
    home: str
    distance_km: float
    out_of_area: bool
    at_a_distance: bool
    over_20_miles: bool
    weekly_cost: float
    group_impact: float
    score: float
    breakdown: ScoreBreakdown


@dataclass(frozen=True)
class Unplaced:
    referral: str
    reason: str  # "no_feasible_home" | "lost_to_competition"
    # The specific reason, as data a page can phrase: {"code": ..., parameters}; see reasons.py.
    why: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class TierOutcome:
    """One tier of the policy: the proposal's value and the proven bound on it (given the
    tiers before it at the proposal's values)."""

    name: str
    title: str
    value: int
    bound: float | None
    gap: float | None


@dataclass(frozen=True)
class Outcomes:
    """What a proposal means for the children, in the figures commissioners compare."""

    placed: int
    over_20_miles: int
    at_a_distance: int
    out_of_area: int
    mean_km: float
    p90_km: float
    weekly_fees: float
    fee_per_child: float
    impact: float


@dataclass(frozen=True)
class Result:
    """A batch proposal.  placed and max_placeable are the first key of the lexicographic
    objective; `tiers` the policy's others, in order.  objective, lower_bound and gap are those
    of the policy's first tier (for the weighted-score policy, the score as before)."""

    status: str
    method: str  # "patterns", "cp-sat", "warm-start", "greedy" or "nearest-home"
    seconds: float
    objective: float
    lower_bound: float | None  # None for the baselines, which prove nothing
    gap: float | None
    placed: int
    max_placeable: int | None  # proven upper bound on children placed; None for baselines
    assignments: tuple[Assignment, ...]
    unplaced: tuple[Unplaced, ...]
    exclusion_counts: MappingProxyType  # referral id -> {reason code: number of homes}
    seed: int | None = None
    solver_bound: float | None = None
    policy: Policy = DEFAULT_POLICY
    tiers: tuple[TierOutcome, ...] = ()
    outcomes: Outcomes | None = None
    # How max_placeable was proven: "flow" (no proposal of the relaxation places more),
    # "patterns" (home patterns with who may live together), "cp-sat" (the exact model), or
    # "" where it is not yet reached.
    max_placeable_proof: str = ""


@dataclass(frozen=True)
class RuleBreak:
    rule: str
    referral: str | None
    home: str | None
    detail: str
