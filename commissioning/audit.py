"""Audit events for every change to vacancies, homes' details, users, referrals, offers and
placements (DESIGN.md, Baseline qualities). Added to the caller's transaction."""

from datetime import date
from enum import Enum

from commissioning.extensions import db
from commissioning.models import AuditEvent, User
from commissioning.vocabulary import AuditAction, AuditObject


def record(
    user: User | None,
    action: AuditAction,
    object_type: AuditObject,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        user=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_plain(before),
        after=_plain(after),
    )
    db.session.add(event)
    return event


def _plain(value):
    """Values as JSON keeps them: tokens as their token, dates as ISO dates."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
