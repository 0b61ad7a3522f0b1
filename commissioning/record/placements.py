"""Placements: confirming the children a home accepted, after the approvals reg 11 needs, and
ending a placement, which frees its beds."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from commissioning import audit, lifecycle
from commissioning.extensions import db
from commissioning.models import Approval, Home, Offer, Placement, Resident, User
from commissioning.record import offers
from commissioning.record.history import move
from commissioning.record.problems import NoBedLeft, NotAllowedNow, RecordProblem
from commissioning.terms import OfferTerms
from commissioning.transactions import transactional
from commissioning.vocabulary import (
    ApprovalKind,
    AuditAction,
    AuditObject,
    OfferStatus,
    OfferWithdrawal,
    PlacementEndReason,
    ReferralStatus,
)


@dataclass(frozen=True)
class ApprovalGiven:
    """A senior officer's approval as the commissioner records it on the check page."""

    kind: ApprovalKind
    name: str
    job_title: str
    approved_on: date


def approvals_needed(terms: OfferTerms) -> list[ApprovalKind]:
    """Care Planning, Placement and Case Review (England) Regulations 2010, reg 11: a
    placement out of the area needs a nominated officer's approval, and one at a distance
    (out of the area and not in an adjoining authority) the Director of Children's Services'."""
    needed = []
    if terms.out_of_area:
        needed.append(ApprovalKind.OUT_OF_AREA)
    if terms.at_a_distance:
        needed.append(ApprovalKind.AT_A_DISTANCE)
    return needed


def _check(offer: Offer, start_date: date, approvals: list[ApprovalGiven], today: date):
    problems = []
    if start_date < today:
        problems.append(("start_date", "The start date must be today or in the future"))
    given = {approval.kind: approval for approval in approvals}
    for kind in approvals_needed(offer.terms):
        approval = given.get(kind)
        if approval is None:
            problems.append((f"{kind}_name", f"Enter who gave the approval: {kind.label}"))
        elif approval.approved_on > today:
            problems.append(
                (f"{kind}_approved_on", "The date of approval must be today or in the past")
            )
    if problems:
        raise RecordProblem(*problems[0], *problems[1:])


@transactional
def confirm(
    offer: Offer, start_date: date, approvals: list[ApprovalGiven], user: User
) -> list[Placement]:
    """Place exactly the children the home accepted, in one go.

    The approvals the law requires are recorded first, in this same transaction: nothing is
    placed without them. The beds are taken by one conditional UPDATE, so of two
    commissioners confirming the last bed at once exactly one succeeds.
    """
    if not lifecycle.can_confirm(offer):
        raise NotAllowedNow("the offer cannot be confirmed now")
    _check(offer, start_date, approvals, date.today())
    needed = set(approvals_needed(offer.terms))
    for approval in approvals:
        if approval.kind in needed:
            offer.approvals.append(Approval(**vars(approval), recorded_by=user))
    _take_beds(offer.home_urn, offer.terms.beds)
    placements = [
        _place(child, position, offer, start_date, user)
        for position, child in enumerate(offer.children)
    ]
    lifecycle.move_offer(offer, OfferStatus.CONFIRMED)
    for child in offer.children:
        for other in child.offers:
            if other is not offer and other.status in OfferStatus.OPEN:
                offers.withdraw(other, user, OfferWithdrawal.OTHER_HOME_CHOSEN)
    try:
        db.session.flush()
    except StaleDataError as error:
        raise NotAllowedNow("someone else placed the child first") from error
    return placements


def _take_beds(urn: str, beds: int) -> None:
    taken = db.session.execute(
        update(Home)
        .where(Home.urn == urn, Home.vacancies >= beds)
        .values(vacancies=Home.vacancies - beds, version=Home.version + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise NoBedLeft


def _place(child, position: int, offer: Offer, start_date: date, user: User) -> Placement:
    terms = offer.terms
    weekly_cost, beds = terms.share(position)
    placement = Placement(
        referral=child,
        home_urn=offer.home_urn,
        offer=offer,
        placing_la_code=child.placing_la_code,
        start_date=start_date,
        weekly_cost=weekly_cost,
        beds=beds,
        distance_km=terms.distance_km,
        out_of_area=terms.out_of_area,
        at_a_distance=terms.at_a_distance,
        over_20_miles=terms.over_20_miles,
        solo=terms.solo,
        secure=bool(child.secure_order),
        confirmed_by=user,
    )
    db.session.add(placement)
    # The child joins the home's current group (anonymised), so the next impact risk
    # assessment and Hearth's group impact score weigh them.
    db.session.add(
        Resident(
            home_urn=offer.home_urn,
            age=child.age,
            sex=child.sex,
            risks_to_self=list(child.risks_to_self),
            risks_to_others=list(child.risks_to_others),
            placement=placement,
        )
    )
    move(child, ReferralStatus.PLACED, user, note=f"home {offer.home_urn}")
    audit.record(
        user,
        AuditAction.PLACEMENT_CONFIRM,
        AuditObject.REFERRAL,
        child.reference,
        None,
        {"home": offer.home_urn, "start_date": start_date, "weekly_cost": weekly_cost},
    )
    audit.record(
        user,
        AuditAction.PLACEMENT_START,
        AuditObject.HOME,
        offer.home_urn,
        None,
        {"age": child.age, "sex": child.sex, "start_date": start_date},
    )
    return placement


@transactional
def end(placement: Placement, end_date: date, reason: PlacementEndReason, user: User) -> None:
    """End the placement (SSDA903 reason): the child leaves the home's group and the beds
    the placement held are free again."""
    if not lifecycle.can_end(placement):
        raise NotAllowedNow("the placement has already ended")
    if end_date < placement.start_date:
        raise RecordProblem("end_date", "The end date must be on or after the start date")
    if end_date > date.today():
        raise RecordProblem("end_date", "The end date must be today or in the past")
    placement.end_date, placement.end_reason, placement.ended_by = end_date, reason, user
    db.session.execute(
        update(Home)
        .where(Home.urn == placement.home_urn)
        .values(vacancies=Home.vacancies + placement.beds, version=Home.version + 1)
        .execution_options(synchronize_session=False)
    )
    for resident in db.session.scalars(select(Resident).where(Resident.placement == placement)):
        db.session.delete(resident)
    move(placement.referral, ReferralStatus.ENDED, user, note=reason.label)
    after = {"end_date": end_date, "reason": reason}
    audit.record(
        user,
        AuditAction.PLACEMENT_END,
        AuditObject.REFERRAL,
        placement.referral.reference,
        None,
        after,
    )
    audit.record(user, AuditAction.PLACEMENT_END, AuditObject.HOME, placement.home_urn, None, after)
