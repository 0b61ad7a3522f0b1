from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from commissioning.extensions import db
from commissioning.models import AuditEvent, Consortium, Provider, User
from commissioning.vocabulary import AuditObject

AUDIT_PAGE = 200


def users() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.provider), joinedload(User.local_authority))
            .order_by(User.email)
        )
    )


def consortia() -> list[Consortium]:
    return list(db.session.scalars(select(Consortium).order_by(Consortium.name)))


def providers() -> list[Provider]:
    return list(db.session.scalars(select(Provider).order_by(Provider.name)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_with_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def audit_events(home_urn: str = "", user_email: str = "") -> list[AuditEvent]:
    """The latest audit events, filtered by home and by the user who made them."""
    statement = select(AuditEvent).options(joinedload(AuditEvent.user))
    if home_urn:
        statement = statement.where(
            AuditEvent.object_type == AuditObject.HOME, AuditEvent.object_id == home_urn.strip()
        )
    if user_email:
        statement = statement.join(AuditEvent.user).where(
            func.lower(User.email) == user_email.strip().lower()
        )
    return list(
        db.session.scalars(
            statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(AUDIT_PAGE)
        )
    )
