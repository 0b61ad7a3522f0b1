"""Read-only queries over the register for the directory and home pages."""

import math
from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from commissioning.extensions import db
from commissioning.models import Home, LocalAuthority
from commissioning.vocabulary import OfstedGrade, RegistrationStatus

PLACES_BANDS = {
    "1": (1, 1),
    "2": (2, 2),
    "3": (3, 3),
    "4": (4, 4),
    "5": (5, 5),
    "6+": (6, None),
}
# "Open" (on the latest register) or one registration status.
STATUS_FILTERS = {
    "open": Home.registration_status.in_(RegistrationStatus.OPEN),
    **{status.value: Home.registration_status == status for status in RegistrationStatus},
}
# Ofsted's grades best first; homes not yet inspected last.
_GRADE_RANK = case(
    {grade.value: rank for rank, grade in enumerate(OfstedGrade)},
    value=Home.overall_grade,
    else_=len(OfstedGrade),
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
    if query.grade == OfstedGrade.NONE:
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
