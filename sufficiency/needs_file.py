"""The needs analysis template: its columns, and reading a filled-in CSV with every error
reported by line and column (pure Python: no Flask, no ORM)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from commissioning.csv_export import csv_text
from commissioning.vocabulary import Need
from sufficiency.metrics.demand import NeedLine
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES

COLUMNS = (
    "period",
    "need_category",
    "placement_type",
    "projected_children",
    "current_placements",
    "current_annual_spend",
)
EXAMPLE_FIGURES = (
    ("emotional_behavioural", "standard", "24", "21", "6552000"),
    ("mental_health", "solo", "5", "4", "2080000"),
    ("emotional_behavioural", "secure", "3", "2", "884000"),
)
MAX_LINES = 5_000
LARGEST_COUNT = 10_000
LARGEST_SPEND = 1_000_000_000
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
# A sufficiency strategy looks back at recent years and forward a few (the statutory guidance
# asks for a plan reviewed at least every few years): periods from 5 financial years before
# the current one to 10 after it. Anything else is a typing error, like 2205-06.
YEARS_BACK, YEARS_AHEAD = 5, 10
COMMENT = "#"


@dataclass(frozen=True)
class CellError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {column_letter(self.column)} ({self.column})"
        return f"{where}: {self.message}"


def is_financial_year(text: str) -> bool:
    """ "2025-26": a year and the last two digits of the next."""
    match = PERIOD.match(text)
    return bool(match) and (int(match[1]) + 1) % 100 == int(match[2])


def financial_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _current_start(today: date) -> int:
    """The year the current financial year started (1 April)."""
    return today.year if today.month >= 4 else today.year - 1


def allowed_periods(today: date) -> tuple[str, str]:
    """The first and last financial years a needs analysis may project."""
    current = _current_start(today)
    return financial_year(current - YEARS_BACK), financial_year(current + YEARS_AHEAD)


def period_problem(text: str, today: date) -> str | None:
    """What is wrong with a period, in GOV.UK words, or None."""
    first, last = allowed_periods(today)
    if not is_financial_year(text):
        return f"Enter the period as a financial year from {first} to {last}, like {first}"
    if not first <= text <= last:
        return f"Enter a period from {first} to {last}"
    return None


def column_letter(column: str) -> str:
    return chr(ord("A") + COLUMNS.index(column)) if column in COLUMNS else "?"


class NeedsFileError(ValueError):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def allowed_values(today: date) -> list[tuple[str, str]]:
    """Each column of the template and what it may hold."""
    first, last = allowed_periods(today)
    return [
        ("period", f"a financial year from {first} to {last}, like {first}"),
        ("need_category", "one of " + ", ".join(f"{n.value} ({n.label})" for n in Need)),
        ("placement_type", "one of " + ", ".join(f"{t} ({n})" for t, n in PLACEMENT_TYPES.items())),
        ("projected_children", f"a whole number from 0 to {LARGEST_COUNT:,}"),
        ("current_placements", f"a whole number from 0 to {LARGEST_COUNT:,}"),
        ("current_annual_spend", f"pounds, a whole number from 0 to {LARGEST_SPEND:,}"),
    ]


def template_csv(today: date) -> str:
    """The template: what each column may hold on comment lines, then example lines for the
    current financial year."""
    period = financial_year(_current_start(today))
    comments = [
        "Needs analysis template. Lines starting with # are ignored. One line per period, "
        "need and placement type.",
        *(f"{column}: {values}" for column, values in allowed_values(today)),
    ]
    return csv_text(COLUMNS, [(period, *row) for row in EXAMPLE_FIGURES], comments)


def read_needs_file(content: bytes, la_code: str, today: date) -> list[NeedLine]:
    """Every line of a needs analysis CSV, or NeedsFileError listing every problem. Lines
    starting with # are comments (the template's notes)."""
    try:
        rows = [
            [] if row and row[0].lstrip().startswith(COMMENT) else row
            for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))
        ]
    except UnicodeDecodeError:
        raise NeedsFileError([CellError(1, None, "The file must be UTF-8 CSV")]) from None
    except csv.Error as error:
        raise NeedsFileError([CellError(1, None, f"The file is not valid CSV ({error})")]) from None
    header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), 0)
    errors = _header_errors(rows, header_at)
    if errors:
        raise NeedsFileError(errors)
    header = [name.strip() for name in rows[header_at]]
    lines, seen = [], {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        line = parse_line(cells, la_code, number, errors, today)
        if line is None:
            continue
        key = (line.period, line.need_category, line.placement_type)
        if key in seen:
            errors.append(CellError(number, None, f"Repeats line {seen[key]}"))
        seen.setdefault(key, number)
        lines.append(line)
    if not lines and not errors:
        errors.append(CellError(header_at + 2, None, "The file has no lines of figures"))
    if errors:
        raise NeedsFileError(errors)
    return lines


def _header_errors(rows: list[list[str]], header_at: int) -> list[CellError]:
    if not any(any(cell.strip() for cell in row) for row in rows):
        return [CellError(1, None, "The file is empty")]
    if len(rows) > MAX_LINES + 1 + header_at:
        return [CellError(MAX_LINES + 2, None, f"The file has more than {MAX_LINES:,} lines")]
    header = [name.strip() for name in rows[header_at]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        message = f"The header is missing column {', '.join(missing)}"
        return [CellError(header_at + 1, None, message)]
    return []


def parse_line(
    cells: dict[str, str], la_code: str, number: int, errors: list[CellError], today: date
) -> NeedLine | None:
    """One line of figures, or None after adding its problems to `errors`."""
    problems: list[CellError] = []

    def fail(column: str, message: str) -> None:
        problems.append(CellError(number, column, message))

    period = cells.get("period", "")
    if problem := period_problem(period, today):
        fail("period", problem)
    need = cells.get("need_category", "")
    if need not in Need._value2member_map_:
        fail("need_category", f"Enter a need category: one of {', '.join(Need)}")
    placement_type = cells.get("placement_type", "")
    if placement_type not in PLACEMENT_TYPES:
        fail("placement_type", f"Enter a placement type: one of {', '.join(PLACEMENT_TYPES)}")
    numbers = {
        column: _whole_number(cells.get(column, ""), largest, column, fail)
        for column, largest in (
            ("projected_children", LARGEST_COUNT),
            ("current_placements", LARGEST_COUNT),
            ("current_annual_spend", LARGEST_SPEND),
        )
    }
    errors.extend(problems)
    if problems:
        return None
    return NeedLine(la_code, period, need, placement_type, **numbers)


def _whole_number(value: str, largest: int, column: str, fail) -> int:
    cleaned = value.replace(",", "").removeprefix("£")
    if not cleaned.isdigit() or int(cleaned) > largest:
        fail(column, f"Enter a whole number from 0 to {largest:,}")
        return 0
    return int(cleaned)
