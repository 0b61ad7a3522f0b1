"""A commissioner's referral: write it, search, send it to chosen homes, confirm a placement.

Views stay thin: validate, call one service, flash, redirect.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import matching
from commissioning.auth.access import allow
from commissioning.referrals import queries, services
from commissioning.referrals.candidate_map import candidate_map
from commissioning.referrals.forms import (
    SECTIONS,
    ConfirmForm,
    SearchSettingsForm,
    SendOffersForm,
    field_names,
)
from commissioning.registry.queries import local_authorities

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")

COMMISSIONER = "commissioner"


def _own_referral(reference: str):
    referral = queries.referral_of(current_user, reference)
    if referral is None:
        abort(404)
    return referral


@referrals.route("/")
@allow(COMMISSIONER)
def index():
    return render_template(
        "referrals/index.html", referrals=queries.referrals_of(current_user), form=FlaskForm()
    )


@referrals.route("/new", methods=["POST"])
@allow(COMMISSIONER)
def new():
    if not FlaskForm().validate_on_submit():
        abort(400)
    referral = services.start_referral(current_user)
    return redirect(url_for("referrals.section", reference=referral.reference, section="child"))


def _section_data(referral, section: str) -> dict:
    data = {name: getattr(referral, name, None) for name in field_names(SECTIONS[section])}
    for name in ("secure_order", "deprivation_of_liberty"):
        if name in data and section in referral.sections_done:
            data[name] = "yes" if data[name] else "no"
    if section == "location" and referral.avoid:
        data["avoid_sector"] = referral.avoid[0]["sector"]
        data["avoid_radius_km"] = referral.avoid[0]["radius_km"]
    if section == "living" and referral.sibling_group:
        others = queries.siblings_of(referral)
        data["sibling_reference"] = others[0].reference if others else None
    return data


def _next_page(referral, section: str) -> str:
    missing = services.missing_sections(referral)
    if request.args.get("return") == "check" or not missing:
        return url_for("referrals.check", reference=referral.reference)
    order = list(SECTIONS)
    after = [s for s in order[order.index(section) + 1 :] if s in missing]
    return url_for("referrals.section", reference=referral.reference, section=(after or missing)[0])


@referrals.route(
    "/<reference>/<any(child, needs, risks, living, legal, location):section>",
    methods=["GET", "POST"],
)
@allow(COMMISSIONER)
def section(reference: str, section: str):
    referral = _own_referral(reference)
    if referral.status not in ("draft", "ready"):
        flash("This referral has been sent to homes and can no longer be changed", "important")
        return redirect(url_for("referrals.show", reference=reference))
    form = SECTIONS[section](data=_section_data(referral, section))
    if form.validate_on_submit():
        try:
            services.save_section(referral, section, form.data, current_user)
            return redirect(_next_page(referral, section))
        except services.ReferralProblem as problem:
            form[problem.field].errors.append(problem.message)
    return render_template(
        "referrals/section.html", referral=referral, form=form, section=section, sections=SECTIONS
    )


@referrals.route("/<reference>/check")
@allow(COMMISSIONER)
def check(reference: str):
    referral = _own_referral(reference)
    return render_template(
        "referrals/check.html",
        referral=referral,
        missing=services.missing_sections(referral),
        sections=SECTIONS,
        siblings=queries.siblings_of(referral),
        form=FlaskForm(),
    )


@referrals.route("/<reference>/submit", methods=["POST"])
@allow(COMMISSIONER)
def submit(reference: str):
    referral = _own_referral(reference)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.submit_referral(referral, current_user)
    except services.ReferralProblem as problem:
        flash(problem.message, "important")
        return redirect(url_for("referrals.check", reference=reference))
    flash(f"Referral {reference} is ready: choose the homes to send it to")
    return redirect(url_for("referrals.search", reference=reference))


@referrals.route("/<reference>")
@allow(COMMISSIONER)
def show(reference: str):
    referral = _own_referral(reference)
    return render_template(
        "referrals/show.html",
        referral=referral,
        siblings=queries.siblings_of(referral),
        sections=SECTIONS,
    )


def _weights(settings: SearchSettingsForm) -> matching.Weights:
    overrides = {
        name: settings[name].data
        for name in ("per_km_family", "per_pound", "per_impact_point")
        if settings[name].data is not None and not settings[name].errors
    }
    return matching.weights_with_overrides(overrides)


def _run_search(referral, settings: SearchSettingsForm):
    valid = settings.validate() if request.args else True
    max_km = settings.max_km.data if valid else None
    grade = settings.grade.data if valid else ""
    return queries.search(referral, _weights(settings), max_km, grade or "")


@referrals.route("/<reference>/search")
@allow(COMMISSIONER)
def search(reference: str):
    referral = _own_referral(reference)
    if referral.status not in ("ready", "offered"):
        flash("Submit the referral before searching for homes", "important")
        return redirect(url_for("referrals.check", reference=reference))
    settings = SearchSettingsForm(request.args)
    outcome = _run_search(referral, settings)
    send_form = SendOffersForm()
    return _render_search(referral, settings, outcome, send_form)


def _render_search(referral, settings, outcome, send_form):
    send_form.homes.choices = [
        SelectChoice(c.home.urn, f"Home {c.home.urn}") for c in outcome.candidates
    ]
    why_not = settings.why_not.data.strip().upper() if settings.why_not.data else ""
    mapped = candidate_map(
        outcome.family,
        [(rank, c.home.lat, c.home.lon) for rank, c in enumerate(outcome.candidates, 1)],
        local_authorities(),
    )
    return render_template(
        "referrals/search.html",
        referral=referral,
        settings=settings,
        outcome=outcome,
        send_form=send_form,
        form=settings if settings.errors else send_form,
        why_not=why_not,
        why_not_reasons=outcome.result.why_not(why_not) if why_not else (),
        why_not_known=why_not in matching_table_ids(outcome),
        offered={offer.home_urn for offer in referral.offers},
        candidate_map=mapped,
        reason_text=matching.REASON_TEXT,
    )


def matching_table_ids(outcome) -> set[str]:
    return set(outcome.result.excluded) | {r.home_id for r in outcome.result.ranked}


@referrals.route("/<reference>/offers", methods=["POST"])
@allow(COMMISSIONER)
def send(reference: str):
    referral = _own_referral(reference)
    if referral.status not in ("ready", "offered"):
        abort(409)
    settings = SearchSettingsForm(request.args)
    outcome = _run_search(referral, settings)
    send_form = SendOffersForm()
    send_form.homes.choices = [SelectChoice(c.home.urn) for c in outcome.candidates]
    if not send_form.validate_on_submit():
        return _render_search(referral, settings, outcome, send_form), 200
    chosen = {
        c.home.urn: c.match() for c in outcome.candidates if c.home.urn in send_form.homes.data
    }
    offers = services.send_offers(referral, chosen, current_user)
    flash(f"Referral sent to {len(offers)} home{'' if len(offers) == 1 else 's'}")
    return redirect(url_for("referrals.show", reference=reference))


@referrals.route("/<reference>/offers/<int:offer_id>/confirm", methods=["POST"])
@allow(COMMISSIONER)
def confirm(reference: str, offer_id: int):
    referral = _own_referral(reference)
    offer = next((o for o in referral.offers if o.id == offer_id), None)
    if offer is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.confirm_placement(offer, current_user)
    except services.NoBedLeft:
        flash(
            f"Home {offer.home_urn} has no bed left: another child was placed there first. "
            "Choose another accepted offer or search again.",
            "important",
        )
        return redirect(url_for("referrals.show", reference=reference))
    except services.AlreadyDecided:
        flash("This referral has already been placed, or the offer is no longer open", "important")
        return redirect(url_for("referrals.show", reference=reference))
    flash(f"Placement confirmed in home {offer.home_urn}")
    return redirect(url_for("referrals.show", reference=reference))
