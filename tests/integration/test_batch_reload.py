"""Batch proposals under the real server (issue 16): gunicorn with two workers, as `make run`
serves the app, on a free port of 127.0.0.1 and the tests' database. A graceful reload (HUP)
during a batch, or a web worker killed outright, leaves every web worker serving and the run
ended with a clear status, never "running"."""

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from commissioning import demo
from commissioning.batches.jobs import SHUTDOWN_MESSAGE
from tests.conftest import batch_jobs_of
from tests.integration.test_batches import ENDED, UNENDING, WEIGHTS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
SERVER_STARTS_WITHIN_SECONDS = 120
RUN_ENDS_WITHIN_SECONDS = 40
# Lines gunicorn logs when a worker dies other than by its graceful exit.
WORKER_DIED = re.compile(r"was sent SIG|exited with code|WORKER TIMEOUT|Booting worker .* failed")


class Server:
    """A gunicorn master and its workers, and a signed-in lead's browser session on it."""

    def __init__(self, app, log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = log
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "DATABASE_URL")  # the embedded runner, on our database
        }
        self.master = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--error-logfile",
                str(log),
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env={
                **environment,
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": app.config["SECRET_KEY"],
                "HEARTH_INSECURE_COOKIES": "1",
            },
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.url(path), timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, fields: dict) -> str:
        """Post a form from the page at path; the path the answer was served from."""
        _, page = self.get(path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, **fields}, doseq=True).encode()
        with self.opener.open(self.url(path), data=data, timeout=30) as response:
            return urllib.parse.urlsplit(response.url).path

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + SERVER_STARTS_WITHIN_SECONDS
        while True:
            assert self.master.poll() is None, self.log.read_text()
            with contextlib.suppress(OSError):
                if self.get("/sign-in")[0] == 200 and len(self.workers()) == WORKERS:
                    return
            assert time.monotonic() < deadline, f"gunicorn did not serve: {self.log.read_text()}"
            time.sleep(0.5)

    def workers(self) -> set[int]:
        found = subprocess.run(["pgrep", "-P", str(self.master.pid)], capture_output=True)
        return set(map(int, found.stdout.split()))

    def sign_in(self) -> None:
        email = f"commissioner@{demo.DEMO_DOMAIN}"
        landed = self.post("/sign-in", {"email": email, "password": demo.DEMO_PASSWORD})
        assert landed != "/sign-in"

    def start_batch(self) -> str:
        _, page = self.get("/batches/new")
        waiting = re.findall(r'name="referrals" type="checkbox" value="([^"]+)"', page)
        landed = self.post(
            "/batches/new", {"time_limit": str(UNENDING), **WEIGHTS, "referrals": waiting}
        )
        return re.fullmatch(r"/batches/(B-[A-Z0-9]+)", landed).group(1)

    def run(self, batch: str) -> dict:
        return json.loads(self.get(f"/batches/{batch}/progress.json")[1])

    def wait_for(self, batch: str, statuses, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        while (run := self.run(batch))["status"] not in statuses:
            assert time.monotonic() < deadline, f"batch {batch} still {run['status']}"
            time.sleep(0.3)
        return run

    def job_of(self, workers: set[int]) -> tuple[int, int]:
        """(web worker, batch job process) of the one batch running."""
        ((worker, job),) = [(w, job) for w in workers for job in batch_jobs_of(w)]
        return worker, job

    def stop(self) -> None:
        if self.master.poll() is None:
            self.master.terminate()  # a graceful shutdown: workers stop their jobs first
            try:
                self.master.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait()


@pytest.fixture
def server(app, tmp_path):
    server = Server(app, tmp_path / "gunicorn.log")
    try:
        server.wait_until_serving()
        server.sign_in()
        yield server
    finally:
        server.stop()


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_a_graceful_reload_during_a_batch_keeps_every_web_worker_and_cancels_the_run(server):
    batch = server.start_batch()
    server.wait_for(batch, ("running",), seconds=60)
    before = server.workers()
    _, job = server.job_of(before)

    server.master.send_signal(signal.SIGHUP)  # gunicorn reloads: new workers, old ones retire

    run = server.wait_for(batch, ENDED, seconds=RUN_ENDS_WITHIN_SECONDS)
    assert (run["status"], run["message"]) == ("cancelled", SHUTDOWN_MESSAGE)
    wait_until(
        lambda: len(server.workers() - before) == WORKERS and not server.workers() & before,
        seconds=SERVER_STARTS_WITHIN_SECONDS,
        what="gunicorn did not replace its workers",
    )
    after = server.workers()
    assert all(alive(pid) for pid in after)
    for _ in range(4 * WORKERS):
        assert server.get("/batches/")[0] == 200
    assert not alive(job)
    log = server.log.read_text()
    assert not WORKER_DIED.search(log), log
    for pid in before:  # each old worker left by its graceful exit
        assert f"Worker exiting (pid: {pid})" in log


def test_a_web_worker_killed_during_a_batch_leaves_its_run_cancelled(server):
    batch = server.start_batch()
    server.wait_for(batch, ("running",), seconds=60)
    worker, job = server.job_of(server.workers())

    os.kill(worker, signal.SIGKILL)  # as the kernel's out-of-memory killer would

    run = server.wait_for(batch, ENDED, seconds=RUN_ENDS_WITHIN_SECONDS)
    assert (run["status"], run["message"]) == ("cancelled", SHUTDOWN_MESSAGE)
    wait_until(lambda: not alive(job), seconds=10, what="the orphaned job did not end")
    server.wait_until_serving()  # gunicorn replaced the killed worker
