"""Every route declares who may use it; one hook enforces the declarations, failing closed.

A view is either `@public` or `@allow(role, ..., lead=..., owns=...)`:
- roles: the roles that may use it at all;
- lead: only a consortium lead (batch proposals span the consortium);
- owns: the record in the URL must be the user's to reach, by a named rule of
  commissioning.auth.ownership (a referral of their authority, an offer to their provider's
  home...). Anyone else is told the page is not found, never that it exists.

A route with no declaration is refused to everyone (and tests/integration/
test_route_permissions.py fails), so a forgotten declaration can never open a page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from commissioning.auth import ownership
from commissioning.auth.users import must_set_up_two_factor
from commissioning.vocabulary import Role


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    lead: bool = False
    owns: str | None = None


def public(view: Callable) -> Callable:
    view.access = "public"
    return view


def allow(*roles: Role, lead: bool = False, owns: str | None = None) -> Callable:
    roles = tuple(Role(role) for role in roles)
    if owns is not None and owns not in ownership.RULES:
        raise ValueError(f"unknown ownership rule {owns}")

    def declare(view: Callable) -> Callable:
        view.access = Access(frozenset(roles), lead, owns)
        return view

    return declare


def declared_access(view: Callable) -> str | Access | None:
    """'public', the Access declared, or None when the view declares nothing."""
    return getattr(view, "access", None)


# Where a person whose role requires a second factor may go before setting one up.
SET_UP_FIRST = "auth.set_up_two_factor"


def enforce_declared_access():
    """before_request hook: sign in for non-public pages, then role, lead and ownership, then
    a second factor set up where the role requires one."""
    if request.endpoint is None or request.endpoint == "static":
        return None  # no route matched (Flask answers 404), or a static file
    access = declared_access(current_app.view_functions[request.endpoint])
    if access == "public":
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if access is None or current_user.role not in access.roles:
        abort(403)
    if access.lead and not (current_user.consortium_lead and current_user.consortium_id):
        abort(403)
    if access.owns and not ownership.RULES[access.owns](current_user, request.view_args or {}):
        abort(404)
    if request.endpoint != SET_UP_FIRST and must_set_up_two_factor(current_user):
        return redirect(url_for(SET_UP_FIRST))
    return None
