"""People's own accounts: passwords that are hard to guess, changing one's password, and a
second factor (TOTP) anyone may turn on and an admin may require for a role (issue 16, defect 8)."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from commissioning.extensions import db
from commissioning.models import AuditEvent, RolePolicy, User
from tests.integration.conftest import (
    ACCOUNT_PASSWORD,
    csrf_token,
    sign_in,
    sign_in_as,
    visitor,
)

NEW_PASSWORD = "lantern-meadow-copper-7"


def audit_actions(app, email: str) -> list[str]:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id))
                .order_by(AuditEvent.id)
            )
        )


def user_named(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


# ---- passwords


@pytest.fixture
def admin(client):
    sign_in(client, "admin")
    return client


@pytest.mark.parametrize(
    "password, message",
    [
        ("password1234", "Enter a password that is not a common password"),
        ("qwertyuiop123", "Enter a password that is not a common password"),
        ("a" * 12, "Enter a password that is harder to guess, like 3 random words"),
        ("abcdefghijkl", "Enter a password that is harder to guess, like 3 random words"),
        ("hearthhearth1", "Enter a password that does not use your email address or Hearth"),
        ("short", "Password must be 12 characters or more"),
        ("x" * 201, "Password must be 200 characters or fewer"),
    ],
)
def test_an_admin_cannot_give_an_account_a_guessable_password(app, admin, password, message):
    token = csrf_token(admin.get("/admin/users/new").text)
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "email": "guessable@test.hearth.example",
            "role": "admin",
            "password": password,
        },
    )
    assert response.status_code == 200
    assert message in response.text
    with app.app_context():
        assert (
            db.session.scalar(select(User).where(User.email == "guessable@test.hearth.example"))
            is None
        )


def change_password(client, current: str, new: str, confirm: str | None = None):
    token = csrf_token(client.get("/account/password").text)
    return client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def test_a_user_changes_their_password_ending_their_other_sessions(app, make_account):
    email = make_account()
    here, elsewhere = visitor(app, "192.0.2.60"), visitor(app, "192.0.2.60")
    sign_in_as(here, email)
    sign_in_as(elsewhere, email)
    assert "Change your password" in here.get("/account").text
    response = change_password(here, ACCOUNT_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Your password has been changed" in here.get("/account").text
    assert here.get("/homes").status_code == 200
    assert elsewhere.get("/homes").status_code == 302
    assert sign_in_as(visitor(app, "192.0.2.60"), email).status_code == 200
    assert sign_in_as(visitor(app, "192.0.2.60"), email, NEW_PASSWORD).status_code == 302
    assert "user.password_change" in audit_actions(app, email)


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("", NEW_PASSWORD, None, "Enter your current password"),
        ("not-my-password", NEW_PASSWORD, None, "Your current password is not correct"),
        (ACCOUNT_PASSWORD, "", "", "Enter a new password"),
        (ACCOUNT_PASSWORD, "password1234", None, "Enter a password that is not a common password"),
        (ACCOUNT_PASSWORD, NEW_PASSWORD, "lantern-meadow", "Enter the same password twice"),
        (ACCOUNT_PASSWORD, ACCOUNT_PASSWORD, None, "Enter a password different from your current"),
    ],
)
def test_a_bad_password_change_gets_a_message_and_changes_nothing(
    app, make_account, current, new, confirm, message
):
    email = make_account()
    client = visitor(app, "192.0.2.61")
    sign_in_as(client, email)
    before = user_named(app, email).password_hash
    response = change_password(client, current, new, confirm)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert user_named(app, email).password_hash == before
    assert client.get("/homes").status_code == 200


# ---- a second factor


def key_on_page(html: str) -> str:
    return re.search(r'id="two-factor-key"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def code(key: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now, or as many 30-second steps later (a code is
    good once, and for the step before and after too, RFC 6238 section 5.2)."""
    return pyotp.TOTP(key).at(time.time() + 30 * steps_ahead)


def enter_code(client, path: str, value: str):
    token = csrf_token(client.get(path).text)
    return client.post(path, data={"csrf_token": token, "code": value})


def turn_on_two_factor(client) -> str:
    page = client.get("/account/two-factor").text
    key = key_on_page(page)
    assert enter_code(client, "/account/two-factor", code(key)).status_code == 302
    return key


def test_a_user_turns_on_two_factor_and_then_signs_in_with_a_code(app, make_account):
    email = make_account()
    client = visitor(app, "192.0.2.70")
    sign_in_as(client, email)
    assert "Two-factor authentication is off" in client.get("/account").text
    page = client.get("/account/two-factor").text
    assert 'src="data:image/svg+xml' in page
    key = key_on_page(page)
    wrong = enter_code(client, "/account/two-factor", "000000" if code(key) != "000000" else "1")
    assert "The security code is not correct" in wrong.text
    assert enter_code(client, "/account/two-factor", code(key)).status_code == 302
    assert "Two-factor authentication is on" in client.get("/account").text
    assert audit_actions(app, email)[-1] == "user.two_factor_enable"

    later = visitor(app, "192.0.2.70")
    response = sign_in_as(later, email, next_page="/sufficiency/")
    assert response.headers["Location"] == "/sign-in/code"
    assert later.get("/homes").status_code == 302  # not signed in until the code is given
    assert "Enter the security code" in enter_code(later, "/sign-in/code", "").text
    assert "6 digits" in enter_code(later, "/sign-in/code", "12345").text
    good = code(key, steps_ahead=1)
    response = enter_code(later, "/sign-in/code", good[:3] + " " + good[3:])
    assert response.headers["Location"] == "/sufficiency/"
    assert later.get("/homes").status_code == 200

    replay = visitor(app, "192.0.2.70")
    sign_in_as(replay, email)
    assert "The security code is not correct" in enter_code(replay, "/sign-in/code", good).text


def test_the_code_step_needs_the_password_first(client):
    response = client.get("/sign-in/code")
    assert response.headers["Location"].startswith("/sign-in")


def test_wrong_codes_are_limited_per_account(app, make_account):
    email = make_account()
    client = visitor(app, "192.0.2.71")
    sign_in_as(client, email)
    key = turn_on_two_factor(client)
    wrong = "000000" if code(key, 1) != "000000" else "111111"
    statuses = []
    for address in ("192.0.2.72", "192.0.2.73"):
        guesser = visitor(app, address)
        sign_in_as(guesser, email)
        statuses += [enter_code(guesser, "/sign-in/code", wrong).status_code for _ in range(6)]
    assert statuses == [200] * 10 + [429] * 2


@pytest.fixture
def two_factor_policy(app):
    """Undo any role requirement a test sets."""
    yield
    with app.app_context():
        db.session.execute(RolePolicy.__table__.delete())
        db.session.execute(
            AuditEvent.__table__.delete().where(AuditEvent.object_type == "role_policy")
        )
        db.session.commit()


def require_two_factor_for(admin, *roles: str):
    token = csrf_token(admin.get("/admin/two-factor").text)
    return admin.post("/admin/two-factor", data={"csrf_token": token, "roles": list(roles)})


def test_an_admin_requires_two_factor_for_a_role_and_its_users_set_it_up_first(
    app, admin, make_account, two_factor_policy
):
    email = make_account("analyst")
    assert require_two_factor_for(admin, "analyst").status_code == 302
    assert (
        "Two-factor authentication is required for: Analyst" in admin.get("/admin/two-factor").text
    )
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "role_policy.two_factor")
        )
        assert (event.before, event.after) == ({"required_for": []}, {"required_for": ["analyst"]})

    analyst = visitor(app, "192.0.2.80")
    response = sign_in_as(analyst, email, next_page="/homes")
    for page in (response.headers["Location"], "/homes", "/sufficiency/", "/account"):
        assert analyst.get(page).headers["Location"] == "/account/two-factor", page
    page = analyst.get("/account/two-factor").text
    assert "must set up two-factor authentication" in page
    key = key_on_page(page)
    assert enter_code(analyst, "/account/two-factor", code(key)).headers["Location"] == "/homes"
    assert analyst.get("/homes").status_code == 200
    # Other roles are untouched: the demo commissioner signs in with a password alone.
    assert (
        sign_in_as(
            visitor(app, "192.0.2.81"), "commissioner@demo.hearth.example", "hearth-demo-only"
        ).headers["Location"]
        == "/homes"
    )


def test_a_bad_role_choice_gets_a_message_and_saves_nothing(app, admin, two_factor_policy):
    response = require_two_factor_for(admin, "superuser")
    assert response.status_code == 200
    assert "Select roles from the list" in response.text
    with app.app_context():
        assert db.session.scalar(select(RolePolicy)) is None


def test_an_admin_resets_a_lost_second_factor(app, admin, make_account):
    email = make_account()
    client = visitor(app, "192.0.2.82")
    sign_in_as(client, email)
    turn_on_two_factor(client)
    user_id = user_named(app, email).id
    users = admin.get("/admin/users").text
    assert (
        f'Reset two-factor authentication<span class="govuk-visually-hidden"> for {email}' in users
    )
    response = admin.post(
        f"/admin/users/{user_id}/reset-two-factor", data={"csrf_token": csrf_token(users)}
    )
    assert response.status_code == 302
    assert f"Two-factor authentication reset for {email}" in admin.get("/admin/users").text
    assert client.get("/homes").status_code == 302  # their sessions ended
    assert user_named(app, email).totp_secret is None
    assert audit_actions(app, email)[-1] == "user.two_factor_reset"
    assert sign_in_as(visitor(app, "192.0.2.82"), email).headers["Location"] == "/homes"
