"""A consortium lead's batch proposals: start, watch, compare, adjust and act on them."""

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from commissioning.auth.access import allow
from commissioning.batches import queries, runner, services
from commissioning.batches.forms import CancelForm, PairingForm, SendProposalsForm, StartBatchForm
from commissioning.batches.instances import open_referrals, referrals_by_reference
from commissioning.matching_data import home_table
from commissioning.vocabulary import BatchStatus, Role, Sex

batches = Blueprint("batches", __name__, url_prefix="/batches")


# Batch proposals span the consortium: only its leads may run and act on them.
LEAD = {"lead": True}
LEADS_RUN = {"lead": True, "owns": "consortium_batch"}


def _own_run(reference: str):
    run = queries.run_of(current_user, reference)
    if run is None:
        abort(404)
    return run


@batches.route("/")
@allow(Role.COMMISSIONER, **LEAD)
def index():
    return render_template("batches/index.html", runs=queries.runs_of(current_user))


@batches.route("/new", methods=["GET", "POST"])
@allow(Role.COMMISSIONER, **LEAD)
def new():
    waiting = open_referrals(current_user.consortium_id)
    everyone = {"referrals": [r.reference for r in waiting]}
    form = StartBatchForm(data=None if request.method == "POST" else everyone)
    form.referrals.description = (
        f"All {len(waiting)} waiting children of the consortium are chosen; "
        "untick any to leave out."
    )
    form.referrals.choices = [
        SelectChoice(
            r.reference,
            f"{r.reference} ({r.placing_la.name}, {r.age}, {Sex(r.sex).label.lower()})",
        )
        for r in waiting
    ]
    if form.validate_on_submit():
        chosen = [r for r in waiting if r.reference in form.referrals.data]
        try:
            run = services.start_run(
                current_user,
                chosen,
                {"time_limit": form.time_limit.data, "weights": form.weights()},
            )
        except runner.CannotStart:
            unavailable = [{"text": runner.UNAVAILABLE}]
            return render_template(
                "batches/new.html", form=form, waiting=waiting, page_errors=unavailable
            ), 503
        return redirect(url_for("batches.show", batch=run.reference))
    return render_template("batches/new.html", form=form, waiting=waiting)


@batches.route("/<batch>")
@allow(Role.COMMISSIONER, **LEADS_RUN)
def show(batch: str):
    run = _own_run(batch)
    if run.status in BatchStatus.ACTIVE:
        return render_template("batches/progress.html", run=run, form=CancelForm())
    return _result_page(run, SendProposalsForm())


def _result_page(run, send_form: SendProposalsForm) -> str:
    return render_template(
        "batches/result.html",
        run=run,
        proposals=queries.proposals(run),
        optimised=queries.summary(run.result),
        baseline=queries.summary(run.baseline),
        send_form=send_form,
        pairing_form=PairingForm(),
        form=send_form,
    )


@batches.route("/<batch>/progress.json")
@allow(Role.COMMISSIONER, **LEADS_RUN)
def progress(batch: str):
    run = _own_run(batch)
    return jsonify(
        status=run.status, status_label=run.status.label, progress=run.progress, message=run.message
    )


@batches.route("/<batch>/cancel", methods=["POST"])
@allow(Role.COMMISSIONER, **LEADS_RUN)
def cancel(batch: str):
    run = _own_run(batch)
    if not CancelForm().validate_on_submit():
        abort(400)
    services.request_cancel(run, current_user)
    flash("Cancelling: the best proposal found so far will be kept")
    return redirect(url_for("batches.show", batch=batch))


@batches.route("/<batch>/rerun", methods=["POST"])
@allow(Role.COMMISSIONER, **LEADS_RUN)
def rerun(batch: str):
    run = _own_run(batch)
    form = PairingForm()
    waiting = {r.reference for r in open_referrals(current_user.consortium_id)}
    in_run = referrals_by_reference([r for r in run.referral_references if r in waiting])
    if form.validate_on_submit():
        pairing = {"referral": form.referral.data.strip().upper(), "home": form.home.data.strip()}
        if pairing["referral"] not in {r.reference for r in in_run}:
            form.referral.errors.append("Enter the reference of a waiting child in this proposal")
        elif pairing["home"] not in home_table().index:
            form.home.errors.append("Enter the URN of an open home with a statement of purpose")
        else:
            settings = {
                "time_limit": run.time_limit,
                "seed": run.seed,
                "weights": run.weights,
                "pins": _without(run.pins, pairing)
                + ([pairing] if form.action.data == "pin" else []),
                "exclusions": _without(run.exclusions, pairing)
                + ([pairing] if form.action.data == "exclude" else []),
            }
            try:
                again = services.start_run(current_user, in_run, settings, parent=run)
            except runner.CannotStart:
                flash(runner.UNAVAILABLE, "important")
                return redirect(url_for("batches.show", batch=batch))
            return redirect(url_for("batches.show", batch=again.reference))
    problems = "; ".join(error for errors in form.errors.values() for error in errors)
    flash(f"Check the pairing: {problems}", "important")
    return redirect(url_for("batches.show", batch=batch))


def _without(pairings: list[dict], pairing: dict) -> list[dict]:
    return [p for p in pairings if p["referral"] != pairing["referral"]]


@batches.route("/<batch>/offers", methods=["POST"])
@allow(Role.COMMISSIONER, **LEADS_RUN)
def send(batch: str):
    run = _own_run(batch)
    sendable = {p.key: p for p in queries.proposals(run) if p.sendable}
    form = SendProposalsForm()
    form.proposals.choices = [SelectChoice(key) for key in sendable]
    if not form.validate_on_submit():
        # Nothing chosen, or only proposals whose bed has gone since: said on the field.
        return _result_page(run, form)
    chosen = [sendable[key] for key in form.proposals.data]
    holding = [p for p in chosen if p.offered_elsewhere]
    if holding and not form.send_anyway.data:
        form.send_anyway.errors.append(_already_offered(holding))
        return _result_page(run, form)
    sent = services.send_proposals(chosen, current_user)
    flash(f"{sent} proposal{'' if sent == 1 else 's'} sent as offers to the homes")
    return redirect(url_for("batches.show", batch=batch))


def _already_offered(holding) -> str:
    """A child should not hold two open offers without the lead choosing it knowingly."""
    children = "; ".join(
        f"{p.key} already holds an offer from home {', '.join(p.offered_elsewhere)}"
        for p in holding
    )
    return f"{children}. Tick the box to send anyway, or untick those proposals"


@batches.route("/<batch>/instance.json")
@allow(Role.COMMISSIONER, **LEADS_RUN)
def instance(batch: str):
    return _download(_own_run(batch).instance, f"hearth-{batch}-instance.json")


@batches.route("/<batch>/result.json")
@allow(Role.COMMISSIONER, **LEADS_RUN)
def result(batch: str):
    return _download(_own_run(batch).result or {}, f"hearth-{batch}-result.json")


def _download(data: dict, filename: str):
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
