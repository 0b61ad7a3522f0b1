"""Reading batch runs: the consortium's own, its proposals and how they compare."""

from collections import Counter
from dataclasses import dataclass
from statistics import mean

from sqlalchemy import select

from commissioning.extensions import db
from commissioning.models import BatchRun, Home, Offer, Referral, User
from matching.model import TWENTY_MILES_KM


def runs_of(user: User) -> list[BatchRun]:
    return list(
        db.session.scalars(
            select(BatchRun)
            .where(BatchRun.consortium_id == user.consortium_id)
            .order_by(BatchRun.created_at.desc(), BatchRun.id.desc())
        )
    )


def run_of(user: User, reference: str) -> BatchRun | None:
    return db.session.scalar(
        select(BatchRun).where(
            BatchRun.reference == reference, BatchRun.consortium_id == user.consortium_id
        )
    )


@dataclass
class Proposal:
    referral: str
    home: str
    match: dict
    breakdown: dict
    open: bool  # the referral is still waiting
    bed_free: bool  # the home still has the beds this proposal needs
    sent: bool  # the referral has already been sent to this home

    @property
    def sendable(self) -> bool:
        return self.open and self.bed_free and not self.sent


def proposals(run: BatchRun) -> list[Proposal]:
    """The run's assignments, each marked if its child was placed, its bed went or it was
    sent to its home since."""
    assignments = (run.result or {}).get("assignments", [])
    if not assignments:
        return []
    beds_needed = Counter(a["home"] for a in assignments)
    homes = {h.urn: h for h in db.session.scalars(select(Home).where(Home.urn.in_(beds_needed)))}
    is_solo = _solo_test(run.instance)
    sent = _offers_sent([a["referral"] for a in assignments])
    statuses = dict(
        db.session.execute(
            select(Referral.reference, Referral.status).where(
                Referral.reference.in_([a["referral"] for a in assignments])
            )
        ).all()
    )
    return [
        Proposal(
            referral=a["referral"],
            home=a["home"],
            match={**_match(a), "solo": is_solo(a["referral"], a["home"])},
            breakdown=a["breakdown"],
            open=statuses.get(a["referral"]) in ("ready", "offered"),
            bed_free=homes[a["home"]].vacancies >= beds_needed[a["home"]],
            sent=(a["referral"], a["home"]) in sent,
        )
        for a in assignments
    ]


def _offers_sent(references: list[str]) -> set[tuple[str, str]]:
    """The (referral, home) pairs among these referrals already sent as offers."""
    rows = db.session.execute(
        select(Referral.reference, Offer.home_urn)
        .join(Offer.referral)
        .where(Referral.reference.in_(references))
    )
    return {(reference, urn) for reference, urn in rows}


def _match(assignment: dict) -> dict:
    """An assignment as the match an offer keeps, like a single search's."""
    breakdown = assignment["breakdown"]
    return {
        "distance_km": round(assignment["distance_km"], 1),
        "out_of_area": assignment["out_of_area"],
        "at_a_distance": assignment["at_a_distance"],
        "over_20_miles": assignment["over_20_miles"],
        "weekly_cost": round(assignment["weekly_cost"]),
        "group_impact": round(assignment["group_impact"], 1),
        "ofsted_grade": breakdown["ofsted_grade"],
        "score": round(assignment["score"]),
    }


def _solo_test(instance: dict):
    """Whether a (referral, home) pairing is a solo placement: a child for whom solo is
    recommended, or any child in a solo-only home, takes the whole home."""
    solo_children = {r["id"] for r in instance["referrals"] if r["living_alongside"] == "solo"}
    solo_homes = {h["id"] for h in instance["homes"] if h["solo_only"]}
    return lambda referral, home: referral in solo_children or home in solo_homes


def summary(result: dict | None) -> dict | None:
    """The figures a lead compares the optimiser and today's one-at-a-time practice on."""
    if not result:
        return None
    placed = result["assignments"]
    distances = [a["distance_km"] for a in placed] or [0.0]
    return {
        "placed": len(placed),
        "unplaced": len(result["unplaced"]),
        "mean_km": mean(distances),
        "over_20_miles": sum(a["distance_km"] > TWENTY_MILES_KM for a in placed),
        "at_a_distance": sum(a["at_a_distance"] for a in placed),
        "out_of_area": sum(a["out_of_area"] for a in placed),
        "weekly_cost": sum(a["weekly_cost"] for a in placed),
        "group_impact": sum(a["group_impact"] for a in placed),
    }
