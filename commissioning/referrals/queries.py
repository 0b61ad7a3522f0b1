"""What commissioners and providers may read of referrals: their own, and no more."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

import matching
from commissioning.extensions import db
from commissioning.models import Home, Offer, Referral, User
from commissioning.referrals import matching_data
from commissioning.registry.queries import vacancy_is_confirmed
from matching.model import RankedHome

SHOWN_CANDIDATES = 30


def referrals_of(user: User) -> list[Referral]:
    """The referrals of the commissioner's local authority, newest first."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.placing_la_code == user.la_code)
            .options(joinedload(Referral.sibling_group))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def referral_of(user: User, reference: str) -> Referral | None:
    """The referral, if the commissioner's authority made it; None otherwise."""
    return db.session.scalar(
        select(Referral)
        .where(Referral.reference == reference, Referral.placing_la_code == user.la_code)
        .options(
            selectinload(Referral.offers).joinedload(Offer.home),
            selectinload(Referral.history),
            joinedload(Referral.sibling_group),
        )
    )


def offers_to(user: User) -> list[Offer]:
    """Referrals sent to the provider's homes, newest first."""
    return list(
        db.session.scalars(
            select(Offer)
            .join(Offer.home)
            .where(Home.provider_id == user.provider_id)
            .options(joinedload(Offer.referral), joinedload(Offer.home))
            .order_by(Offer.sent_at.desc(), Offer.id.desc())
        )
    )


def offer_to(user: User, offer_id: int) -> Offer | None:
    """An offer to one of the provider's homes; None for any other."""
    return db.session.scalar(
        select(Offer)
        .join(Offer.home)
        .where(Offer.id == offer_id, Home.provider_id == user.provider_id)
        .options(joinedload(Offer.referral), joinedload(Offer.home))
    )


@dataclass
class Candidate:
    ranked: RankedHome
    home: Home
    vacancy_confirmed: bool
    solo: bool

    def match(self) -> dict:
        """What the commissioner saw when choosing this home, kept on the offer."""
        breakdown = self.ranked.breakdown
        return {
            "distance_km": round(breakdown.distance_km, 1),
            "out_of_area": breakdown.out_of_area,
            "at_a_distance": breakdown.at_a_distance,
            "over_20_miles": breakdown.over_20_miles,
            "weekly_cost": round(breakdown.weekly_cost),
            "group_impact": round(breakdown.group_impact, 1),
            "ofsted_grade": breakdown.ofsted_grade,
            "score": round(self.ranked.score),
            "solo": self.solo,
        }


@dataclass
class SearchOutcome:
    result: matching.SearchResult
    candidates: list[Candidate]
    feasible: int
    family: tuple[float, float]
    searched_at: datetime


GRADE_ORDER = ("outstanding", "good", "requires_improvement", "none", "inadequate")


def _passes(ranked: RankedHome, max_km: int | None, lowest_grade: str) -> bool:
    if max_km is not None and ranked.breakdown.distance_km > max_km:
        return False
    if lowest_grade:
        grade = ranked.breakdown.ofsted_grade
        return grade != "none" and GRADE_ORDER.index(grade) <= GRADE_ORDER.index(lowest_grade)
    return True


def siblings_of(referral: Referral) -> list[Referral]:
    if referral.sibling_group is None:
        return []
    return [r for r in referral.sibling_group.referrals if r.id != referral.id]


def search(
    referral: Referral,
    weights: matching.Weights,
    max_km: int | None = None,
    lowest_grade: str = "",
) -> SearchOutcome:
    """Every home ranked for the referral (with its siblings), filtered as asked."""
    child = matching_data.matching_referral(referral)
    siblings = [matching_data.matching_referral(r) for r in siblings_of(referral)]
    result = matching.search(
        child, matching_data.home_table(), matching_data.adjacency(), weights, siblings
    )
    shown = _shown(result.ranked, max_km, lowest_grade)
    homes = _homes([r.home_id for r in shown[:SHOWN_CANDIDATES]])
    wants_solo = any(c.wants_solo for c in (child, *siblings))
    candidates = [
        Candidate(
            ranked=ranked,
            home=homes[ranked.home_id],
            vacancy_confirmed=vacancy_is_confirmed(homes[ranked.home_id]),
            solo=wants_solo or homes[ranked.home_id].statement_of_purpose.solo_only,
        )
        for ranked in shown[:SHOWN_CANDIDATES]
    ]
    return SearchOutcome(result, candidates, len(shown), (child.lat, child.lon), datetime.now())


def _shown(ranked, max_km: int | None, lowest_grade: str):
    """The ranked homes passing the filters; unfiltered, the lazy ranking itself, so only
    the homes shown are ever built."""
    if max_km is None and not lowest_grade:
        return ranked
    return [r for r in ranked if _passes(r, max_km, lowest_grade)]


def _homes(urns: list[str]) -> dict[str, Home]:
    return {
        home.urn: home
        for home in db.session.scalars(
            select(Home)
            .where(Home.urn.in_(urns))
            .options(
                joinedload(Home.local_authority),
                joinedload(Home.statement_of_purpose),
                joinedload(Home.provider),
            )
        )
    }
