"""A database outage gets the service's own page, a restart costs no request, and requests
too large for the service are refused with a message (issue 16, defects 9 and 10)."""

import io
import os

import psycopg
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commissioning.app import create_app
from commissioning.config import sqlalchemy_url
from tests.integration.conftest import csrf_token, sign_in

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/hearth"


# Both apps share the one Flask-SQLAlchemy extension: a test transaction's session would serve
# the cut-off app too, so these tests run outside one.
@pytest.mark.commits
def test_while_the_database_is_down_signed_in_users_get_the_unavailable_page(app, commissioner):
    """The same signed-in browser, served by a web app whose database does not answer."""
    cut_off = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SESSION_COOKIE_SECURE": False,
        }
    )
    browser = cut_off.test_client()
    browser.set_cookie("session", commissioner.get_cookie("session").value)
    for page in ("/homes", "/referrals/", "/sufficiency/"):
        response = browser.get(page)
        assert response.status_code == 503, page
        assert "Sorry, the service is unavailable" in response.text
        assert "Try again later" in response.text
        assert "govuk-template" in response.text
    with cut_off.app_context():
        cut_off.extensions["sqlalchemy"].engine.dispose()


@pytest.mark.postgres
@pytest.mark.commits
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="ends PostgreSQL connections: PostgreSQL only"
)
def test_the_first_request_after_a_database_restart_succeeds(commissioner):
    """Every pooled connection ended by the server, as a restart does."""
    assert commissioner.get("/homes").status_code == 200
    url = sqlalchemy_url(os.environ["TEST_DATABASE_URL"]).replace("+psycopg", "")
    with psycopg.connect(url, autocommit=True) as connection:
        ended = connection.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        ).fetchall()
    assert ended
    assert commissioner.get("/homes").status_code == 200


# ---- sizes


def upload_needs(client, content: bytes):
    """The form posted as a browser does, encoded in memory (the test client would spool a
    large body to a file the app, refusing it unread, leaves open)."""
    token = csrf_token(client.get("/sufficiency/needs-analyses/upload").text)
    fields = {
        "csrf_token": token,
        "la": "E08000003",
        "needs_file": FileStorage(io.BytesIO(content), "n.csv"),
    }
    boundary, body = encode_multipart(fields)
    return client.post(
        "/sufficiency/needs-analyses/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def analyst(client):
    sign_in(client, "analyst")
    return client


def test_an_upload_over_the_size_limit_is_refused_with_a_message(analyst):
    response = upload_needs(analyst, b"period," * (3 * 1024 * 1024 // 7))
    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.text
    assert "A file must be smaller than 2 MB" in response.text


def test_a_form_field_over_the_memory_limit_is_refused_with_a_message(analyst):
    boundary, body = encode_multipart({"csrf_token": "x" * 200_000})
    response = analyst.post(
        "/referrals/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.text


def test_a_bad_file_gets_a_page_no_bigger_than_a_good_one_would(analyst):
    """0.1 MB of bad lines: the first problems are listed, then how many more there are."""
    bad = b"period,need_category,placement_type,projected_children,current_placements," + (
        b"current_annual_spend\n" + b"x,x,x,x,x,x\n" * 4_999
    )
    response = upload_needs(analyst, bad)
    assert response.status_code == 200
    assert len(response.data) < 100_000
    assert "line 2, column A (period)" in response.text
    assert "and 29,9" in response.text
