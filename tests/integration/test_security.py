"""Sign-in, CSRF, security headers and cookies."""

from commissioning.app import create_app
from tests.integration.conftest import csrf_token, sign_in


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


def test_sign_in_returns_only_to_pages_on_this_site(client):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in?next=//evil.example/",
        data={
            "csrf_token": token,
            "email": "commissioner@demo.hearth.example",
            "password": "hearth-demo-only",
        },
    )
    assert response.headers["Location"] == "/homes"


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
