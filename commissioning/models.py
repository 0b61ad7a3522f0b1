"""The web of record: typed SQLAlchemy 2 models.

Child data is pseudonymous everywhere: residents carry age, sex and risk flags only; no names,
dates of birth or full postcodes are stored (DESIGN.md, Domain).
"""

import secrets
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

from commissioning.columns import Terms, TokenList, token
from commissioning.extensions import db
from commissioning.terms import OfferTerms
from commissioning.vocabulary import (
    ApprovalKind,
    AuditAction,
    AuditObject,
    BatchStatus,
    CommunicationNeed,
    DeclineReason,
    LivingAlongside,
    LocationPrecision,
    Need,
    NeededBy,
    OfferStatus,
    OfferWithdrawal,
    OfstedGrade,
    Pets,
    PlacementEndReason,
    PostcodeAreaKind,
    ProvisionType,
    ReferralStatus,
    RegistrationStatus,
    RiskToOthers,
    RiskToSelf,
    Role,
    Sector,
    Sex,
    WithdrawalReason,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_hex(32)


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
    kind: Mapped[PostcodeAreaKind] = mapped_column(token(PostcodeAreaKind, "kind", 8))
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
    provision_type: Mapped[ProvisionType] = mapped_column(
        token(ProvisionType, "provision_type", 40), index=True
    )
    # Ofsted's active or suspended; closed when absent from the latest register imported.
    registration_status: Mapped[RegistrationStatus] = mapped_column(
        token(RegistrationStatus, "registration_status", 12), index=True
    )
    registration_date: Mapped[date | None] = mapped_column(Date)
    sector: Mapped[Sector] = mapped_column(token(Sector, "sector", 20), index=True)
    places: Mapped[int] = mapped_column(Integer, index=True)
    short_break_only: Mapped[bool] = mapped_column(Boolean)
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    inspection_date: Mapped[date | None] = mapped_column(Date)
    # Null until inspected (OfstedGrade.NONE is the optimiser's word for that).
    overall_grade: Mapped[OfstedGrade | None] = mapped_column(
        token(OfstedGrade, "overall_grade", 24), index=True
    )
    safety_grade: Mapped[OfstedGrade | None] = mapped_column(token(OfstedGrade, "safety_grade", 24))
    leadership_grade: Mapped[OfstedGrade | None] = mapped_column(
        token(OfstedGrade, "leadership_grade", 24)
    )
    first_registered_as_at: Mapped[date] = mapped_column(Date)
    last_registered_as_at: Mapped[date] = mapped_column(Date)
    closed_as_at: Mapped[date | None] = mapped_column(Date)
    # Ofsted redacts homes' postcodes: the authority's centroid until the provider gives a
    # postcode district.
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    location_precision: Mapped[LocationPrecision] = mapped_column(
        token(LocationPrecision, "location_precision", 16),
        default=LocationPrecision.LOCAL_AUTHORITY,
    )
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

    # Optimistic locking: every UPDATE says "WHERE version = <the version read>", and edits
    # set the next version themselves (providers.services), so the second of two
    # concurrent edits matches no row and is refused instead of silently overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (Index("ix_home_status_la", "registration_status", "la_code"),)


class StatementOfPurpose(db.Model):
    """What a home says it caters for (Children's Homes Regulations 2015, reg 16 and Sch 1)."""

    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), primary_key=True)
    min_age: Mapped[int] = mapped_column(Integer)
    max_age: Mapped[int] = mapped_column(Integer)
    sexes: Mapped[list[Sex]] = mapped_column(TokenList(Sex))
    needs: Mapped[list[Need]] = mapped_column(TokenList(Need))
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
    sex: Mapped[Sex] = mapped_column(token(Sex, "sex", 1))
    risks_to_self: Mapped[list[RiskToSelf]] = mapped_column(TokenList(RiskToSelf), default=list)
    risks_to_others: Mapped[list[RiskToOthers]] = mapped_column(
        TokenList(RiskToOthers), default=list
    )
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    # A child placed through Hearth: leaves the group when the placement ends.
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"), index=True)

    home: Mapped[Home] = relationship(back_populates="residents")
    placement: Mapped["Placement | None"] = relationship()


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(token(Role, "role", 16))
    la_code: Mapped[str | None] = mapped_column(ForeignKey("local_authority.code"))
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A commissioner who may optimise the whole consortium's waiting list at once.
    consortium_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Every session of the account carries this token; a new one ends them all.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # The shared key of the authenticator app (RFC 6238), and the last time step a code was
    # accepted for, so no code is accepted twice (RFC 6238, section 5.2).
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    local_authority: Mapped[LocalAuthority | None] = relationship()
    consortium: Mapped[Consortium | None] = relationship()
    provider: Mapped[Provider | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def get_id(self) -> str:
        """What a session remembers of its user: the id and the session token, so that a new
        token (sign-out, disabling, a new password) ends every session on the server."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class RolePolicy(db.Model):
    """What the service requires of every account of a role, as an admin set it (audited)."""

    role: Mapped[Role] = mapped_column(token(Role, "role", 16), primary_key=True)
    requires_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(db.Model):
    """Who changed what, when, with the values before and after (DESIGN.md, Baseline)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(token(AuditAction, "action", 60))
    object_type: Mapped[AuditObject] = mapped_column(token(AuditObject, "object_type", 30))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)


class SiblingGroup(db.Model):
    """Brothers and sisters to be placed together: one unit for matching and for the home,
    which accepts them as a whole (Children Act 1989, s22C(8)(c))."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    placing_la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    referrals: Mapped[list["Referral"]] = relationship(
        back_populates="sibling_group", order_by="Referral.id"
    )


class Referral(db.Model):
    """A child needing a home, per the placements data standard v2 and our extensions.

    Pseudonymous: a random reference, age in years, postcode sectors (never full postcodes),
    no names or dates of birth. Free-text fields carry a warning not to identify the child.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(
        token(ReferralStatus, "status", 12), default=ReferralStatus.DRAFT, index=True
    )
    placing_la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortium.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    needed_by: Mapped[NeededBy | None] = mapped_column(token(NeededBy, "needed_by", 8))
    age: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[Sex | None] = mapped_column(token(Sex, "sex", 1))
    needs: Mapped[list[Need]] = mapped_column(TokenList(Need), default=list)
    risks_to_self: Mapped[list[RiskToSelf]] = mapped_column(TokenList(RiskToSelf), default=list)
    risks_to_others: Mapped[list[RiskToOthers]] = mapped_column(
        TokenList(RiskToOthers), default=list
    )
    living_alongside: Mapped[LivingAlongside | None] = mapped_column(
        token(LivingAlongside, "living_alongside", 16)
    )
    pets: Mapped[Pets | None] = mapped_column(token(Pets, "pets", 8))
    secure_order: Mapped[bool] = mapped_column(Boolean, default=False)
    deprivation_of_liberty: Mapped[bool] = mapped_column(Boolean, default=False)
    communication_needs: Mapped[list[CommunicationNeed]] = mapped_column(
        TokenList(CommunicationNeed), default=list
    )
    home_adaptation: Mapped[str | None] = mapped_column(String(300))
    cultural_needs: Mapped[str | None] = mapped_column(String(300))
    additional_support: Mapped[str | None] = mapped_column(String(300))
    family_sector: Mapped[str | None] = mapped_column(String(8))
    school_sector: Mapped[str | None] = mapped_column(String(8))
    keep_school: Mapped[bool] = mapped_column(Boolean, default=False)
    # How far the child may travel to the school they must keep going to: a hard rule.
    max_school_km: Mapped[int | None] = mapped_column(Integer)
    max_distance_km: Mapped[int | None] = mapped_column(Integer)
    # [{"sector": "M14 5", "radius_km": 5}]: places the child must be kept away from.
    avoid: Mapped[list[dict]] = mapped_column(JSON, default=list)
    inadequate_override_reason: Mapped[str | None] = mapped_column(String(300))
    # The sections of the referral form saved so far; all of them before it can be submitted.
    sections_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    withdrawal_reason: Mapped[WithdrawalReason | None] = mapped_column(
        token(WithdrawalReason, "withdrawal_reason", 20)
    )
    # An invented child of the demo's waiting list: counted apart in sufficiency figures.
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    sibling_group_id: Mapped[int | None] = mapped_column(ForeignKey("sibling_group.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    placing_la: Mapped[LocalAuthority] = relationship()
    created_by: Mapped[User] = relationship()
    sibling_group: Mapped[SiblingGroup | None] = relationship(back_populates="referrals")
    offers: Mapped[list["Offer"]] = relationship(
        secondary="offer_child", back_populates="children", order_by="Offer.id"
    )
    history: Mapped[list["ReferralStatusChange"]] = relationship(
        back_populates="referral", order_by="ReferralStatusChange.id", cascade="all, delete-orphan"
    )
    placement: Mapped["Placement | None"] = relationship(back_populates="referral")

    __mapper_args__ = {"version_id_col": version}


class ReferralStatusChange(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(token(ReferralStatus, "status", 12))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(String(300))

    referral: Mapped[Referral] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()


# The children an offer puts to the home: one child, or a whole sibling group, accepted or
# declined as one; confirming places exactly these children.
offer_child = Table(
    "offer_child",
    db.metadata,
    Column("offer_id", ForeignKey("offer.id"), primary_key=True),
    Column("referral_id", ForeignKey("referral.id"), primary_key=True, index=True),
)


class Offer(db.Model):
    """A referral sent to one chosen home, and the home's answer with its own impact risk
    assessment (Children's Homes Regulations 2015, reg 14; Quality Standards guide, the
    impact risk assessment)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    status: Mapped[OfferStatus] = mapped_column(
        token(OfferStatus, "status", 12), default=OfferStatus.SENT, index=True
    )
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        token(DeclineReason, "decline_reason", 32), index=True
    )
    # The home's impact risk assessment: the effect on the children living there now, and
    # how the home will manage the risks.
    impact_on_group: Mapped[str | None] = mapped_column(String(2000))
    managing_risks: Mapped[str | None] = mapped_column(String(2000))
    withdrawal: Mapped[OfferWithdrawal | None] = mapped_column(
        token(OfferWithdrawal, "withdrawal", 24)
    )
    # When the placing authority changed the referral after sending it: the home answers again.
    referral_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The terms as the commissioner saw them when sending.
    terms: Mapped[OfferTerms] = mapped_column(Terms())

    children: Mapped[list[Referral]] = relationship(
        secondary=offer_child, back_populates="offers", order_by=Referral.id
    )
    home: Mapped[Home] = relationship()
    sent_by: Mapped[User] = relationship(foreign_keys=[sent_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    approvals: Mapped[list["Approval"]] = relationship(
        back_populates="offer", order_by="Approval.id", cascade="all, delete-orphan"
    )


class Approval(db.Model):
    """Who approved a placement that reg 11 of the Care Planning, Placement and Case Review
    (England) Regulations 2010 puts to a senior officer, and when: recorded before the
    placement is confirmed, never after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    kind: Mapped[ApprovalKind] = mapped_column(token(ApprovalKind, "kind", 16))
    name: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(100))
    approved_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    offer: Mapped[Offer] = relationship(back_populates="approvals")
    recorded_by: Mapped[User] = relationship()


class LocationRequest(db.Model):
    """A commissioner's request that a provider give the postcode district of a home Hearth
    knows only by its authority: until then its distances are approximate."""

    id: Mapped[int] = mapped_column(primary_key=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    home: Mapped[Home] = relationship()
    requested_by: Mapped[User] = relationship()


class Placement(db.Model):
    """A child's confirmed placement, with the flags reg 11 turns on, until it ends."""

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), unique=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    placing_la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    # This child's share of the placement's weekly cost and of the beds it takes.
    weekly_cost: Mapped[int] = mapped_column(Integer)
    distance_km: Mapped[float] = mapped_column(Float)
    out_of_area: Mapped[bool] = mapped_column(Boolean)
    at_a_distance: Mapped[bool] = mapped_column(Boolean)
    over_20_miles: Mapped[bool] = mapped_column(Boolean)
    solo: Mapped[bool] = mapped_column(Boolean, default=False)
    secure: Mapped[bool] = mapped_column(Boolean, default=False)
    beds: Mapped[int] = mapped_column(Integer, default=1)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[PlacementEndReason | None] = mapped_column(
        token(PlacementEndReason, "end_reason", 8)
    )
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    referral: Mapped[Referral] = relationship(back_populates="placement")
    home: Mapped[Home] = relationship()
    offer: Mapped[Offer] = relationship()
    confirmed_by: Mapped[User] = relationship(foreign_keys=[confirmed_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])


class BatchRun(db.Model):
    """One optimisation of a consortium's waiting list, kept whole so anyone can rerun it
    with `python -m matching solve` from its hearth-matching/1 instance."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    consortium_id: Mapped[int] = mapped_column(ForeignKey("consortium.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[BatchStatus] = mapped_column(
        token(BatchStatus, "status", 12), default=BatchStatus.QUEUED, index=True
    )
    time_limit: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    # Pairings the lead fixed or ruled out: [{"referral": ref, "home": urn}].
    pins: Mapped[list[dict]] = mapped_column(JSON, default=list)
    exclusions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("batch_run.id"))
    referral_references: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The job builds the instance when it starts (too big to build within a web request);
    # it, the result and the baseline are large, so they load only when read.
    instance: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    # Sequential greedy (today's one-at-a-time practice) on the same instance.
    baseline: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    message: Mapped[str | None] = mapped_column(String(500))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User] = relationship()
    consortium: Mapped[Consortium] = relationship()
