"""The service owner creates and disables accounts and reads the audit log."""

import pytest
from sqlalchemy import select

from commissioning.extensions import db
from commissioning.models import AuditEvent, LocalAuthority, Provider, User
from tests.integration.conftest import csrf_token, sign_in


@pytest.fixture
def admin(client):
    sign_in(client, "admin")
    return client


def new_user_form(admin, **fields) -> dict:
    token = csrf_token(admin.get("/admin/users/new").get_data(as_text=True))
    return {"csrf_token": token, "password": "a-long-enough-password", **fields}


def scope_ids(app) -> tuple[str, int]:
    with app.app_context():
        salford = db.session.scalar(select(LocalAuthority).where(LocalAuthority.name == "Salford"))
        provider = db.session.scalar(select(Provider).order_by(Provider.name).limit(1))
        return salford.code, provider.id


def test_an_admin_creates_a_commissioner_who_can_then_sign_in(app, admin, client):
    salford, _ = scope_ids(app)
    data = new_user_form(
        admin, email="placements@salford.example", role="commissioner", la_code=salford
    )
    response = admin.post("/admin/users/new", data=data)
    assert response.status_code == 302
    assert "placements@salford.example" in admin.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "placements@salford.example"))
        assert (user.role, user.la_code) == ("commissioner", salford)
        assert user.password_hash.startswith("scrypt:")
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "user.create")
            .order_by(AuditEvent.id.desc())
        )
        assert event.after["email"] == "placements@salford.example"
        assert "password" not in event.after


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"email": "commissioner@demo.hearth.example", "role": "admin"},
            "An account with this email address already exists",
        ),
        (
            {"email": "not-an-email", "role": "admin"},
            "Enter an email address in the correct format",
        ),
        (
            {"email": "new-provider@x.example", "role": "provider"},
            "Select the provider the account belongs to",
        ),
        (
            {"email": "new-commissioner@x.example", "role": "commissioner"},
            "Select the local authority the commissioner works for",
        ),
        ({"email": "new@x.example"}, "Select a role"),
        (
            {"email": "new@x.example", "role": "admin", "password": "short"},
            "Password must be 12 characters or more",
        ),
        (
            {"email": "x" * 300 + "@x.example", "role": "admin"},
            "Email address must be 254 characters or fewer",
        ),
        ({"email": "new@x.example", "role": "superuser"}, "Select a role"),
    ],
)
def test_bad_account_details_get_a_message_and_create_nothing(app, admin, fields, message):
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(User))
    response = admin.post("/admin/users/new", data={**new_user_form(admin), **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == before


def test_a_disabled_account_cannot_sign_in_until_enabled(app, admin):
    _, provider_id = scope_ids(app)
    admin.post(
        "/admin/users/new",
        data=new_user_form(
            admin, email="manager@home.example", role="provider", provider_id=str(provider_id)
        ),
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "manager@home.example"))
    admin_token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    disable = admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": admin_token})
    assert disable.status_code == 302
    visitor = app.test_client()
    token = csrf_token(visitor.get("/sign-in").get_data(as_text=True))
    credentials = {
        "csrf_token": token,
        "email": "manager@home.example",
        "password": "a-long-enough-password",
    }
    assert visitor.post("/sign-in", data=credentials).status_code == 200
    admin.post(f"/admin/users/{user_id}/enable", data={"csrf_token": admin_token})
    assert visitor.post("/sign-in", data=credentials).status_code == 302


def test_the_audit_log_filters_by_home_and_by_user(app, admin, client):
    text = admin.get("/admin/audit?user=admin@demo.hearth.example").get_data(as_text=True)
    assert "admin@demo.hearth.example" in text
    assert "provider@demo.hearth.example" not in text
    text = admin.get("/admin/audit?home=NOSUCHHOME").get_data(as_text=True)
    assert "No changes recorded yet" in text
    text = admin.get(f"/admin/audit?home={'x' * 40}").get_data(as_text=True)
    assert "URN must be 12 characters or fewer" in text


def test_repeated_failed_sign_ins_are_slowed_down(app):
    visitor = app.test_client()
    token = csrf_token(visitor.get("/sign-in").get_data(as_text=True))
    attempt = {"csrf_token": token, "email": "target@demo.hearth.example", "password": "guess"}
    statuses = [visitor.post("/sign-in", data=attempt).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in visitor.post("/sign-in", data=attempt).get_data(as_text=True)
