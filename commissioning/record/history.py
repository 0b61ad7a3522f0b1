"""A referral's status history and the references records are known by."""

import secrets
from datetime import UTC, datetime

from commissioning import lifecycle
from commissioning.models import Referral, ReferralStatusChange, User
from commissioning.vocabulary import ReferralStatus

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def now() -> datetime:
    return datetime.now(UTC)


def move(referral: Referral, status: ReferralStatus, user: User, note: str | None = None):
    """Move the referral on, as the lifecycle allows, and keep the step in its history."""
    lifecycle.move_referral(referral, status)
    referral.updated_at = now()
    referral.history.append(ReferralStatusChange(status=status, by=user, note=note))
