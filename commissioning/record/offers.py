"""Offers: a referral (one child, or a sibling group as one) sent to a chosen home, the home's
answer, and taking an offer back."""

from commissioning import audit, lifecycle
from commissioning.extensions import db
from commissioning.models import Offer, Referral, User
from commissioning.record.history import move, now
from commissioning.record.problems import NotAllowedNow, RecordProblem
from commissioning.terms import OfferTerms
from commissioning.transactions import transactional
from commissioning.vocabulary import (
    AuditAction,
    AuditObject,
    DeclineReason,
    OfferStatus,
    OfferWithdrawal,
    ReferralStatus,
)


def children_of(referral: Referral) -> list[Referral]:
    """The children placed together with this one: its sibling group, or the child alone."""
    return list(referral.sibling_group.referrals) if referral.sibling_group else [referral]


def _audit(user, action: AuditAction, offer: Offer, after: dict | None = None) -> None:
    for child in offer.children:
        audit.record(
            user,
            action,
            AuditObject.REFERRAL,
            child.reference,
            None,
            {"home": offer.home_urn, **(after or {})},
        )


@transactional
def send(referral: Referral, homes: dict[str, OfferTerms], user: User) -> list[Offer]:
    """Send the child, with every brother and sister in its group, to each chosen home."""
    children = children_of(referral)
    if not lifecycle.can_send(children):
        not_ready = ", ".join(c.reference for c in children if not lifecycle.is_waiting(c))
        raise RecordProblem(
            "homes",
            f"Submit every referral in the sibling group before sending it: {not_ready} "
            "is not submitted",
        )
    holding = {offer.home_urn for offer in referral.offers if offer.status in OfferStatus.OPEN}
    offers = [
        Offer(children=children, home_urn=urn, sent_by=user, terms=terms)
        for urn, terms in homes.items()
        if urn not in holding
    ]
    db.session.add_all(offers)
    for child in children:
        if child.status == ReferralStatus.READY:
            count = f"{len(offers)} home{'' if len(offers) == 1 else 's'}"
            move(child, ReferralStatus.OFFERED, user, note=count)
    db.session.flush()
    for offer in offers:
        terms = offer.terms
        shown = {
            "distance_km": terms.distance_km,
            "out_of_area": terms.out_of_area,
            "at_a_distance": terms.at_a_distance,
            "weekly_cost": terms.weekly_cost,
        }
        _audit(user, AuditAction.OFFER_SEND, offer, shown)
    return offers


@transactional
def answer(
    offer: Offer,
    accept: bool,
    user: User,
    *,
    reason: DeclineReason | None = None,
    impact_on_group: str | None = None,
    managing_risks: str | None = None,
) -> None:
    """The home's answer, with its impact risk assessment recorded before acceptance
    (Children's Homes Regulations 2015, reg 14; the Quality Standards' impact risk
    assessment): an acceptance without both halves of it is refused."""
    if not lifecycle.can_answer(offer):
        raise NotAllowedNow("the offer was answered or withdrawn")
    offer.impact_on_group, offer.managing_risks = impact_on_group, managing_risks
    if accept and not lifecycle.has_assessment(offer):
        raise RecordProblem("impact_on_group", "Enter your impact risk assessment")
    lifecycle.move_offer(offer, OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED)
    offer.decline_reason = None if accept else reason
    offer.responded_at, offer.responded_by = now(), user
    offer.referral_changed_at = None
    action = AuditAction.OFFER_ACCEPT if accept else AuditAction.OFFER_DECLINE
    _audit(user, action, offer, {"decline_reason": offer.decline_reason})


@transactional
def withdraw(offer: Offer, user: User, why=OfferWithdrawal.BY_PLACING_AUTHORITY) -> None:
    if not lifecycle.can_withdraw_offer(offer):
        raise NotAllowedNow("the offer is no longer open")
    lifecycle.move_offer(offer, OfferStatus.WITHDRAWN)
    offer.withdrawal = why
    _audit(user, AuditAction.OFFER_WITHDRAW, offer, {"why": why})


def withdraw_all(referral: Referral, user: User, why=OfferWithdrawal.REFERRAL_WITHDRAWN):
    for offer in referral.offers:
        if offer.status in OfferStatus.OPEN:
            withdraw(offer, user, why)


def ask_again(referral: Referral, user: User) -> None:
    """The referral changed after it was sent: every home holding an open offer sees the
    change and answers again."""
    for offer in referral.offers:
        if offer.status in OfferStatus.OPEN:
            if offer.status == OfferStatus.ACCEPTED:
                lifecycle.move_offer(offer, OfferStatus.SENT)
            offer.referral_changed_at = now()
