"""Looking users up: the session's user, checking a password, and what a role requires."""

import hmac
import secrets
from functools import cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from commissioning.extensions import db, login_manager
from commissioning.models import RolePolicy, User
from commissioning.vocabulary import Role


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session belongs to, while the session's token is still the account's."""
    user_id, _, token = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


@cache
def _hash_of_no_password() -> str:
    """A hash made as stored passwords' are (werkzeug's default method), to check passwords for
    unknown emails against."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Every path checks one password hash of the same method, so an unknown email costs as long
    as a known one and timing does not tell which emails have accounts.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    matches = check_password_hash(user.password_hash if user else _hash_of_no_password(), password)
    if user is None or not user.active or not matches:
        return None
    return user


def roles_requiring_two_factor() -> list[Role]:
    return list(
        db.session.scalars(
            select(RolePolicy.role)
            .where(RolePolicy.requires_two_factor.is_(True))
            .order_by(RolePolicy.role)
        )
    )


def must_set_up_two_factor(user: User) -> bool:
    if user.has_two_factor:
        return False
    policy = db.session.get(RolePolicy, user.role)
    return policy is not None and policy.requires_two_factor
