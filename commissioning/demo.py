"""Demo data: SYNTHETIC, deterministic from a seed, layered on the real register.

Every row written here is marked is_synthetic. Real register fields are never touched, and a
home whose provider has entered its own details keeps them: the demo fills only what is empty
or was itself synthetic.
"""

import os
import random
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import delete, func, select

from commissioning.extensions import db
from commissioning.models import (
    Consortium,
    Fee,
    Home,
    LocalAuthority,
    PostcodeArea,
    Provider,
    Referral,
    ReferralStatusChange,
    Region,
    Resident,
    SiblingGroup,
    StatementOfPurpose,
    User,
    VacancyUpdate,
)
from commissioning.record.history import REFERENCE_ALPHABET
from commissioning.record.referrals import DEFAULT_SCHOOL_KM, SECTIONS
from commissioning.vocabulary import PostcodeAreaKind, ReferralStatus, RegistrationStatus, Role
from matching import synthetic
from matching.synthetic import profile_homes
from sufficiency.demo import seed_placements_snapshot

DEMO_CONSORTIUM = "North West Placements Consortium (demo)"
DEMO_REGION = "North West"
DEMO_LA = "Manchester"
# Demo only, documented in README.md; override with HEARTH_DEMO_PASSWORD.
DEMO_PASSWORD = os.environ.get("HEARTH_DEMO_PASSWORD", "hearth-demo-only")
DEMO_DOMAIN = "demo.hearth.example"


def seed(seed: int) -> None:
    consortium = _seed_consortium()
    _seed_users(consortium)
    _seed_home_profiles(seed)
    _seed_referrals(consortium, seed)
    seed_placements_snapshot(seed)


def _seed_consortium() -> Consortium:
    consortium = db.session.scalar(select(Consortium).where(Consortium.name == DEMO_CONSORTIUM))
    if consortium is None:
        members = db.session.scalars(
            select(LocalAuthority).join(Region).where(Region.name == DEMO_REGION)
        ).all()
        consortium = Consortium(name=DEMO_CONSORTIUM, members=list(members))
        db.session.add(consortium)
    return consortium


def _largest_provider_in(consortium: Consortium) -> Provider:
    member_codes = [la.code for la in consortium.members]
    return db.session.scalars(
        select(Provider)
        .join(Home)
        .where(
            Home.la_code.in_(member_codes), Home.registration_status.in_(RegistrationStatus.OPEN)
        )
        .group_by(Provider.id)
        .order_by(func.count(Home.urn).desc(), Provider.name)
        .limit(1)
    ).one()


def _seed_users(consortium: Consortium) -> None:
    manchester = db.session.scalar(select(LocalAuthority).where(LocalAuthority.name == DEMO_LA))
    accounts = {
        Role.COMMISSIONER: {
            "la_code": manchester.code,
            "consortium": consortium,
            "consortium_lead": True,
        },
        Role.PROVIDER: {"provider": _largest_provider_in(consortium)},
        Role.ANALYST: {"la_code": manchester.code, "consortium": consortium},
        Role.ADMIN: {},
    }
    for role, scope in accounts.items():
        email = f"{role}@{DEMO_DOMAIN}"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, role=role)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        for name, value in scope.items():  # demo accounts keep the scope the README gives
            setattr(user, name, value)


def _seed_home_profiles(seed: int) -> None:
    """Replace synthetic profiles of open homes; leave provider-entered ones alone."""
    models = (StatementOfPurpose, Fee, Resident, VacancyUpdate)
    for model in models:
        db.session.execute(delete(model).where(model.is_synthetic.is_(True)))
    # What is left is the providers' own: their homes keep it.
    kept = {model: set(db.session.scalars(select(model.home_urn))) for model in models}
    homes = db.session.scalars(
        select(Home).where(Home.registration_status.in_(RegistrationStatus.OPEN)).order_by(Home.urn)
    ).all()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for home, profile in zip(homes, profile_homes(homes, seed), strict=True):
        home.version += 1  # its profile is about to change: cached copies must reload
        if home.urn not in kept[StatementOfPurpose]:
            db.session.add(_statement_of_purpose(home, profile))
        if home.urn not in kept[Fee]:
            db.session.add(
                Fee(home_urn=home.urn, weekly_fee=round(profile.weekly_fee), is_synthetic=True)
            )
        if home.urn not in kept[Resident]:
            db.session.add_all(_residents(home, profile))
        if home.urn not in kept[VacancyUpdate]:
            # Some are older than 7 days, so "vacancy not confirmed" shows in the demo.
            recorded_at = now - timedelta(hours=rng.randint(1, 14 * 24))
            db.session.add(
                VacancyUpdate(
                    home_urn=home.urn,
                    vacancies=profile.vacancies,
                    recorded_at=recorded_at,
                    is_synthetic=True,
                )
            )
            home.vacancies = profile.vacancies
            home.vacancies_updated_at = recorded_at


def _statement_of_purpose(home: Home, profile) -> StatementOfPurpose:
    return StatementOfPurpose(
        home_urn=home.urn,
        min_age=profile.min_age,
        max_age=profile.max_age,
        sexes=sorted(profile.sexes),
        needs=sorted(profile.needs),
        solo_only=profile.solo_only,
        accepts_emergencies=profile.accepts_emergencies,
        has_pets=profile.has_pets,
        is_synthetic=True,
    )


def _residents(home: Home, profile) -> list[Resident]:
    return [
        Resident(
            home_urn=home.urn,
            age=resident.age,
            sex=resident.sex,
            risks_to_self=sorted(resident.risks_to_self),
            risks_to_others=sorted(resident.risks_to_others),
            is_synthetic=True,
        )
        for resident in profile.residents
    ]


# The consortium's waiting list: open referrals competing for its beds (issue 7's batch).
DEMO_REFERRALS = 150


def _seed_referrals(consortium: Consortium, seed: int) -> None:
    """SYNTHETIC open referrals from the consortium's authorities, ready to search; seeded
    once, so referrals commissioners have worked on are never replaced."""
    if db.session.scalar(select(func.count()).select_from(Referral)):
        return
    commissioner = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
    rng = random.Random(seed)
    nearest = _nearest_sector_finder()
    groups: dict[str, SiblingGroup] = {}
    for child in synthetic.referrals(DEMO_REFERRALS, consortium.members, seed):
        referral = _demo_referral(child, nearest, rng, commissioner)
        if child.sibling_group:
            group = groups.setdefault(
                child.sibling_group,
                SiblingGroup(
                    reference=_demo_reference("S", rng), placing_la_code=child.placing_la_code
                ),
            )
            referral.sibling_group = group
        db.session.add(referral)


def _demo_reference(prefix: str, rng: random.Random) -> str:
    return prefix + "-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))


def _nearest_sector_finder():
    sectors = db.session.execute(
        select(PostcodeArea.code, PostcodeArea.lat, PostcodeArea.lon).where(
            PostcodeArea.kind == PostcodeAreaKind.SECTOR
        )
    ).all()
    codes = [row.code for row in sectors]
    points = np.array([(row.lat, row.lon) for row in sectors])

    def nearest(lat: float, lon: float) -> str:
        # Degrees of longitude are ~0.6 of latitude's in England: close enough to pick a sector.
        offsets = (points - (lat, lon)) * (1.0, 0.6)
        return codes[int(np.argmin((offsets**2).sum(axis=1)))]

    return nearest


def _demo_referral(child, nearest, rng: random.Random, commissioner: User) -> Referral:
    school = nearest(child.school_lat, child.school_lon) if child.school_lat else None
    return Referral(
        reference=_demo_reference("R", rng),
        status=ReferralStatus.READY,
        placing_la_code=child.placing_la_code,
        consortium_id=commissioner.consortium_id,
        created_by=commissioner,
        needed_by=child.needed_by,
        age=child.age,
        sex=child.sex,
        needs=sorted(child.needs),
        risks_to_self=sorted(child.risks_to_self),
        risks_to_others=sorted(child.risks_to_others),
        living_alongside=child.living_alongside,
        pets=child.pets,
        secure_order=child.secure_order,
        communication_needs=[],
        family_sector=nearest(child.lat, child.lon),
        school_sector=school,
        keep_school=bool(school and child.keep_school),
        max_school_km=DEFAULT_SCHOOL_KM if school and child.keep_school else None,
        max_distance_km=round(child.max_distance_km) if child.max_distance_km else None,
        avoid=[
            {"sector": nearest(a.lat, a.lon), "radius_km": round(a.radius_km)} for a in child.avoid
        ],
        sections_done=list(SECTIONS),
        is_synthetic=True,
        history=[
            ReferralStatusChange(
                status=ReferralStatus.READY, by=commissioner, note="Synthetic demo referral"
            )
        ],
    )
