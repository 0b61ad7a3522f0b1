"""Sibling groups: brothers and sisters a commissioner asks to be placed together (Children
Act 1989, s22C(8)(c)). A group is one unit for matching and for the home, so its children's
answers must let them live in one home."""

from types import SimpleNamespace

from sqlalchemy import select

from commissioning import audit, lifecycle
from commissioning.extensions import db
from commissioning.models import Referral, SiblingGroup, User
from commissioning.record.history import new_reference
from commissioning.record.problems import NotAllowedNow, RecordProblem
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, Pets, ReferralStatus
from matching.feasibility import exploitation_conflict

FIELD = "sibling_reference"


def contradictions(children: list[Referral]) -> list[tuple[str, str]]:
    """What in the children's own answers stops any home taking them together, as (field of
    the referral form, message): Hearth's hard rules would otherwise exclude every home."""
    found = []
    if len({bool(child.secure_order) for child in children}) > 1:
        found.append(
            (
                "secure_order",
                "Brothers and sisters placed together must all have a secure accommodation "
                "order, or none of them: a secure children's home takes only children with one",
            )
        )
    pets = {child.pets for child in children}
    if Pets.MUST in pets and Pets.NO in pets:
        found.append(
            ("pets", "One child must live with pets and another cannot: no home can take both")
        )
    if any(
        exploitation_conflict(_risks(a), _risks(b))
        for i, a in enumerate(children)
        for b in children[i + 1 :]
    ):
        found.append(
            (
                "risks_to_others",
                "One child poses sexual harm or criminal exploitation to a brother or sister at "
                "risk of it: they cannot be placed together",
            )
        )
    return found


def _risks(child: Referral) -> SimpleNamespace:
    """The child's risks as the sets matching's rule reads."""
    return SimpleNamespace(
        risks_to_self=frozenset(child.risks_to_self or ()),
        risks_to_others=frozenset(child.risks_to_others or ()),
    )


def check_still_placeable_together(referral: Referral, answers: dict) -> None:
    """Refuse answers that would leave the child's group with no home it could share."""
    if referral.sibling_group is None:
        return
    found = contradictions(list(referral.sibling_group.referrals))
    for field, message in found:
        if field in answers:
            raise RecordProblem(field, message)
    if found:
        raise RecordProblem(next(iter(answers)), found[0][1])


def _open_referral(referral: Referral, reference: str) -> Referral | None:
    return db.session.scalar(
        select(Referral).where(
            Referral.reference == reference,
            Referral.placing_la_code == referral.placing_la_code,
            Referral.status.in_((ReferralStatus.DRAFT, *ReferralStatus.OPEN)),
        )
    )


@transactional
def add(referral: Referral, reference: str, user: User) -> Referral:
    """Put the child with this reference in the referral's group (merging their groups)."""
    other = _open_referral(referral, reference)
    if other is None or other.id == referral.id:
        raise RecordProblem(
            FIELD, f"There is no open referral {reference} from your local authority"
        )
    for child in (referral, other):
        if not lifecycle.can_change_siblings(child):
            raise RecordProblem(
                FIELD,
                f"Referral {child.reference} has been sent to homes: withdraw its offers before "
                "changing who it is placed with",
            )
    group = referral.sibling_group or other.sibling_group
    if group is None:
        group = SiblingGroup(reference=new_reference("S"), placing_la_code=referral.placing_la_code)
    joining = other.sibling_group.referrals if other.sibling_group else [other]
    members = {child.id: child for child in [*_members(referral), *joining]}
    problems = contradictions(list(members.values()))
    if problems:
        raise RecordProblem(FIELD, problems[0][1])
    for child in members.values():
        child.sibling_group = group
    _audit(user, AuditAction.SIBLING_ADD, referral, {"sibling": other.reference})
    return other


def _members(referral: Referral) -> list[Referral]:
    return list(referral.sibling_group.referrals) if referral.sibling_group else [referral]


@transactional
def remove(referral: Referral, member: Referral, user: User) -> None:
    if member.sibling_group is None or member.sibling_group is not referral.sibling_group:
        raise RecordProblem(FIELD, f"Referral {member.reference} is not in this group")
    if not lifecycle.can_change_siblings(member):
        raise NotAllowedNow("the group has open offers")
    leave_group(member, user)
    _audit(user, AuditAction.SIBLING_REMOVE, referral, {"sibling": member.reference})


def leave_group(referral: Referral, user: User) -> None:
    """The child leaves its group; a group of one is no group, so it goes too."""
    group = referral.sibling_group
    if group is None:
        return
    referral.sibling_group = None
    left = [child for child in group.referrals if child.id != referral.id]
    if len(left) < 2:
        for child in left:
            child.sibling_group = None
        db.session.delete(group)


def _audit(user: User, action: AuditAction, referral: Referral, after: dict) -> None:
    audit.record(user, action, AuditObject.REFERRAL, referral.reference, None, after)
