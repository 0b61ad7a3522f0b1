"""Tables of figures, the areas they cover, and the suppression of small numbers."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from statistics import mean, median

# DfE statistics practice: a count of 1 to 4 children is not shown, because a small number
# can identify a child, nor any figure it could be worked out from; each shows as "c", as in
# DfE's own tables (sufficiency.metrics.disclosure says why one mark for all). A zero names no
# one and is shown.
HIDDEN = "c"
SMALLEST_SHOWN = 5

Cell = int | float | str | None


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = True


class Provenance(Enum):
    """Whether a table's rows were recorded for real or invented for the demo; the value is
    the tag the interface shows (none for real figures)."""

    REAL = ""
    SYNTHETIC = "Synthetic demo data"
    MIXED = "Includes synthetic demo data"

    @property
    def note(self) -> str:
        """What the tag means, under the table and at the foot of its CSV."""
        return PROVENANCE_NOTES[self]


PROVENANCE_NOTES = {
    Provenance.REAL: "",
    Provenance.SYNTHETIC: "Synthetic demo data: invented for the demonstration, not real figures.",
    Provenance.MIXED: (
        "Includes synthetic demo data: figures recorded in Hearth together with figures "
        "invented for the demonstration."
    ),
}


def provenance_of(synthetic_flags: Iterable[bool]) -> Provenance:
    """The provenance of rows from their is_synthetic flags (no rows: nothing invented)."""
    flags = set(synthetic_flags)
    if flags == {True}:
        return Provenance.SYNTHETIC
    return Provenance.MIXED if True in flags else Provenance.REAL


@dataclass(frozen=True)
class Table:
    """A captioned table, and whether its rows are real or the demo's invented ones."""

    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None
    provenance: Provenance = Provenance.REAL
    notes: tuple[str, ...] = field(default=())

    @property
    def synthetic(self) -> bool:
        """Some or all of its rows were invented for the demo."""
        return self.provenance is not Provenance.REAL

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def column(self, heading: str) -> list[Cell]:
        """A column's cells in the rows, without the total."""
        index = self.headings.index(heading)
        return [row[index] for row in self.rows]

    def all_rows(self) -> tuple[tuple[Cell, ...], ...]:
        return (*self.rows, self.total) if self.total else self.rows


def text(heading: str) -> Column:
    return Column(heading, numeric=False)


@dataclass(frozen=True)
class Area:
    """Where figures are drawn from: the local authorities it covers, None for England."""

    name: str
    la_codes: frozenset[str] | None = None

    def covers(self, la_code: str) -> bool:
        return self.la_codes is None or la_code in self.la_codes


ENGLAND = Area("England")


def average_of_children(values: Iterable[float], how=median) -> float | str | None:
    """An average over children, withheld below 5 children (a mean of one is that child's)."""
    values = list(values)
    if not values:
        return None
    if len(values) < SMALLEST_SHOWN:
        return HIDDEN
    return round(how(values))


def mean_of_children(values: Iterable[float]) -> float | str | None:
    return average_of_children(values, how=mean)


def is_hidden(cell: Cell) -> bool:
    return cell == HIDDEN


SUPPRESSION_NOTE = (
    f"{HIDDEN}: not shown to protect children's privacy: fewer than 5 children, or a figure "
    "from which a number under 5 could be worked out, as in DfE's statistics. Averages over "
    "fewer than 5 children are not shown either."
)
