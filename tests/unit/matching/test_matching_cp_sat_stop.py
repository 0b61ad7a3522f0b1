"""A CP-SAT stage that runs out of time while its first solution is being reported ends
normally (issue 16): OR-Tools 9.15 aborted the whole process when an interleaved search given
a complete hint was stopped before its workers started."""

import multiprocessing
import time
from types import SimpleNamespace

import numpy as np

from matching.assignment_model import AssignmentModel, SolveContext, SolverSettings
from matching.batch import WORKERS, warm_start
from matching.bound import FlowBound
from matching.problem import prepare
from tests.unit.matching import conftest
from tests.unit.matching.test_matching_batch import synthetic_instance

STAGE_SECONDS = 0.5


class SlowToRead(AssignmentModel):
    """Reads each solution for longer than the stage may run, as when the web process's other
    threads hold the GIL while CP-SAT hands over its first solution."""

    def placement(self, solution):
        time.sleep(2 * STAGE_SECONDS)
        return super().placement(solution)


def cost_a_batch_slowly() -> None:
    builders = SimpleNamespace(
        LA_HOME=conftest.LA_HOME, LA_NEXT=conftest.LA_NEXT, instance=conftest.instance
    )
    prepared = prepare(synthetic_instance(builders, n_homes=40, n_children=50))
    start = warm_start(prepared, FlowBound.build(prepared).lexicographic())
    candidates = {u: np.arange(len(homes)) for u, homes in enumerate(prepared.homes) if len(homes)}
    now = time.perf_counter()
    context = SolveContext(prepared, now, now + 30, 0, 0.0, None, None)
    settings = SolverSettings(WORKERS, seed=0, seconds=STAGE_SECONDS, work_limit=100.0)
    SlowToRead(prepared, candidates).solve(
        context, "costing", start, prepared.objective(start)[0], settings
    )


def test_a_stage_that_runs_out_of_time_while_reporting_its_first_solution_ends():
    # In a process of its own: the defect aborted the process that ran the solver.
    solver = multiprocessing.get_context("spawn").Process(target=cost_a_batch_slowly)
    solver.start()
    solver.join(timeout=120)
    assert solver.exitcode == 0
