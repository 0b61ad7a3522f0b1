"""What a commissioner may read of referrals: their authority's own, and the ones they sent
offers for (a consortium lead follows its batch offers to their end)."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

import matching
from commissioning import matching_data
from commissioning.extensions import db
from commissioning.homes import vacancy_is_confirmed
from commissioning.models import Home, Offer, Placement, Referral, SiblingGroup, User, offer_child
from commissioning.record.offers import children_of
from commissioning.terms import OfferTerms
from commissioning.vocabulary import LocationPrecision, OfstedGrade
from matching.model import RankedHome

SHOWN_CANDIDATES = 30
# Exclusions that rest on where a home is: wrong for a home placed at its authority's centre.
LOCATION_REASONS = frozenset({"in_avoided_area", "beyond_max_distance", "beyond_school_distance"})


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


def followed_by(user: User) -> list[Referral]:
    """Other authorities' referrals this commissioner sent offers for, newest first."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.id.in_(_sent_by(user)), Referral.placing_la_code != user.la_code)
            .options(joinedload(Referral.placing_la))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def _sent_by(user: User):
    """The referrals named in an offer the user sent."""
    return (
        select(offer_child.c.referral_id)
        .join(Offer, Offer.id == offer_child.c.offer_id)
        .where(Offer.sent_by_id == user.id)
    )


def _visible_to(user: User):
    """Its placing authority's commissioners, and whoever sent an offer for it."""
    return or_(Referral.placing_la_code == user.la_code, Referral.id.in_(_sent_by(user)))


def referral_for(user: User, reference: str) -> Referral | None:
    """The referral, if the commissioner may follow it; None otherwise."""
    return db.session.scalar(
        select(Referral)
        .where(Referral.reference == reference, _visible_to(user))
        .options(
            selectinload(Referral.offers).joinedload(Offer.home),
            selectinload(Referral.history),
            joinedload(Referral.sibling_group).selectinload(SiblingGroup.referrals),
            joinedload(Referral.placement).joinedload(Placement.home),
        )
    )


def siblings_of(referral: Referral) -> list[Referral]:
    return [child for child in children_of(referral) if child.id != referral.id]


@dataclass
class Candidate:
    ranked: RankedHome
    home: Home
    vacancy_confirmed: bool
    terms: OfferTerms


@dataclass
class SearchOutcome:
    result: matching.SearchResult
    candidates: list[Candidate]
    feasible: int
    family: tuple[float, float]
    # Homes left out only because of where they might be: their location is approximate.
    approximately_excluded: list[tuple[Home, tuple[str, ...]]]


def _passes(ranked: RankedHome, max_km: int | None, lowest_grade: OfstedGrade | None) -> bool:
    if max_km is not None and ranked.breakdown.distance_km > max_km:
        return False
    if lowest_grade:
        return OfstedGrade(ranked.breakdown.ofsted_grade).at_least(lowest_grade)
    return True


def search(
    referral: Referral,
    weights: matching.Weights,
    max_km: int | None = None,
    lowest_grade: OfstedGrade | None = None,
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
    table = matching_data.home_table()
    candidates = [
        _candidate(
            ranked,
            homes[ranked.home_id],
            table.homes[table.index[ranked.home_id]],
            1 + len(siblings),
            wants_solo,
        )
        for ranked in shown[:SHOWN_CANDIDATES]
    ]
    return SearchOutcome(
        result,
        candidates,
        len(shown),
        (child.lat, child.lon),
        _approximately_excluded(result),
    )


def _candidate(
    ranked: RankedHome, home: Home, as_matched: matching.Home, children: int, wants_solo: bool
) -> Candidate:
    approximate = home.location_precision == LocationPrecision.LOCAL_AUTHORITY
    return Candidate(
        ranked=ranked,
        home=home,
        vacancy_confirmed=vacancy_is_confirmed(home),
        terms=OfferTerms.from_ranked(ranked, as_matched, children, wants_solo, approximate),
    )


def _approximately_excluded(result: matching.SearchResult) -> list[tuple[Home, tuple[str, ...]]]:
    only_for_location = {
        urn: reasons for urn, reasons in result.excluded.items() if set(reasons) <= LOCATION_REASONS
    }
    if not only_for_location:
        return []
    homes = _homes(list(only_for_location))
    return [
        (homes[urn], only_for_location[urn])
        for urn in sorted(only_for_location)
        if homes[urn].location_precision == LocationPrecision.LOCAL_AUTHORITY
    ]


def _shown(ranked, max_km: int | None, lowest_grade: OfstedGrade | None):
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
