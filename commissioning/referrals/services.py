"""Writing referrals, offers and placements: each function one transaction, audited."""

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from commissioning import audit
from commissioning.extensions import db
from commissioning.models import (
    Home,
    Offer,
    Placement,
    Referral,
    ReferralStatusChange,
    SiblingGroup,
    User,
)
from commissioning.referrals.forms import SECTIONS, field_names
from commissioning.referrals.matching_data import sector_centroids
from commissioning.transactions import transactional

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class ReferralProblem(ValueError):
    """Input that passed the form but not the records: reported on the named field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NoBedLeft(Exception):
    """The home's last bed went to another child first."""


class AlreadyDecided(Exception):
    """The referral was placed, or the offer answered, by someone else first."""


def new_reference(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _now() -> datetime:
    return datetime.now(UTC)


def _move_to(referral: Referral, status: str, user: User, note: str | None = None) -> None:
    referral.status = status
    referral.updated_at = _now()
    referral.history.append(ReferralStatusChange(status=status, by=user, note=note))


@transactional
def start_referral(user: User) -> Referral:
    referral = Referral(
        reference=new_reference("R"),
        placing_la_code=user.la_code,
        consortium_id=user.consortium_id,
        created_by=user,
        sections_done=[],
        needs=[],
        risks_to_self=[],
        risks_to_others=[],
        communication_needs=[],
        avoid=[],
    )
    _move_to(referral, "draft", user)
    db.session.add(referral)
    db.session.flush()
    audit.record(user, "referral.create", "referral", referral.reference)
    return referral


def _fields_from(section: str, data: dict) -> dict:
    """The referral's columns from a section form's data (yes/no radios become booleans)."""
    fields = {name: value for name, value in data.items() if name in _COLUMNS[section]}
    for name in ("secure_order", "deprivation_of_liberty"):
        if name in fields:
            fields[name] = fields[name] == "yes"
    if section == "location":
        sector, radius = data.get("avoid_sector"), data.get("avoid_radius_km")
        fields["avoid"] = [{"sector": sector, "radius_km": radius}] if sector else []
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip() or None
    return fields


_COLUMNS = {section: set(field_names(form_class)) for section, form_class in SECTIONS.items()}
_COLUMNS["location"] -= {"avoid_sector", "avoid_radius_km"}
_COLUMNS["living"] -= {"sibling_reference"}


def _check_sectors(fields: dict) -> None:
    wanted = {
        "family_sector": fields.get("family_sector"),
        "school_sector": fields.get("school_sector"),
        "avoid_sector": next((a["sector"] for a in fields.get("avoid", [])), None),
    }
    known = sector_centroids(wanted.values())
    for field, sector in wanted.items():
        if sector and sector not in known:
            raise ReferralProblem(field, f"We cannot find postcode sector {sector} in England")


def _link_sibling(referral: Referral, sibling_reference: str | None) -> None:
    if not sibling_reference:
        return
    sibling = db.session.scalar(
        select(Referral).where(
            Referral.reference == sibling_reference,
            Referral.placing_la_code == referral.placing_la_code,
        )
    )
    if sibling is None or sibling.id == referral.id or sibling.status in ("placed", "withdrawn"):
        raise ReferralProblem(
            "sibling_reference",
            f"There is no open referral {sibling_reference} from your local authority",
        )
    group = sibling.sibling_group or referral.sibling_group
    if group is None:
        group = SiblingGroup(reference=new_reference("S"))
    sibling.sibling_group = referral.sibling_group = group


@transactional
def save_section(referral: Referral, section: str, data: dict, user: User) -> None:
    fields = _fields_from(section, data)
    if section == "location":
        _check_sectors({**fields, "avoid": fields["avoid"]})
    before = {name: getattr(referral, name) for name in fields}
    _link_sibling(referral, data.get("sibling_reference"))
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.sections_done = sorted({*referral.sections_done, section})
    referral.updated_at = _now()
    audit.record(user, "referral.update", "referral", referral.reference, before, fields)


def missing_sections(referral: Referral) -> list[str]:
    return [section for section in SECTIONS if section not in referral.sections_done]


@transactional
def submit_referral(referral: Referral, user: User) -> None:
    if missing_sections(referral):
        raise ReferralProblem("sections", "Complete every section before submitting")
    _move_to(referral, "ready", user)
    audit.record(user, "referral.submit", "referral", referral.reference)


@transactional
def send_offers(referral: Referral, matches: dict[str, dict], user: User) -> list[Offer]:
    """Send the referral to each chosen home, with the match as the commissioner saw it."""
    already = {offer.home_urn for offer in referral.offers}
    offers = [
        Offer(referral=referral, home_urn=urn, sent_by=user, match=match)
        for urn, match in matches.items()
        if urn not in already
    ]
    db.session.add_all(offers)
    if referral.status != "offered":
        _move_to(referral, "offered", user, note=f"Sent to {len(offers)} home(s)")
    for offer in offers:
        audit.record(
            user,
            "offer.send",
            "referral",
            referral.reference,
            None,
            {"home": offer.home_urn, **offer.match},
        )
    return offers


@transactional
def respond_to_offer(offer: Offer, accept: bool, reason: str | None, assessment: str, user: User):
    if offer.status != "sent":
        raise AlreadyDecided
    offer.status = "accepted" if accept else "declined"
    offer.decline_reason = None if accept else reason
    offer.impact_assessment = assessment
    offer.responded_at = _now()
    offer.responded_by = user
    action = "offer.accept" if accept else "offer.decline"
    audit.record(
        user,
        action,
        "referral",
        offer.referral.reference,
        None,
        {"home": offer.home_urn, "decline_reason": offer.decline_reason},
    )


def beds_needed(offer: Offer, home: Home) -> int:
    """Siblings take a bed each; a solo placement takes every bed in the home."""
    if offer.match.get("solo"):
        return home.places
    return len(offer.referral.sibling_group.referrals) if offer.referral.sibling_group else 1


@transactional
def confirm_placement(offer: Offer, user: User) -> list[Placement]:
    """Place the child (and any siblings) in the home of an accepted offer.

    The bed is taken by one conditional UPDATE: of two commissioners confirming the last bed
    at once, the database lets exactly one decrement it; the other matches no row.
    """
    referral = offer.referral
    if offer.status != "accepted" or referral.status == "placed":
        raise AlreadyDecided
    beds = beds_needed(offer, offer.home)
    taken = db.session.execute(
        update(Home)
        .where(Home.urn == offer.home_urn, Home.vacancies >= beds)
        .values(vacancies=Home.vacancies - beds, version=Home.version + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise NoBedLeft
    db.session.expire(offer.home)
    placements = [_place(child, offer, user) for child in _children_of(referral)]
    offer.status = "confirmed"
    for other in referral.offers:
        if other is not offer and other.status in ("sent", "accepted"):
            other.status = "withdrawn"
    try:
        db.session.flush()
    except StaleDataError as error:
        raise AlreadyDecided from error
    return placements


def _children_of(referral: Referral) -> list[Referral]:
    return list(referral.sibling_group.referrals) if referral.sibling_group else [referral]


def _place(child: Referral, offer: Offer, user: User) -> Placement:
    match = offer.match
    placement = Placement(
        referral=child,
        home_urn=offer.home_urn,
        offer_id=offer.id,
        placing_la_code=child.placing_la_code,
        start_date=date.today(),
        weekly_cost=round(match["weekly_cost"] / max(1, len(_children_of(child)))),
        distance_km=match["distance_km"],
        out_of_area=match["out_of_area"],
        at_a_distance=match["at_a_distance"],
        over_20_miles=match["over_20_miles"],
        solo=bool(match.get("solo")),
        secure=bool(child.secure_order),
        beds=1,
        confirmed_by=user,
    )
    db.session.add(placement)
    _move_to(child, "placed", user, note=f"Placed in home {offer.home_urn}")
    audit.record(
        user,
        "placement.confirm",
        "referral",
        child.reference,
        None,
        {"home": offer.home_urn, **match},
    )
    return placement
