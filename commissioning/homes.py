"""What every feature reads alike of homes and places: authorities, regions, and whether a
home's vacancies can be trusted."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from commissioning.extensions import db
from commissioning.models import Home, LocalAuthority, Region

# Vacancies older than this are shown as "vacancy not confirmed".
VACANCY_CONFIRMED_FOR = timedelta(days=7)


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def local_authorities() -> list[LocalAuthority]:
    return list(db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.name)))


def vacancy_is_confirmed(home: Home, now: datetime | None = None) -> bool:
    """A vacancy count is trusted for 7 days after the provider last confirmed it."""
    if home.vacancies_updated_at is None:
        return False
    updated = home.vacancies_updated_at
    if updated.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        updated = updated.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) - updated <= VACANCY_CONFIRMED_FOR
