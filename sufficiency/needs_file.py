"""The needs analysis template: its columns, and reading a filled-in CSV with every error
reported by line and column (pure Python: no Flask, no ORM)."""

import csv
import io
import re
from dataclasses import dataclass

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
EXAMPLE_ROWS = (
    ("2025-26", "emotional_behavioural", "standard", "24", "21", "6552000"),
    ("2025-26", "mental_health", "solo", "5", "4", "2080000"),
    ("2025-26", "emotional_behavioural", "secure", "3", "2", "884000"),
)
MAX_LINES = 5_000
LARGEST_COUNT = 10_000
LARGEST_SPEND = 1_000_000_000
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


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


def column_letter(column: str) -> str:
    return chr(ord("A") + COLUMNS.index(column)) if column in COLUMNS else "?"


class NeedsFileError(ValueError):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue()


def read_needs_file(content: bytes, la_code: str) -> list[NeedLine]:
    """Every line of a needs analysis CSV, or NeedsFileError listing every problem."""
    try:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    except UnicodeDecodeError:
        raise NeedsFileError([CellError(1, None, "The file must be UTF-8 CSV")]) from None
    except csv.Error as error:
        raise NeedsFileError([CellError(1, None, f"The file is not valid CSV ({error})")]) from None
    errors = _header_errors(rows)
    if errors:
        raise NeedsFileError(errors)
    header = [name.strip() for name in rows[0]]
    lines, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        line = parse_line(cells, la_code, number, errors)
        if line is None:
            continue
        key = (line.period, line.need_category, line.placement_type)
        if key in seen:
            errors.append(CellError(number, None, f"Repeats line {seen[key]}"))
        seen.setdefault(key, number)
        lines.append(line)
    if not lines and not errors:
        errors.append(CellError(2, None, "The file has no lines of figures"))
    if errors:
        raise NeedsFileError(errors)
    return lines


def _header_errors(rows: list[list[str]]) -> list[CellError]:
    if not rows:
        return [CellError(1, None, "The file is empty")]
    if len(rows) > MAX_LINES + 1:
        return [CellError(MAX_LINES + 2, None, f"The file has more than {MAX_LINES:,} lines")]
    header = [name.strip() for name in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [CellError(1, None, f"The header is missing column {', '.join(missing)}")]
    return []


def parse_line(
    cells: dict[str, str], la_code: str, number: int, errors: list[CellError]
) -> NeedLine | None:
    """One line of figures, or None after adding its problems to `errors`."""
    problems: list[CellError] = []

    def fail(column: str, message: str) -> None:
        problems.append(CellError(number, column, message))

    period = cells.get("period", "")
    if not is_financial_year(period):
        fail("period", "Enter the period as a financial year, like 2025-26")
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
