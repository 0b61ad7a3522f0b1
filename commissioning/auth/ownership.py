"""Whose records a user may reach: each rule takes the user and the URL's arguments and says
whether the record named there is theirs to reach. Routes name a rule in `@allow(owns=...)`;
tests/integration/test_route_permissions.py tries every rule with another tenant's ids.

The rules about the web of record are here; a feature with records of its own registers its
rule with `@rule("name")` (auth knows no feature)."""

from sqlalchemy import Select, select

from commissioning.extensions import db
from commissioning.models import BatchRun, Home, Offer, Referral, User, offer_child


def _found(statement: Select) -> bool:
    return db.session.scalar(statement.limit(1)) is not None


def _offers_sent_by(user: User) -> Select:
    """The referrals named in an offer the user sent."""
    return (
        select(offer_child.c.referral_id)
        .join(Offer, Offer.id == offer_child.c.offer_id)
        .where(Offer.sent_by_id == user.id)
    )


def placing_authority(user: User, args: dict) -> bool:
    """The referral is one of the commissioner's own authority's: they may change it, send
    it, confirm and end its placement (the placing authority's duties under the Children Act
    1989 and reg 11 of the Care Planning Regulations 2010)."""
    return _found(
        select(Referral.id).where(
            Referral.reference == args["reference"], Referral.placing_la_code == user.la_code
        )
    )


def _names_the_referral(args: dict) -> bool:
    """The offer in the URL, if any, is one of the referral's."""
    if "offer_id" not in args:
        return True
    return _found(
        select(offer_child.c.offer_id)
        .join(Referral, Referral.id == offer_child.c.referral_id)
        .where(offer_child.c.offer_id == args["offer_id"], Referral.reference == args["reference"])
    )


def follower(user: User, args: dict) -> bool:
    """Its authority's commissioners, or whoever sent an offer for it (a consortium lead's
    batch offers): they follow it to its end, and may withdraw what they sent."""
    own_or_sent = (Referral.placing_la_code == user.la_code) | Referral.id.in_(
        _offers_sent_by(user)
    )
    referral = select(Referral.id).where(Referral.reference == args["reference"], own_or_sent)
    return _found(referral) and _names_the_referral(args)


def offer_of_placing_authority(user: User, args: dict) -> bool:
    """An offer for one of the authority's own referrals (to confirm it)."""
    return placing_authority(user, args) and _names_the_referral(args)


def provider_home(user: User, args: dict) -> bool:
    return user.provider_id is not None and _found(
        select(Home.urn).where(Home.urn == args["urn"], Home.provider_id == user.provider_id)
    )


def offer_to_provider(user: User, args: dict) -> bool:
    return user.provider_id is not None and _found(
        select(Offer.id)
        .join(Offer.home)
        .where(Offer.id == args["offer_id"], Home.provider_id == user.provider_id)
    )


def consortium_batch(user: User, args: dict) -> bool:
    return _found(
        select(BatchRun.id).where(
            BatchRun.reference == args["batch"], BatchRun.consortium_id == user.consortium_id
        )
    )


RULES = {
    "placing_authority": placing_authority,
    "follower": follower,
    "offer_of_placing_authority": offer_of_placing_authority,
    "provider_home": provider_home,
    "offer_to_provider": offer_to_provider,
    "consortium_batch": consortium_batch,
}


def rule(name: str):
    """Register a feature's ownership rule under a name routes can declare."""

    def register(check):
        RULES[name] = check
        return check

    return register
