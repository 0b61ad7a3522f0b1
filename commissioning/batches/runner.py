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


def init_app(app: Flask) -> None:
    supervisor = Supervisor(app)
    app.extensions["batch_supervisor"] = supervisor
    app.before_request(supervisor.start)


def supervisor_of(app: Flask) -> Supervisor:
    return app.extensions["batch_supervisor"]


def submit(run_id: int, time_limit: int) -> None:
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        _enqueue(app.config["REDIS_URL"], run_id, time_limit)
    else:
        supervisor_of(app).start_job(run_id)


def _enqueue(redis_url: str, run_id: int, time_limit: int) -> None:
    from redis import Redis
    from rq import Queue

    with Redis.from_url(redis_url) as connection:
        Queue(QUEUE, connection=connection).enqueue(
            run_batch, run_id, job_timeout=time_limit + JOB_TIMEOUT_MARGIN_SECONDS
        )
