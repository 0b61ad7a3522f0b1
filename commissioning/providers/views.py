"""A provider's homes. Each edit: validate the form, call one service, flash, redirect."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from commissioning.audit_text import AuditWords
from commissioning.auth.access import allow
from commissioning.providers import queries, services
from commissioning.providers.forms import (
    FeeForm,
    LocationForm,
    RemoveResidentForm,
    ResidentForm,
    StatementOfPurposeForm,
    VacanciesForm,
)
from commissioning.vocabulary import Role

providers = Blueprint("providers", __name__, url_prefix="/provider")

OWN_HOME = {"owns": "provider_home"}
STALE_MESSAGE = (
    "Someone else changed this home after you opened this page. Reload the page to see the "
    "latest details, then make your change again."
)


def _own_home(urn: str):
    home = queries.home_of(current_user, urn)
    if home is None:
        abort(404)
    return home


def _save(home, change: Callable[[], None], message: str, form, template: str):
    try:
        change()
    except services.StaleEdit:
        return _render_edit(home, form, template, stale=True), 409
    except services.ProviderProblem as problem:
        form[problem.field].errors.append(problem.message)
        return _render_edit(home, form, template)
    flash(message)
    return redirect(url_for("providers.home", urn=home.urn))


def _render_edit(home, form, template: str, stale: bool = False):
    page_errors = [{"text": STALE_MESSAGE, "href": request.path}] if stale else []
    return render_template(template, home=home, form=form, page_errors=page_errors)


@providers.route("/")
@allow(Role.PROVIDER)
def dashboard():
    return render_template(
        "providers/dashboard.html",
        homes=queries.homes_of(current_user),
        location_requests=queries.location_requests_for(current_user),
    )


@providers.route("/homes/<urn>")
@allow(Role.PROVIDER, **OWN_HOME)
def home(urn: str):
    found = _own_home(urn)
    history = queries.history_of(found)
    return render_template(
        "providers/home.html",
        home=found,
        history=history,
        words=AuditWords(history),
        location_asked=queries.location_asked(found),
    )


@providers.route("/homes/<urn>/vacancies", methods=["GET", "POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def vacancies(urn: str):
    found = _own_home(urn)
    form = VacanciesForm(
        places=found.places,
        living_there=len(found.residents),
        data={"vacancies": found.vacancies, "version": found.version},
    )
    if form.validate_on_submit():
        return _save(
            found,
            lambda: services.update_vacancies(
                found, form.vacancies.data, form.version.data, current_user
            ),
            "Vacancies updated",
            form,
            "providers/edit.html",
        )
    return _render_edit(found, form, "providers/edit.html")


@providers.route("/homes/<urn>/statement-of-purpose", methods=["GET", "POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def statement_of_purpose(urn: str):
    found = _own_home(urn)
    current = services.statement_of_purpose_record(found.statement_of_purpose) or {}
    form = StatementOfPurposeForm(
        living_there=len(found.residents), data={**current, "version": found.version}
    )
    if form.validate_on_submit():
        return _save(
            found,
            lambda: services.update_statement_of_purpose(
                found, form.details(), form.version.data, current_user
            ),
            "Statement of purpose updated",
            form,
            "providers/edit.html",
        )
    return _render_edit(found, form, "providers/edit.html")


@providers.route("/homes/<urn>/fee", methods=["GET", "POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def fee(urn: str):
    found = _own_home(urn)
    current = found.fee
    form = FeeForm(
        data={
            "weekly_fee": current and current.weekly_fee,
            "solo_weekly_fee": current and current.solo_weekly_fee,
            "version": found.version,
        }
    )
    if form.validate_on_submit():
        return _save(
            found,
            lambda: services.update_fee(
                found,
                form.weekly_fee.data,
                form.solo_weekly_fee.data,
                form.version.data,
                current_user,
            ),
            "Weekly fee updated",
            form,
            "providers/edit.html",
        )
    return _render_edit(found, form, "providers/edit.html")


@providers.route("/homes/<urn>/location", methods=["GET", "POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def location(urn: str):
    found = _own_home(urn)
    form = LocationForm(
        data={"postcode_district": found.postcode_district, "version": found.version}
    )
    if form.validate_on_submit():
        return _save(
            found,
            lambda: services.update_postcode_district(
                found, form.postcode_district.data, form.version.data, current_user
            ),
            "Location updated",
            form,
            "providers/edit.html",
        )
    return _render_edit(found, form, "providers/edit.html")


def _resident_form(home, data=None) -> ResidentForm:
    beds_free = home.places - len(home.residents) - home.vacancies
    return ResidentForm(beds_free=beds_free, data=data or {"version": home.version})


@providers.route("/homes/<urn>/residents", methods=["GET", "POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def residents(urn: str):
    found = _own_home(urn)
    form = _resident_form(found)
    if form.validate_on_submit():
        return _save(
            found,
            lambda: services.add_resident(found, form.details(), form.version.data, current_user),
            "Child added to the current group",
            form,
            "providers/residents.html",
        )
    return _render_edit(found, form, "providers/residents.html")


@providers.route("/homes/<urn>/residents/<int:resident_id>/remove", methods=["POST"])
@allow(Role.PROVIDER, **OWN_HOME)
def remove_resident(urn: str, resident_id: int):
    found = _own_home(urn)
    resident = queries.resident_in(found, resident_id)
    if resident is None:
        abort(404)
    form = RemoveResidentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.remove_resident(found, resident, form.version.data, current_user)
    except services.StaleEdit:
        return _render_edit(found, _resident_form(found), "providers/residents.html", True), 409
    except services.ProviderProblem as problem:
        flash(problem.message, "important")
        return redirect(url_for("providers.residents", urn=urn))
    flash("Child removed from the current group")
    return redirect(url_for("providers.home", urn=urn))
