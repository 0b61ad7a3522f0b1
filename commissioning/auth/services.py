"""Signing in and out and changing one's own account: each write audited.

The session changes (Flask-Login) only after the write has committed, so a failed write never
leaves someone signed in, or out, without its record.
"""

from flask_login import login_user, logout_user

from commissioning import audit
from commissioning.models import User
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject


def sign_in(user: User, code_step: int | None = None) -> None:
    _record_sign_in(user, code_step)
    login_user(user)


def sign_out(user: User) -> None:
    _end_sessions(user)
    logout_user()


def change_password(user: User, new_password: str) -> None:
    """The new password, and every session ends but this one."""
    _set_password(user, new_password)
    login_user(user)


@transactional
def turn_on_two_factor(user: User, key: str, step: int) -> None:
    user.totp_secret = key
    user.totp_last_step = step
    audit.record(
        user,
        AuditAction.USER_TWO_FACTOR_ENABLE,
        AuditObject.USER,
        user.id,
        {"two_factor": False},
        {"two_factor": True},
    )


@transactional
def _record_sign_in(user: User, code_step: int | None) -> None:
    if code_step is not None:
        user.totp_last_step = code_step
    audit.record(user, AuditAction.USER_SIGN_IN, AuditObject.USER, user.id)


@transactional
def _end_sessions(user: User) -> None:
    user.end_sessions()
    audit.record(user, AuditAction.USER_SIGN_OUT, AuditObject.USER, user.id)


@transactional
def _set_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.end_sessions()
    audit.record(user, AuditAction.USER_PASSWORD_CHANGE, AuditObject.USER, user.id)
