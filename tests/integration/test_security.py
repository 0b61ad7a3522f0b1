"""Sign-in, CSRF, security headers and cookies."""

import hashlib

import pytest

from commissioning.app import create_app
from tests.integration.conftest import csrf_token, sign_in, sign_in_as, visitor


def test_a_form_posted_without_its_csrf_token_is_refused(client):
    response = client.post(
        "/sign-in", data={"email": "commissioner@demo.hearth.example", "password": "x"}
    )
    assert response.status_code == 400
    assert "problem with your request" in response.get_data(as_text=True)


def test_a_wrong_password_gets_a_message_on_the_field(client):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": "commissioner@demo.hearth.example", "password": "no"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Enter a correct email address and password" in text


def test_an_empty_sign_in_gets_a_message_for_each_field(client):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    text = client.post("/sign-in", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter your email address" in text
    assert "Enter your password" in text


def test_signing_out_ends_the_session(client):
    sign_in(client, "commissioner")
    token = csrf_token(client.get("/homes").get_data(as_text=True))
    client.post("/sign-out", data={"csrf_token": token})
    assert client.get("/homes").status_code == 302


def test_every_page_carries_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookies_are_secure_and_http_only_by_default(app, monkeypatch):
    monkeypatch.delenv("HEARTH_INSECURE_COOKIES", raising=False)
    production = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_error_pages_use_the_service_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "govuk-template" in response.get_data(as_text=True)


# ---- returning after sign-in: never to another site (issue 16, defect 3)

# Each is a way browsers have been led off-site by a "same-site path" check: tab and newline
# stripping, backslashes read as slashes, schemes without slashes, double encoding.
OFF_SITE_TARGETS = [
    "//evil.example/",
    "///evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D%0ASet-Cookie:%20hearth=stolen",
    "/%00/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "%5C%5Cevil.example",
    "%20//evil.example",
    "/%E2%80%A8/evil.example",
    "/%252F%252Fevil.example",
    "/%25%30%39/evil.example",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_in_returns_only_to_pages_on_this_site(client, target):
    response = sign_in_as(
        client, "commissioner@demo.hearth.example", "hearth-demo-only", next_page=target
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/homes"


@pytest.mark.parametrize("target", ["/homes?page=2", "/referrals", "/homes/SC046524"])
def test_sign_in_returns_to_the_page_asked_for(client, target):
    response = sign_in_as(
        client, "commissioner@demo.hearth.example", "hearth-demo-only", next_page=target
    )
    assert response.headers["Location"] == target


# ---- whether an email has an account cannot be told by timing (issue 16, defect 4)


def test_unknown_known_and_disabled_accounts_each_cost_one_password_hash(
    app, make_account, monkeypatch
):
    """Timing differs only if the work differs: every path hashes the password once, with the
    method stored passwords use (scrypt), so all three take as long."""
    disabled = make_account(active=False)
    client = visitor(app, "192.0.2.40")
    sign_in_as(client, "nobody@demo.hearth.example", "warm-up")
    real_scrypt = hashlib.scrypt
    hashes = []
    monkeypatch.setattr(
        hashlib, "scrypt", lambda *args, **kwargs: hashes.append(1) or real_scrypt(*args, **kwargs)
    )
    counts = []
    for email in ("commissioner@demo.hearth.example", "nobody@demo.hearth.example", disabled):
        hashes.clear()
        assert sign_in_as(client, email, "not-the-password").status_code == 200
        counts.append(len(hashes))
    assert counts == [1, 1, 1]


# ---- sessions end on the server (issue 16, defect 5)


def copy_of_session(app, client):
    """Another browser holding a copy of client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, make_account):
    sign_in_as(client, make_account())
    thief = copy_of_session(app, client)
    assert thief.get("/homes").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/homes").text)})
    assert client.get("/homes").status_code == 302
    assert thief.get("/homes").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, client, make_account):
    email = make_account()
    sign_in_as(client, email)
    assert client.get("/homes").status_code == 200
    admin = app.test_client()
    sign_in(admin, "admin")
    users = admin.get("/admin/users").text
    user_id = users.split(f"{email}")[1].split("/admin/users/")[1].split("/")[0]
    admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": csrf_token(users)})
    assert client.get("/homes").status_code == 302


# ---- headers (issue 16, defect 12)


def test_signed_in_pages_are_kept_by_no_browser_or_proxy(commissioner):
    assert commissioner.get("/homes").headers["Cache-Control"] == "no-store"
    with commissioner.get("/static/hearth.css") as stylesheet:
        assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_https_pages_tell_browsers_to_use_only_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_a_trusted_proxy_https_is_recognised(app):
    proxied = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRUSTED_PROXIES": 1,
        }
    )
    response = proxied.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
