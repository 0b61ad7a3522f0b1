"""Changes a provider makes to its homes: version-checked, audited, one commit each."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from commissioning import audit
from commissioning.extensions import db
from commissioning.models import (
    Fee,
    Home,
    PostcodeArea,
    Resident,
    StatementOfPurpose,
    User,
    VacancyUpdate,
)
from commissioning.transactions import transactional


class StaleEdit(Exception):
    """Someone changed the home after this form was opened: refuse, never overwrite."""


class UnknownPostcodeDistrict(ValueError):
    pass


def _edit_home(home: Home, expected_version: int, user: User, action: str, before, after):
    """Check the version the form was opened on, move it on, and audit the change.

    The flush sends `UPDATE home ... WHERE version = <read>`: if another transaction got
    there first it matches no row and SQLAlchemy raises StaleDataError.
    """
    if home.version != expected_version:
        raise StaleEdit
    home.version = expected_version + 1
    audit.record(user, action, "home", home.urn, before, after)
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleEdit from error


@transactional
def update_vacancies(home: Home, vacancies: int, expected_version: int, user: User) -> None:
    before = {"vacancies": home.vacancies}
    now = datetime.now(UTC)
    home.vacancies = vacancies
    home.vacancies_updated_at = now
    db.session.add(
        VacancyUpdate(
            home_urn=home.urn, vacancies=vacancies, recorded_at=now, recorded_by_id=user.id
        )
    )
    _edit_home(home, expected_version, user, "vacancies.update", before, {"vacancies": vacancies})


def statement_of_purpose_record(statement: StatementOfPurpose | None) -> dict | None:
    if statement is None:
        return None
    return {
        "min_age": statement.min_age,
        "max_age": statement.max_age,
        "sexes": list(statement.sexes),
        "needs": list(statement.needs),
        "solo_only": statement.solo_only,
        "accepts_emergencies": statement.accepts_emergencies,
        "has_pets": statement.has_pets,
    }


@transactional
def update_statement_of_purpose(home: Home, details: dict, expected_version: int, user: User):
    before = statement_of_purpose_record(home.statement_of_purpose)
    statement = home.statement_of_purpose or StatementOfPurpose(home=home)
    for name, value in details.items():
        setattr(statement, name, value)
    statement.is_synthetic = False
    statement.updated_at = datetime.now(UTC)
    home.statement_of_purpose = statement
    _edit_home(home, expected_version, user, "statement_of_purpose.update", before, details)


@transactional
def update_fee(home: Home, weekly_fee: int, solo_weekly_fee: int | None, expected_version, user):
    fee = home.fee
    before = fee and {"weekly_fee": fee.weekly_fee, "solo_weekly_fee": fee.solo_weekly_fee}
    fee = fee or Fee(home=home)
    fee.weekly_fee, fee.solo_weekly_fee = weekly_fee, solo_weekly_fee
    fee.is_synthetic = False
    fee.updated_at = datetime.now(UTC)
    home.fee = fee
    after = {"weekly_fee": weekly_fee, "solo_weekly_fee": solo_weekly_fee}
    _edit_home(home, expected_version, user, "fee.update", before, after)


@transactional
def update_postcode_district(home: Home, district: str, expected_version: int, user: User):
    """Locate the home at its postcode district's centroid, a finer place than its LA's."""
    area = db.session.scalar(
        select(PostcodeArea).where(PostcodeArea.code == district, PostcodeArea.kind == "district")
    )
    if area is None:
        raise UnknownPostcodeDistrict(district)
    before = {"postcode_district": home.postcode_district, "precision": home.location_precision}
    home.postcode_district = district
    home.location_precision = "district"
    home.lat, home.lon = area.lat, area.lon
    after = {"postcode_district": district, "precision": "district"}
    _edit_home(home, expected_version, user, "location.update", before, after)


def resident_record(resident: Resident) -> dict:
    return {
        "age": resident.age,
        "sex": resident.sex,
        "risks_to_self": list(resident.risks_to_self),
        "risks_to_others": list(resident.risks_to_others),
    }


@transactional
def add_resident(home: Home, details: dict, expected_version: int, user: User) -> None:
    home.residents.append(Resident(**details, is_synthetic=False))
    _edit_home(home, expected_version, user, "resident.add", None, details)


@transactional
def remove_resident(home: Home, resident: Resident, expected_version: int, user: User) -> None:
    before = resident_record(resident)
    home.residents.remove(resident)
    _edit_home(home, expected_version, user, "resident.remove", before, None)
