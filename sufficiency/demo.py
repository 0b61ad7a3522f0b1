"""Seed the SYNTHETIC placements snapshot into the database (called by commissioning.demo)."""

from sqlalchemy import delete, insert, select

from commissioning.extensions import db
from commissioning.models import Fee, Home, LocalAuthority, StatementOfPurpose, la_adjacency
from commissioning.vocabulary import RegistrationStatus
from sufficiency.metrics.vocabulary import placement_type_of_home
from sufficiency.models import DeclinedOfferRecord, PlacementRecord
from sufficiency.synthetic import HomeForPlacing, synthetic_snapshot


def _homes_for_placing() -> list[HomeForPlacing]:
    rows = db.session.execute(
        select(Home, Fee.weekly_fee, StatementOfPurpose.solo_only)
        .join(Fee, Fee.home_urn == Home.urn)
        .outerjoin(StatementOfPurpose, StatementOfPurpose.home_urn == Home.urn)
        .where(
            Home.registration_status == RegistrationStatus.ACTIVE,
            Home.short_break_only.is_(False),
        )
        .order_by(Home.urn)
    )
    return [
        HomeForPlacing(
            urn=home.urn,
            la_code=home.la_code,
            lat=home.lat,
            lon=home.lon,
            places=home.places,
            kind=placement_type_of_home(home.provision_type, home.places, bool(solo_only)),
            weekly_fee=fee,
        )
        for home, fee, solo_only in rows
        if home.places > 0
    ]


def seed_placements_snapshot(seed: int) -> None:
    """Replace the synthetic placements and declined offers; the caller commits."""
    for model in (PlacementRecord, DeclinedOfferRecord):
        db.session.execute(delete(model).where(model.is_synthetic.is_(True)))
    authorities = db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.code)).all()
    neighbours: dict[str, set[str]] = {}
    for la_code, neighbour in db.session.execute(select(la_adjacency)):
        neighbours.setdefault(la_code, set()).add(neighbour)
    placements, declines = synthetic_snapshot(authorities, neighbours, _homes_for_placing(), seed)
    if placements:
        db.session.execute(
            insert(PlacementRecord), [{**vars(p), "is_synthetic": True} for p in placements]
        )
    if declines:
        db.session.execute(
            insert(DeclinedOfferRecord), [{**vars(d), "is_synthetic": True} for d in declines]
        )
