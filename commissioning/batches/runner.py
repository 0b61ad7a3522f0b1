"""Where batch jobs run: an RQ queue when REDIS_URL is set, else a thread of this process.

Production: set REDIS_URL and start workers with
    DATABASE_URL=... REDIS_URL=... .venv/bin/rq worker batches --url "$REDIS_URL"
(one process per run at a time; start several, or `rq worker-pool batches -n 2`, for more).
"""

import threading

from flask import current_app

from commissioning.batches.jobs import run_batch

QUEUE = "batches"
# RQ gives up on a job that runs this much longer than its solver's time limit.
JOB_TIMEOUT_MARGIN_SECONDS = 300


def submit(run_id: int, time_limit: int) -> None:
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        _enqueue(redis_url, run_id, time_limit)
    else:
        app = current_app._get_current_object()
        threading.Thread(target=run_batch, args=(run_id, app), daemon=True).start()


def _enqueue(redis_url: str, run_id: int, time_limit: int) -> None:
    from redis import Redis
    from rq import Queue

    with Redis.from_url(redis_url) as connection:
        Queue(QUEUE, connection=connection).enqueue(
            run_batch, run_id, job_timeout=time_limit + JOB_TIMEOUT_MARGIN_SECONDS
        )
