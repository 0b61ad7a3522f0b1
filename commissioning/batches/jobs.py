"""The batch job itself: solve a run's instance, reporting progress, honouring a cancel.

It runs either in an RQ worker process (production, with REDIS_URL) or in a thread of the
web process (the embedded default); both call run_batch.
"""

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import select, update

import matching
from commissioning.batches.instances import build_instance, referrals_by_reference
from commissioning.extensions import db
from commissioning.models import BatchRun
from commissioning.vocabulary import BatchStatus

REPORT_EVERY_SECONDS = 0.5


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


def _execute(app, run_id: int) -> None:
    run = db.session.get(BatchRun, run_id)
    if run is None or run.status != BatchStatus.QUEUED:
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
