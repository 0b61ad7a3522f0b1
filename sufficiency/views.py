"""The sufficiency dashboards and needs analyses (Children Act 1989, s22G: each LA must secure
sufficient accommodation for the children it looks after). Views are thin: read the filters,
ask dashboards/queries/services, render."""

from importlib.resources import files

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from commissioning.auth.access import allow
from sufficiency import dashboards, queries, services
from sufficiency.forms import AreaFilterForm, NeedsLineForm, NeedsUploadForm
from sufficiency.metrics.demand import NeedLine
from sufficiency.needs_file import NeedsFileError, template_csv

sufficiency = Blueprint("sufficiency", __name__, url_prefix="/sufficiency")

PLOTLY_JS = files("plotly") / "package_data" / "plotly.min.js"
ONE_DAY = 24 * 60 * 60
# A bad file lists its first problems, not all: 5,000 bad lines made a 6 MB page.
PROBLEMS_SHOWN = 25


@sufficiency.route("/")
@allow(*dashboards.READERS_OF_SUPPLY)
def index():
    kinds = [kind for kind in dashboards.KINDS.values() if current_user.role in kind.roles]
    return render_template(
        "sufficiency/index.html", kinds=kinds, scope=queries.scope_of(current_user)
    )


@sufficiency.route("/plotly.min.js")
@allow(*dashboards.READERS_OF_SUPPLY)
def plotly_js():
    # Served from the plotly package itself: the dashboards load nothing from another server.
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=ONE_DAY)


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
    dashboard = kind.build(area, places, dashboards.Options(period=form.chosen().get("period")))
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


def _csv_view(kind: dashboards.Kind):
    def download():
        _, _, dashboard = _filtered(kind)
        tables = {panel.table.key: panel.table for panel in dashboard.panels}
        table = tables.get(request.args.get("table", next(iter(tables))))
        if table is None:
            abort(404)
        return Response(
            dashboards.as_csv(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={kind.key}-{table.key}.csv"},
        )

    return download


for _kind in dashboards.KINDS.values():
    sufficiency.add_url_rule(
        f"/{_kind.key}", _kind.key, allow(*_kind.roles)(_dashboard_view(_kind))
    )
    sufficiency.add_url_rule(
        f"/{_kind.key}.csv", f"{_kind.key}_csv", allow(*_kind.roles)(_csv_view(_kind))
    )


@sufficiency.app_template_global()
def csv_url(kind_key: str, table_key: str) -> str:
    """A table's CSV, for the same filters as the page showing it."""
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
        template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=needs-analysis-template.csv"},
    )


@sufficiency.route("/needs-analyses/upload", methods=["GET", "POST"])
@allow(*dashboards.ANALYSTS)
def upload_needs():
    form = NeedsUploadForm()
    form.set_authorities(_authorities())
    page_errors = []
    if form.validate_on_submit():
        upload = form.needs_file.data
        try:
            services.upload_needs_analysis(
                current_user, form.la.data, upload.filename or "upload.csv", upload.read()
            )
        except NeedsFileError as error:
            form.needs_file.errors.append(
                f"The file has {len(error.errors)} problem(s): nothing was saved. "
                "Correct them and upload it again."
            )
            page_errors = [
                {"text": str(problem), "href": "#needs_file"}
                for problem in error.errors[:PROBLEMS_SHOWN]
            ]
            if len(error.errors) > PROBLEMS_SHOWN:
                more = len(error.errors) - PROBLEMS_SHOWN
                page_errors.append({"text": f"and {more:,} more problems", "href": "#needs_file"})
        else:
            flash("Needs analysis uploaded")
            return redirect(url_for("sufficiency.needs_analyses"))
    return render_template("sufficiency/upload_needs.html", form=form, page_errors=page_errors)


@sufficiency.route("/needs-analyses/add-line", methods=["GET", "POST"])
@allow(*dashboards.ANALYSTS)
def add_needs_line():
    form = NeedsLineForm()
    form.set_authorities(_authorities())
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
        services.save_needs_line(current_user, line)
        flash("Needs analysis line saved")
        return redirect(url_for("sufficiency.needs_analyses"))
    return render_template("sufficiency/add_needs_line.html", form=form)
