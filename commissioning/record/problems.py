"""What the record refuses, for views to say on the right field or page."""

from commissioning.lifecycle import NotAllowedNow


class RecordProblem(ValueError):
    """Input that passed the form but not the record: reported on the named field (and on
    any others given, so a person sees every problem at once)."""

    def __init__(self, field: str, message: str, *more: tuple[str, str]):
        super().__init__(message)
        self.field = field
        self.message = message
        self.problems = [(field, message), *more]


class NoBedLeft(Exception):
    """The home's last bed went to another child first."""


__all__ = ["NoBedLeft", "NotAllowedNow", "RecordProblem"]
