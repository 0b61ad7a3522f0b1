"""Every route declares who may use it; one hook enforces the declarations, failing closed.

A view is either `@public` or `@allow(role, ...)`. A route with neither is refused to everyone
(and tests/integration/test_route_permissions.py fails), so a forgotten declaration can never
open a page.
"""

from collections.abc import Callable

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from commissioning.auth.users import must_set_up_two_factor

ROLES = ("commissioner", "provider", "analyst", "admin")


def public(view: Callable) -> Callable:
    view.public = True
    return view


def allow(*roles: str) -> Callable[[Callable], Callable]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def declare(view: Callable) -> Callable:
        view.allowed_roles = frozenset(roles)
        return view

    return declare


def declared_access(view: Callable) -> str | frozenset[str] | None:
    """'public', the roles allowed, or None when the view declares nothing."""
    if getattr(view, "public", False):
        return "public"
    return getattr(view, "allowed_roles", None)


# Where a person whose role requires a second factor may go before setting one up.
SET_UP_FIRST = "auth.set_up_two_factor"


def enforce_declared_access():
    """before_request hook: sign in for non-public pages, then the role check, then a second
    factor set up where the role requires one."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404
    if request.endpoint == "static":
        return None
    access = declared_access(current_app.view_functions[request.endpoint])
    if access == "public":
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if access is None or current_user.role not in access:
        abort(403)
    if request.endpoint != SET_UP_FIRST and must_set_up_two_factor(current_user):
        return redirect(url_for(SET_UP_FIRST))
    return None
