"""Signing in (a password, then a security code where the account has a second factor),
signing out, and each person's own account: their password and their second factor."""

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from commissioning.auth import pending, services, two_factor
from commissioning.auth.access import allow, public
from commissioning.auth.forms import ChangePasswordForm, SecurityCodeForm, SignInForm
from commissioning.auth.users import authenticate, must_set_up_two_factor
from commissioning.extensions import limiter
from commissioning.models import User
from commissioning.vocabulary import Role

# Failed attempts, counted per account whatever the address (so guesses spread over many
# addresses are stopped too) and per address; a success is not counted.
FAILED_SIGN_INS_PER_ACCOUNT = "10 per 15 minutes"
FAILED_SIGN_INS_PER_ADDRESS = "50 per 15 minutes"
WRONG_CODES_PER_ACCOUNT = "10 per 15 minutes"
WRONG_PASSWORDS_PER_ACCOUNT = "10 per 15 minutes"

WRONG_CODE = "The security code is not correct or has expired: enter the code your app shows now"
SETUP_KEY = "two_factor_key_being_set_up"

HOME_PAGES = {
    Role.COMMISSIONER: "registry.directory",
    Role.ANALYST: "registry.directory",
    Role.PROVIDER: "providers.dashboard",
    Role.ADMIN: "admin.users",
}

auth = Blueprint("auth", __name__)


def _failed(response) -> bool:
    return response.status_code != 302


# Rate-limit keys: attempts count against the account, named by its email address.
def _email_tried() -> str:
    return "account|" + (request.form.get("email") or "").strip().lower()


def _account_awaiting_code() -> str:
    user = pending.awaiting_code()
    return "account|" + (user.email.lower() if user else "")


def _signed_in_account() -> str:
    return "account|" + current_user.email.lower()


def _me() -> User:
    """The signed-in user itself, not Flask-Login's stand-in for it."""
    return current_user._get_current_object()


def home_page(role: str) -> str:
    return url_for(HOME_PAGES[role])


def is_same_site_path(target: str) -> bool:
    """A path on this site, however a browser reads it.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/<tab>/evil.example" and "/\\evil.example" lead off-site; the target is checked as given
    and once more unquoted, refusing schemes, hosts, backslashes, spaces and control characters.
    """
    for text in (target, unquote(target)):
        parts = urlsplit(text)
        if (
            not text.startswith("/")
            or text.startswith("//")
            or parts.scheme
            or parts.netloc
            or "\\" in text
            or any(char.isspace() or unicodedata.category(char).startswith("C") for char in text)
        ):
            return False
    return True


def _next_page(user: User) -> str:
    target = request.args.get("next") or ""
    return target if is_same_site_path(target) else home_page(user.role)


@auth.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    FAILED_SIGN_INS_PER_ACCOUNT, key_func=_email_tried, methods=["POST"], deduct_when=_failed
)
@limiter.limit(FAILED_SIGN_INS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors.append("Enter a correct email address and password")
        elif user.has_two_factor:
            pending.await_code(user, _next_page(user))
            return redirect(url_for("auth.sign_in_code"))
        else:
            services.sign_in(user)
            return redirect(_next_page(user))
    return render_template("auth/sign_in.html", form=form)


@auth.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(
    WRONG_CODES_PER_ACCOUNT, key_func=_account_awaiting_code, methods=["POST"], deduct_when=_failed
)
@limiter.limit(FAILED_SIGN_INS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
def sign_in_code():
    user = pending.awaiting_code()
    if user is None:
        if pending.discard():
            flash("Sign in again: the security code must be entered within 5 minutes", "important")
        return redirect(url_for("auth.sign_in"))
    form = SecurityCodeForm()
    if form.validate_on_submit():
        step = two_factor.accepted_step(user.totp_secret, form.code.data, user.totp_last_step)
        if step is None:
            form.code.errors.append(WRONG_CODE)
        else:
            next_page = pending.finish()
            services.sign_in(user, code_step=step)
            return redirect(next_page)
    return render_template("auth/code.html", form=form)


@auth.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        services.sign_out(_me())
    flash("You have been signed out")
    return redirect(url_for("auth.sign_in"))


@auth.route("/account")
@allow(*Role)
def account():
    return render_template("auth/account.html")


@auth.route("/account/password", methods=["GET", "POST"])
@allow(*Role)
@limiter.limit(
    WRONG_PASSWORDS_PER_ACCOUNT, key_func=_signed_in_account, methods=["POST"], deduct_when=_failed
)
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        elif current_user.check_password(form.new_password.data):
            form.new_password.errors.append("Enter a password different from your current one")
        else:
            services.change_password(_me(), form.new_password.data)
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@auth.route("/account/two-factor", methods=["GET", "POST"])
@allow(*Role)
@limiter.limit(
    WRONG_CODES_PER_ACCOUNT, key_func=_signed_in_account, methods=["POST"], deduct_when=_failed
)
def set_up_two_factor():
    if current_user.has_two_factor:
        flash("Two-factor authentication is already on", "important")
        return redirect(url_for("auth.account"))
    required = must_set_up_two_factor(current_user)
    # The key is kept in the signed session until a code proves the app has it.
    key = session.setdefault(SETUP_KEY, two_factor.new_key())
    form = SecurityCodeForm()
    if form.validate_on_submit():
        step = two_factor.accepted_step(key, form.code.data, last_step=None)
        if step is None:
            form.code.errors.append(WRONG_CODE)
        else:
            services.turn_on_two_factor(_me(), key, step)
            session.pop(SETUP_KEY)
            flash("Two-factor authentication is on: you will enter a security code each time")
            return redirect(home_page(current_user.role) if required else url_for("auth.account"))
    return render_template(
        "auth/two_factor.html",
        form=form,
        required=required,
        key=two_factor.key_for_typing(key),
        qr_code=two_factor.qr_code(key, current_user.email),
    )
