"""Read and validate Ofsted's register of children's social care providers.

Source: Ofsted management information, as extracted by Social Finance for the London
Innovation and Improvement Alliance (OGL v3.0; see commissioning/data/README.md). Names,
addresses and postcodes of children's homes are redacted by Ofsted, so a home is located at
its host authority's centroid until its provider gives a postcode district.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from commissioning.reference import DATA_DIR
from commissioning.reference.geography import la_code_for_name, load_local_authorities
from commissioning.vocabulary import OfstedGrade, ProvisionType, RegistrationStatus, Sector

OFSTED_DIR = DATA_DIR / "ofsted"

REGISTER_FILES = {
    2024: (
        OFSTED_DIR / "Providers_places_at_31_Aug_2024.csv",
        OFSTED_DIR / "Provider_level_at_31_Aug_2024.csv",
    ),
    2023: (
        OFSTED_DIR / "Providers_places_at_31_Aug_2023.csv",
        OFSTED_DIR / "Provider_level_at_31_Aug_2023.csv",
    ),
}


# Ofsted's unique reference numbers: "SC" and digits, or digits (the URN column holds 12).
URN = re.compile(r"[A-Z0-9]{1,12}")
# The largest children's home on the register has under 100 places; a bigger count is a slip.
MOST_PLACES = 1000
EARLIEST_DATE = date(1900, 1, 1)


def _by_ofsteds_words(vocabulary, members=None) -> dict:
    """Ofsted's register spells each value as its label reads, in any case."""
    return {member.label.lower(): member for member in members or vocabulary}


# The three kinds of provision that are children's homes.
PROVISION_TYPES = _by_ofsteds_words(ProvisionType)
REGISTRATION_STATUSES = _by_ofsteds_words(
    RegistrationStatus, (RegistrationStatus.ACTIVE, RegistrationStatus.SUSPENDED)
)
SECTORS = _by_ofsteds_words(Sector)
GRADES = _by_ofsteds_words(
    OfstedGrade, [grade for grade in OfstedGrade if grade is not OfstedGrade.NONE]
)

PLACES_COLUMNS = (
    "URN",
    "Provision type",
    "Registration date",
    "Registration status",
    "Local authority",
    "Sector",
    "Places",
    "Short-break-only children's home",
    "Organisation name",
)
GRADES_COLUMNS = (
    "URN",
    "Provision type",
    "Latest full inspection date",
    "Overall experiences and progress of children and young people",
    "How well children and young people are helped and protected",
    "The effectiveness of leaders and managers",
)


@dataclass(frozen=True)
class RowError:
    """One reason a register file cannot be imported, with where it was found."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}"


class RegisterFileError(ValueError):
    """A register file failed validation; nothing from it may be written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass(frozen=True)
class Inspection:
    date: date | None
    overall_grade: str | None
    safety_grade: str | None
    leadership_grade: str | None


NO_INSPECTION = Inspection(None, None, None, None)


@dataclass(frozen=True)
class RegisterHome:
    """A children's home as the register records it, located at its host authority."""

    urn: str
    provision_type: str
    registration_status: str
    registration_date: date | None
    sector: str
    places: int
    short_break_only: bool
    owner: str
    la_name: str
    la_code: str
    region_code: str
    region_name: str
    lat: float
    lon: float
    inspection_date: date | None
    overall_grade: str | None
    safety_grade: str | None
    leadership_grade: str | None


def read_register(places_path: Path, grades_path: Path) -> list[RegisterHome]:
    """Every children's home in a pair of register files, or RegisterFileError listing
    every malformed row with its line number."""
    errors: list[RowError] = []
    inspections = _read_inspections(grades_path, errors)
    homes = list(_read_homes(places_path, inspections, errors))
    if errors:
        raise RegisterFileError(errors)
    return homes


def load_register_homes(year: int = 2024) -> list[RegisterHome]:
    """The register shipped with Hearth for a year (2024: at 31 March 2024; 2023)."""
    return read_register(*REGISTER_FILES[year])


def _rows(path: Path, required: tuple[str, ...], errors: list[RowError]) -> Iterator[tuple]:
    """(line number, row) for each data row, after checking the header."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in required if column not in (reader.fieldnames or ())]
            if missing:
                errors.append(RowError(path.name, 1, f"missing column {', '.join(missing)}"))
                return
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError:
        errors.append(RowError(path.name, 1, "the file is not UTF-8 text"))
    except csv.Error as error:
        errors.append(RowError(path.name, 0, f"the file is not valid CSV ({error})"))


def _provision_type(row: dict[str, str]) -> str | None:
    return PROVISION_TYPES.get((row["Provision type"] or "").strip().lower())


def _read_inspections(path: Path, errors: list[RowError]) -> dict[str, Inspection]:
    inspections: dict[str, Inspection] = {}
    for line, row in _rows(path, GRADES_COLUMNS, errors):
        if _provision_type(row) is None:
            continue
        problems: list[str] = []
        inspection = Inspection(
            date=_parse_date(row["Latest full inspection date"], problems),
            overall_grade=_parse_grade(row[GRADES_COLUMNS[3]], problems),
            safety_grade=_parse_grade(row[GRADES_COLUMNS[4]], problems),
            leadership_grade=_parse_grade(row[GRADES_COLUMNS[5]], problems),
        )
        errors.extend(RowError(path.name, line, problem) for problem in problems)
        inspections[row["URN"].strip()] = inspection
    return inspections


def _read_homes(
    path: Path, inspections: dict[str, Inspection], errors: list[RowError]
) -> Iterator[RegisterHome]:
    authorities = {la.code: la for la in load_local_authorities()}
    seen: set[str] = set()
    for line, row in _rows(path, PLACES_COLUMNS, errors):
        provision_type = _provision_type(row)
        if provision_type is None:
            continue
        problems: list[str] = []
        urn = _parse_urn(row["URN"], seen, problems)
        la_code = la_code_for_name(row["Local authority"] or "")
        if la_code is None:
            problems.append(f"unknown local authority '{row['Local authority']}'")
        status = _parse_choice(row["Registration status"], REGISTRATION_STATUSES, problems)
        sector = _parse_choice(row["Sector"], SECTORS, problems)
        places = _parse_places(row["Places"], problems)
        registered = _parse_date(row["Registration date"], problems)
        if problems:
            errors.extend(RowError(path.name, line, problem) for problem in problems)
            continue
        authority = authorities[la_code]
        inspection = inspections.get(urn, NO_INSPECTION)
        yield RegisterHome(
            urn=urn,
            provision_type=provision_type,
            registration_status=status,
            registration_date=registered,
            sector=sector,
            places=places,
            short_break_only=bool((row["Short-break-only children's home"] or "").strip()),
            owner=(row["Organisation name"] or "").strip(),
            la_name=authority.name,
            la_code=authority.code,
            region_code=authority.region_code,
            region_name=authority.region_name,
            lat=authority.lat,
            lon=authority.lon,
            inspection_date=inspection.date,
            overall_grade=inspection.overall_grade,
            safety_grade=inspection.safety_grade,
            leadership_grade=inspection.leadership_grade,
        )


def _parse_urn(value: str, seen: set[str], problems: list[str]) -> str:
    urn = (value or "").strip()
    if not urn:
        problems.append("URN is empty")
    elif not URN.fullmatch(urn):
        problems.append(f"URN '{urn[:20]}' is not 1 to 12 letters and digits")
    elif urn in seen:
        problems.append(f"URN {urn} appears twice")
    seen.add(urn)
    return urn


def _parse_choice(value: str, choices: dict[str, str], problems: list[str]) -> str:
    token = choices.get((value or "").strip().lower())
    if token is None:
        problems.append(f"'{value}' is not one of: {', '.join(choices)}")
        return ""
    return token


def _parse_places(value: str, problems: list[str]) -> int:
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
    text = (value or "").strip()
    if not re.fullmatch(r"[0-9]{1,4}", text) or int(text) > MOST_PLACES:
        problems.append(f"Places '{text[:20]}' is not a whole number from 0 to {MOST_PLACES}")
        return 0
    return int(text)


def _parse_date(value: str, problems: list[str]) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        problems.append(f"date '{text[:20]}' is not in the form DD/MM/YYYY")
        return None
    if not EARLIEST_DATE <= parsed <= date.today():
        problems.append(f"date '{text}' is not between 1900 and today")
        return None
    return parsed


def _parse_grade(value: str, problems: list[str]) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    grade = GRADES.get(text.lower())
    if grade is None:
        problems.append(f"grade '{value}' is not an Ofsted grade")
    return grade
