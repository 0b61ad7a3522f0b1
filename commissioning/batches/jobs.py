"""The batch job itself: solve a run's instance, reporting progress, honouring a cancel.

It never runs in a web process: either in an RQ worker (with REDIS_URL), or in a process of
its own that the web process starts and watches (`python -m commissioning.batches RUN_ID`,
supervisor.py). Both call run_batch. Whatever becomes of a job, its run ends marked finished,
cancelled or failed with a message, never left "queued" or "running": by the job itself, by
the web process watching it, or by the sweep of runs whose worker stopped reporting.
"""

import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

import matching
from commissioning.batches.instances import build_instance, referrals_by_reference
from commissioning.extensions import db
from commissioning.models import BatchRun
from commissioning.vocabulary import BatchStatus

REPORT_EVERY_SECONDS = 0.5
# The request that queues a run commits just after handing it over (so that a run nothing
# will solve is never kept); a job that starts first waits this long for that commit.
COMMIT_LANDS_WITHIN_SECONDS = 30

STALLED_MESSAGE = (
    "The worker running this proposal stopped reporting (it crashed, was stopped or the "
    "machine restarted). Nothing was proposed; start it again."
)
CRASHED_MESSAGE = (
    "The optimiser stopped unexpectedly while working on this proposal. Nothing was "
    "proposed; start it again."
)
SHUTDOWN_MESSAGE = (
    "The service restarted while this proposal was running, so it was stopped. Nothing was "
    "proposed; start it again."
)


def run_batch(run_id: int, app=None) -> None:
    """The job's entry point; an RQ worker passes no app, so one is made here. Whatever goes
    wrong, the run ends marked failed with the reason, never left "running"."""
    if app is None:
        from commissioning.app import create_app

        app = create_app()
    with app.app_context():
        try:
            _execute(app, run_id)
        except Exception as error:
            app.logger.exception("batch run %s failed", run_id)
            db.session.rollback()
            _finish(
                run_id, BatchStatus.FAILED, message=f"The optimiser stopped with an error: {error}"
            )


def _now() -> datetime:
    return datetime.now(UTC)


def _queued_run(run_id: int) -> BatchRun | None:
    deadline = time.monotonic() + COMMIT_LANDS_WITHIN_SECONDS
    while (run := db.session.get(BatchRun, run_id)) is None and time.monotonic() < deadline:
        db.session.rollback()  # the next read sees what was committed since
        time.sleep(0.2)
    return run if run is not None and run.status == BatchStatus.QUEUED else None


def _execute(app, run_id: int) -> None:
    run = _queued_run(run_id)
    if run is None:
        return
    run.status, run.started_at, run.heartbeat_at = BatchStatus.RUNNING, _now(), _now()
    db.session.commit()
    reporter = ProgressReporter(app, run_id)
    reporter.start()  # heartbeats from now on, so a live run never looks dead
    try:
        run.instance = build_instance(
            referrals_by_reference(run.referral_references),
            run.weights,
            run.pins,
            run.exclusions,
        )
        db.session.commit()
        instance = matching.load_instance(run.instance)
        baseline = matching.greedy(instance)
        result = matching.solve(
            instance,
            time_limit=run.time_limit,
            seed=run.seed,
            progress=reporter.update,
            stop=reporter.stop,
        )
    finally:
        reporter.finish()
    _finish(
        run_id,
        BatchStatus.CANCELLED if reporter.cancelled else BatchStatus.FINISHED,
        result=matching.result_to_dict(result),
        baseline=matching.result_to_dict(baseline),
    )


def _finish(run_id: int, status: BatchStatus, **fields) -> None:
    run = db.session.get(BatchRun, run_id)
    run.status, run.finished_at = status, _now()
    for name, value in fields.items():
        setattr(run, name, value)
    db.session.commit()


def end_unfinished_run(run_id: int, status: BatchStatus, message: str) -> None:
    """End a run its job can no longer end (the job crashed, or was stopped with its web
    process); a run that did end meanwhile keeps its own ending. Called from the web
    process's supervising threads: a connection of its own, never a request's session."""
    with db.engine.begin() as connection:
        connection.execute(
            update(BatchRun)
            .where(BatchRun.id == run_id, BatchRun.status.in_(BatchStatus.ACTIVE))
            .values(status=status, message=message, finished_at=_now())
        )


def fail_stalled_runs(stale_after_seconds: int) -> None:
    """A run whose worker died with it (an RQ worker killed, the machine restarted) stops
    reporting: mark it failed rather than leave it "running" for ever. Run by the web
    process's sweeping thread, on a connection of its own."""
    cutoff = _now() - timedelta(seconds=stale_after_seconds)
    stalled = BatchRun.status == BatchStatus.RUNNING, BatchRun.heartbeat_at < cutoff
    with db.engine.connect() as connection:
        if connection.scalar(select(BatchRun.id).where(*stalled).limit(1)) is None:
            return  # most of the time: no write, so no lock taken
        connection.execute(
            update(BatchRun)
            .where(*stalled)
            .values(status=BatchStatus.FAILED, message=STALLED_MESSAGE, finished_at=_now())
        )
        connection.commit()


class ProgressReporter:
    """Writes the solver's latest progress and a heartbeat to the run twice a second, and
    turns a cancel asked for on the web into a stop for the solver.

    The solver calls update() from its own threads, so this thread alone talks to the
    database, with its own app context and session.
    """

    def __init__(self, app, run_id: int):
        self.app = app
        self.run_id = run_id
        self.stop = threading.Event()
        self.cancelled = False
        self._latest: dict = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._report, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def update(self, progress: dict) -> bool:
        self._latest = dict(progress)
        return self.stop.is_set()

    def finish(self) -> None:
        self._done.set()
        self._thread.join()

    def _report(self) -> None:
        with self.app.app_context():
            while not self._done.wait(REPORT_EVERY_SECONDS):
                self._write()
            self._write()
            db.session.remove()

    def _write(self) -> None:
        this_run = BatchRun.id == self.run_id
        if db.session.scalar(select(BatchRun.cancel_requested).where(this_run)):
            self.cancelled = True
            self.stop.set()
        values = {"heartbeat_at": _now()}
        if self._latest:
            values["progress"] = {**self._latest, "reported_at": time.time()}
        db.session.execute(update(BatchRun).where(this_run).values(**values))
        db.session.commit()


def run_in_own_process(run_id: int) -> int:
    """The embedded worker: solve one run, and stop it when the web process that started
    this one asks (SIGTERM, on a reload or shutdown) or is gone (its end of our stdin closes).

    The solve runs in a thread of its own: OR-Tools holds the main thread in C++ for whole
    stages, where Python would not see SIGTERM until the stage ended."""
    from commissioning.app import create_app

    app = create_app()
    asked_to_stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: asked_to_stop.set())
    threading.Thread(target=_until_the_web_process_goes, args=(asked_to_stop,), daemon=True).start()
    job = threading.Thread(target=run_batch, args=(run_id, app), daemon=True)
    job.start()
    while job.is_alive() and not asked_to_stop.wait(REPORT_EVERY_SECONDS):
        pass
    if job.is_alive():
        with app.app_context():
            end_unfinished_run(run_id, BatchStatus.CANCELLED, SHUTDOWN_MESSAGE)
        logging.shutdown()
        os._exit(0)  # the solver's threads are not waited for: the run has ended
    return 0


def _until_the_web_process_goes(asked_to_stop: threading.Event) -> None:
    sys.stdin.buffer.read()  # returns only at end of file: the web process has gone
    asked_to_stop.set()
