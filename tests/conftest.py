"""Every test ends with no batch job of its own still solving (issue 16)."""

import contextlib
import os
import signal
import subprocess
import time

import pytest

JOB_COMMAND = b"commissioning.batches"
# A run's job process exits a moment after it writes the run's ending.
JOB_EXITS_WITHIN_SECONDS = 10


def batch_jobs_of(pid: int) -> list[int]:
    """The batch job processes (`python -m commissioning.batches RUN_ID`) a process started."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    jobs = []
    for child in map(int, children.split()):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                if JOB_COMMAND in cmdline.read().split(b"\0"):
                    jobs.append(child)
        except FileNotFoundError:
            pass  # it has ended since
    return jobs


@pytest.fixture(autouse=True)
def no_batch_job_left_running():
    yield
    deadline = time.monotonic() + JOB_EXITS_WITHIN_SECONDS
    while (left := batch_jobs_of(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:  # killed, so that one test's leftover fails no other test
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"the test left batch jobs solving: processes {left}"
