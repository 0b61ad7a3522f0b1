from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from commissioning.auth.access import public
from commissioning.auth.forms import SignInForm
from commissioning.auth.users import authenticate

auth = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a sign-in link cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("registry.directory")


@auth.route("/sign-in", methods=["GET", "POST"])
@public
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
