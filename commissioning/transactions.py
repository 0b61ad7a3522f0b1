"""The one place that commits: a service function marked @transactional.

Views validate, call one transactional service function, flash and redirect; queries and
writes live in service modules; the outermost transactional call commits, or rolls back
everything if it raises, so a request with bad input writes nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g

from commissioning.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def transactional(service: Callable[P, R]) -> Callable[P, R]:
    @wraps(service)
    def run_in_transaction(*args: P.args, **kwargs: P.kwargs) -> R:
        if g.get("in_transaction"):
            return service(*args, **kwargs)  # the outermost call commits
        g.in_transaction = True
        try:
            result = service(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise
        finally:
            g.in_transaction = False

    return run_in_transaction
