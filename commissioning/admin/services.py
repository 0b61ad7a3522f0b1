from commissioning import audit
from commissioning.auth.users import roles_requiring_two_factor
from commissioning.extensions import db
from commissioning.models import RolePolicy, User
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject, Role


def _user_record(user: User) -> dict:
    return {
        "email": user.email,
        "role": user.role,
        "la_code": user.la_code,
        "consortium_id": user.consortium_id,
        "provider_id": user.provider_id,
        "active": user.active,
        "two_factor": "on" if user.has_two_factor else "off",
    }


@transactional
def create_user(details: dict, password: str, by: User) -> User:
    user = User(**details)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(by, AuditAction.USER_CREATE, AuditObject.USER, user.id, None, _user_record(user))
    return user


@transactional
def set_user_active(user: User, active: bool, by: User) -> None:
    before = _user_record(user)
    user.active = active
    if not active:
        user.end_sessions()
    action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
    audit.record(by, action, AuditObject.USER, user.id, before, _user_record(user))


@transactional
def reset_two_factor(user: User, by: User) -> None:
    """For someone who lost their authenticator app: the second factor goes, with every session
    of the account; they set it up again when they next sign in, if their role requires it."""
    before = _user_record(user)
    user.totp_secret = None
    user.totp_last_step = None
    user.end_sessions()
    after = _user_record(user)
    audit.record(by, AuditAction.USER_TWO_FACTOR_RESET, AuditObject.USER, user.id, before, after)


@transactional
def require_two_factor(roles: list[Role], by: User) -> None:
    before = roles_requiring_two_factor()
    for role in Role:
        policy = db.session.get(RolePolicy, role) or RolePolicy(role=role)
        policy.requires_two_factor = role in roles
        db.session.add(policy)
    db.session.flush()
    audit.record(
        by,
        AuditAction.ROLE_POLICY_TWO_FACTOR,
        AuditObject.ROLE_POLICY,
        "two-factor authentication",
        {"required_for": sorted(before)},
        {"required_for": sorted(roles_requiring_two_factor())},
    )
