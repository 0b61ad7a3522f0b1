"""Writing a referral: start it, save its answers, submit, amend, withdraw, delete a draft."""

from commissioning import audit, lifecycle
from commissioning.extensions import db
from commissioning.matching_data import sector_centroids
from commissioning.models import Referral, ReferralStatusChange, User
from commissioning.record import offers, siblings
from commissioning.record.history import move, new_reference, now
from commissioning.record.problems import NotAllowedNow, RecordProblem
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, ReferralStatus, WithdrawalReason

# The parts of the referral form; every one is saved before the referral can be submitted.
SECTIONS = ("child", "needs", "risks", "living", "legal", "location")
# How far a child who must keep going to their school may travel to it, unless the
# commissioner says otherwise (Children Act 1989, s22C(8)(b): do not disrupt education).
DEFAULT_SCHOOL_KM = 20


@transactional
def start(user: User) -> Referral:
    referral = Referral(
        reference=new_reference("R"),
        placing_la_code=user.la_code,
        consortium_id=user.consortium_id,
        created_by=user,
        status=ReferralStatus.DRAFT,
        sections_done=[],
        needs=[],
        risks_to_self=[],
        risks_to_others=[],
        communication_needs=[],
        avoid=[],
    )
    referral.history.append(ReferralStatusChange(status=ReferralStatus.DRAFT, by=user))
    db.session.add(referral)
    db.session.flush()
    _audit(user, AuditAction.REFERRAL_CREATE, referral)
    return referral


def _audit(user, action: AuditAction, referral: Referral, before=None, after=None) -> None:
    audit.record(user, action, AuditObject.REFERRAL, referral.reference, before, after)


def _check_sectors(answers: dict) -> None:
    wanted = {
        "family_sector": answers.get("family_sector"),
        "school_sector": answers.get("school_sector"),
        "avoid_sector": next((zone["sector"] for zone in answers.get("avoid") or []), None),
    }
    known = sector_centroids(wanted.values())
    for field, sector in wanted.items():
        if sector and sector not in known:
            raise RecordProblem(field, f"We cannot find postcode sector {sector} in England")


@transactional
def save_answers(referral: Referral, section: str, answers: dict, user: User) -> None:
    """Save one section's answers (column: value). After the referral was sent this is an
    amendment: every home holding an open offer is asked to answer again."""
    if not lifecycle.can_edit(referral):
        raise NotAllowedNow(f"referral {referral.status} cannot be changed")
    _check_sectors(answers)
    before = {name: getattr(referral, name) for name in answers}
    for name, value in answers.items():
        setattr(referral, name, value)
    siblings.check_still_placeable_together(referral, answers)
    referral.sections_done = sorted({*referral.sections_done, section})
    referral.updated_at = now()
    changed = {name: value for name, value in answers.items() if before[name] != value}
    if lifecycle.is_amendment(referral) and changed:
        offers.ask_again(referral, user)
        action = AuditAction.REFERRAL_AMEND
    else:
        action = AuditAction.REFERRAL_UPDATE
    _audit(user, action, referral, {name: before[name] for name in changed}, changed)


def missing_sections(referral: Referral) -> list[str]:
    return [section for section in SECTIONS if section not in referral.sections_done]


@transactional
def submit(referral: Referral, user: User) -> None:
    if missing_sections(referral):
        raise RecordProblem("sections", "Complete every section before submitting")
    move(referral, ReferralStatus.READY, user)
    _audit(user, AuditAction.REFERRAL_SUBMIT, referral)


@transactional
def withdraw(referral: Referral, reason: WithdrawalReason, user: User) -> None:
    """No longer needed: every home holding an offer for the child is told, and the child
    leaves its sibling group so the others can still be placed."""
    if not lifecycle.can_withdraw(referral):
        raise NotAllowedNow(f"referral {referral.status} cannot be withdrawn")
    offers.withdraw_all(referral, user)
    siblings.leave_group(referral, user)
    referral.withdrawal_reason = reason
    move(referral, ReferralStatus.WITHDRAWN, user, note=reason.label)
    _audit(user, AuditAction.REFERRAL_WITHDRAW, referral, None, {"reason": reason})


@transactional
def delete_draft(referral: Referral, user: User) -> None:
    if not lifecycle.can_delete(referral):
        raise NotAllowedNow(f"referral {referral.status} is not a draft")
    siblings.leave_group(referral, user)
    _audit(user, AuditAction.REFERRAL_DELETE, referral)
    db.session.delete(referral)
