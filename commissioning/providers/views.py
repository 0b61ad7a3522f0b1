"""A provider's pages. Each edit: validate the form, call one service, flash, redirect."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

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
from commissioning.referrals import queries as referral_queries
from commissioning.referrals import services as referral_services
from commissioning.referrals.forms import OfferResponseForm

providers = Blueprint("providers", __name__, url_prefix="/provider")

STALE_MESSAGE = (
    "Someone else changed this home after you opened this page. Reload the page to see the "
    "latest details, then make your change again."
)


def _own_home(urn: str):
    """The signed-in provider's home; anyone else's is 'not found', never shown."""
    home = queries.home_of(current_user, urn)
    if home is None:
        abort(404)
    return home


def _save(home, change: Callable[[], None], message: str, form, template: str):
    try:
        change()
    except services.StaleEdit:
        return _render_edit(home, form, template, stale=True), 409
    flash(message)
    return redirect(url_for("providers.home", urn=home.urn))


def _render_edit(home, form, template: str, stale: bool = False):
    page_errors = [{"text": STALE_MESSAGE, "href": request.path}] if stale else []
    return render_template(template, home=home, form=form, page_errors=page_errors)


@providers.route("/")
@allow("provider")
def dashboard():
    return render_template("providers/dashboard.html", homes=queries.homes_of(current_user))


@providers.route("/homes/<urn>")
@allow("provider")
def home(urn: str):
    found = _own_home(urn)
    return render_template("providers/home.html", home=found, history=queries.history_of(found))


@providers.route("/homes/<urn>/vacancies", methods=["GET", "POST"])
@allow("provider")
def vacancies(urn: str):
    found = _own_home(urn)
    form = VacanciesForm(
        places=found.places, data={"vacancies": found.vacancies, "version": found.version}
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
@allow("provider")
def statement_of_purpose(urn: str):
    found = _own_home(urn)
    current = services.statement_of_purpose_record(found.statement_of_purpose) or {}
    form = StatementOfPurposeForm(data={**current, "version": found.version})
    if form.validate_on_submit():
        details = {name: form[name].data for name in form_fields(form)}
        return _save(
            found,
            lambda: services.update_statement_of_purpose(
                found, details, form.version.data, current_user
            ),
            "Statement of purpose updated",
            form,
            "providers/edit.html",
        )
    return _render_edit(found, form, "providers/edit.html")


def _places_left(home) -> int:
    return home.places - len(home.residents)


def form_fields(form) -> list[str]:
    """The names of the fields a person fills in (not the token, version or button)."""
    return [name for name in form._fields if name not in ("csrf_token", "version", "submit")]


@providers.route("/homes/<urn>/fee", methods=["GET", "POST"])
@allow("provider")
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
@allow("provider")
def location(urn: str):
    found = _own_home(urn)
    form = LocationForm(
        data={"postcode_district": found.postcode_district, "version": found.version}
    )
    if form.validate_on_submit():
        district = form.postcode_district.data
        try:
            return _save(
                found,
                lambda: services.update_postcode_district(
                    found, district, form.version.data, current_user
                ),
                "Location updated",
                form,
                "providers/edit.html",
            )
        except services.UnknownPostcodeDistrict:
            form.postcode_district.errors.append(
                f"We cannot find postcode district {district} in England; check it"
            )
    return _render_edit(found, form, "providers/edit.html")


@providers.route("/homes/<urn>/residents", methods=["GET", "POST"])
@allow("provider")
def residents(urn: str):
    found = _own_home(urn)
    form = ResidentForm(places_left=_places_left(found), data={"version": found.version})
    if form.validate_on_submit():
        details = {name: form[name].data for name in form_fields(form)}
        return _save(
            found,
            lambda: services.add_resident(found, details, form.version.data, current_user),
            "Child added to the current group",
            form,
            "providers/residents.html",
        )
    return _render_edit(found, form, "providers/residents.html")


@providers.route("/homes/<urn>/residents/<int:resident_id>/remove", methods=["POST"])
@allow("provider")
def remove_resident(urn: str, resident_id: int):
    found = _own_home(urn)
    resident = queries.resident_in(found, resident_id)
    if resident is None:
        abort(404)
    form = RemoveResidentForm()
    if not form.validate_on_submit():
        abort(400)
    return _save(
        found,
        lambda: services.remove_resident(found, resident, form.version.data, current_user),
        "Child removed from the current group",
        ResidentForm(places_left=_places_left(found), data={"version": found.version}),
        "providers/residents.html",
    )


@providers.route("/offers")
@allow("provider")
def offers():
    return render_template("providers/offers.html", offers=referral_queries.offers_to(current_user))


@providers.route("/offers/<int:offer_id>", methods=["GET", "POST"])
@allow("provider")
def offer(offer_id: int):
    found = referral_queries.offer_to(current_user, offer_id)
    if found is None:
        abort(404)
    form = OfferResponseForm()
    if found.status == "sent" and form.validate_on_submit():
        accept = form.decision.data == "accept"
        try:
            referral_services.respond_to_offer(
                found,
                accept,
                form.decline_reason.data or None,
                form.impact_assessment.data,
                current_user,
            )
        except referral_services.AlreadyDecided:
            flash("This referral has already been answered or withdrawn", "important")
            return redirect(url_for("providers.offer", offer_id=offer_id))
        flash(
            f"You have {'accepted' if accept else 'declined'} referral {found.referral.reference}"
        )
        return redirect(url_for("providers.offers"))
    return render_template("providers/offer.html", offer=found, form=form)
