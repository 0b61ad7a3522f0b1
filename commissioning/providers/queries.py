"""What a provider may read: its own homes only."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from commissioning.extensions import db
from commissioning.models import AuditEvent, Home, LocationRequest, Resident, User
from commissioning.vocabulary import AuditObject, RegistrationStatus

HISTORY_LENGTH = 20


def homes_of(user: User) -> list[Home]:
    return list(
        db.session.scalars(
            select(Home)
            .where(
                Home.provider_id == user.provider_id,
                Home.registration_status.in_(RegistrationStatus.OPEN),
            )
            .options(joinedload(Home.local_authority))
            .order_by(Home.urn)
        )
    )


def home_of(user: User, urn: str) -> Home | None:
    """The home, if it belongs to the user's provider; None for anyone else's."""
    if user.provider_id is None:
        return None
    return db.session.scalar(
        select(Home)
        .where(Home.urn == urn, Home.provider_id == user.provider_id)
        .options(
            joinedload(Home.local_authority),
            joinedload(Home.statement_of_purpose),
            joinedload(Home.fee),
            selectinload(Home.residents),
        )
    )


def resident_in(home: Home, resident_id: int) -> Resident | None:
    return next((r for r in home.residents if r.id == resident_id), None)


def history_of(home: Home) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == AuditObject.HOME, AuditEvent.object_id == home.urn)
            .options(joinedload(AuditEvent.user))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(HISTORY_LENGTH)
        )
    )


def _waiting_requests():
    return select(LocationRequest).where(LocationRequest.answered_at.is_(None))


def location_requests_for(user: User) -> list[LocationRequest]:
    """Commissioners' unanswered requests for the postcode district of the provider's homes."""
    return list(
        db.session.scalars(
            _waiting_requests()
            .join(LocationRequest.home)
            .where(Home.provider_id == user.provider_id)
            .order_by(LocationRequest.requested_at)
        )
    )


def location_asked(home: Home) -> bool:
    return (
        db.session.scalar(_waiting_requests().where(LocationRequest.home_urn == home.urn))
        is not None
    )
