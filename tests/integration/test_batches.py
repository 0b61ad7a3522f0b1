"""A consortium lead optimises the waiting list in the background and acts on the result."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from commissioning.admin.services import create_user
from commissioning.app import create_app
from commissioning.batches.jobs import CRASHED_MESSAGE, SHUTDOWN_MESSAGE, STALLED_MESSAGE
from commissioning.batches.runner import UNAVAILABLE, supervisor_of
from commissioning.extensions import db
from commissioning.models import AuditEvent, BatchRun, Offer, Referral, User
from tests.conftest import batch_jobs_of
from tests.integration.conftest import csrf_token, sign_in

WEIGHTS = {
    "per_km_family": "10",
    "per_pound": "1",
    "per_impact_point": "150",
    "at_a_distance": "750",
}
ENDED = ("finished", "cancelled", "failed")
# The job reads and writes the run through its own connection, outside any test transaction.
pytestmark = pytest.mark.commits
# The longest run a lead may ask for: none ends by itself before a test is done with it (its
# neighbourhood search alone runs a count of neighbourhoods that takes minutes here).
UNENDING = 600


def post_start(client, time_limit: int):
    page = client.get("/batches/new").get_data(as_text=True)
    waiting = re.findall(r'name="referrals" type="checkbox" value="([^"]+)"', page)
    data = {
        "csrf_token": csrf_token(page),
        "time_limit": str(time_limit),
        **WEIGHTS,
        "referrals": waiting,
    }
    started = time.perf_counter()
    response = client.post("/batches/new", data=data)
    assert time.perf_counter() - started < 2, "starting a batch must not block the request"
    return response


def start_batch(client, time_limit: int = 2) -> str:
    response = post_start(client, time_limit)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def wait_for(client, batch: str, statuses=ENDED, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = client.get(f"/batches/{batch}/progress.json").get_json()
        if run["status"] in statuses:
            return run
        time.sleep(0.3)
    raise AssertionError(f"batch {batch} still {run['status']} after {seconds} s")


def test_a_lead_runs_a_batch_watches_it_and_sends_two_proposals(app, commissioner):
    batch = start_batch(commissioner)
    assert "This page updates by itself" in commissioner.get(f"/batches/{batch}").get_data(
        as_text=True
    )
    run = wait_for(commissioner, batch)
    assert run["status"] == "finished"
    assert {"placed", "objective", "bound", "gap", "elapsed"} <= set(run["progress"])
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    assert "Against one child at a time" in page
    assert "Placed at a distance" in page and "Total group impact" in page
    assert "Download the instance" in page
    chosen = re.findall(r'name="proposals" type="checkbox" value="([^"]+)"', page)[:2]
    with app.app_context():
        offers_before = db.session.scalar(select(func.count()).select_from(Offer))
    sent = commissioner.post(
        f"/batches/{batch}/offers", data={"csrf_token": csrf_token(page), "proposals": chosen}
    )
    assert "2 proposals sent as offers" in commissioner.get(sent.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == offers_before + 2
        statuses = set(
            db.session.scalars(select(Referral.status).where(Referral.reference.in_(chosen)))
        )
        assert statuses == {"offered"}


def test_sending_with_no_proposal_chosen_says_so_on_the_field_and_sends_nothing(app, commissioner):
    batch = start_batch(commissioner, time_limit=1)
    wait_for(commissioner, batch)
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    with app.app_context():
        offers_before = db.session.scalar(select(func.count()).select_from(Offer))
    refused = commissioner.post(f"/batches/{batch}/offers", data={"csrf_token": csrf_token(page)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "There is a problem" in text
    assert 'href="#proposals"' in text
    assert 'id="proposals-error"' in text
    assert "Select at least one proposal whose bed is still free" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == offers_before


def test_the_run_keeps_an_instance_that_the_command_line_solves(commissioner, tmp_path):
    batch = start_batch(commissioner, time_limit=1)
    wait_for(commissioner, batch)
    instance = commissioner.get(f"/batches/{batch}/instance.json").get_json()
    assert instance["schema"] == "hearth-matching/1"
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance))
    solved = subprocess.run(
        [sys.executable, "-m", "matching", "solve", str(path), "--time-limit", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(solved.stdout)
    kept = commissioner.get(f"/batches/{batch}/result.json").get_json()
    assert result["placed"] == kept["placed"]


def test_a_running_batch_can_be_cancelled_keeping_the_best_so_far(commissioner):
    batch = start_batch(commissioner, time_limit=60)
    wait_for(commissioner, batch, statuses=("running",))
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    commissioner.post(f"/batches/{batch}/cancel", data={"csrf_token": csrf_token(page)})
    started = time.monotonic()
    assert wait_for(commissioner, batch, seconds=30)["status"] == "cancelled"
    assert time.monotonic() - started < 30


def test_a_lead_can_rule_out_a_home_and_run_again(app, commissioner):
    batch = start_batch(commissioner, time_limit=1)
    wait_for(commissioner, batch)
    result = commissioner.get(f"/batches/{batch}/result.json").get_json()
    first = result["assignments"][0]
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    again = commissioner.post(
        f"/batches/{batch}/rerun",
        data={
            "csrf_token": csrf_token(page),
            "referral": first["referral"],
            "home": first["home"],
            "action": "exclude",
        },
    )
    rerun = again.headers["Location"].rsplit("/", 1)[1]
    assert rerun != batch
    wait_for(commissioner, rerun)
    homes = {
        a["referral"]: a["home"]
        for a in commissioner.get(f"/batches/{rerun}/result.json").get_json()["assignments"]
    }
    assert homes.get(first["referral"]) != first["home"]
    with app.app_context():
        run = db.session.scalar(select(BatchRun).where(BatchRun.reference == rerun))
        assert run.exclusions == [{"referral": first["referral"], "home": first["home"]}]
        assert run.parent_id is not None


def test_a_bad_pairing_gets_a_clear_message(commissioner):
    batch = start_batch(commissioner, time_limit=1)
    wait_for(commissioner, batch)
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    response = commissioner.post(
        f"/batches/{batch}/rerun",
        data={
            "csrf_token": csrf_token(page),
            "referral": "R-NOSUCH",
            "home": "SC046524",
            "action": "pin",
        },
    )
    text = commissioner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enter the reference of a waiting child in this proposal" in text


@pytest.mark.parametrize(
    "time_limit, message", [("0", "between 1 and 600"), ("", "Enter a time limit")]
)
def test_bad_settings_start_nothing(app, commissioner, time_limit, message):
    with app.app_context():
        runs = db.session.scalar(select(func.count()).select_from(BatchRun))
    page = commissioner.get("/batches/new").get_data(as_text=True)
    response = commissioner.post(
        "/batches/new",
        data={
            "csrf_token": csrf_token(page),
            "time_limit": time_limit,
            **WEIGHTS,
        },
    )
    text = response.get_data(as_text=True)
    assert message in text and "Select at least one referral" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BatchRun)) == runs


def app_beside(app, **config):
    """Another app on the same database, as another web process would be: its supervisor
    (its job processes, its sweep) is its own."""
    return create_app(
        {
            **{key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")},
            "TESTING": True,
            "SESSION_COOKIE_SECURE": False,
            **config,
        }
    )


def close(app) -> None:
    supervisor_of(app).stop()
    with app.app_context():  # its own connection pool, closed with it
        db.engine.dispose()


def lead_client(app):
    client = app.test_client()
    sign_in(client, "commissioner")
    return client


@pytest.fixture
def web_process(app):
    """An app of its own, so that stopping it, as a reload or shutdown does, stops its jobs only."""
    other = app_beside(app)
    yield other
    close(other)


def the_job_process() -> int:
    """The one batch job process this test started."""
    (job,) = batch_jobs_of(os.getpid())
    return job


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(BatchRun)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
        )


def test_a_batch_is_solved_in_a_process_of_its_own_not_in_the_web_process(commissioner):
    batch = start_batch(commissioner, time_limit=UNENDING)
    wait_for(commissioner, batch, statuses=("running",))
    job = the_job_process()
    with open(f"/proc/{job}/cmdline", "rb") as cmdline:
        assert b"commissioning.batches" in cmdline.read()
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    commissioner.post(f"/batches/{batch}/cancel", data={"csrf_token": csrf_token(page)})
    assert wait_for(commissioner, batch, seconds=60)["status"] == "cancelled"


@pytest.mark.parametrize("crash", [signal.SIGABRT, signal.SIGSEGV, signal.SIGKILL])
def test_a_crashed_solve_fails_its_run_with_a_message_and_the_web_process_serves_on(
    commissioner, crash
):
    batch = start_batch(commissioner, time_limit=UNENDING)
    wait_for(commissioner, batch, statuses=("running",))
    os.kill(the_job_process(), crash)  # as OR-Tools' abort did to the web worker (issue 16)
    run = wait_for(commissioner, batch, seconds=20)
    assert (run["status"], run["message"]) == ("failed", CRASHED_MESSAGE)
    page = commissioner.get(f"/batches/{batch}").get_data(as_text=True)
    assert "Failed" in page and CRASHED_MESSAGE in page


def test_a_web_process_that_stops_cancels_its_running_batches(web_process):
    client = lead_client(web_process)
    batch = start_batch(client, time_limit=UNENDING)
    wait_for(client, batch, statuses=("running",))
    supervisor_of(web_process).stop()  # what a reload or shutdown runs as the process exits
    assert batch_jobs_of(os.getpid()) == []
    run = wait_for(client, batch, seconds=1)
    assert (run["status"], run["message"]) == ("cancelled", SHUTDOWN_MESSAGE)


def test_with_redis_down_starting_a_batch_says_so_and_keeps_nothing(app):
    down = app_beside(app, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        lead = lead_client(down)  # signing in is itself recorded
        before = counts(app)
        response = post_start(lead, time_limit=1)
        text = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "There is a problem" in text and UNAVAILABLE in text
        assert "Start a batch proposal" in text
        assert counts(app) == before
    finally:
        close(down)


def test_the_pages_of_batch_runs_write_nothing(app, commissioner):
    """The stale-run sweep runs on a timer of its own, not on page requests (issue 11)."""
    batch = start_batch(commissioner, time_limit=1)
    wait_for(commissioner, batch)
    writes = []

    def note_writes(connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    with capture(engine, "before_cursor_execute", note_writes):
        for path in ("/batches/", f"/batches/{batch}", f"/batches/{batch}/progress.json"):
            assert commissioner.get(path).status_code == 200
    assert writes == []


class capture:
    """Listen to an engine event from this thread only, for the length of a with block."""

    def __init__(self, engine, name, listener):
        thread = threading.get_ident()
        self.engine, self.name = engine, name
        self.listener = lambda *args: threading.get_ident() == thread and listener(*args)

    def __enter__(self):
        event.listen(self.engine, self.name, self.listener)

    def __exit__(self, *exc):
        event.remove(self.engine, self.name, self.listener)


def insert_stalled_run(app, reference: str) -> None:
    with app.app_context():
        lead = db.session.scalar(
            select(User).where(User.email == "commissioner@demo.hearth.example")
        )
        stale = datetime.now(UTC) - timedelta(minutes=5)
        db.session.add(
            BatchRun(
                reference=reference,
                consortium_id=lead.consortium_id,
                created_by=lead,
                status="running",
                time_limit=10,
                instance={"homes": [], "referrals": []},
                started_at=stale,
                heartbeat_at=stale,
            )
        )
        db.session.commit()


def test_a_run_whose_worker_stopped_reporting_is_marked_failed(app):
    sweeping = app_beside(app, BATCH_STALE_SECONDS=3)
    try:
        client = lead_client(sweeping)  # its first request starts its supervisor
        insert_stalled_run(app, "B-STALLED")
        run = wait_for(client, "B-STALLED", seconds=20)
        assert (run["status"], run["message"]) == ("failed", STALLED_MESSAGE)
        page = client.get("/batches/B-STALLED").get_data(as_text=True)
        assert "Failed" in page and "stopped reporting" in page
    finally:
        close(sweeping)


def test_only_consortium_leads_run_batches(app, client):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        lead = db.session.scalar(select(User).where(User.consortium_lead.is_(True)))
        if db.session.scalar(select(User).where(User.email == "colleague@la.example")) is None:
            create_user(
                {
                    "email": "colleague@la.example",
                    "role": "commissioner",
                    "la_code": lead.la_code,
                    "consortium_id": lead.consortium_id,
                },
                "a-long-enough-password",
                by=admin,
            )
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": "colleague@la.example",
            "password": "a-long-enough-password",
        },
    )
    assert client.get("/batches/").status_code == 403
    assert client.get("/batches/new").status_code == 403


# --- RQ: the production runner, against the local Redis ----------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_app(app):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except RedisDown:
        if os.environ.get("HEARTH_REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: the RQ runner was not tested")
    redis_app = app_beside(app, REDIS_URL=REDIS_URL, BATCH_STALE_SECONDS=3)
    yield redis_app
    close(redis_app)


@pytest.fixture
def worker(redis_app):
    """An RQ worker process on the batches queue, ready for work."""
    environment = {
        **os.environ,
        "DATABASE_URL": redis_app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": redis_app.config["SECRET_KEY"],
        "REDIS_URL": REDIS_URL,
    }
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "rq"),
            "worker",
            "batches",
            "--url",
            REDIS_URL,
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_a_worker_listens()
    yield process
    if process.poll() is None:
        kill_with_its_work_horse(process)


def wait_until_a_worker_listens(seconds: float = 30) -> None:
    from redis import Redis
    from rq import Queue, Worker

    queue = Queue("batches", connection=Redis.from_url(REDIS_URL))
    deadline = time.monotonic() + seconds
    while Worker.count(queue=queue) == 0:
        assert time.monotonic() < deadline, f"no RQ worker registered within {seconds} s"
        time.sleep(0.1)


def kill_with_its_work_horse(worker) -> None:
    """SIGKILL the worker and the work-horse process RQ forks for the job (which leaves the
    worker's process group), as when a machine dies."""
    horses = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in [*horses, str(worker.pid)]:
        with contextlib.suppress(ProcessLookupError):  # it had ended already
            os.kill(int(pid), signal.SIGKILL)
    worker.wait()


def test_with_redis_the_batch_runs_in_a_worker_process(redis_app, worker):
    client = lead_client(redis_app)
    batch = start_batch(client, time_limit=1)
    assert wait_for(client, batch)["status"] == "finished"
    from redis import Redis
    from rq import Queue

    finished = Queue("batches", connection=Redis.from_url(REDIS_URL)).finished_job_registry
    # The job writes "finished" before it returns; RQ files it as finished just after.
    deadline = time.monotonic() + 10
    while finished.count == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert finished.count == 1


def test_with_no_worker_starting_a_batch_says_so_and_keeps_nothing(app, redis_app):
    lead = lead_client(redis_app)  # signing in is itself recorded
    before = counts(app)
    response = post_start(lead, time_limit=1)
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "There is a problem" in text and UNAVAILABLE in text
    assert counts(app) == before


def test_a_killed_worker_leaves_its_run_failed_not_running(redis_app, worker):
    client = lead_client(redis_app)
    batch = start_batch(client, time_limit=UNENDING)
    wait_for(client, batch, statuses=("running",))
    kill_with_its_work_horse(worker)
    run = wait_for(client, batch, seconds=20)
    assert run["status"] == "failed"
    assert run["message"] == STALLED_MESSAGE
