"""A consortium's open referrals and every open home, as a hearth-matching/1 instance."""

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

import matching
from commissioning import matching_data
from commissioning.extensions import db
from commissioning.models import Referral
from commissioning.vocabulary import ReferralStatus


def open_referrals(consortium_id: int) -> list[Referral]:
    """Submitted referrals of the consortium's authorities not yet placed, oldest first."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(
                Referral.consortium_id == consortium_id, Referral.status.in_(ReferralStatus.OPEN)
            )
            .options(joinedload(Referral.sibling_group), joinedload(Referral.placing_la))
            .order_by(Referral.created_at, Referral.id)
        )
    )


def referrals_by_reference(references: list[str]) -> list[Referral]:
    """The run's referrals, in the order the lead's list gave them."""
    found = {
        referral.reference: referral
        for referral in db.session.scalars(
            select(Referral)
            .where(Referral.reference.in_(references))
            .options(joinedload(Referral.sibling_group))
        )
    }
    return [found[reference] for reference in references if reference in found]


def _with_choices(child: matching.Referral, pins: dict, exclusions: dict) -> matching.Referral:
    """The lead's pinned home, or homes ruled out, for this child."""
    return replace(
        child,
        pinned_home=pins.get(child.id),
        excluded_homes=frozenset(exclusions.get(child.id, ())),
    )


def build_instance(
    referrals: list[Referral], weights: dict, pins: list[dict], exclusions: list[dict]
) -> dict:
    """The instance as JSON (kept with the run, downloadable, solvable from the command line)."""
    pinned = {pin["referral"]: pin["home"] for pin in pins}
    excluded: dict[str, set[str]] = {}
    for pairing in exclusions:
        excluded.setdefault(pairing["referral"], set()).add(pairing["home"])
    children = tuple(
        _with_choices(matching_data.matching_referral(referral), pinned, excluded)
        for referral in referrals
    )
    instance = matching.Instance(
        homes=matching_data.home_table().homes,
        referrals=children,
        adjacency=matching_data.adjacency(),
        weights=matching.weights_with_overrides(weights),
    )
    return matching.dump_instance(instance)
