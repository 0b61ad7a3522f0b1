from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from commissioning.auth.access import public
from commissioning.auth.forms import SignInForm
from commissioning.auth.users import authenticate
from commissioning.extensions import limiter, sign_in_attempt_key

FAILED_SIGN_INS_PER_ACCOUNT = "10 per 15 minutes"
FAILED_SIGN_INS_PER_ADDRESS = "50 per 15 minutes"


def _failed(response) -> bool:
    return response.status_code != 302


auth = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a sign-in link cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(HOME_PAGES[current_user.role])


HOME_PAGES = {
    "commissioner": "registry.directory",
    "analyst": "registry.directory",
    "provider": "providers.dashboard",
    "admin": "admin.users",
}


@auth.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    FAILED_SIGN_INS_PER_ACCOUNT, key_func=sign_in_attempt_key, methods=["POST"], deduct_when=_failed
)
@limiter.limit(FAILED_SIGN_INS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@auth.route("/sign-out", methods=["POST"])
@public
def sign_out():
    logout_user()
    flash("You have been signed out")
    return redirect(url_for("auth.sign_in"))
