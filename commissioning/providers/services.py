"""Changes a provider makes to its homes: version-checked, audited, one commit each."""

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from commissioning import audit
from commissioning.extensions import db
from commissioning.models import (
    Fee,
    Home,
    LocationRequest,
    PostcodeArea,
    Resident,
    StatementOfPurpose,
    User,
    VacancyUpdate,
)
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, LocationPrecision, PostcodeAreaKind


class StaleEdit(Exception):
    """Someone changed the home after this form was opened: refuse, never overwrite."""


class ProviderProblem(ValueError):
    """Details that contradict what Hearth knows of the home: said on the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _edit_home(home: Home, expected_version: int, user: User, action: AuditAction, before, after):
    """Check the version the form was opened on, move it on, and audit the change.

    The flush sends `UPDATE home ... WHERE version = <read>`: if another transaction got
    there first it matches no row and SQLAlchemy raises StaleDataError.
    """
    if home.version != expected_version:
        raise StaleEdit
    home.version = expected_version + 1
    audit.record(user, action, AuditObject.HOME, home.urn, before, after)
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
    after = {"vacancies": vacancies}
    _edit_home(home, expected_version, user, AuditAction.VACANCIES_UPDATE, before, after)


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
    action = AuditAction.STATEMENT_OF_PURPOSE_UPDATE
    _edit_home(home, expected_version, user, action, before, details)


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
    _edit_home(home, expected_version, user, AuditAction.FEE_UPDATE, before, after)


@transactional
def update_postcode_district(home: Home, district: str, expected_version: int, user: User):
    """Locate the home at its postcode district's centroid, a finer place than its LA's.

    A district must lie in the home's own authority or one next to it (districts cross
    boundaries): a Manchester home in LS1 is a slip, and would place it 50 km away."""
    area = db.session.scalar(
        select(PostcodeArea).where(
            PostcodeArea.code == district, PostcodeArea.kind == PostcodeAreaKind.DISTRICT
        )
    )
    if area is None:
        raise ProviderProblem(
            "postcode_district", f"We cannot find postcode district {district} in England"
        )
    nearby = {home.la_code, *(la.code for la in home.local_authority.neighbours)}
    if area.la_code not in nearby:
        raise ProviderProblem(
            "postcode_district",
            f"Postcode district {district} is not in or next to {home.local_authority.name}, "
            "where Ofsted registers this home: check the district",
        )
    before = {"postcode_district": home.postcode_district, "precision": home.location_precision}
    home.postcode_district = district
    home.location_precision = LocationPrecision.DISTRICT
    home.lat, home.lon = area.lat, area.lon
    db.session.execute(
        update(LocationRequest)
        .where(LocationRequest.home_urn == home.urn, LocationRequest.answered_at.is_(None))
        .values(answered_at=datetime.now(UTC))
    )
    after = {"postcode_district": district, "precision": LocationPrecision.DISTRICT}
    _edit_home(home, expected_version, user, AuditAction.LOCATION_UPDATE, before, after)


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
    _edit_home(home, expected_version, user, AuditAction.RESIDENT_ADD, None, details)


@transactional
def remove_resident(home: Home, resident: Resident, expected_version: int, user: User) -> None:
    """A child placed through Hearth leaves when the placing authority ends the placement,
    so the record of where the child lives stays true."""
    if resident.placement_id is not None:
        raise ProviderProblem(
            "resident",
            "This child was placed through Hearth: ask the placing authority to end the "
            "placement, which takes the child out of the group",
        )
    before = resident_record(resident)
    home.residents.remove(resident)
    _edit_home(home, expected_version, user, AuditAction.RESIDENT_REMOVE, before, None)
