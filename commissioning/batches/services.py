"""Starting, cancelling and acting on batch runs."""

from datetime import UTC, datetime

from sqlalchemy import select

from commissioning import audit
from commissioning.batches import runner
from commissioning.batches.queries import Proposal
from commissioning.extensions import db
from commissioning.models import BatchRun, Referral, User
from commissioning.record import offers
from commissioning.record.history import new_reference
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, BatchStatus


def _create_run(user: User, referrals: list[Referral], settings: dict, parent=None) -> BatchRun:
    run = BatchRun(
        reference=new_reference("B"),
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
        AuditAction.BATCH_START,
        AuditObject.BATCH,
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
    if run.status == BatchStatus.QUEUED:
        run.status, run.finished_at = BatchStatus.CANCELLED, datetime.now(UTC)
    elif run.status == BatchStatus.RUNNING:
        run.cancel_requested = True
    audit.record(user, AuditAction.BATCH_CANCEL, AuditObject.BATCH, run.reference)


@transactional
def send_proposals(proposals: list[Proposal], user: User) -> int:
    """Send each chosen proposal to its home as an offer, as a single search would (a sibling
    group as one offer); the number of offers made."""
    first_children = {
        r.reference: r
        for r in db.session.scalars(
            select(Referral).where(Referral.reference.in_([p.key for p in proposals]))
        )
    }
    sent = [
        offers.send(first_children[proposal.key], {proposal.home: proposal.terms}, user)
        for proposal in proposals
    ]
    return sum(len(made) for made in sent)
