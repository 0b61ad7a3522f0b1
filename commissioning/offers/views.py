"""A provider's referrals: the children sent to its homes, and its answer to each."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from commissioning import lifecycle
from commissioning.auth.access import allow
from commissioning.offers import queries
from commissioning.offers.forms import AnswerForm
from commissioning.record import offers as record
from commissioning.record.problems import NotAllowedNow, RecordProblem
from commissioning.vocabulary import Role

offers = Blueprint("offers", __name__, url_prefix="/provider/offers")


@offers.route("/")
@allow(Role.PROVIDER)
def index():
    return render_template("offers/index.html", offers=queries.offers_to(current_user))


@offers.route("/<int:offer_id>", methods=["GET", "POST"])
@allow(Role.PROVIDER, owns="offer_to_provider")
def offer(offer_id: int):
    found = queries.offer_to(current_user, offer_id)
    if found is None:
        abort(404)
    form = AnswerForm()
    if lifecycle.can_answer(found) and form.validate_on_submit():
        try:
            record.answer(
                found,
                form.accepts,
                current_user,
                reason=form.decline_reason.data or None,
                impact_on_group=form.impact_on_group.data,
                managing_risks=form.managing_risks.data,
            )
        except NotAllowedNow:
            flash("This referral has already been answered or withdrawn", "important")
            return redirect(url_for("offers.offer", offer_id=offer_id))
        except RecordProblem as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash(f"You have {'accepted' if form.accepts else 'declined'} the referral")
            return redirect(url_for("offers.index"))
    return render_template("offers/offer.html", offer=found, form=form)
