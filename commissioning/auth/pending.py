"""Between the two steps of signing in: who gave a right password, and where they were going.

Kept in the (signed) session for a few minutes. It holds the account's session token, so a
password change, a reset second factor or a disabled account in between voids it.
"""

import time

from flask import session

from commissioning.auth.users import load_user
from commissioning.models import User

PENDING = "sign_in_awaiting_code"
MINUTES_TO_ENTER_A_CODE = 5


def await_code(user: User, next_page: str) -> None:
    session[PENDING] = {"user": user.get_id(), "next": next_page, "since": time.time()}


def awaiting_code() -> User | None:
    """The user whose code is awaited, or None if none is, or they took too long."""
    waiting = session.get(PENDING)
    if not waiting or time.time() - waiting["since"] > MINUTES_TO_ENTER_A_CODE * 60:
        return None
    return load_user(waiting["user"])


def discard() -> bool:
    """Stop waiting; whether anything was waited for."""
    return session.pop(PENDING, None) is not None


def finish() -> str:
    """Stop waiting; the page the user was going to."""
    return session.pop(PENDING)["next"]
