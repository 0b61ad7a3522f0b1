"""`python -m commissioning.batches RUN_ID`: solve one batch run in this process, as the
embedded runner does (supervisor.py)."""

import sys

from commissioning.batches.jobs import run_in_own_process

sys.exit(run_in_own_process(int(sys.argv[1])))
