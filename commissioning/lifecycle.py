"""Where referrals, offers and placements may go next, and what each state allows.

One table of moves per record and named checks, so views and services ask "can this referral
be sent?" rather than spelling out statuses. Pure Python: it reads `.status` and a few fields.
"""

from commissioning.vocabulary import OfferStatus, ReferralStatus

REFERRAL_MOVES: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.DRAFT: frozenset({ReferralStatus.READY}),
    ReferralStatus.READY: frozenset({ReferralStatus.OFFERED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.OFFERED: frozenset({ReferralStatus.PLACED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.PLACED: frozenset({ReferralStatus.ENDED}),
    ReferralStatus.ENDED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}
OFFER_MOVES: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.SENT: frozenset(
        {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN}
    ),
    # An accepted offer goes back to the home when the referral changes (it answers again).
    OfferStatus.ACCEPTED: frozenset(
        {OfferStatus.CONFIRMED, OfferStatus.WITHDRAWN, OfferStatus.SENT}
    ),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
    OfferStatus.CONFIRMED: frozenset(),
}


class NotAllowedNow(Exception):
    """The record moved on (someone else acted first) or never could go there."""


def move_referral(referral, to: ReferralStatus) -> None:
    if to not in REFERRAL_MOVES[referral.status]:
        raise NotAllowedNow(f"referral {referral.status} cannot become {to}")
    referral.status = to


def move_offer(offer, to: OfferStatus) -> None:
    if to not in OFFER_MOVES[offer.status]:
        raise NotAllowedNow(f"offer {offer.status} cannot become {to}")
    offer.status = to


def is_waiting(referral) -> bool:
    """Submitted and not yet placed or withdrawn: on the waiting list."""
    return referral.status in ReferralStatus.OPEN


def can_edit(referral) -> bool:
    """Its answers can change: freely before it is sent, as an amendment after (the homes
    holding an offer are asked again)."""
    return referral.status in (ReferralStatus.DRAFT, *ReferralStatus.OPEN)


def is_amendment(referral) -> bool:
    return referral.status == ReferralStatus.OFFERED


def can_delete(referral) -> bool:
    return referral.status == ReferralStatus.DRAFT


def can_withdraw(referral) -> bool:
    return ReferralStatus.WITHDRAWN in REFERRAL_MOVES[referral.status]


def can_change_siblings(referral) -> bool:
    """Brothers and sisters join or leave a group only while no home holds an offer for it:
    a home accepts the children it was shown, no more and no fewer."""
    return referral.status in (ReferralStatus.DRAFT, ReferralStatus.READY) and not any(
        offer.status in OfferStatus.OPEN for offer in referral.offers
    )


def can_send(children) -> bool:
    """Every child of the unit submitted and waiting (a draft sibling never reaches a home)."""
    return all(is_waiting(child) for child in children)


def can_answer(offer) -> bool:
    return offer.status == OfferStatus.SENT


def can_withdraw_offer(offer) -> bool:
    return offer.status in OfferStatus.OPEN


def has_assessment(offer) -> bool:
    """The home recorded both halves of its impact risk assessment (reg 14)."""
    return bool((offer.impact_on_group or "").strip() and (offer.managing_risks or "").strip())


def can_confirm(offer) -> bool:
    """Accepted, with the home's assessment, and every child it names still waiting."""
    return (
        offer.status == OfferStatus.ACCEPTED
        and has_assessment(offer)
        and all(is_waiting(child) for child in offer.children)
    )


def can_end(placement) -> bool:
    return placement.end_date is None
