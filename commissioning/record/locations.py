"""Asking a provider where a home is, when Hearth knows only its authority (Ofsted redacts
homes' postcodes) and a search left it out, or ranked it, on a guessed distance."""

from sqlalchemy import select

from commissioning import audit
from commissioning.extensions import db
from commissioning.models import Home, LocationRequest, User
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, LocationPrecision, RegistrationStatus


@transactional
def ask_for_district(urn: str, user: User) -> LocationRequest | None:
    """One open request per home: asking again keeps the first. None if there is no such
    open home, or its district is already known."""
    home = db.session.scalar(
        select(Home).where(
            Home.urn == urn,
            Home.registration_status.in_(RegistrationStatus.OPEN),
            Home.location_precision == LocationPrecision.LOCAL_AUTHORITY,
        )
    )
    if home is None:
        return None
    waiting = db.session.scalar(
        select(LocationRequest).where(
            LocationRequest.home_urn == urn, LocationRequest.answered_at.is_(None)
        )
    )
    if waiting is not None:
        return waiting
    request = LocationRequest(home=home, requested_by=user)
    db.session.add(request)
    audit.record(user, AuditAction.LOCATION_ASK, AuditObject.HOME, urn)
    return request
