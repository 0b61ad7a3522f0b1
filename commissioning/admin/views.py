from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from commissioning.admin import queries, services
from commissioning.admin.forms import AuditFilterForm, NewUserForm, TwoFactorRolesForm
from commissioning.audit_text import AuditWords
from commissioning.auth.access import allow
from commissioning.auth.users import roles_requiring_two_factor
from commissioning.homes import local_authorities
from commissioning.vocabulary import Role

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.route("/users")
@allow(Role.ADMIN)
def users():
    return render_template("admin/users.html", users=queries.users(), form=FlaskForm())


@admin.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = NewUserForm()
    form.set_scopes(local_authorities(), queries.consortia(), queries.providers())
    if form.validate_on_submit():
        if queries.user_with_email(form.email.data):
            form.email.errors.append("An account with this email address already exists")
        else:
            services.create_user(_scope(form), form.password.data, by=current_user)
            flash(f"Account created for {form.email.data}")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


def _scope(form: NewUserForm) -> dict:
    return {
        "email": form.email.data.strip(),
        "role": form.role.data,
        "la_code": form.la_code.data or None,
        "consortium_id": int(form.consortium_id.data) if form.consortium_id.data else None,
        "provider_id": int(form.provider_id.data) if form.provider_id.data else None,
    }


def _another_user(user_id: int):
    """The account an admin changes from the users list: 404 if there is none, 400 without the
    list's CSRF token, None if it is the admin's own (they need another admin for that)."""
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    return None if user.id == current_user.id else user


@admin.route("/users/<int:user_id>/<any(disable, enable):change>", methods=["POST"])
@allow(Role.ADMIN)
def change_user(user_id: int, change: str):
    user = _another_user(user_id)
    if user is None:
        flash("You cannot disable your own account", "important")
    else:
        services.set_user_active(user, change == "enable", by=current_user)
        flash(f"Account {change}d for {user.email}")
    return redirect(url_for("admin.users"))


@admin.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@allow(Role.ADMIN)
def reset_two_factor(user_id: int):
    user = _another_user(user_id)
    if user is None:
        flash("Ask another admin to reset your own two-factor authentication", "important")
    else:
        services.reset_two_factor(user, by=current_user)
        flash(f"Two-factor authentication reset for {user.email}: their sessions have ended")
    return redirect(url_for("admin.users"))


@admin.route("/two-factor", methods=["GET", "POST"])
@allow(Role.ADMIN)
def two_factor_roles():
    required = roles_requiring_two_factor()
    form = TwoFactorRolesForm(roles=required)
    if form.validate_on_submit():
        services.require_two_factor(form.roles.data, by=current_user)
        flash("Two-factor authentication requirement saved")
        return redirect(url_for("admin.two_factor_roles"))
    return render_template("admin/two_factor.html", form=form, required=required)


@admin.route("/audit")
@allow(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    valid = form.validate() if request.args else True
    events = queries.audit_events(form.home.data or "", form.user.data or "") if valid else []
    return render_template("admin/audit.html", form=form, events=events, words=AuditWords(events))
