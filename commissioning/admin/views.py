from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from commissioning.admin import queries, services
from commissioning.admin.forms import AuditFilterForm, NewUserForm
from commissioning.audit_text import AuditWords
from commissioning.auth.access import allow
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


@admin.route("/users/<int:user_id>/<any(disable, enable):change>", methods=["POST"])
@allow(Role.ADMIN)
def change_user(user_id: int, change: str):
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("You cannot disable your own account", "important")
        return redirect(url_for("admin.users"))
    services.set_user_active(user, change == "enable", by=current_user)
    flash(f"Account {change}d for {user.email}")
    return redirect(url_for("admin.users"))


@admin.route("/audit")
@allow(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    valid = form.validate() if request.args else True
    events = queries.audit_events(form.home.data or "", form.user.data or "") if valid else []
    return render_template("admin/audit.html", form=form, events=events, words=AuditWords(events))
