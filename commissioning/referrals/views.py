"""A commissioner's referrals: write one, group brothers and sisters, search, send it to
chosen homes, take offers back, confirm a placement after the approvals the law needs, and end
it. Views stay thin: validate, call one service, flash, redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

import matching
from commissioning import lifecycle
from commissioning.auth.access import allow
from commissioning.homes import local_authorities
from commissioning.record import locations, offers, placements, siblings
from commissioning.record import referrals as record
from commissioning.record.placements import ApprovalGiven, approvals_needed
from commissioning.record.problems import NoBedLeft, NotAllowedNow, RecordProblem
from commissioning.referrals import queries
from commissioning.referrals.candidate_map import candidate_map
from commissioning.referrals.forms import (
    SECTIONS,
    ButtonForm,
    ConfirmPlacementForm,
    EndPlacementForm,
    SearchSettingsForm,
    SendOffersForm,
    SiblingForm,
    WithdrawReferralForm,
)
from commissioning.vocabulary import OfferStatus, Role

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")

OWN = {"owns": "placing_authority"}


def _referral(reference: str):
    """The referral the access rule let through, loaded with what its pages show."""
    referral = queries.referral_for(current_user, reference)
    if referral is None:
        abort(404)
    return referral


def _to_referral(reference: str):
    return redirect(url_for("referrals.show", reference=reference))


def _problem_on(form, problem: RecordProblem):
    for name, message in problem.problems:
        field = form._fields.get(name)
        (field.errors if field is not None else form.form_errors).append(message)


@referrals.route("/")
@allow(Role.COMMISSIONER)
def index():
    return render_template(
        "referrals/index.html",
        referrals=queries.referrals_of(current_user),
        followed=queries.followed_by(current_user),
        form=FlaskForm(),
    )


@referrals.route("/new", methods=["POST"])
@allow(Role.COMMISSIONER)
def new():
    if not FlaskForm().validate_on_submit():
        abort(400)
    referral = record.start(current_user)
    return redirect(url_for("referrals.section", reference=referral.reference, section="child"))


def _next_page(referral, section: str) -> str:
    missing = record.missing_sections(referral)
    if request.args.get("return") == "check" or not missing:
        return url_for("referrals.check", reference=referral.reference)
    order = list(SECTIONS)
    after = [s for s in order[order.index(section) + 1 :] if s in missing]
    return url_for("referrals.section", reference=referral.reference, section=(after or missing)[0])


@referrals.route(
    "/<reference>/<any(child, needs, risks, living, legal, location):section>",
    methods=["GET", "POST"],
)
@allow(Role.COMMISSIONER, **OWN)
def section(reference: str, section: str):
    referral = _referral(reference)
    if not lifecycle.can_edit(referral):
        flash("This referral can no longer be changed", "important")
        return _to_referral(reference)
    form_class = SECTIONS[section]
    form = form_class(data=form_class.answers_of(referral))
    if form.validate_on_submit():
        try:
            record.save_answers(referral, section, form.record(), current_user)
            return redirect(_next_page(referral, section))
        except RecordProblem as problem:
            _problem_on(form, problem)
    return render_template(
        "referrals/section.html", referral=referral, form=form, section=section, sections=SECTIONS
    )


@referrals.route("/<reference>/check")
@allow(Role.COMMISSIONER, **OWN)
def check(reference: str):
    referral = _referral(reference)
    return render_template(
        "referrals/check.html",
        referral=referral,
        missing=record.missing_sections(referral),
        sections=SECTIONS,
        siblings=queries.siblings_of(referral),
        form=FlaskForm(),
    )


@referrals.route("/<reference>/submit", methods=["POST"])
@allow(Role.COMMISSIONER, **OWN)
def submit(reference: str):
    referral = _referral(reference)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        record.submit(referral, current_user)
    except (RecordProblem, NotAllowedNow):
        flash("Complete every section before submitting", "important")
        return redirect(url_for("referrals.check", reference=reference))
    waiting = [c.reference for c in offers.children_of(referral) if not lifecycle.is_waiting(c)]
    if waiting:
        flash(
            f"Referral {reference} is submitted. Submit {', '.join(waiting)} too: brothers and "
            "sisters are sent to homes together"
        )
        return _to_referral(reference)
    flash(f"Referral {reference} is ready: choose the homes to send it to")
    return redirect(url_for("referrals.search", reference=reference))


@referrals.route("/<reference>")
@allow(Role.COMMISSIONER, owns="follower")
def show(reference: str):
    referral = _referral(reference)
    return render_template(
        "referrals/show.html",
        referral=referral,
        siblings=queries.siblings_of(referral),
        sections=SECTIONS,
        own=referral.placing_la_code == current_user.la_code,
        sendable=lifecycle.can_send(offers.children_of(referral)),
        form=ButtonForm(),
    )


@referrals.route("/<reference>/siblings", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, **OWN)
def sibling_group(reference: str):
    referral = _referral(reference)
    form = SiblingForm()
    if lifecycle.can_change_siblings(referral) and form.validate_on_submit():
        try:
            added = siblings.add(referral, form.sibling_reference.data, current_user)
            flash(f"Referral {added.reference} will be placed together with {reference}")
            return redirect(url_for("referrals.sibling_group", reference=reference))
        except RecordProblem as problem:
            _problem_on(form, problem)
    return render_template(
        "referrals/siblings.html",
        referral=referral,
        siblings=queries.siblings_of(referral),
        form=form,
        remove_form=ButtonForm(),
    )


@referrals.route("/<reference>/siblings/<member>/remove", methods=["POST"])
@allow(Role.COMMISSIONER, **OWN)
def remove_sibling(reference: str, member: str):
    referral = _referral(reference)
    leaving = next((c for c in queries.siblings_of(referral) if c.reference == member), None)
    if leaving is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        siblings.remove(referral, leaving, current_user)
    except NotAllowedNow:
        flash("Withdraw the group's offers before changing who is in it", "important")
        return redirect(url_for("referrals.sibling_group", reference=reference))
    flash(f"Referral {member} is no longer in the group")
    return redirect(url_for("referrals.sibling_group", reference=reference))


def _weights(settings: SearchSettingsForm) -> matching.Weights:
    return matching.weights_with_overrides(settings.weight_overrides())


def _run_search(referral, settings: SearchSettingsForm):
    valid = settings.validate() if request.args else True
    max_km = settings.max_km.data if valid else None
    grade = settings.lowest_grade() if valid else None
    return queries.search(referral, _weights(settings), max_km, grade)


@referrals.route("/<reference>/search")
@allow(Role.COMMISSIONER, **OWN)
def search(reference: str):
    referral = _referral(reference)
    if not lifecycle.can_send(offers.children_of(referral)):
        flash("Submit the referral, and every brother's or sister's, before searching", "important")
        return redirect(url_for("referrals.check", reference=reference))
    settings = SearchSettingsForm(request.args)
    outcome = _run_search(referral, settings)
    return _render_search(referral, settings, outcome, SendOffersForm())


def _render_search(referral, settings, outcome, send_form):
    send_form.homes.choices = [(c.home.urn, f"Home {c.home.urn}") for c in outcome.candidates]
    why_not = settings.why_not.data.strip().upper() if settings.why_not.data else ""
    mapped = candidate_map(
        outcome.family,
        [
            (rank, c.home.lat, c.home.lon, c.terms.approximate_location)
            for rank, c in enumerate(outcome.candidates, 1)
        ],
        local_authorities(),
    )
    return render_template(
        "referrals/search.html",
        referral=referral,
        siblings=queries.siblings_of(referral),
        settings=settings,
        outcome=outcome,
        send_form=send_form,
        form=settings if settings.errors else send_form,
        why_not=why_not,
        why_not_reasons=outcome.result.why_not(why_not) if why_not else (),
        why_not_known=why_not in _searched_homes(outcome),
        offered={o.home_urn for o in referral.offers if o.status in OfferStatus.OPEN},
        candidate_map=mapped,
        ask_form=ButtonForm(),
    )


def _searched_homes(outcome) -> set[str]:
    return set(outcome.result.excluded) | {r.home_id for r in outcome.result.ranked}


@referrals.route("/<reference>/offers", methods=["POST"])
@allow(Role.COMMISSIONER, **OWN)
def send(reference: str):
    referral = _referral(reference)
    settings = SearchSettingsForm(request.args)
    outcome = _run_search(referral, settings)
    send_form = SendOffersForm()
    send_form.homes.choices = [(c.home.urn, c.home.urn) for c in outcome.candidates]
    if send_form.validate_on_submit():
        chosen = {
            c.home.urn: c.terms for c in outcome.candidates if c.home.urn in send_form.homes.data
        }
        try:
            sent = offers.send(referral, chosen, current_user)
        except RecordProblem as problem:
            _problem_on(send_form, problem)
        else:
            flash(f"Referral sent to {len(sent)} home{'' if len(sent) == 1 else 's'}")
            return _to_referral(reference)
    return _render_search(referral, settings, outcome, send_form), 200


@referrals.route("/<reference>/ask-location/<urn>", methods=["POST"])
@allow(Role.COMMISSIONER, **OWN)
def ask_location(reference: str, urn: str):
    _referral(reference)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not locations.ask_for_district(urn, current_user):
        abort(404)
    flash(f"We have asked the provider of home {urn} for its postcode district")
    return redirect(url_for("referrals.search", reference=reference))


def _offer(referral, offer_id: int):
    offer = next((o for o in referral.offers if o.id == offer_id), None)
    if offer is None:
        abort(404)
    return offer


@referrals.route("/<reference>/offers/<int:offer_id>/withdraw", methods=["POST"])
@allow(Role.COMMISSIONER, owns="follower")
def withdraw_offer(reference: str, offer_id: int):
    offer = _offer(_referral(reference), offer_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        offers.withdraw(offer, current_user)
    except NotAllowedNow:
        flash("This offer was answered, confirmed or withdrawn first", "important")
        return _to_referral(reference)
    flash(f"Offer to home {offer.home_urn} withdrawn: the home has been told")
    return _to_referral(reference)


@referrals.route("/<reference>/offers/<int:offer_id>/confirm", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, owns="offer_of_placing_authority")
def confirm(reference: str, offer_id: int):
    referral = _referral(reference)
    offer = _offer(referral, offer_id)
    if not lifecycle.can_confirm(offer):
        flash(
            "This offer cannot be confirmed: it is not accepted, or the child was placed",
            "important",
        )
        return _to_referral(reference)
    needed = approvals_needed(offer.terms)
    form = ConfirmPlacementForm(needed=needed)
    if form.validate_on_submit():
        approvals = [ApprovalGiven(*answers) for answers in form.approvals()]
        try:
            placements.confirm(offer, form.start_date.data, approvals, current_user)
        except RecordProblem as problem:
            _problem_on(form, problem)
        except NoBedLeft:
            flash(
                f"Home {offer.home_urn} has no bed left: another child was placed there first. "
                "Choose another accepted offer or search again.",
                "important",
            )
            return _to_referral(reference)
        except NotAllowedNow:
            flash(
                "This referral was placed, or the offer withdrawn, by someone else first",
                "important",
            )
            return _to_referral(reference)
        else:
            flash(f"Placement confirmed in home {offer.home_urn}")
            return _to_referral(reference)
    return render_template(
        "referrals/confirm.html", referral=referral, offer=offer, form=form, needed=needed
    )


@referrals.route("/<reference>/withdraw", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, **OWN)
def withdraw(reference: str):
    referral = _referral(reference)
    if not lifecycle.can_withdraw(referral):
        flash("This referral cannot be withdrawn now", "important")
        return _to_referral(reference)
    form = WithdrawReferralForm()
    if form.validate_on_submit():
        try:
            record.withdraw(referral, form.reason.data, current_user)
        except NotAllowedNow:
            flash("This referral was placed or withdrawn by someone else first", "important")
            return _to_referral(reference)
        flash(f"Referral {reference} withdrawn: homes holding an offer have been told")
        return _to_referral(reference)
    return render_template("referrals/withdraw.html", referral=referral, form=form)


@referrals.route("/<reference>/delete", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, **OWN)
def delete(reference: str):
    referral = _referral(reference)
    if not lifecycle.can_delete(referral):
        flash("Only a draft can be deleted: withdraw a submitted referral instead", "important")
        return _to_referral(reference)
    form = ButtonForm()
    if form.validate_on_submit():
        record.delete_draft(referral, current_user)
        flash(f"Draft referral {reference} deleted")
        return redirect(url_for("referrals.index"))
    return render_template("referrals/delete.html", referral=referral, form=form)


@referrals.route("/<reference>/placement/end", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, **OWN)
def end_placement(reference: str):
    referral = _referral(reference)
    placement = referral.placement
    if placement is None or not lifecycle.can_end(placement):
        flash("There is no current placement to end", "important")
        return _to_referral(reference)
    form = EndPlacementForm()
    if form.validate_on_submit():
        try:
            placements.end(placement, form.end_date.data, form.reason.data, current_user)
        except RecordProblem as problem:
            _problem_on(form, problem)
        else:
            flash(f"Placement in home {placement.home_urn} ended: its bed is free again")
            return _to_referral(reference)
    return render_template("referrals/end.html", referral=referral, placement=placement, form=form)
