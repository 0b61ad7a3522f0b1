"""Read-only queries for the dashboards: they return the pure metrics' plain dataclasses.

The figures about children come from `placement_facts`, `secure_order_waits` and
`declined_offers` alone. Each combines what commissioners and providers recorded in Hearth
(Placement, Offer, open Referrals) with the demo's SYNTHETIC snapshot
(sufficiency.models.PlacementRecord, DeclinedOfferRecord), flagging each row is_synthetic so
that every table says whether invented rows are in it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import func, select

from commissioning.auth import ownership
from commissioning.extensions import db
from commissioning.homes import VACANCY_CONFIRMED_FOR
from commissioning.models import (
    Consortium,
    Home,
    LocalAuthority,
    Offer,
    Placement,
    PostcodeArea,
    Referral,
    ReferralStatusChange,
    StatementOfPurpose,
    User,
    VacancyUpdate,
    consortium_member,
    la_adjacency,
    offer_child,
)
from commissioning.reference.geography import load_local_authorities
from commissioning.reference.register import load_register_homes
from commissioning.vocabulary import (
    NeedsAnalysisStatus,
    OfferStatus,
    PostcodeAreaKind,
    ReferralStatus,
    RegistrationStatus,
)
from sufficiency.metrics.demand import CateringHome, NeedLine
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.placements import DeclinedOffer, PlacementFact, SecureOrderWait
from sufficiency.metrics.publication import Areas
from sufficiency.metrics.supply import Register, SupplyHome, from_register
from sufficiency.metrics.tables import ENGLAND, Area, Provenance, provenance_of
from sufficiency.metrics.vocabulary import placement_type_of_home
from sufficiency.models import DeclinedOfferRecord, NeedsAnalysis, PlacementRecord

# The register the live directory is compared with: Ofsted's at 31 August 2023, read from the
# shipped file because importing the newer register overwrote the homes' 2023 values.
PREVIOUS_REGISTER = (2023, date(2023, 8, 31))


def register_label(as_at: date) -> str:
    return as_at.strftime("%-d %b %Y")


# ---- places


def geography() -> Geography:
    """The authorities and regions from the shipped reference, with the adjacency loaded
    into the database (commissioning.reference.geography.la_adjacency)."""
    neighbours: dict[str, list[str]] = {}
    for code, neighbour in db.session.execute(select(la_adjacency)):
        neighbours.setdefault(code, []).append(neighbour)
    return Geography.of(load_local_authorities(), neighbours)


def publication_areas(places: Geography) -> Areas:
    """Every area a page can be asked for (sufficiency.dashboards.resolve_area): England,
    its regions, each consortium, and a consortium's overlap with a region or another
    consortium (what a consortium's user sees when choosing one)."""
    members = [consortium_members(consortium.id) for consortium in consortia()]
    regions = [places.region_unit(code) for code in places.region_names]
    overlaps = [mine & other for mine in members for other in (*regions, *members)]
    return places.areas([*members, *overlaps])


def consortium_members(consortium_id: int) -> frozenset[str]:
    return frozenset(
        db.session.scalars(
            select(consortium_member.c.la_code).where(
                consortium_member.c.consortium_id == consortium_id
            )
        )
    )


def scope_of(user: User) -> Area:
    """What a user may see figures about children for: their consortium, else their LA, else
    England (an account with neither is national)."""
    if user.consortium_id is not None:
        return Area(user.consortium.name, consortium_members(user.consortium_id))
    if user.la_code is not None:
        return Area(user.local_authority.name, frozenset({user.la_code}))
    return ENGLAND


def consortia() -> list[Consortium]:
    return list(db.session.scalars(select(Consortium).order_by(Consortium.name)))


# ---- supply (real: Ofsted's register)


def current_register() -> Register:
    """Open homes in the directory (the latest register), with vacancies as last stated."""
    confirmed_since = datetime.now(UTC) - VACANCY_CONFIRMED_FOR
    rows = db.session.execute(
        select(
            Home.urn,
            Home.provision_type,
            Home.sector,
            Home.places,
            Home.la_code,
            Home.overall_grade,
            Home.vacancies,
            Home.vacancies_updated_at,
            Home.last_registered_as_at,
        ).where(Home.registration_status.in_(RegistrationStatus.OPEN))
    ).all()
    latest = max((row.last_registered_as_at for row in rows), default=date.today())
    return Register(
        register_label(latest),
        tuple(
            SupplyHome(
                urn=row.urn,
                provision_type=row.provision_type,
                sector=row.sector,
                places=row.places,
                la_code=row.la_code,
                overall_grade=row.overall_grade,
                vacancies=row.vacancies,
                vacancy_confirmed=_is_recent(row.vacancies_updated_at, confirmed_since),
            )
            for row in rows
        ),
    )


def _in_utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _is_recent(moment: datetime | None, since: datetime) -> bool:
    return moment is not None and _in_utc(moment) >= since


@cache
def previous_register() -> Register:
    year, as_at = PREVIOUS_REGISTER
    return from_register(register_label(as_at), load_register_homes(year))


def vacancies_provenance() -> Provenance:
    """Whether the vacancies stated were entered by providers, invented by the demo, or both."""
    return provenance_of(db.session.scalars(select(VacancyUpdate.is_synthetic).distinct()))


def catering_homes() -> list[CateringHome]:
    """Open homes taking long-term placements, with the needs their statement caters for."""
    # Columns, not ORM objects: every open home's statement, on each demand dashboard.
    rows = db.session.execute(
        select(
            Home.la_code,
            Home.provision_type,
            Home.places,
            StatementOfPurpose.needs,
            StatementOfPurpose.solo_only,
            StatementOfPurpose.is_synthetic,
        )
        .join(StatementOfPurpose, StatementOfPurpose.home_urn == Home.urn)
        .where(
            Home.registration_status == RegistrationStatus.ACTIVE,
            Home.short_break_only.is_(False),
        )
    ).all()
    return [
        CateringHome(
            la_code=row.la_code,
            placement_type=placement_type_of_home(row.provision_type, row.places, row.solo_only),
            places=row.places,
            needs=frozenset(row.needs),
            is_synthetic=row.is_synthetic,
        )
        for row in rows
    ]


# ---- placements and offers: recorded in Hearth, and the demo's SYNTHETIC snapshot


def _submitted_at():
    """A column: when the referral was first submitted (moved to "ready"), else started."""
    first_ready = (
        select(func.min(ReferralStatusChange.at))
        .where(
            ReferralStatusChange.referral_id == Referral.id,
            ReferralStatusChange.status == ReferralStatus.READY,
        )
        .scalar_subquery()
    )
    return func.coalesce(first_ready, Referral.created_at).label("submitted_at")


def _days_since(moment: datetime) -> int:
    return (datetime.now(UTC) - _in_utc(moment)).days


def placement_facts() -> list[PlacementFact]:
    return [*_recorded_placements(), *_snapshot_placements()]


def _recorded_placements() -> list[PlacementFact]:
    rows = db.session.execute(
        select(
            Placement,
            Home.la_code,
            Home.provision_type,
            Home.places,
            _submitted_at(),
            Referral.is_synthetic,
        )
        .join(Placement.home)
        .join(Placement.referral)
    )
    return [_recorded_placement(row) for row in rows]


def _recorded_placement(row) -> PlacementFact:
    placement = row.Placement
    placement_type = placement_type_of_home(row.provision_type, row.places, placement.solo)
    # Placement.secure is the child's secure order; placed outside a secure home, they still
    # wait for a secure bed.
    waiting = placement.secure and placement_type != "secure"
    return PlacementFact(
        placing_la_code=placement.placing_la_code,
        home_la_code=row.la_code,
        placement_type=placement_type,
        weekly_cost=placement.weekly_cost,
        distance_km=placement.distance_km,
        out_of_area=placement.out_of_area,
        at_a_distance=placement.at_a_distance,
        secure_order=placement.secure,
        days_waiting=_days_since(row.submitted_at) if waiting else None,
        start_date=placement.start_date,
        is_synthetic=row.is_synthetic,
    )


def _snapshot_placements() -> list[PlacementFact]:
    # Columns, not ORM objects: the national snapshot is thousands of rows on every dashboard.
    rows = db.session.execute(
        select(
            PlacementRecord.placing_la_code,
            Home.la_code,
            PlacementRecord.placement_type,
            PlacementRecord.weekly_cost,
            PlacementRecord.distance_km,
            PlacementRecord.out_of_area,
            PlacementRecord.at_a_distance,
            PlacementRecord.secure_order,
            PlacementRecord.days_waiting,
            PlacementRecord.start_date,
            PlacementRecord.is_synthetic,
        ).join(Home, Home.urn == PlacementRecord.home_urn)
    )
    return [PlacementFact(*row) for row in rows]


def secure_order_waits() -> list[SecureOrderWait]:
    """Children with a secure order whose referral is open: submitted, not yet placed."""
    rows = db.session.execute(
        select(Referral.placing_la_code, _submitted_at(), Referral.is_synthetic).where(
            Referral.secure_order.is_(True), Referral.status.in_(ReferralStatus.OPEN)
        )
    )
    return [SecureOrderWait(la, _days_since(at), synthetic) for la, at, synthetic in rows]


def _first_child_of(offer_id):
    named = offer_child.alias()
    return (
        select(func.min(named.c.referral_id)).where(named.c.offer_id == offer_id).scalar_subquery()
    )


def declined_offers() -> list[DeclinedOffer]:
    recorded = db.session.execute(
        select(Referral.placing_la_code, Offer.decline_reason, Referral.is_synthetic)
        .select_from(Offer)
        .join(offer_child, offer_child.c.offer_id == Offer.id)
        .join(Referral, Referral.id == offer_child.c.referral_id)
        # One row an offer, however many brothers and sisters it put to the home.
        .where(Offer.status == OfferStatus.DECLINED, Referral.id == _first_child_of(Offer.id))
    )
    snapshot = db.session.execute(
        select(
            DeclinedOfferRecord.placing_la_code,
            DeclinedOfferRecord.reason,
            DeclinedOfferRecord.is_synthetic,
        )
    )
    return [DeclinedOffer(*row) for row in (*recorded, *snapshot)]


# ---- needs analyses


def latest_needs_analyses(area: Area) -> list[NeedsAnalysis]:
    """The newest saved needs analysis of each authority in the area, by authority name."""
    newest = (
        select(func.max(NeedsAnalysis.id))
        .where(NeedsAnalysis.status == NeedsAnalysisStatus.SAVED)
        .group_by(NeedsAnalysis.la_code)
        .scalar_subquery()
    )
    statement = (
        select(NeedsAnalysis)
        .join(NeedsAnalysis.local_authority)
        .where(NeedsAnalysis.id.in_(newest))
        .order_by(LocalAuthority.name)
    )
    if area.la_codes is not None:
        statement = statement.where(NeedsAnalysis.la_code.in_(area.la_codes))
    return list(db.session.scalars(statement))


def need_lines(area: Area) -> list[NeedLine]:
    return [
        NeedLine(
            la_code=analysis.la_code,
            period=line.period,
            need_category=line.need_category,
            placement_type=line.placement_type,
            projected_children=line.projected_children,
            current_placements=line.current_placements,
            current_annual_spend=line.current_annual_spend,
        )
        for analysis in latest_needs_analyses(area)
        for line in analysis.lines
    ]


def latest_needs_analysis(la_code: str) -> NeedsAnalysis | None:
    return next(iter(needs_history(la_code)), None)


def needs_history(la_code: str) -> list[NeedsAnalysis]:
    """Every saved version of an authority's needs analysis, newest first."""
    return list(
        db.session.scalars(
            select(NeedsAnalysis)
            .where(
                NeedsAnalysis.la_code == la_code, NeedsAnalysis.status == NeedsAnalysisStatus.SAVED
            )
            .order_by(NeedsAnalysis.id.desc())
        )
    )


@ownership.rule("needs_analysis_author")
def authored_pending_analysis(user: User, args: dict) -> bool:
    """A needs analysis waiting to be confirmed is its author's alone."""
    return pending_needs_analysis(args["analysis_id"], user) is not None


def pending_needs_analysis(analysis_id: int, user: User) -> NeedsAnalysis | None:
    """A version waiting for its author to confirm it: only that author may see it."""
    return db.session.scalar(
        select(NeedsAnalysis).where(
            NeedsAnalysis.id == analysis_id,
            NeedsAnalysis.created_by_id == user.id,
            NeedsAnalysis.status == NeedsAnalysisStatus.PENDING,
        )
    )


@dataclass(frozen=True)
class AreaChoices:
    regions: list[tuple[str, str]]
    consortia: list[tuple[str, str]]
    authorities: list[tuple[str, str]]


def area_choices(scope: Area, places: Geography) -> AreaChoices:
    """The regions, consortia and authorities a user may filter to: those in their scope."""
    authorities = sorted(
        (code, name) for code, name in places.la_names.items() if scope.covers(code)
    )
    regions = {places.la_regions[code] for code, _ in authorities}
    return AreaChoices(
        regions=sorted(((code, places.region_names[code]) for code in regions), key=lambda c: c[1]),
        consortia=[
            (str(consortium.id), consortium.name)
            for consortium in consortia()
            if any(scope.covers(member.code) for member in consortium.members)
        ],
        authorities=sorted(authorities, key=lambda choice: choice[1]),
    )


@cache
def _district_centroids(database_url: str) -> tuple[tuple[float, float], ...]:
    rows = db.session.execute(
        select(PostcodeArea.lat, PostcodeArea.lon).where(
            PostcodeArea.kind == PostcodeAreaKind.DISTRICT
        )
    )
    return tuple((round(lat, 3), round(lon, 3)) for lat, lon in rows)


def district_centroids() -> tuple[tuple[float, float], ...]:
    """England's postcode district centroids: the dots the map draws England with."""
    return _district_centroids(str(db.engine.url))
