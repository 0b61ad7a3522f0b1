"""Failed sign-ins are limited per account whatever the address, and per address; with Redis
every web worker shares the counts (issue 16, defect 2)."""

import os
import subprocess
import sys
import uuid

import pytest

from commissioning.app import PROJECT_ROOT
from tests.integration.conftest import csrf_token, visitor

LIMITER_REDIS_URL = os.environ.get("TEST_LIMITER_REDIS_URL", "redis://127.0.0.1:6379/13")

# A web worker of its own: a process that builds the app from the environment, as gunicorn's
# workers do, and tries one email and password the given number of times.
WORKER = """
import sys
from commissioning.app import create_app
from tests.integration.conftest import csrf_token
client = create_app({"TESTING": True, "SESSION_COOKIE_SECURE": False}).test_client()
token = csrf_token(client.get("/sign-in").get_data(as_text=True))
for _ in range(int(sys.argv[1])):
    attempt = {"csrf_token": token, "email": sys.argv[2], "password": sys.argv[3]}
    print(client.post("/sign-in", data=attempt).status_code)
"""


def tries(client, email: str, times: int, password: str = "a-wrong-guess") -> list[int]:
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    attempt = {"csrf_token": token, "email": email, "password": password}
    return [client.post("/sign-in", data=attempt).status_code for _ in range(times)]


def test_one_account_guessed_at_from_six_addresses_is_stopped_after_ten(app):
    email = f"target-{uuid.uuid4().hex[:8]}@demo.hearth.example"
    statuses = []
    for address in range(6):
        statuses += tries(visitor(app, f"192.0.2.{address + 1}"), email, 5)
    assert statuses == [200] * 10 + [429] * 20


def test_one_address_guessing_at_many_accounts_is_stopped_after_fifty(app):
    guesser = visitor(app, "192.0.2.30")
    statuses = [
        tries(guesser, f"person-{uuid.uuid4().hex[:8]}@demo.hearth.example", 1)[0]
        for _ in range(51)
    ]
    assert statuses == [200] * 50 + [429]


def test_a_right_password_is_not_counted_against_the_account(app):
    colleague = visitor(app, "192.0.2.31")
    assert tries(colleague, "analyst@demo.hearth.example", 12, "hearth-demo-only") == [302] * 12


def run_worker(app, times: int, email: str, redis_url: str, password="a-wrong-guess"):
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
    }
    finished = subprocess.run(
        [sys.executable, "-c", WORKER, str(times), email, password],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return [int(status) for status in finished.stdout.split()]


@pytest.fixture
def limiter_redis():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    redis = Redis.from_url(LIMITER_REDIS_URL, socket_connect_timeout=2)
    try:
        redis.flushdb()
    except RedisDown:
        if os.environ.get("HEARTH_REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"no Redis at {LIMITER_REDIS_URL}: shared sign-in limits were not tested")
    yield redis
    redis.flushdb()


def test_with_redis_two_workers_share_the_count_of_failed_sign_ins(app, limiter_redis):
    email = f"target-{uuid.uuid4().hex[:8]}@demo.hearth.example"
    assert run_worker(app, 6, email, LIMITER_REDIS_URL) == [200] * 6
    assert limiter_redis.keys(f"*{email}*")
    assert run_worker(app, 6, email, LIMITER_REDIS_URL) == [200] * 4 + [429] * 2


def test_with_redis_down_sign_in_still_works_counting_in_each_worker(app):
    closed_port = "redis://127.0.0.1:1/0"
    statuses = run_worker(app, 11, "commissioner@demo.hearth.example", closed_port)
    assert statuses == [200] * 10 + [429]
    assert run_worker(app, 1, "analyst@demo.hearth.example", closed_port, "hearth-demo-only") == [
        302
    ]
