from commissioning import audit
from commissioning.extensions import db
from commissioning.models import User
from commissioning.transactions import transactional
from commissioning.vocabulary import AuditAction, AuditObject


def _user_record(user: User) -> dict:
    return {
        "email": user.email,
        "role": user.role,
        "la_code": user.la_code,
        "consortium_id": user.consortium_id,
        "provider_id": user.provider_id,
        "active": user.active,
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
    action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
    audit.record(by, action, AuditObject.USER, user.id, before, _user_record(user))
