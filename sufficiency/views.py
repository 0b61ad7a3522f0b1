"""The sufficiency dashboards and needs analyses (Children Act 1989, s22G: each LA must secure
sufficient accommodation for the children it looks after). Views are thin: read the filters,
ask dashboards/queries/services, render."""

from datetime import date
from functools import cache
from hashlib import sha256
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from commissioning.auth.access import allow
from commissioning.csv_export import BYTE_ORDER_MARK
from commissioning.vocabulary import NeedsAnalysisStatus
from sufficiency import dashboards, queries, services
from sufficiency.forms import (
    AreaFilterForm,
    NeedsLineForm,
    NeedsUploadForm,
    ReplaceNeedsAnalysisForm,
)
from sufficiency.metrics.demand import NeedLine
from sufficiency.needs_file import NeedsFileError, allowed_periods, allowed_values, template_csv

sufficiency = Blueprint("sufficiency", __name__, url_prefix="/sufficiency")

# plotly.js with the chart types the dashboards draw, and its gzip and brotli forms, put here
# by `make install` from npm (plotly.js-basic-dist-min, pinned in package.json).
PLOTLY_BUNDLE = (
    Path(__file__).resolve().parent.parent / "commissioning/static/plotly/plotly-basic.min.js"
)
# Its URL names its content, so it may be kept for a year and never asked for again.
CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"
# A bad file lists its first problems, not all: 5,000 bad lines made a 6 MB page.
PROBLEMS_SHOWN = 25


@sufficiency.route("/")
@allow(*dashboards.READERS_OF_SUPPLY)
def index():
    kinds = [kind for kind in dashboards.KINDS.values() if current_user.role in kind.roles]
    return render_template(
        "sufficiency/index.html", kinds=kinds, scope=queries.scope_of(current_user)
    )


@cache
def _plotly_bundle() -> dict[str, bytes]:
    """The bundle by content coding ("identity", "br", "gzip")."""
    return {
        coding: PLOTLY_BUNDLE.with_name(PLOTLY_BUNDLE.name + suffix).read_bytes()
        for coding, suffix in (("identity", ""), ("br", ".br"), ("gzip", ".gz"))
    }


@sufficiency.app_template_global()
def plotly_bundle_url() -> str:
    digest = sha256(_plotly_bundle()["identity"]).hexdigest()[:16]
    return url_for("sufficiency.plotly_js", digest=digest)


@sufficiency.route("/plotly-basic.<digest>.min.js")
@allow(*dashboards.READERS_OF_SUPPLY)
def plotly_js(digest: str):
    # Served by Hearth itself: the dashboards load nothing from another server.
    if plotly_bundle_url() != request.path:
        abort(404)
    bundles = _plotly_bundle()
    coding = next(
        (c for c in ("br", "gzip") if request.accept_encodings.quality(c) > 0), "identity"
    )
    response = Response(bundles[coding], mimetype="text/javascript")
    if coding != "identity":
        response.headers["Content-Encoding"] = coding
    response.headers["Cache-Control"] = CACHE_FOR_A_YEAR
    response.vary.add("Accept-Encoding")
    return response


def _filtered(kind: dashboards.Kind):
    """The filter form, the area chosen within the user's scope, and the dashboard."""
    scope = queries.scope_of(current_user)
    places = queries.geography()
    choices = queries.area_choices(scope, places)
    form = AreaFilterForm(request.args)
    form.set_choices(choices, [request.args.get("period", "")])
    if request.args:
        form.validate()
    area = dashboards.resolve_area(scope, places, choices, form.chosen())
    dashboard = kind.build(
        dashboards.Request(
            area, places, queries.publication_areas(places), form.chosen().get("period")
        )
    )
    form.set_choices(choices, dashboard.periods)
    return form, area, dashboard


# plotly.js adds its own stylesheet and per-chart style rules from script, which a strict
# style-src blocks; only the dashboard pages, whose inputs are all our own figures, allow it.
PLOTLY_STYLE_SRC = "'self' 'unsafe-inline'"


def _dashboard_view(kind: dashboards.Kind):
    def show():
        g.csp_style_src = PLOTLY_STYLE_SRC
        form, area, dashboard = _filtered(kind)
        return render_template(
            "sufficiency/dashboard.html", kind=kind, form=form, area=area, dashboard=dashboard
        )

    return show


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _csv_view(kind: dashboards.Kind):
    def download():
        _, _, dashboard = _filtered(kind)
        tables = {panel.table.key: panel.table for panel in dashboard.panels}
        table = tables.get(request.args.get("table", next(iter(tables))))
        if table is None:
            abort(404)
        return _download(dashboards.table_csv(table), "text/csv", f"{kind.key}-{table.key}.csv")

    return download


def _zip_view(kind: dashboards.Kind):
    def download_all():
        _, area, dashboard = _filtered(kind)
        return _download(
            dashboards.dashboard_zip(kind, dashboard, area), "application/zip", f"{kind.key}.zip"
        )

    return download_all


for _kind in dashboards.KINDS.values():
    sufficiency.add_url_rule(
        f"/{_kind.key}", _kind.key, allow(*_kind.roles)(_dashboard_view(_kind))
    )
    sufficiency.add_url_rule(
        f"/{_kind.key}.csv", f"{_kind.key}_csv", allow(*_kind.roles)(_csv_view(_kind))
    )
    sufficiency.add_url_rule(
        f"/{_kind.key}.zip", f"{_kind.key}_zip", allow(*_kind.roles)(_zip_view(_kind))
    )


@sufficiency.app_template_global()
def csv_url(kind_key: str, table_key: str | None = None) -> str:
    """A table's CSV, or (without a table) the zip of all of them, for the same filters as
    the page showing it."""
    if table_key is None:
        return url_for(f"sufficiency.{kind_key}_zip", **request.args.to_dict())
    return url_for(f"sufficiency.{kind_key}_csv", **request.args.to_dict(), table=table_key)


# ---- needs analyses


def _authorities() -> list[tuple[str, str]]:
    return queries.area_choices(queries.scope_of(current_user), queries.geography()).authorities


@sufficiency.route("/needs-analyses")
@allow(*dashboards.ANALYSTS)
def needs_analyses():
    analyses = queries.latest_needs_analyses(queries.scope_of(current_user))
    return render_template("sufficiency/needs_analyses.html", analyses=analyses)


@sufficiency.route("/needs-analyses/template.csv")
@allow(*dashboards.ANALYSTS)
def needs_template():
    return Response(
        BYTE_ORDER_MARK + template_csv(date.today()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=needs-analysis-template.csv"},
    )


def _saved_or_confirm(analysis, saved_message: str):
    """Where to go once a version is written: the list, or the page asking to replace."""
    if analysis.status == NeedsAnalysisStatus.PENDING:
        return redirect(url_for("sufficiency.confirm_needs", analysis_id=analysis.id))
    flash(saved_message)
    return redirect(url_for("sufficiency.needs_analyses"))


@sufficiency.route("/needs-analyses/upload", methods=["GET", "POST"])
@allow(*dashboards.ANALYSTS)
def upload_needs():
    form = NeedsUploadForm()
    form.set_authorities(_authorities(), current_user.la_code)
    page_errors = []
    if form.validate_on_submit():
        upload = form.needs_file.data
        try:
            analysis = services.upload_needs_analysis(
                current_user,
                form.la.data,
                upload.filename or "upload.csv",
                upload.read(),
                date.today(),
            )
        except NeedsFileError as error:
            count = len(error.errors)
            form.needs_file.errors.append(
                f"The file has {count:,} problem{'' if count == 1 else 's'}: nothing was saved. "
                "Correct them and upload it again."
            )
            page_errors = [
                {"text": str(problem), "href": "#needs_file"}
                for problem in error.errors[:PROBLEMS_SHOWN]
            ]
            if count > PROBLEMS_SHOWN:
                more = count - PROBLEMS_SHOWN
                page_errors.append({"text": f"and {more:,} more problems", "href": "#needs_file"})
        else:
            return _saved_or_confirm(analysis, "Needs analysis uploaded")
    return render_template(
        "sufficiency/upload_needs.html",
        form=form,
        page_errors=page_errors,
        allowed=allowed_values(date.today()),
    )


@sufficiency.route("/needs-analyses/add-line", methods=["GET", "POST"])
@allow(*dashboards.ANALYSTS)
def add_needs_line():
    form = NeedsLineForm()
    form.set_authorities(_authorities(), current_user.la_code)
    if form.validate_on_submit():
        line = NeedLine(
            la_code=form.la.data,
            period=form.period.data.strip(),
            need_category=form.need_category.data,
            placement_type=form.placement_type.data,
            projected_children=form.projected_children.data,
            current_placements=form.current_placements.data,
            current_annual_spend=form.current_annual_spend.data,
        )
        return _saved_or_confirm(
            services.save_needs_line(current_user, line), "Needs analysis line saved"
        )
    first, last = allowed_periods(date.today())
    return render_template("sufficiency/add_needs_line.html", form=form, first=first, last=last)


@sufficiency.route("/needs-analyses/<int:analysis_id>/replace", methods=["GET", "POST"])
@allow(*dashboards.ANALYSTS, owns="needs_analysis_author")
def confirm_needs(analysis_id: int):
    analysis = queries.pending_needs_analysis(analysis_id, current_user)
    if analysis is None:
        abort(404)
    form = ReplaceNeedsAnalysisForm()
    if form.validate_on_submit():
        if form.replace.data:
            services.confirm_needs_analysis(current_user, analysis)
            flash("Needs analysis replaced. The one it replaced is kept in the history.")
        else:
            services.discard_needs_analysis(analysis)
            flash("Nothing was changed")
        return redirect(url_for("sufficiency.needs_analyses"))
    return render_template(
        "sufficiency/confirm_needs.html",
        form=form,
        analysis=analysis,
        current=queries.latest_needs_analysis(analysis.la_code),
    )


@sufficiency.route("/needs-analyses/<la_code>/history")
@allow(*dashboards.ANALYSTS)
def needs_history(la_code: str):
    if la_code not in dict(_authorities()):
        abort(404)
    return render_template(
        "sufficiency/needs_history.html",
        versions=queries.needs_history(la_code),
        authority=dict(_authorities())[la_code],
    )
