from commissioning import audit
from commissioning.extensions import db
from commissioning.models import User
from commissioning.transactions import transactional


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
    audit.record(by, "user.create", "user", str(user.id), None, _user_record(user))
    return user


@transactional
def set_user_active(user: User, active: bool, by: User) -> None:
    before = _user_record(user)
    user.active = active
    action = "user.enable" if active else "user.disable"
    audit.record(by, action, "user", str(user.id), before, _user_record(user))
