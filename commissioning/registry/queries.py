"""Read-only queries over the register for the directory and home pages."""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from commissioning.extensions import db
from commissioning.models import Home, LocalAuthority, Region

# Vacancies older than this are shown as "vacancy not confirmed".
VACANCY_CONFIRMED_FOR = timedelta(days=7)

PLACES_BANDS = {
    "1": (1, 1),
    "2": (2, 2),
    "3": (3, 3),
    "4": (4, 4),
    "5": (5, 5),
    "6+": (6, None),
}
STATUS_FILTERS = {
    "open": Home.registration_status != "closed",
    "active": Home.registration_status == "active",
    "suspended": Home.registration_status == "suspended",
    "closed": Home.registration_status == "closed",
}
_GRADE_RANK = case(
    {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4},
    value=Home.overall_grade,
    else_=5,
)
SORTS = {
    "urn": (Home.urn,),
    "la": (LocalAuthority.name, Home.urn),
    "places": (Home.places, Home.urn),
    "grade": (_GRADE_RANK, Home.urn),
    "inspection": (Home.inspection_date, Home.urn),
    "vacancies": (Home.vacancies, Home.urn),
}


@dataclass
class DirectoryQuery:
    region: str = ""
    la: str = ""
    provision_type: str = ""
    sector: str = ""
    grade: str = ""
    places: str = ""
    status: str = "open"
    has_vacancies: bool = False
    sort: str = "urn"
    descending: bool = False
    page: int = 1


@dataclass
class DirectoryPage:
    homes: list[Home]
    total_homes: int
    total_places: int
    page: int
    pages: int
    per_page: int
    query: DirectoryQuery = field(repr=False)


def _filtered(query: DirectoryQuery) -> Select:
    statement = select(Home).join(Home.local_authority).where(STATUS_FILTERS[query.status])
    if query.region:
        statement = statement.where(LocalAuthority.region_code == query.region)
    if query.la:
        statement = statement.where(Home.la_code == query.la)
    if query.provision_type:
        statement = statement.where(Home.provision_type == query.provision_type)
    if query.sector:
        statement = statement.where(Home.sector == query.sector)
    if query.grade == "none":
        statement = statement.where(Home.overall_grade.is_(None))
    elif query.grade:
        statement = statement.where(Home.overall_grade == query.grade)
    if query.places:
        low, high = PLACES_BANDS[query.places]
        statement = statement.where(Home.places >= low)
        if high is not None:
            statement = statement.where(Home.places <= high)
    if query.has_vacancies:
        statement = statement.where(Home.vacancies > 0)
    return statement


def directory_page(query: DirectoryQuery, per_page: int) -> DirectoryPage:
    filtered = _filtered(query).subquery()
    total_homes, total_places = db.session.execute(
        select(func.count(), func.coalesce(func.sum(filtered.c.places), 0))
    ).one()
    pages = max(1, math.ceil(total_homes / per_page))
    page = min(max(query.page, 1), pages)
    order = [column.desc() if query.descending else column for column in SORTS[query.sort]]
    homes = db.session.scalars(
        _filtered(query)
        .options(
            joinedload(Home.local_authority).joinedload(LocalAuthority.region),
            joinedload(Home.provider),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return DirectoryPage(list(homes), total_homes, total_places, page, pages, per_page, query)


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def local_authorities() -> list[LocalAuthority]:
    return list(db.session.scalars(select(LocalAuthority).order_by(LocalAuthority.name)))


def home_by_urn(urn: str) -> Home | None:
    return db.session.scalar(
        select(Home)
        .where(Home.urn == urn)
        .options(
            joinedload(Home.local_authority).joinedload(LocalAuthority.region),
            joinedload(Home.provider),
            joinedload(Home.statement_of_purpose),
            joinedload(Home.fee),
        )
    )


def vacancy_is_confirmed(home: Home, now: datetime | None = None) -> bool:
    """A vacancy count is trusted for 7 days after the provider last confirmed it."""
    if home.vacancies_updated_at is None:
        return False
    updated = home.vacancies_updated_at
    if updated.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        updated = updated.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) - updated <= VACANCY_CONFIRMED_FOR
