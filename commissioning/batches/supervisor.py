"""What a web process does for batch runs outside any request.

- With no REDIS_URL it starts each run's job in a process of its own (`python -m
  commissioning.batches RUN_ID`) and watches it: nothing a solver does (OR-Tools aborting, a
  segfault, memory running out) can take a web worker, or the requests it serves, with it.
  A job that dies without ending its run leaves the run failed, with a message.
- When the web process ends (a gunicorn reload or shutdown, the dev server stopping) it stops
  its jobs, whose runs end cancelled with a message; a job whose web process is killed
  outright notices and ends its run the same way (jobs.run_in_own_process).
- Every few seconds it fails runs, of either runner, whose worker stopped reporting (an RQ
  worker killed, the machine restarted): the stale-run sweep, on a timer of its own.
"""

import atexit
import os
import subprocess
import sys
import threading
import time

from commissioning.batches import jobs
from commissioning.vocabulary import BatchStatus

# A job asked to stop ends its run at once; one that has not within this is killed. Less than
# gunicorn's graceful timeout (30 s), after which gunicorn kills the web worker itself.
STOP_WITHIN_SECONDS = 10
# The sweep looks this many times per stale period (BATCH_STALE_SECONDS).
SWEEPS_PER_STALE_PERIOD = 3


class Supervisor:
    def __init__(self, app):
        self.app = app
        self._jobs: dict[int, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._started = False
        self._ending = threading.Event()

    def start(self) -> None:
        """Begin watching, once per process: on the first request the process serves, so in
        each gunicorn worker after it has forked."""
        with self._lock:
            if self._started:
                return
            self._started = True
        atexit.register(self.stop)
        threading.Thread(target=self._sweep, daemon=True).start()

    def start_job(self, run_id: int) -> None:
        """Start the run's job process; OSError if it cannot be started."""
        self.start()
        process = subprocess.Popen(
            [sys.executable, "-m", "commissioning.batches", str(run_id)],
            stdin=subprocess.PIPE,  # never written: it closes when this process ends
            env={
                **os.environ,
                "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": self.app.config["SECRET_KEY"],
            },
        )
        with self._lock:
            self._jobs[run_id] = process
        threading.Thread(target=self._watch, args=(run_id, process), daemon=True).start()

    def stop(self) -> None:
        """Stop every job this process started, leaving their runs cancelled with a message."""
        self._ending.set()
        with self._lock:
            running = dict(self._jobs)
        for process in running.values():
            process.terminate()
        deadline = time.monotonic() + STOP_WITHIN_SECONDS
        for run_id, process in running.items():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self._end(run_id, BatchStatus.CANCELLED, jobs.SHUTDOWN_MESSAGE)

    def _watch(self, run_id: int, process: subprocess.Popen) -> None:
        returncode = process.wait()
        process.stdin.close()
        with self._lock:
            self._jobs.pop(run_id, None)
        if returncode != 0 and not self._ending.is_set():
            self.app.logger.error("batch run %s: its job process ended with %s", run_id, returncode)
            self._end(run_id, BatchStatus.FAILED, jobs.CRASHED_MESSAGE)

    def _end(self, run_id: int, status: str, message: str) -> None:
        try:
            with self.app.app_context():
                jobs.end_unfinished_run(run_id, status, message)
        except Exception:  # the database is down: the sweep fails the run once it is back
            self.app.logger.exception("batch run %s could not be marked %s", run_id, status)

    def _sweep(self) -> None:
        stale_after = self.app.config["BATCH_STALE_SECONDS"]
        while not self._ending.wait(stale_after / SWEEPS_PER_STALE_PERIOD):
            try:
                with self.app.app_context():
                    jobs.fail_stalled_runs(stale_after)
            except Exception:
                self.app.logger.exception("the sweep of stalled batch runs failed")
