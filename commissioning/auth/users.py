"""Looking users up; writing them is for the admin forms and the demo seed."""

from sqlalchemy import func, select

from commissioning.extensions import db, login_manager
from commissioning.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
