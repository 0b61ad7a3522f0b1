"""Starting, cancelling and acting on batch runs."""

from datetime import UTC, datetime

from sqlalchemy import select

from commissioning import audit
from commissioning.batches import runner
from commissioning.extensions import db
from commissioning.models import BatchRun, Referral, User
from commissioning.referrals import services as referral_services
from commissioning.transactions import transactional


def _create_run(user: User, referrals: list[Referral], settings: dict, parent=None) -> BatchRun:
    run = BatchRun(
        reference=referral_services.new_reference("B"),
        consortium_id=user.consortium_id,
        created_by=user,
        time_limit=settings["time_limit"],
        seed=settings.get("seed", 0),
        weights=settings["weights"],
        pins=settings.get("pins", []),
        exclusions=settings.get("exclusions", []),
        parent_id=parent.id if parent else None,
        referral_references=[referral.reference for referral in referrals],
        progress={},
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        user,
        "batch.start",
        "batch",
        run.reference,
        None,
        {
            "referrals": len(referrals),
            "time_limit": run.time_limit,
            "weights": run.weights,
            "pins": run.pins,
            "exclusions": run.exclusions,
        },
    )
    return run


@transactional
def start_run(user: User, referrals: list[Referral], settings: dict, parent=None) -> BatchRun:
    """Record the run and hand it to its runner in one transaction: if nothing would run it
    (runner.CannotStart), nothing is kept. The job waits for this commit (jobs.py)."""
    run = _create_run(user, referrals, settings, parent)
    runner.submit(run.id, run.time_limit)
    return run


@transactional
def request_cancel(run: BatchRun, user: User) -> None:
    if run.status == "queued":
        run.status, run.finished_at = "cancelled", datetime.now(UTC)
    elif run.status == "running":
        run.cancel_requested = True
    audit.record(user, "batch.cancel", "batch", run.reference)


@transactional
def send_proposals(proposals: list[dict], user: User) -> int:
    """Send each chosen proposal to its home as an offer, as a single search would; the
    number of offers made (a proposal already sent makes none)."""
    references = [proposal["referral"] for proposal in proposals]
    referrals = {
        r.reference: r
        for r in db.session.scalars(select(Referral).where(Referral.reference.in_(references)))
    }
    sent = [
        referral_services.send_offers(
            referrals[proposal["referral"]], {proposal["home"]: proposal["match"]}, user
        )
        for proposal in proposals
    ]
    return sum(len(offers) for offers in sent)
