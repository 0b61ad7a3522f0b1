"""An app over a database migrated from empty, with both real registers and the demo loaded.

The database is a fresh SQLite file, or the PostgreSQL database named by TEST_DATABASE_URL
(emptied first). Every test runs inside a transaction rolled back when it ends: the service's
commits release savepoints within it, so no test sees another's writes, whatever the order.
Tests that need real commits seen by other connections (threads racing for a bed, worker
processes) are marked `commits` and undo their own writes.
"""

import os
import re
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, delete, event, select, text

from commissioning import demo, matching_data
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


def _begin_for_real(connection) -> None:
    """Python's sqlite3 driver would BEGIN only before the first write and not before a
    SAVEPOINT, so the first savepoint's release would commit: begin here, as PostgreSQL's
    driver does (SQLAlchemy's documented recipe for pysqlite)."""
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.isolation_level = None
        connection.exec_driver_sql("BEGIN")


def _end_for_real(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.isolation_level = ""


def _note_writes(wrote: list):
    def note(_connection, _cursor, statement, *_):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            wrote.append(statement)

    return note


class _OneConnectionSession(Session):
    """Every query of the test on the one connection whose transaction the test rolls back
    (Flask-SQLAlchemy's own get_bind would pick the engine and escape it)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def rolled_back(request, app):
    """Run the test in a transaction undone at its end (see the module's docstring)."""
    if request.node.get_closest_marker("commits"):
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
    # No app context stays pushed while the test runs: requests would share it, and its `g`.
    outer = connection.begin()
    _begin_for_real(connection)
    wrote: list[str] = []
    event.listen(connection, "before_cursor_execute", _note_writes(wrote))
    session = db._make_scoped_session(
        {
            "class_": _OneConnectionSession,
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
        }
    )
    shared, db.session = db.session, session
    try:
        yield
    finally:
        # Each app context's session was closed as it ended (Flask-SQLAlchemy's teardown).
        db.session = shared
        outer.rollback()
        _end_for_real(connection)
        connection.close()
        if wrote:
            # The homes cache may hold rows this test wrote and the rollback undid.
            matching_data.forget_homes()


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
