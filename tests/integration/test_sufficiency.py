"""The sufficiency dashboards and needs analyses as analysts, commissioners and admins use them."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from commissioning import demo
from commissioning.extensions import db
from commissioning.models import AuditEvent, Home, Placement, Referral, User
from commissioning.record import offers, placements
from commissioning.record import referrals as record
from commissioning.record.placements import ApprovalGiven
from commissioning.vocabulary import ApprovalKind, NeededBy, Sex
from sufficiency.dashboards import KINDS
from sufficiency.metrics.tables import Provenance
from sufficiency.models import NeedsAnalysis, PlacementRecord
from sufficiency.needs_file import allowed_periods, template_csv
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.journeys import terms

MANCHESTER = "E08000003"
TEMPLATE = template_csv(date.today())
PERIOD = next(line for line in TEMPLATE.splitlines() if line[:1].isdigit()).split(",")[0]


@pytest.fixture
def analyst(client):
    sign_in(client, "analyst")
    return client


@pytest.fixture
def admin(client):
    sign_in(client, "admin")
    return client


def csv_lines(content: bytes) -> tuple[list[str], list[list[str]]]:
    """A CSV export's comment lines and its rows: UTF-8 with a byte order mark."""
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(line for line in lines if line[:1] != "#"))))
    return comments, rows


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return csv_lines(response.data)[1]


def test_an_admin_sees_the_national_register_totals(admin):
    text = admin.get("/sufficiency/supply").get_data(as_text=True)
    assert "Supply of children&#39;s homes: England" in text
    assert "3,491" in text and "14,486" in text


def test_the_secure_dashboard_shows_all_13_secure_homes_with_214_places(analyst):
    rows = csv_rows(analyst.get("/sufficiency/secure.csv?table=secure_homes"))
    assert rows[-1] == ["Total", "13", "214", "13", "214", "0"]


def test_single_place_homes_compare_the_2023_and_2024_registers(admin):
    rows = csv_rows(admin.get("/sufficiency/solo.csv?table=one_place_homes"))
    assert rows[0][1:3] == ["1-place homes 31 Aug 2023", "1-place homes 31 Mar 2024"]
    assert rows[-1] == ["Total", "232", "251", "19", "8.2"]


def test_an_analyst_sees_their_consortium_by_default(analyst):
    text = analyst.get("/sufficiency/distance").get_data(as_text=True)
    assert "North West Placements Consortium (demo)" in text
    rows = csv_rows(analyst.get("/sufficiency/distance.csv"))
    assert rows[0][0] == "Placing local authority"
    assert "Manchester" in [row[0] for row in rows]
    assert "Birmingham" not in [row[0] for row in rows]


def test_placement_figures_are_labelled_synthetic(analyst, app_context):
    # Other tests may have confirmed placements: then the tables mix recorded and demo rows.
    labels = {Provenance.SYNTHETIC, Provenance.MIXED}
    text = analyst.get("/sufficiency/cost").get_data(as_text=True)
    assert any(label.value in text for label in labels)
    comments, rows = csv_lines(analyst.get("/sufficiency/cost.csv").data)
    assert any(f"# {label.note}" in comments for label in labels)
    assert rows[-1][0] == "Total"  # the notes are above the table, not a row of it
    assert (
        db.session.scalar(select(func.count()).where(PlacementRecord.is_synthetic.is_(False))) == 0
    )


def test_small_counts_of_children_show_as_c_in_page_and_csv(analyst):
    text = analyst.get("/sufficiency/secure").get_data(as_text=True)
    rows = csv_rows(analyst.get("/sufficiency/secure.csv?table=secure_orders"))
    assert "c" in [cell for row in rows for cell in row[1:]]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">c</td>' in text


# (dashboard, table) pairs that count children, and the columns that are not counts.
TABLES_ABOUT_CHILDREN = [
    ("secure", "secure_orders"),
    ("secure", "secure_routes"),
    ("solo", "cost_by_type"),
    ("distance", "distance"),
    ("distance", "new_placements"),
    ("cost", "cost_distribution"),
    ("demand", "declined_offers"),
]
NOT_COUNTS = ("(%)", "cost", "days", "spend")


@pytest.mark.parametrize(("kind", "table"), TABLES_ABOUT_CHILDREN)
def test_no_table_about_children_has_a_count_from_1_to_4(admin, kind, table):
    for la in (MANCHESTER, "E06000053", ""):  # a city, the Isles of Scilly, England
        rows = csv_rows(admin.get(f"/sufficiency/{kind}.csv?la={la}&table={table}"))
        counts = [
            i for i, heading in enumerate(rows[0]) if not any(w in heading for w in NOT_COUNTS)
        ]
        # DfE's published rows keep DfE's own suppression (its threshold differs).
        for row in (row for row in rows[1:] if "DfE" not in row):
            assert not any(row[i] in {"1", "2", "3", "4"} for i in counts[1:] if i < len(row)), row


def test_a_filter_outside_the_analysts_scope_is_refused_on_the_field(analyst):
    response = analyst.get("/sufficiency/supply?la=E09000033&region=nowhere")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-message" in text
    assert "Choose a local authority from the list" in text
    assert "North West Placements Consortium (demo)" in text


def test_an_unknown_table_is_not_found(analyst):
    assert analyst.get("/sufficiency/supply.csv?table=nothing").status_code == 404


def test_a_commissioner_may_read_supply_but_not_figures_about_children(commissioner):
    assert commissioner.get("/sufficiency/supply").status_code == 200
    assert commissioner.get("/sufficiency/map").status_code == 200
    assert commissioner.get("/sufficiency/secure").status_code == 403
    assert commissioner.get("/sufficiency/needs-analyses").status_code == 403


def plotly_url(client) -> str:
    text = client.get("/sufficiency/map").get_data(as_text=True)
    assert "cdn" not in text.lower()
    return re.search(r'src="(/sufficiency/plotly-basic\.[0-9a-f]{16}\.min\.js)"', text).group(1)


@pytest.mark.parametrize(("accepts", "coding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_charts_use_a_small_compressed_plotly_kept_for_a_year(analyst, accepts, coding):
    script = analyst.get(plotly_url(analyst), headers={"Accept-Encoding": accepts})
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers.get("Content-Encoding") == coding
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in script.headers["Vary"]
    assert len(script.data) < (500_000 if coding else 1_300_000)  # the full bundle: 4.8 MB


def test_an_old_plotly_address_is_not_found(analyst):
    assert analyst.get("/sufficiency/plotly-basic.0000000000000000.min.js").status_code == 404


def test_pages_and_csv_are_compressed_for_a_browser_that_accepts_it(analyst):
    for path in ("/sufficiency/map", "/sufficiency/distance.csv"):
        response = analyst.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", path


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_dashboard_renders_nationally_with_its_tables_as_csv_and_all_as_a_zip(admin, kind):
    """Render times are measured (tests/benchmarks), not asserted: a shared CI machine makes
    timed tests flaky."""
    text = admin.get(f"/sufficiency/{kind}").get_data(as_text=True)
    assert "govuk-table" in text
    assert f"/sufficiency/{kind}.csv" in text
    assert f'href="/sufficiency/{kind}.zip"' in text
    download = admin.get(f"/sufficiency/{kind}.zip")
    assert download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    assert names[-1] == "notes.txt" and all(name.endswith(".csv") for name in names[:-1])
    notes = archive.read("notes.txt").decode("utf-8-sig")
    assert "Open Government Licence v3.0" in notes
    for name in names[:-1]:
        comments, rows = csv_lines(archive.read(name))
        assert comments == [] and rows[0][0] and name.removesuffix(".csv") in notes


# ---- placements, offers and referrals recorded in Hearth

# The terms a commissioner saw when sending: far from home and over £10,000 a week.
FAR_AND_COSTLY = terms(
    distance_km=80.0,
    out_of_area=True,
    at_a_distance=True,
    over_20_miles=True,
    weekly_cost=12_000,
    score=12_080,
)
ASSESSMENT = {
    "impact_on_group": "Settled group of older girls; no shared risks.",
    "managing_risks": "A key worker from arrival and daily check-ins with school.",
}
APPROVALS = [ApprovalGiven(kind, "A. Senior", "Director", date.today()) for kind in ApprovalKind]


@pytest.fixture
def recorded(app):
    """Records children's referrals through the record's services as the demo commissioner
    (undone with the test's transaction)."""
    with app.app_context():
        user = db.session.scalar(
            select(User).where(User.email == f"commissioner@{demo.DEMO_DOMAIN}")
        )

        def submitted_referral(secure_order: bool = False) -> Referral:
            referral = record.start(user)
            answers = {
                "child": {"age": 15, "sex": Sex.M, "needed_by": NeededBy.LATER},
                "legal": {"secure_order": secure_order},
            }
            for section in record.SECTIONS:
                record.save_answers(referral, section, answers.get(section, {}), user)
            record.submit(referral, user)
            return referral

        def placed_after_a_decline(reason: str) -> Placement:
            """A referral sent to two homes: the first declines for reason, the second is
            confirmed."""
            homes = db.session.scalars(
                select(Home)
                .where(Home.provision_type == "childrens_home", Home.vacancies >= 1)
                .where(Home.registration_status == "active", Home.places >= 2)
                .order_by(Home.urn)
                .limit(2)
            ).all()
            declining, placing = offers.send(
                submitted_referral(), {home.urn: FAR_AND_COSTLY for home in homes}, user
            )
            offers.answer(declining, False, user, reason=reason)
            offers.answer(placing, True, user, **ASSESSMENT)
            return placements.confirm(placing, date.today(), APPROVALS, user)[0]

        yield submitted_referral, placed_after_a_decline


def figures(client, path: str, row: str = "Total") -> dict[str, str]:
    """One row of a dashboard's CSV, by heading."""
    rows = csv_rows(client.get(path))
    return dict(zip(rows[0], next(cells for cells in rows if cells[0] == row), strict=True))


def counted_once_more(before: dict, after: dict, heading: str) -> bool:
    """The figure went up by one, or is hidden now. A placement starting today opens a
    reporting year with few children in it: a figure they could be worked out from (England's
    out of area, say) may be hidden for as long as they are few."""
    return after[heading] == "c" or int(after[heading]) == int(before[heading]) + 1


def test_a_confirmed_placement_counts_on_the_distance_and_cost_dashboards(admin, recorded):
    _, placed_after_a_decline = recorded
    distance = "/sufficiency/distance.csv"  # England
    cost = "/sufficiency/cost.csv?table=cost_by_type"
    before = figures(admin, distance), figures(admin, cost, "All placements")
    placed_after_a_decline("location_unsuitable")
    after = figures(admin, distance), figures(admin, cost, "All placements")
    # England's totals stay shown: DfE hides parts before totals, an area's cells last.
    assert int(after[0]["Children placed"]) == int(before[0]["Children placed"]) + 1
    assert int(after[1]["Children"]) == int(before[1]["Children"]) + 1
    for heading in ("Out of area", "At a distance", "Over 20 miles"):
        assert counted_once_more(before[0], after[0], heading), (heading, before, after)
    assert counted_once_more(before[1], after[1], "Children costing over £10,000 a week")
    page = admin.get("/sufficiency/distance").get_data(as_text=True)
    assert Provenance.MIXED.value in page and Provenance.MIXED.note in page


def test_a_declined_offer_counts_on_the_demand_dashboard_under_its_reason(admin, recorded):
    _, placed_after_a_decline = recorded
    declines = "/sufficiency/demand.csv?table=declined_offers"
    reason = "Location unsuitable for the child"
    before = figures(admin, declines, reason), figures(admin, declines)
    placed_after_a_decline("location_unsuitable")
    after = figures(admin, declines, reason), figures(admin, declines)
    assert int(after[0]["Offers declined"]) == int(before[0]["Offers declined"]) + 1
    assert int(after[1]["Offers declined"]) == int(before[1]["Offers declined"]) + 1


def test_a_child_with_a_secure_order_waiting_to_be_placed_counts_as_waiting(admin, recorded):
    submitted_referral, _ = recorded
    orders = "/sufficiency/secure.csv?table=secure_orders"
    before = figures(admin, orders)
    submitted_referral(secure_order=True)
    after = figures(admin, orders)
    for heading in ("Children with a secure order", "Waiting for a secure bed"):
        assert counted_once_more(before, after, heading), (heading, before, after)
    assert after["In a secure children's home"] == before["In a secure children's home"]


# ---- needs analyses


def upload(client, content: bytes, la=MANCHESTER, filename="needs.csv"):
    token = csrf_token(client.get("/sufficiency/needs-analyses/upload").get_data(as_text=True))
    return client.post(
        "/sufficiency/needs-analyses/upload",
        data={"csrf_token": token, "la": la, "needs_file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def add_line(client, **changes):
    """Enter a needs analysis line for Manchester (autism, standard) with `changes`."""
    token = csrf_token(client.get("/sufficiency/needs-analyses/add-line").get_data(as_text=True))
    fields = {
        "la": MANCHESTER,
        "period": PERIOD,
        "need_category": "autism",
        "placement_type": "standard",
        "projected_children": "7",
        "current_placements": "6",
        "current_annual_spend": "1,500,000",
    }
    return client.post(
        "/sufficiency/needs-analyses/add-line",
        data={"csrf_token": token, **fields, **changes},
    )


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(NeedsAnalysis)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


@pytest.fixture
def undo_needs_analyses(app):
    yield
    with app.app_context():
        for analysis in db.session.scalars(select(NeedsAnalysis)):
            db.session.delete(analysis)
        db.session.execute(
            AuditEvent.__table__.delete().where(AuditEvent.object_type == "needs_analysis")
        )
        db.session.commit()


def test_the_template_downloads_with_the_values_each_column_may_hold(analyst):
    response = analyst.get("/sufficiency/needs-analyses/template.csv")
    comments, rows = csv_lines(response.data)
    first, last = allowed_periods(date.today())
    assert f"# period: a financial year from {first} to {last}, like {first}" in comments
    assert rows[0][0] == "period" and rows[1][0] == PERIOD


def test_an_uploaded_needs_analysis_appears_against_supply(
    analyst, app_context, undo_needs_analyses
):
    response = upload(analyst, TEMPLATE.encode())
    assert response.status_code == 302
    listing = analyst.get("/sufficiency/needs-analyses").get_data(as_text=True)
    assert "Needs analysis uploaded" in listing and "Uploaded needs.csv" in listing
    rows = csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))
    assert rows[1][:4] == [
        "Emotional and behavioural difficulties",
        "Standard residential",
        "24",
        "21",
    ]
    secure = next(row for row in rows if row[1] == "Secure welfare")
    assert secure[2:5] == ["c", "c", "c"]  # 3 projected, 2 placed and what they cost
    assert (
        db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.object_type == "needs_analysis")
        )
        == "needs_analysis.upload"
    )


def test_a_bad_file_lists_every_error_and_writes_nothing(analyst, app_context):
    before = counts()
    bad = TEMPLATE.replace(f"{PERIOD},mental_health,solo,5", "2025,mental_health,alone,x")
    response = upload(analyst, bad.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    line = 1 + next(i for i, text in enumerate(bad.splitlines()) if text.startswith("2025,"))
    assert f"line {line}, column A (period)" in text
    assert f"line {line}, column C (placement_type)" in text
    assert f"line {line}, column D (projected_children)" in text
    assert "nothing was saved" in text
    assert counts() == before


def test_an_upload_without_a_file_or_for_another_authority_is_refused(analyst, app_context):
    before = counts()
    token = csrf_token(analyst.get("/sufficiency/needs-analyses/upload").get_data(as_text=True))
    text = analyst.post(
        "/sufficiency/needs-analyses/upload", data={"csrf_token": token, "la": "E09000033"}
    ).get_data(as_text=True)
    assert "Choose a CSV file of your needs analysis" in text
    assert "Choose a local authority you write needs analyses for" in text
    assert "Not a valid choice" not in text
    assert counts() == before


def test_a_line_entered_in_the_form_is_added_to_the_analysis(
    analyst, app_context, undo_needs_analyses
):
    upload(analyst, TEMPLATE.encode())
    response = add_line(analyst)
    assert response.status_code == 302
    rows = csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))
    assert ["Autism", "Standard residential", "7", "6", "1500000"] in [row[:5] for row in rows]
    assert len([row for row in rows if len(row) > 1]) == 1 + 4  # the template's 3 lines + 1


def test_a_bad_line_gets_a_message_on_each_field_and_writes_nothing(analyst, app_context):
    before = counts()
    token = csrf_token(analyst.get("/sufficiency/needs-analyses/add-line").get_data(as_text=True))
    text = analyst.post(
        "/sufficiency/needs-analyses/add-line",
        data={
            "csrf_token": token,
            "la": MANCHESTER,
            "period": "2025-27",
            "need_category": "flying",
            "projected_children": "-3",
            "current_placements": "many",
        },
    ).get_data(as_text=True)
    first, last = allowed_periods(date.today())
    assert "Not a valid choice" not in text
    for message in (
        f"Enter the period as a financial year from {first} to {last}, like {first}",
        "Choose a need from the list",
        "Choose the placement type",
        "Projected number of children must be between 0 and 10,000",
        "Current placements must be a whole number, like 10",
        "Enter current annual spend in pounds",
    ):
        assert message in text
    assert counts() == before


def test_the_authority_chosen_by_default_is_the_analysts_own(analyst):
    for path in ("/sufficiency/needs-analyses/upload", "/sufficiency/needs-analyses/add-line"):
        text = analyst.get(path).get_data(as_text=True)
        assert re.search(rf'<option value="{MANCHESTER}"\s+selected', text), path


def test_a_period_outside_the_sensible_range_is_refused_on_the_field(analyst, app_context):
    before = counts()
    first, last = allowed_periods(date.today())
    text = add_line(analyst, period="2205-06").get_data(as_text=True)
    assert f"Enter a period from {first} to {last}" in text
    assert counts() == before


def confirm(client, analysis_path: str, button: str):
    token = csrf_token(client.get(analysis_path).get_data(as_text=True))
    return client.post(analysis_path, data={"csrf_token": token, button: "1"})


def test_replacing_an_analysis_asks_first_and_keeps_the_old_one_in_the_history(
    analyst, undo_needs_analyses
):
    assert upload(analyst, TEMPLATE.encode()).headers["Location"].endswith("/needs-analyses")
    second = TEMPLATE.replace(
        f"{PERIOD},emotional_behavioural,standard,24", f"{PERIOD},emotional_behavioural,standard,30"
    )
    asked = upload(analyst, second.encode(), filename="second.csv")
    question = asked.headers["Location"]
    assert question.endswith("/replace")
    page = analyst.get(question).get_data(as_text=True)
    assert "Replace Manchester's needs analysis?" in page
    assert "Uploaded needs.csv" in page and "Uploaded second.csv" in page
    # Until the analyst answers, the dashboards keep the current analysis.
    rows = csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))
    assert rows[1][2] == "24"
    assert confirm(analyst, question, "cancel").status_code == 302
    assert csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))[1][2] == "24"
    assert analyst.get(question).status_code == 404

    question = upload(analyst, second.encode(), filename="second.csv").headers["Location"]
    assert confirm(analyst, question, "replace").status_code == 302
    assert csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))[1][2] == "30"
    history = analyst.get(f"/sufficiency/needs-analyses/{MANCHESTER}/history").get_data(
        as_text=True
    )
    assert "Version 2" in history and "Version 1" in history
    assert history.index("second.csv") < history.index("needs.csv")


def test_a_line_replacing_other_figures_asks_first(analyst, undo_needs_analyses):
    upload(analyst, TEMPLATE.encode())
    response = add_line(
        analyst,
        need_category="emotional_behavioural",
        projected_children="25",
        current_placements="21",
        current_annual_spend="6552000",
    )
    assert response.headers["Location"].endswith("/replace")


@pytest.fixture
def admin_client(app):
    """A second browser, signed in as the admin, beside the analyst's."""
    client = app.test_client()
    sign_in(client, "admin")
    return client


def test_someone_elses_pending_analysis_is_not_found(analyst, admin_client, undo_needs_analyses):
    upload(analyst, TEMPLATE.encode())
    question = upload(analyst, TEMPLATE.encode()).headers["Location"]
    assert admin_client.get(question).status_code == 404


def test_another_authoritys_history_is_not_found(analyst):
    assert analyst.get("/sufficiency/needs-analyses/E09000033/history").status_code == 404


def test_the_distance_dashboard_sets_dfe_published_years_beside_hearths(analyst):
    rows = csv_rows(analyst.get(f"/sufficiency/distance.csv?la={MANCHESTER}&table=new_placements"))
    header, *years = rows
    assert header[:3] == ["Year to 31 March", "Source", "Inside the boundary, under 20 miles"]
    dfe = {row[0]: row for row in years if row[1] == "DfE"}
    assert sorted(dfe) == ["2018", "2019", "2020", "2021", "2022"]
    # DfE's figures as DfE published them, its own "c" kept: both >20 miles cells in 2022.
    assert dfe["2022"][2:8] == ["587", "c", "396", "c", "205", "1291"]
    assert any(row[1] == "Hearth" for row in years)
    by_authority = csv_rows(
        analyst.get("/sufficiency/distance.csv?table=new_placements_by_authority")
    )
    assert by_authority[0][1] == "Outside the boundary (%), DfE 2022"
    assert "Manchester" in [row[0] for row in by_authority]


def test_demand_compares_an_authority_with_places_near_it_and_a_consortium_with_its_own(
    analyst, undo_needs_analyses
):
    upload(analyst, TEMPLATE.encode())
    one = analyst.get(f"/sufficiency/demand?la={MANCHESTER}").get_data(as_text=True)
    assert "against places in Manchester and the authorities next to it" in one
    assert "Salford" in one and "Trafford" in one
    consortium = analyst.get("/sufficiency/demand").get_data(as_text=True)
    name = "North West Placements Consortium (demo)"
    assert f"against places in {name}" in consortium
    near = csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}"))[1]
    whole = csv_rows(analyst.get("/sufficiency/demand.csv"))[1]
    assert int(near[5]) < int(whole[5])  # fewer places near Manchester than in the consortium
    assert (
        csv_rows(analyst.get(f"/sufficiency/demand.csv?la={MANCHESTER}&table=need_over_time"))[0][2]
        == f"Projected children {PERIOD}"
    )
