"""Where batch jobs run: an RQ queue when REDIS_URL is set, else a process of their own that
the web process starts and watches (supervisor.py). Never in the web process itself.

Production: set REDIS_URL and start workers with
    DATABASE_URL=... REDIS_URL=... .venv/bin/rq worker batches --url "$REDIS_URL"
(one process per run at a time; start several, or `rq worker-pool batches -n 2`, for more).
"""

from flask import Flask, current_app

from commissioning.batches.jobs import run_batch
from commissioning.batches.supervisor import Supervisor

QUEUE = "batches"
# RQ gives up on a job that runs this much longer than its solver's time limit.
JOB_TIMEOUT_MARGIN_SECONDS = 300
# A Redis that does not answer within this is down: say so rather than hang the request.
REDIS_TIMEOUT_SECONDS = 3
UNAVAILABLE = (
    "Sorry, batch proposals cannot start at the moment. Nothing was saved. Try again later."
)


class CannotStart(Exception):
    """Nothing would run the job: keep nothing, and tell the lead."""


def init_app(app: Flask) -> None:
    supervisor = Supervisor(app)
    app.extensions["batch_supervisor"] = supervisor
    app.before_request(supervisor.start)


def supervisor_of(app: Flask) -> Supervisor:
    return app.extensions["batch_supervisor"]


def submit(run_id: int, time_limit: int) -> None:
    """Hand the run to its runner, or raise CannotStart."""
    app = current_app._get_current_object()
    try:
        if app.config.get("REDIS_URL"):
            _enqueue(app.config["REDIS_URL"], run_id, time_limit)
        else:
            _start_process(app, run_id)
    except CannotStart as refusal:
        app.logger.error("batch run %s could not start: %s", run_id, refusal)
        raise


def _start_process(app: Flask, run_id: int) -> None:
    try:
        supervisor_of(app).start_job(run_id)
    except OSError as error:
        raise CannotStart(f"its job process did not start: {error}") from error


def _enqueue(redis_url: str, run_id: int, time_limit: int) -> None:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Worker
    from rq.worker_registration import clean_worker_registry

    try:
        with Redis.from_url(
            redis_url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        ) as connection:
            queue = Queue(QUEUE, connection=connection)
            clean_worker_registry(queue)
            if Worker.count(queue=queue) == 0:
                # Queued with no worker, the run would wait for ever without a word.
                raise CannotStart(f"no RQ worker listens on the {QUEUE} queue")
            queue.enqueue(run_batch, run_id, job_timeout=time_limit + JOB_TIMEOUT_MARGIN_SECONDS)
    except RedisError as error:
        raise CannotStart(f"Redis did not answer: {error}") from error
