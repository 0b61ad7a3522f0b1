"""The offers a provider may read: those to its own homes."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from commissioning.extensions import db
from commissioning.models import Home, Offer, User


def offers_to(user: User) -> list[Offer]:
    """Referrals sent to the provider's homes, newest first."""
    return list(
        db.session.scalars(
            select(Offer)
            .join(Offer.home)
            .where(Home.provider_id == user.provider_id)
            .options(selectinload(Offer.children), joinedload(Offer.home))
            .order_by(Offer.sent_at.desc(), Offer.id.desc())
        )
    )


def offer_to(user: User, offer_id: int) -> Offer | None:
    """An offer to one of the provider's homes; None for any other."""
    return db.session.scalar(
        select(Offer)
        .join(Offer.home)
        .where(Offer.id == offer_id, Home.provider_id == user.provider_id)
        .options(selectinload(Offer.children), joinedload(Offer.home))
    )
