"""Audit events for every change to vacancies, homes' details, users, referrals, offers and
placements (DESIGN.md, Baseline qualities). Added to the caller's transaction."""

from commissioning.extensions import db
from commissioning.models import AuditEvent, User


def record(
    user: User | None,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        user=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
