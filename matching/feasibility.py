"""Hard feasibility of a child (or a sibling group) against every home, as a vectorised mask.

Each home gets a bit set of reason codes; a home is feasible when no bit is set.  The reasons are
ordered: the first that applies is the home's *primary* reason, used for the counts of exclusions,
and all that apply answer "why not this home".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from matching.geo import haversine_km
from matching.model import Home, Referral, vocab

# (code, explanation with the rule's source), in priority order.
REASONS: tuple[tuple[str, str], ...] = (
    ("registration_suspended", "Registration suspended: the home takes no placement"),
    ("short_break_only", "Short-break-only home: takes no long-term placement"),
    (
        "secure_order_needs_secure_home",
        "A child under a secure accommodation order (s25 Children Act 1989) goes only to a secure "
        "children's home",
    ),
    (
        "secure_home_needs_order",
        "A secure children's home takes only children under a secure accommodation order "
        "(s25 Children Act 1989)",
    ),
    ("age_outside_range", "Age outside the statement of purpose (CHR 2015 reg 14, Sch 1)"),
    ("sex_not_catered", "Sex not catered for by the statement of purpose (CHR 2015 reg 14)"),
    ("needs_not_catered", "A need not in the statement of purpose (CHR 2015 reg 14, Sch 1)"),
    (
        "no_emergencies",
        "Needed today: the statement of purpose does not accept emergency placements "
        "(CHR 2015 reg 16, Sch 1)",
    ),
    ("no_vacancy", "Fewer vacant beds than children in the sibling group"),
    ("solo_needs_empty_home", "Solo recommended: the home must have no other child"),
    ("solo_only_home", "Solo-only home: takes one child and only when empty"),
    ("companion_ages", "Lives only with older / only with younger children: a resident does not"),
    ("pets", "Pets: the child cannot live with pets, or needs a home that has them"),
    (
        "inadequate_grade",
        "Ofsted grade inadequate: excluded unless a commissioner records an override",
    ),
    ("in_avoided_area", "Home inside a location the child must avoid"),
    ("beyond_max_distance", "Home further from family than the referral's maximum distance"),
    (
        "beyond_school_distance",
        "The child must keep going to their school: the home is beyond the travel limit set "
        "(Children Act 1989 s22C(8)(b))",
    ),
    (
        "resident_conflict",
        "A resident poses sexual harm or criminal exploitation to a child at risk of sexual or "
        "criminal exploitation (or the reverse)",
    ),
    ("pinned_elsewhere", "The consortium lead pinned this child to another home"),
    ("excluded_by_lead", "The consortium lead ruled this home out for this child"),
    (
        "sibling_conflict",
        "Within the sibling group one child poses sexual harm or criminal exploitation to another "
        "at risk of exploitation",
    ),
)
REASON_CODES: tuple[str, ...] = tuple(code for code, _ in REASONS)
REASON_TEXT: dict[str, str] = dict(REASONS)
_BIT = {code: np.uint32(1 << i) for i, code in enumerate(REASON_CODES)}

# The pairing DESIGN.md forbids outright: a child at risk of sexual or criminal exploitation
# never lives with a child who poses sexual harm or criminal exploitation to others.
EXPLOITATION_AT_RISK = frozenset({"sexual_exploitation", "criminal_exploitation"})
EXPLOITATION_POSING = frozenset({"sexual_harm", "criminal_exploitation"})

SEX_BITS = {"F": 1, "M": 2}


def token_bits(tokens: Iterable[str], vocabulary: Sequence[str]) -> int:
    """Encode a set of vocabulary tokens as an integer bit set."""
    return sum(1 << vocabulary.index(token) for token in set(tokens))


AT_RISK_BITS = token_bits(EXPLOITATION_AT_RISK, vocab.RISKS_TO_SELF)
POSING_BITS = token_bits(EXPLOITATION_POSING, vocab.RISKS_TO_OTHERS)


def exploitation_conflict(a, b) -> bool:
    """True if children a and b (Residents or Referrals) must never live together."""
    return bool(
        (a.risks_to_self & EXPLOITATION_AT_RISK and b.risks_to_others & EXPLOITATION_POSING)
        or (b.risks_to_self & EXPLOITATION_AT_RISK and a.risks_to_others & EXPLOITATION_POSING)
    )


@dataclass(frozen=True)
class HomeTable:
    """Homes as column arrays, built once and reused for every child searched against them."""

    homes: tuple[Home, ...]
    index: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    la_code: np.ndarray  # object array of str
    la_id: np.ndarray  # index of each home's LA in la_ids
    la_ids: dict[str, int]
    active: np.ndarray
    short_break_only: np.ndarray
    secure: np.ndarray
    vacancies: np.ndarray
    places: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    sex_bits: np.ndarray
    need_bits: np.ndarray
    solo_only: np.ndarray
    has_pets: np.ndarray
    accepts_emergencies: np.ndarray
    weekly_fee: np.ndarray
    solo_weekly_fee: np.ndarray  # NaN where the home quotes no solo fee
    inadequate: np.ndarray  # by the limiting judgement (Home.limiting_grade)
    grade_id: np.ndarray  # index into vocab.OFSTED_GRADES of the limiting grade
    resident_count: np.ndarray
    youngest_resident: np.ndarray  # +inf for an empty home
    oldest_resident: np.ndarray  # -inf for an empty home
    resident_at_risk: np.ndarray  # any resident at risk of exploitation
    resident_posing: np.ndarray  # any resident posing sexual harm / criminal exploitation
    # Residents flattened, one row each, for the vectorised group impact.
    resident_home: np.ndarray
    resident_age: np.ndarray
    resident_risks_to_self: np.ndarray
    resident_risks_to_others: np.ndarray

    @classmethod
    def from_homes(cls, homes: Sequence[Home]) -> HomeTable:
        homes = tuple(homes)
        residents = [(i, r) for i, home in enumerate(homes) for r in home.residents]
        resident_home = np.array([i for i, _ in residents], dtype=np.int64)
        resident_age = np.array([r.age for _, r in residents], dtype=np.float64)
        rts = np.array(
            [token_bits(r.risks_to_self, vocab.RISKS_TO_SELF) for _, r in residents], dtype=np.int64
        )
        rto = np.array(
            [token_bits(r.risks_to_others, vocab.RISKS_TO_OTHERS) for _, r in residents],
            dtype=np.int64,
        )
        n = len(homes)
        youngest = np.full(n, np.inf)
        oldest = np.full(n, -np.inf)
        np.minimum.at(youngest, resident_home, resident_age)
        np.maximum.at(oldest, resident_home, resident_age)

        def column(getter, dtype):
            return np.array([getter(h) for h in homes], dtype=dtype)

        la_ids: dict[str, int] = {}
        for home in homes:
            la_ids.setdefault(home.la_code, len(la_ids))

        return cls(
            homes=homes,
            index={h.id: i for i, h in enumerate(homes)},
            lat=column(lambda h: h.lat, np.float64),
            lon=column(lambda h: h.lon, np.float64),
            la_code=column(lambda h: h.la_code, object),
            la_id=column(lambda h: la_ids[h.la_code], np.int64),
            la_ids=la_ids,
            active=column(lambda h: h.registration_status == "active", bool),
            short_break_only=column(lambda h: h.short_break_only, bool),
            secure=column(lambda h: h.is_secure, bool),
            vacancies=column(lambda h: h.vacancies, np.int64),
            places=column(lambda h: h.places, np.int64),
            min_age=column(lambda h: h.min_age, np.int64),
            max_age=column(lambda h: h.max_age, np.int64),
            sex_bits=column(lambda h: sum(SEX_BITS[s] for s in h.sexes), np.int64),
            need_bits=column(lambda h: token_bits(h.needs, vocab.NEEDS), np.int64),
            solo_only=column(lambda h: h.solo_only, bool),
            has_pets=column(lambda h: h.has_pets, bool),
            accepts_emergencies=column(lambda h: h.accepts_emergencies, bool),
            weekly_fee=column(lambda h: h.weekly_fee, np.float64),
            solo_weekly_fee=column(
                lambda h: np.nan if h.solo_weekly_fee is None else h.solo_weekly_fee, np.float64
            ),
            inadequate=column(lambda h: h.limiting_grade == "inadequate", bool),
            grade_id=column(lambda h: vocab.OFSTED_GRADES.index(h.limiting_grade), np.int64),
            resident_count=column(lambda h: len(h.residents), np.int64),
            youngest_resident=youngest,
            oldest_resident=oldest,
            resident_at_risk=np.bincount(
                resident_home, weights=(rts & AT_RISK_BITS) != 0, minlength=n
            )
            > 0,
            resident_posing=np.bincount(
                resident_home, weights=(rto & POSING_BITS) != 0, minlength=n
            )
            > 0,
            resident_home=resident_home,
            resident_age=resident_age,
            resident_risks_to_self=rts,
            resident_risks_to_others=rto,
        )

    def __len__(self) -> int:
        return len(self.homes)

    def in_any_la(self, la_codes: Iterable[str]) -> np.ndarray:
        """True for each home whose LA is one of la_codes."""
        wanted = np.zeros(len(self.la_ids) + 1, dtype=bool)
        for code in la_codes:
            wanted[self.la_ids.get(code, len(self.la_ids))] = True
        return wanted[self.la_id]

    def distances_km(self, lat: float, lon: float) -> np.ndarray:
        return haversine_km(lat, lon, self.lat, self.lon)


def _child_reasons(child: Referral, table: HomeTable, family_km: np.ndarray) -> np.ndarray:
    """Reason bits for one child's own rules (everything but group-level vacancy and solo)."""
    conditions = {
        # s25 Children Act 1989: a secure order means a secure home, and only an order does.
        "secure_order_needs_secure_home": ~table.secure if child.secure_order else None,
        "secure_home_needs_order": None if child.secure_order else table.secure,
        # Children's Homes Regulations 2015 reg 14 & Sch 1: needs, age and sex within the
        # statement of purpose.
        "age_outside_range": (child.age < table.min_age) | (child.age > table.max_age),
        "sex_not_catered": (table.sex_bits & SEX_BITS[child.sex]) == 0,
        "needs_not_catered": _lacks_needs(child, table),
        # A child needed today goes only to a home whose statement of purpose accepts
        # emergency placements (DESIGN.md).
        "no_emergencies": ~table.accepts_emergencies if child.needed_by == "today" else None,
        "companion_ages": _companion_ages_broken(child, table),
        "pets": table.has_pets if child.pets == "no" else None,
        "inadequate_grade": None if child.allows_inadequate else table.inadequate,
        "in_avoided_area": _inside_avoided_area(child, table),
        "beyond_max_distance": (
            None if child.max_distance_km is None else family_km > child.max_distance_km
        ),
        # s22C(8)(b) Children Act 1989: a placement that does not disrupt education; where the
        # school must continue, the commissioner's travel limit is a hard rule.
        "beyond_school_distance": (
            table.distances_km(child.school_lat, child.school_lon) > child.max_school_km
            if child.school_continues
            else None
        ),
        "resident_conflict": _resident_conflict(child, table),
        "pinned_elsewhere": _other_than(child.pinned_home, table),
        "excluded_by_lead": _one_of(child.excluded_homes, table),
    }
    if child.pets == "must":
        conditions["pets"] = ~table.has_pets
    reasons = np.zeros(len(table), dtype=np.uint32)
    for code, excluded in conditions.items():
        if excluded is not None:
            reasons |= np.where(excluded, _BIT[code], np.uint32(0))
    return reasons


def _other_than(home_id: str | None, table: HomeTable) -> np.ndarray | None:
    if home_id is None:
        return None
    return np.arange(len(table)) != table.index.get(home_id, -1)


def _one_of(home_ids: frozenset[str], table: HomeTable) -> np.ndarray | None:
    if not home_ids:
        return None
    excluded = np.zeros(len(table), dtype=bool)
    excluded[[table.index[h] for h in home_ids if h in table.index]] = True
    return excluded


def _lacks_needs(child: Referral, table: HomeTable) -> np.ndarray:
    # A home caters for a child only if it caters for every one of the child's needs.
    wanted = token_bits(child.needs, vocab.NEEDS)
    return (table.need_bits & wanted) != wanted


def _companion_ages_broken(child: Referral, table: HomeTable) -> np.ndarray | None:
    if child.living_alongside == "older_only":
        return table.youngest_resident <= child.age
    if child.living_alongside == "younger_only":
        return table.oldest_resident >= child.age
    return None


def _inside_avoided_area(child: Referral, table: HomeTable) -> np.ndarray | None:
    inside = None
    for zone in child.avoid:
        here = table.distances_km(zone.lat, zone.lon) < zone.radius_km
        inside = here if inside is None else inside | here
    return inside


def _resident_conflict(child: Referral, table: HomeTable) -> np.ndarray | None:
    at_risk = bool(child.risks_to_self & EXPLOITATION_AT_RISK)
    posing = bool(child.risks_to_others & EXPLOITATION_POSING)
    if not (at_risk or posing):
        return None
    return (at_risk & table.resident_posing) | (posing & table.resident_at_risk)


def exclusion_reasons(
    members: Sequence[Referral], table: HomeTable, family_km: Sequence[np.ndarray]
) -> np.ndarray:
    """Reason bits per home for a placement unit: one child, or a sibling group placed together.

    family_km[i] holds member i's distances to every home.  A unit is excluded from a home if
    any member is, or if the home cannot take the group as a whole.
    """
    reasons = np.zeros(len(table), dtype=np.uint32)
    for child, distances in zip(members, family_km, strict=True):
        reasons |= _child_reasons(child, table, distances)
    group_size = len(members)
    wants_solo = any(child.wants_solo for child in members)
    occupied = table.resident_count > 0
    unit_conditions = {
        "registration_suspended": ~table.active,
        "short_break_only": table.short_break_only,
        "no_vacancy": table.vacancies < group_size,
        # A solo child takes a home with no other child (siblings placed with them excepted).
        "solo_needs_empty_home": occupied if wants_solo else None,
        "solo_only_home": table.solo_only & (occupied | (group_size > 1)),
        "sibling_conflict": np.ones(len(table), bool) if _siblings_conflict(members) else None,
    }
    for code, excluded in unit_conditions.items():
        if excluded is not None:
            reasons |= np.where(excluded, _BIT[code], np.uint32(0))
    return reasons


def _siblings_conflict(members: Sequence[Referral]) -> bool:
    return any(exploitation_conflict(a, b) for i, a in enumerate(members) for b in members[i + 1 :])


@cache  # few distinct combinations occur, and a search decodes one per excluded home
def reason_codes(bits: int) -> tuple[str, ...]:
    """All reason codes set in a home's bits, in priority order."""
    return tuple(code for code in REASON_CODES if bits & int(_BIT[code]))


def primary_reason_counts(reasons: np.ndarray) -> dict[str, int]:
    """Excluded homes counted once each, by the first reason that applies."""
    excluded = reasons[reasons != 0]
    lowest_bit = excluded & (~excluded + np.uint32(1))  # isolates the lowest set bit
    counts: dict[str, int] = {}
    for code in REASON_CODES:
        count = int(np.count_nonzero(lowest_bit == _BIT[code]))
        if count:
            counts[code] = count
    return counts


def conflicts_between(children: Sequence[Referral]) -> np.ndarray:
    """Whether every two of the children may not live together, as a matrix (False on the
    diagonal): the exploitation rule, or a child who lives only with older (younger) children
    and another who is not older (younger)."""
    ages = np.array([child.age for child in children])
    at_risk = np.array([bool(child.risks_to_self & EXPLOITATION_AT_RISK) for child in children])
    posing = np.array([bool(child.risks_to_others & EXPLOITATION_POSING) for child in children])
    exploitation = np.outer(at_risk, posing)
    older_only = np.array([child.living_alongside == "older_only" for child in children])
    younger_only = np.array([child.living_alongside == "younger_only" for child in children])
    # refuses[i, j]: child i lives only with older (younger) children and j is not.
    refuses = (older_only[:, None] & (ages[None, :] <= ages[:, None])) | (
        younger_only[:, None] & (ages[None, :] >= ages[:, None])
    )
    conflict = exploitation | exploitation.T | refuses | refuses.T
    np.fill_diagonal(conflict, False)
    return conflict
