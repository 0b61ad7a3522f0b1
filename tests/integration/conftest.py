"""An app over a database migrated from empty, with both real registers and the demo loaded.

The database is a fresh SQLite file, or the PostgreSQL database named by TEST_DATABASE_URL
(emptied first). Tests share it read-only; tests that write undo their writes.
"""

import os
import re
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, select, text

from commissioning import demo
from commissioning.app import create_app
from commissioning.config import sqlalchemy_url
from commissioning.extensions import db
from commissioning.models import AuditEvent, User
from commissioning.reference.register import REGISTER_FILES, read_register
from commissioning.registry.loading import import_register, load_geography

REGISTERS = {2023: date(2023, 8, 31), 2024: date(2024, 3, 31)}
DEMO_SEED = 7


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hearth.sqlite3'}"
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        connection.execute(text("drop schema public cascade; create schema public"))
    engine.dispose()
    return sqlalchemy_url(url)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        upgrade()
        load_geography()
        app.config["TEST_IMPORT_SUMMARIES"] = {
            year: import_register(read_register(*REGISTER_FILES[year]), as_at)
            for year, as_at in REGISTERS.items()
        }
        demo.seed(DEMO_SEED)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(html: str) -> str:
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client, role: str) -> None:
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": f"{role}@{demo.DEMO_DOMAIN}",
            "password": demo.DEMO_PASSWORD,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def commissioner(client):
    sign_in(client, "commissioner")
    return client


def demo_provider_homes(app) -> list[str]:
    """URNs of the open homes of the demo provider account's organisation."""
    with app.app_context():
        provider = db.session.scalar(
            select(User).where(User.email == f"provider@{demo.DEMO_DOMAIN}")
        ).provider
        return sorted(h.urn for h in provider.homes if h.registration_status != "closed")


@pytest.fixture
def provider(client):
    sign_in(client, "provider")
    return client


ACCOUNT_PASSWORD = "kettle-orbit-pencil-42"


@pytest.fixture
def make_account(app):
    """Create accounts for one test (role, password ACCOUNT_PASSWORD); deleted afterwards with
    every audit event by or about them."""
    created = []

    def make(role: str = "analyst", **fields) -> str:
        email = f"{role}-{uuid.uuid4().hex[:10]}@test.hearth.example"
        with app.app_context():
            manchester = db.session.scalar(select(User.la_code).where(User.role == "analyst"))
            user = User(
                email=email,
                role=role,
                la_code=manchester if role in ("commissioner", "analyst") else None,
                **fields,
            )
            user.set_password(ACCOUNT_PASSWORD)
            db.session.add(user)
            db.session.commit()
            created.append(user.id)
        return email

    yield make
    with app.app_context():
        for user_id in created:
            db.session.execute(
                delete(AuditEvent).where(
                    (AuditEvent.user_id == user_id)
                    | ((AuditEvent.object_type == "user") & (AuditEvent.object_id == str(user_id)))
                )
            )
            db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()


def sign_in_as(client, email: str, password: str = ACCOUNT_PASSWORD, next_page: str = ""):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    return client.post(
        "/sign-in" + (f"?next={next_page}" if next_page else ""),
        data={"csrf_token": token, "email": email, "password": password},
    )


def visitor(app, address: str):
    """A browser at its own address (documentation range 192.0.2.0/24: WSGI only, no network),
    so rate limits counted here do not spill into other tests'."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client
