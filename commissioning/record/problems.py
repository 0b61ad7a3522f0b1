"""What the record refuses, for views to say on the right field or page."""

from commissioning.lifecycle import NotAllowedNow


class RecordProblem(ValueError):
    """Input that passed the form but not the record: reported on the named field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NoBedLeft(Exception):
    """The home's last bed went to another child first."""


__all__ = ["NoBedLeft", "NotAllowedNow", "RecordProblem"]
