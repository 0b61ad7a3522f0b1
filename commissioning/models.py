"""The web of record: typed SQLAlchemy 2 models.

Child data is pseudonymous everywhere: residents carry age, sex and risk flags only; no names,
dates of birth or full postcodes are stored (DESIGN.md, Domain).
"""

from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from commissioning.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Region(db.Model):
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    local_authorities: Mapped[list["LocalAuthority"]] = relationship(back_populates="region")


la_adjacency = Table(
    "la_adjacency",
    db.metadata,
    Column("la_code", ForeignKey("local_authority.code"), primary_key=True),
    Column("neighbour_code", ForeignKey("local_authority.code"), primary_key=True),
)


class LocalAuthority(db.Model):
    """A children's-services (upper-tier) authority, located at its postcodes' centroid."""

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    region: Mapped[Region] = relationship(back_populates="local_authorities")
    neighbours: Mapped[list["LocalAuthority"]] = relationship(
        secondary=la_adjacency,
        primaryjoin=code == la_adjacency.c.la_code,
        secondaryjoin=code == la_adjacency.c.neighbour_code,
        order_by="LocalAuthority.name",
    )


class PostcodeArea(db.Model):
    """Centroid of a postcode district ("M14") or sector ("M14 5"): the finest location kept."""

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # district | sector
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


consortium_member = Table(
    "consortium_member",
    db.metadata,
    Column("consortium_id", ForeignKey("consortium.id"), primary_key=True),
    Column("la_code", ForeignKey("local_authority.code"), primary_key=True),
)


class Consortium(db.Model):
    """Local authorities that commission together (a regional care co-operative)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    members: Mapped[list[LocalAuthority]] = relationship(
        secondary=consortium_member, order_by=LocalAuthority.name
    )


class Provider(db.Model):
    """An owner organisation, named as on the Ofsted register."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    homes: Mapped[list["Home"]] = relationship(back_populates="provider")


class Home(db.Model):
    """A children's home on the Ofsted register (real data), keyed by its URN."""

    urn: Mapped[str] = mapped_column(String(12), primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    provision_type: Mapped[str] = mapped_column(String(40), index=True)
    # active | suspended (Ofsted's) | closed (absent from the latest register imported)
    registration_status: Mapped[str] = mapped_column(String(12), index=True)
    registration_date: Mapped[date | None] = mapped_column(Date)
    sector: Mapped[str] = mapped_column(String(20), index=True)
    places: Mapped[int] = mapped_column(Integer, index=True)
    short_break_only: Mapped[bool] = mapped_column(Boolean)
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    inspection_date: Mapped[date | None] = mapped_column(Date)
    overall_grade: Mapped[str | None] = mapped_column(String(24), index=True)
    safety_grade: Mapped[str | None] = mapped_column(String(24))
    leadership_grade: Mapped[str | None] = mapped_column(String(24))
    first_registered_as_at: Mapped[date] = mapped_column(Date)
    last_registered_as_at: Mapped[date] = mapped_column(Date)
    closed_as_at: Mapped[date | None] = mapped_column(Date)
    # Ofsted redacts homes' postcodes: the authority's centroid until the provider gives a
    # postcode district.
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    location_precision: Mapped[str] = mapped_column(String(16), default="local_authority")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    vacancies: Mapped[int] = mapped_column(Integer, default=0, index=True)
    vacancies_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    provider: Mapped[Provider] = relationship(back_populates="homes")
    local_authority: Mapped[LocalAuthority] = relationship()
    statement_of_purpose: Mapped["StatementOfPurpose | None"] = relationship(
        back_populates="home", cascade="all, delete-orphan"
    )
    fee: Mapped["Fee | None"] = relationship(back_populates="home", cascade="all, delete-orphan")
    residents: Mapped[list["Resident"]] = relationship(
        back_populates="home", cascade="all, delete-orphan", order_by="Resident.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_home_status_la", "registration_status", "la_code"),)

    @property
    def is_open(self) -> bool:
        return self.registration_status != "closed"


class StatementOfPurpose(db.Model):
    """What a home says it caters for (Children's Homes Regulations 2015, reg 16 and Sch 1)."""

    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), primary_key=True)
    min_age: Mapped[int] = mapped_column(Integer)
    max_age: Mapped[int] = mapped_column(Integer)
    sexes: Mapped[list[str]] = mapped_column(JSON)  # subset of ["F", "M"]
    needs: Mapped[list[str]] = mapped_column(JSON)
    solo_only: Mapped[bool] = mapped_column(Boolean, default=False)
    accepts_emergencies: Mapped[bool] = mapped_column(Boolean, default=False)
    has_pets: Mapped[bool] = mapped_column(Boolean, default=False)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    home: Mapped[Home] = relationship(back_populates="statement_of_purpose")


class Fee(db.Model):
    """The weekly price of a standard placement (and of a solo one, where offered)."""

    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), primary_key=True)
    weekly_fee: Mapped[int] = mapped_column(Integer)
    solo_weekly_fee: Mapped[int | None] = mapped_column(Integer)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    home: Mapped[Home] = relationship(back_populates="fee")


class VacancyUpdate(db.Model):
    """A provider's statement of vacant beds at a time; Home.vacancies holds the latest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    vacancies: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class Resident(db.Model):
    """An anonymised child living in a home: age, sex and risk flags, nothing that names."""

    id: Mapped[int] = mapped_column(primary_key=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    age: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(1))
    risks_to_self: Mapped[list[str]] = mapped_column(JSON, default=list)
    risks_to_others: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    home: Mapped[Home] = relationship(back_populates="residents")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # commissioner | provider | analyst | admin
    la_code: Mapped[str | None] = mapped_column(ForeignKey("local_authority.code"))
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    local_authority: Mapped[LocalAuthority | None] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    provider: Mapped[Provider | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuditEvent(db.Model):
    """Who changed what, when, with the values before and after (DESIGN.md, Baseline)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)
