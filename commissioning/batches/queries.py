"""Reading batch runs: the consortium's own, its proposals and how they compare."""

from collections import Counter
from dataclasses import dataclass
from statistics import mean
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commissioning import lifecycle
from commissioning.extensions import db
from commissioning.models import BatchRun, Home, Referral, User
from commissioning.terms import OfferTerms
from commissioning.vocabulary import LocationPrecision, OfferStatus
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
    """One unit (a child, or a sibling group) proposed for one home, as an offer would be."""

    referrals: list[str]
    home: str
    terms: OfferTerms
    open: bool  # every child of the unit is still waiting
    bed_free: bool  # the home still has the beds this run's proposals there need
    sent: bool  # already sent to this home
    # Homes already holding an open offer for this unit: the lead is told before sending.
    offered_elsewhere: list[str]

    @property
    def key(self) -> str:
        return self.referrals[0]

    @property
    def sendable(self) -> bool:
        return self.open and self.bed_free and not self.sent


def proposals(run: BatchRun) -> list[Proposal]:
    """The run's assignments unit by unit, each marked if its children were placed, its bed
    went or it was sent to its home since."""
    assignments = (run.result or {}).get("assignments", [])
    if not assignments:
        return []
    units = _units(assignments, run.instance)
    urns = {unit[0]["home"] for unit in units}
    homes = {h.urn: h for h in db.session.scalars(select(Home).where(Home.urn.in_(urns)))}
    solo = _wanting_solo(run.instance)
    references = [a["referral"] for a in assignments]
    referrals = {
        r.reference: r
        for r in db.session.scalars(
            select(Referral)
            .where(Referral.reference.in_(references))
            .options(selectinload(Referral.offers))
        )
    }
    as_matched = {h["id"]: h for h in run.instance["homes"] if h["id"] in urns}
    built = [_proposal(unit, homes, as_matched, referrals, solo) for unit in units]
    beds_wanted: Counter = Counter()
    for proposal in built:
        beds_wanted[proposal.home] += proposal.terms.beds
    for proposal in built:
        proposal.bed_free = homes[proposal.home].vacancies >= beds_wanted[proposal.home]
    return built


def _units(assignments: list[dict], instance: dict) -> list[list[dict]]:
    """Assignments grouped by sibling group (a group goes to one home, as one offer)."""
    group_of = {r["id"]: r.get("sibling_group") for r in instance["referrals"]}
    units: dict[str, list[dict]] = {}
    for assignment in assignments:
        key = group_of.get(assignment["referral"]) or assignment["referral"]
        units.setdefault(key, []).append(assignment)
    return list(units.values())


def _proposal(unit: list[dict], homes: dict, as_matched: dict, referrals: dict, solo) -> Proposal:
    home = homes[unit[0]["home"]]
    children = [referrals[a["referral"]] for a in unit if a["referral"] in referrals]
    open_offers = [o for child in children for o in child.offers if o.status in OfferStatus.OPEN]
    return Proposal(
        referrals=[a["referral"] for a in unit],
        home=home.urn,
        terms=OfferTerms.from_assignments(
            unit,
            _fees(as_matched[home.urn]),
            any(a["referral"] in solo for a in unit),
            home.location_precision == LocationPrecision.LOCAL_AUTHORITY,
        ),
        open=len(children) == len(unit) and all(lifecycle.is_waiting(c) for c in children),
        bed_free=True,
        sent=any(o.home_urn == home.urn for o in open_offers),
        offered_elsewhere=sorted({o.home_urn for o in open_offers if o.home_urn != home.urn}),
    )


def _fees(home: dict) -> SimpleNamespace:
    """What the beds-and-cost rule reads of a home, as the run's instance gave it."""
    return SimpleNamespace(
        places=home["places"],
        vacancies=home["vacancies"],
        weekly_fee=home["weekly_fee"],
        solo_only=home["solo_only"],
        solo_weekly_fee=home.get("solo_weekly_fee"),
    )


def _wanting_solo(instance: dict) -> set[str]:
    """The children for whom a solo placement is recommended."""
    return {r["id"] for r in instance["referrals"] if r["living_alongside"] == "solo"}


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
