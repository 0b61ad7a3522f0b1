"""SYNTHETIC data for benchmarks, tests and the web app's demo seed.

Nothing here describes a real child or a real home's residents, fees or vacancies: the register
gives each home's URN, type, places, sector, LA, location and grade; everything else is
invented here, deterministically from the seed.  Rates are set to published orders of magnitude
(average fee about £6,000 a week with a tail above £10,000; about 30% of beds vacant), not to
any one home's figures.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from matching.feasibility import EXPLOITATION_POSING, exploitation_conflict
from matching.model import Avoid, Home, Referral, Resident, vocab

VACANT_BED_SHARE = 0.3
# Share of statements of purpose accepting emergency (same-day) placements.
EMERGENCY_SHARE = 0.3

# Age ranges of statements of purpose and how often each occurs.
AGE_RANGES = ((8, 17), (10, 17), (11, 17), (13, 17), (5, 17))
AGE_RANGE_SHARES = (0.3, 0.1, 0.35, 0.2, 0.05)

# Share of homes catering for each need, by kind of home.
NEEDS_CATERED = {
    "childrens_home": {
        "emotional_behavioural": 0.92,
        "learning_disability": 0.3,
        "physical_disability": 0.08,
        "autism": 0.3,
        "mental_health": 0.45,
        "sexualised_behaviour": 0.2,
        "substance_misuse": 0.25,
        "therapeutic": 0.3,
    },
    "residential_special_school": {
        "emotional_behavioural": 0.6,
        "learning_disability": 0.9,
        "physical_disability": 0.4,
        "autism": 0.8,
        "mental_health": 0.3,
        "sexualised_behaviour": 0.05,
        "substance_misuse": 0.05,
        "therapeutic": 0.3,
    },
    "secure_childrens_home": dict.fromkeys(vocab.NEEDS, 0.9),
}

# Mean weekly fee (pounds) and log-normal spread; solo and secure homes cost more.
FEE_MEAN = {"standard": 5900.0, "solo": 8000.0, "secure": 8500.0, "special_school": 6500.0}
FEE_SPREAD = {"standard": 0.28, "solo": 0.25, "secure": 0.2, "special_school": 0.3}
SECTOR_FEE_FACTOR = {
    "private": 1.0,
    "voluntary": 0.95,
    "local_authority": 0.85,
    "health_authority": 0.95,
}

# How often a looked-after child in residential care carries each flag (orders of magnitude).
RISK_TO_SELF_RATES = {
    "self_harm": 0.25,
    "sexual_exploitation": 0.12,
    "criminal_exploitation": 0.15,
    "drugs_alcohol": 0.2,
    "eating_disorder": 0.04,
    "going_missing": 0.3,
}
RISK_TO_OTHERS_RATES = {
    "physical_harm": 0.25,
    "sexual_harm": 0.04,
    "fire_setting": 0.04,
    "harm_to_animals": 0.03,
    "criminal_exploitation": 0.05,
}
CHILD_NEED_RATES = {
    "emotional_behavioural": 0.75,
    "learning_disability": 0.12,
    "physical_disability": 0.03,
    "autism": 0.12,
    "mental_health": 0.3,
    "sexualised_behaviour": 0.05,
    "substance_misuse": 0.1,
    "therapeutic": 0.15,
}
# Children in residential care are mostly teenagers.
CHILD_AGES = np.arange(8, 18)
CHILD_AGE_WEIGHTS = np.array([1, 1, 2, 2, 3, 5, 7, 9, 9, 8], dtype=float)
LIVING_ALONGSIDE_SHARES = {
    "solo": 0.06,
    "with_others": 0.3,
    "older_only": 0.04,
    "younger_only": 0.04,
    "no_preference": 0.56,
}
PETS_SHARES = {"must": 0.02, "can": 0.3, "no": 0.06, "unknown": 0.62}
NEEDED_BY_SHARES = {"today": 0.25, "lt5days": 0.35, "gt5days": 0.4}


class RegisterHome(Protocol):
    urn: str
    provision_type: str
    registration_status: str
    short_break_only: bool
    places: int
    sector: str
    la_code: str
    lat: float
    lon: float
    overall_grade: str | None


class LocalAuthority(Protocol):
    code: str
    lat: float
    lon: float
    region_code: str


def _rng_for(seed: int, key: str) -> np.random.Generator:
    # Per-home streams keyed by URN keep each home's profile independent of register order.
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    tokens = list(shares)
    weights = np.array([shares[t] for t in tokens])
    return tokens[rng.choice(len(tokens), p=weights / weights.sum())]


def _flags(rng: np.random.Generator, rates: dict[str, float]) -> frozenset[str]:
    return frozenset(token for token, rate in rates.items() if rng.random() < rate)


def _lognormal_fee(rng: np.random.Generator, mean: float, spread: float) -> float:
    mu = np.log(mean) - spread**2 / 2  # so that the distribution's mean is `mean`
    return float(round(rng.lognormal(mu, spread), -1))


def _fee_kind(register_home: RegisterHome) -> str:
    if register_home.provision_type == "secure_childrens_home":
        return "secure"
    if register_home.places == 1:
        return "solo"
    if register_home.provision_type == "residential_special_school":
        return "special_school"
    return "standard"


def profile_homes(register_homes: Sequence[RegisterHome], seed: int) -> list[Home]:
    """SYNTHETIC statements of purpose, fees, vacancies and residents for real register homes.

    Deterministic from the seed (and each home's URN).  Residential special schools registered
    as children's homes become type childrens_home.
    """
    return [_profile_home(register_home, seed) for register_home in register_homes]


def _profile_home(register_home: RegisterHome, seed: int) -> Home:
    rng = _rng_for(seed, register_home.urn)
    secure = register_home.provision_type == "secure_childrens_home"
    if secure:
        min_age, max_age, sexes = 10, 17, frozenset(vocab.SEXES)
    else:
        min_age, max_age = AGE_RANGES[rng.choice(len(AGE_RANGES), p=AGE_RANGE_SHARES)]
        sexes = frozenset(_pick(rng, {"FM": 0.82, "M": 0.1, "F": 0.08}))
    needs = _flags(rng, NEEDS_CATERED[register_home.provision_type]) or frozenset(
        {"emotional_behavioural"}
    )
    places = max(1, int(register_home.places))
    vacancies = int(rng.binomial(places, VACANT_BED_SHARE))
    kind = _fee_kind(register_home)
    fee = _lognormal_fee(rng, FEE_MEAN[kind], FEE_SPREAD[kind])
    fee *= SECTOR_FEE_FACTOR.get(register_home.sector, 1.0)
    residents = _residents(rng, places - vacancies, min_age, max_age, sorted(sexes))
    return Home(
        id=register_home.urn,
        lat=register_home.lat,
        lon=register_home.lon,
        la_code=register_home.la_code,
        type="secure_childrens_home" if secure else "childrens_home",
        vacancies=vacancies,
        places=places,
        min_age=min_age,
        max_age=max_age,
        sexes=sexes,
        needs=needs,
        solo_only=places == 1,
        has_pets=(not secure) and rng.random() < 0.15,
        weekly_fee=round(fee, 2),
        ofsted_grade=register_home.overall_grade or "none",
        residents=residents,
        registration_status=register_home.registration_status,
        short_break_only=register_home.short_break_only,
        # A stream of its own, so adding the flag changed no other synthetic value.
        accepts_emergencies=bool(
            _rng_for(seed, f"{register_home.urn}/emergencies").random() < EMERGENCY_SHARE
        ),
    )


def _residents(
    rng: np.random.Generator, count: int, min_age: int, max_age: int, sexes: list[str]
) -> tuple[Resident, ...]:
    residents: list[Resident] = []
    for _ in range(count):
        ages = np.arange(min_age, max_age + 1)
        weights = CHILD_AGE_WEIGHTS[np.clip(ages - 8, 0, len(CHILD_AGE_WEIGHTS) - 1)]
        resident = Resident(
            age=int(rng.choice(ages, p=weights / weights.sum())),
            sex=sexes[rng.integers(len(sexes))],
            risks_to_self=_flags(rng, RISK_TO_SELF_RATES),
            risks_to_others=_flags(rng, RISK_TO_OTHERS_RATES),
        )
        # A real group already respects the exploitation rule: drop a conflicting posing flag.
        if any(exploitation_conflict(resident, other) for other in residents):
            resident = Resident(
                resident.age,
                resident.sex,
                resident.risks_to_self - {"sexual_exploitation", "criminal_exploitation"},
                resident.risks_to_others - EXPLOITATION_POSING,
            )
        residents.append(resident)
    return tuple(residents)


def referrals(
    count: int,
    local_authorities: Sequence[LocalAuthority],
    seed: int,
    *,
    sibling_share: float = 0.12,
    secure_share: float = 0.01,
    max_distance_share: float = 0.2,
    avoid_share: float = 0.12,
) -> list[Referral]:
    """SYNTHETIC referrals: `count` children placed by LAs drawn from `local_authorities`.

    Families are jittered around the LA centroid; some children come as sibling groups of 2-3
    (counted in `count`), some need solo care, a few have secure orders.  Deterministic from seed.
    """
    rng = np.random.default_rng(seed)
    children: list[Referral] = []
    group_number = 0
    while len(children) < count:
        remaining = count - len(children)
        size = 1
        if remaining >= 2 and rng.random() < sibling_share:
            size = 3 if remaining >= 3 and rng.random() < 0.3 else 2
        group_id = None
        if size > 1:
            group_number += 1
            group_id = f"G{group_number:03d}"
        la = local_authorities[rng.integers(len(local_authorities))]
        children.extend(
            _sibling_group(
                rng,
                size,
                len(children),
                group_id,
                la,
                secure_share,
                max_distance_share,
                avoid_share,
            )
        )
    return children


def _sibling_group(
    rng: np.random.Generator,
    size: int,
    first_number: int,
    group_id: str | None,
    la: LocalAuthority,
    secure_share: float,
    max_distance_share: float,
    avoid_share: float,
) -> list[Referral]:
    lat = la.lat + rng.normal(0, 0.06)
    lon = la.lon + rng.normal(0, 0.09)
    has_school = rng.random() < 0.7
    school = (lat + rng.normal(0, 0.02), lon + rng.normal(0, 0.03)) if has_school else None
    keep_school = has_school and rng.random() < 0.5
    needed_by = _pick(rng, NEEDED_BY_SHARES)
    living_alongside = _pick(rng, LIVING_ALONGSIDE_SHARES)
    # Secure orders are individual decisions; keep them to single children aged 12+.
    secure = size == 1 and rng.random() < secure_share
    max_distance = float(rng.uniform(40, 150)) if rng.random() < max_distance_share else None
    avoid = _avoid_zone(rng, lat, lon) if rng.random() < avoid_share else ()
    base_age = int(rng.choice(CHILD_AGES, p=CHILD_AGE_WEIGHTS / CHILD_AGE_WEIGHTS.sum()))
    group = []
    for position in range(size):
        age = base_age if position == 0 else int(np.clip(base_age - rng.integers(1, 5), 8, 17))
        if secure:
            age = max(age, 12)
        risks_to_others = _flags(rng, RISK_TO_OTHERS_RATES)
        if size > 1:  # keep sibling groups placeable: no exploitation risk posed within them
            risks_to_others -= EXPLOITATION_POSING
        group.append(
            Referral(
                id=f"R{first_number + position + 1:04d}",
                placing_la_code=la.code,
                lat=round(lat, 5),
                lon=round(lon, 5),
                age=age,
                sex="M" if rng.random() < 0.58 else "F",
                needs=_flags(rng, CHILD_NEED_RATES),
                risks_to_self=_flags(rng, RISK_TO_SELF_RATES),
                risks_to_others=risks_to_others,
                living_alongside=living_alongside,
                pets=_pick(rng, PETS_SHARES),
                secure_order=secure,
                sibling_group=group_id,
                needed_by=needed_by,
                max_distance_km=max_distance,
                avoid=avoid,
                school_lat=None if school is None else round(school[0], 5),
                school_lon=None if school is None else round(school[1], 5),
                keep_school=keep_school,
            )
        )
    return group


def _avoid_zone(rng: np.random.Generator, lat: float, lon: float) -> tuple[Avoid, ...]:
    # An area the child was exploited in: a few km across, 5-20 km from the family home.
    bearing = rng.uniform(0, 2 * np.pi)
    distance_deg = rng.uniform(5, 20) / 111.0
    return (
        Avoid(
            lat=round(lat + distance_deg * np.cos(bearing), 5),
            lon=round(lon + distance_deg * np.sin(bearing) / np.cos(np.radians(lat)), 5),
            radius_km=round(float(rng.uniform(3, 8)), 1),
        ),
    )
