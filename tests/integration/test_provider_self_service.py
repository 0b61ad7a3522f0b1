"""A provider keeps its own homes current; nobody else can, and bad input writes nothing."""

import re

import pytest
from sqlalchemy import func, select, update

from commissioning.extensions import db
from commissioning.models import AuditEvent, Home, Resident, User, VacancyUpdate
from commissioning.providers import services
from tests.integration.conftest import csrf_token, demo_provider_homes, sign_in


@pytest.fixture
def own_urn(app):
    """A home of the demo provider with an empty current group: every bed can be vacant."""
    urn = demo_provider_homes(app)[0]
    with app.app_context():
        home = db.session.get(Home, urn)
        home.residents.clear()
        db.session.commit()
    return urn


@pytest.fixture
def others_urn(app, own_urn):
    with app.app_context():
        own = db.session.get(Home, own_urn)
        return db.session.scalar(
            select(Home.urn).where(Home.provider_id != own.provider_id).limit(1)
        )


def form_state(client, url: str) -> dict:
    """The hidden fields of the form at url, as a person's browser would send them back."""
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', html)
    return {"csrf_token": csrf_token(html), "version": version.group(1) if version else ""}


def home_state(app, urn: str) -> tuple:
    with app.app_context():
        home = db.session.get(Home, urn)
        events = db.session.scalar(select(func.count()).where(AuditEvent.object_id == urn))
        return home.version, home.vacancies, home.postcode_district, events


def test_the_dashboard_lists_the_providers_own_homes_only(app, provider, own_urn, others_urn):
    text = provider.get("/provider/").get_data(as_text=True)
    listed = set(re.findall(r'href="/provider/homes/([^"]+)"', text))
    assert listed == set(demo_provider_homes(app))
    assert others_urn not in text


def test_updating_vacancies_records_when_and_who_and_confirms_them(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/vacancies"
    response = provider.post(url, data={**form_state(provider, url), "vacancies": "1"})
    assert response.status_code == 302
    page = provider.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vacancies updated" in page
    assert "1 of" in page and "confirmed" in page
    with app.app_context():
        home = db.session.get(Home, own_urn)
        assert home.vacancies == 1
        update = db.session.scalar(
            select(VacancyUpdate)
            .where(VacancyUpdate.home_urn == own_urn)
            .order_by(VacancyUpdate.id.desc())
            .limit(1)
        )
        assert (update.vacancies, update.is_synthetic) == (1, False)
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.object_id == own_urn).order_by(AuditEvent.id.desc())
        )
        assert event.action == "vacancies.update"
        assert event.after == {"vacancies": 1}
        assert event.user.email == "provider@demo.hearth.example"
    assert "Vacancies updated" in page  # the history on the home page


@pytest.mark.parametrize(
    "vacancies, message",
    [
        ("-1", "Vacant beds now must be between 0 and 99"),
        ("999", "Vacant beds now must be between 0 and 99"),
        ("1,000,000,000,000", "Vacant beds now must be a whole number, like 1"),
        ("²", "Vacant beds now must be a whole number, like 1"),
        ("two", "Vacant beds now must be a whole number, like 1"),
        ("", "Enter the number of vacant beds"),
    ],
)
def test_bad_vacancies_get_a_message_and_write_nothing(app, provider, own_urn, vacancies, message):
    url = f"/provider/homes/{own_urn}/vacancies"
    before = home_state(app, own_urn)
    response = provider.post(url, data={**form_state(provider, url), "vacancies": vacancies})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text and message in text
    assert home_state(app, own_urn) == before


STATEMENT = {
    "min_age": "11",
    "max_age": "17",
    "sexes": ["F", "M"],
    "needs": ["autism", "mental_health"],
    "accepts_emergencies": "y",
}


def test_the_statement_of_purpose_is_saved_as_the_providers_own(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/statement-of-purpose"
    response = provider.post(url, data={**form_state(provider, url), **STATEMENT})
    assert response.status_code == 302
    with app.app_context():
        statement = db.session.get(Home, own_urn).statement_of_purpose
        assert (statement.min_age, statement.max_age) == (11, 17)
        assert statement.needs == ["autism", "mental_health"]
        assert statement.accepts_emergencies and not statement.solo_only
        assert not statement.is_synthetic


@pytest.mark.parametrize(
    "change, message",
    [
        ({"min_age": "16", "max_age": "12"}, "Oldest age must be the same as or more than"),
        ({"needs": ["flying"]}, "Select needs from the list"),
        ({"sexes": []}, "Select girls, boys or both"),
        ({"max_age": "30"}, "Oldest age must be between 0 and 17"),
    ],
)
def test_a_bad_statement_of_purpose_writes_nothing(app, provider, own_urn, change, message):
    url = f"/provider/homes/{own_urn}/statement-of-purpose"
    before = home_state(app, own_urn)
    response = provider.post(url, data={**form_state(provider, url), **STATEMENT, **change})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in text
    assert home_state(app, own_urn) == before


def test_the_weekly_fee_is_saved(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/fee"
    data = {**form_state(provider, url), "weekly_fee": "6400", "solo_weekly_fee": "9800"}
    assert provider.post(url, data=data).status_code == 302
    with app.app_context():
        fee = db.session.get(Home, own_urn).fee
        assert (fee.weekly_fee, fee.solo_weekly_fee, fee.is_synthetic) == (6400, 9800, False)


def test_a_negative_fee_is_refused(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/fee"
    before = home_state(app, own_urn)
    text = provider.post(url, data={**form_state(provider, url), "weekly_fee": "-5"}).get_data(
        as_text=True
    )
    assert "Weekly fee for a standard placement must be between £1 and £50,000" in text
    assert home_state(app, own_urn) == before


def test_a_postcode_district_locates_the_home_more_precisely(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/location"
    data = {**form_state(provider, url), "postcode_district": " m14 "}
    assert provider.post(url, data=data).status_code == 302
    with app.app_context():
        home = db.session.get(Home, own_urn)
        assert (home.postcode_district, home.location_precision) == ("M14", "district")
        assert (home.lat, home.lon) != (home.local_authority.lat, home.local_authority.lon)


@pytest.mark.parametrize(
    "district, message",
    [
        ("M14 5XX", "Postcode district must be 4 characters or fewer"),
        ("14M", "Enter a postcode district in the correct format"),
        ("ZZ9", "We cannot find postcode district ZZ9 in England"),
        ("", "Enter the home&#39;s postcode district"),
        ("x" * 5000, "Postcode district must be 4 characters or fewer"),
    ],
)
def test_a_bad_postcode_district_writes_nothing(app, provider, own_urn, district, message):
    url = f"/provider/homes/{own_urn}/location"
    before = home_state(app, own_urn)
    response = provider.post(url, data={**form_state(provider, url), "postcode_district": district})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert home_state(app, own_urn) == before


def test_the_current_group_is_recorded_without_identifiers(app, provider, own_urn):
    url = f"/provider/homes/{own_urn}/residents"
    with app.app_context():
        home = db.session.get(Home, own_urn)
        for resident in list(home.residents):
            home.residents.remove(resident)
        db.session.commit()
    data = {
        **form_state(provider, url),
        "age": "14",
        "sex": "F",
        "risks_to_self": ["going_missing"],
        "risks_to_others": [],
    }
    assert provider.post(url, data=data).status_code == 302
    page = provider.get(url).get_data(as_text=True)
    assert "Going missing" in page
    with app.app_context():
        resident = db.session.scalar(select(Resident).where(Resident.home_urn == own_urn))
        assert (resident.age, resident.sex, resident.risks_to_self) == (14, "F", ["going_missing"])
        resident_id = resident.id
    remove = f"/provider/homes/{own_urn}/residents/{resident_id}/remove"
    assert provider.post(remove, data=form_state(provider, url)).status_code == 302
    with app.app_context():
        assert db.session.get(Resident, resident_id) is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"age": "25"}, "Age must be between 0 and 17"),
        ({"sex": "X"}, "Select girl or boy"),
        ({"risks_to_others": ["arson"]}, "Select risks to others from the list"),
    ],
)
def test_a_bad_resident_writes_nothing(app, provider, own_urn, change, message):
    url = f"/provider/homes/{own_urn}/residents"
    before = home_state(app, own_urn)
    data = {**form_state(provider, url), "age": "12", "sex": "M", **change}
    response = provider.post(url, data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert home_state(app, own_urn) == before


def test_a_second_save_from_a_stale_page_is_refused_with_a_clear_message(app, client, own_urn):
    url = f"/provider/homes/{own_urn}/vacancies"
    sign_in(client, "provider")
    colleague = app.test_client()
    sign_in(colleague, "provider")
    stale = form_state(client, url)
    fresh = form_state(colleague, url)
    assert colleague.post(url, data={**fresh, "vacancies": "1"}).status_code == 302
    response = client.post(url, data={**stale, "vacancies": "0"})
    assert response.status_code == 409
    assert "Someone else changed this home after you opened this page" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Home, own_urn).vacancies == 1


@pytest.mark.commits
def test_a_concurrent_write_caught_by_the_database_is_refused(app, own_urn):
    """Two transactions read the same version; the second to write matches no row."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "provider"))
        home = db.session.get(Home, own_urn)
        version = home.version
        with db.engine.begin() as other_transaction:
            other_transaction.execute(
                update(Home).where(Home.urn == own_urn).values(version=version + 1, vacancies=0)
            )
        with pytest.raises(services.StaleEdit):
            services.update_vacancies(home, 1, version, user)
    with app.app_context():
        assert db.session.get(Home, own_urn).vacancies == 0


PROVIDER_PAGES = ["", "/vacancies", "/statement-of-purpose", "/fee", "/location", "/residents"]


@pytest.mark.parametrize("page", PROVIDER_PAGES)
def test_another_providers_home_cannot_be_read_or_changed(app, provider, others_urn, page):
    url = f"/provider/homes/{others_urn}{page}"
    before = home_state(app, others_urn)
    assert provider.get(url).status_code == 404
    token = csrf_token(provider.get("/provider/").get_data(as_text=True))
    data = {"csrf_token": token, "version": before[0], "vacancies": "0", "weekly_fee": "1"}
    assert provider.post(url, data=data).status_code in (404, 405)
    assert home_state(app, others_urn) == before


@pytest.mark.parametrize("role", ["commissioner", "analyst", "admin"])
def test_other_roles_cannot_use_provider_forms(client, own_urn, role):
    sign_in(client, role)
    assert client.get(f"/provider/homes/{own_urn}/vacancies").status_code == 403


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(app, provider, own_urn):
    before = home_state(app, own_urn)
    url = f"/provider/homes/{own_urn}/vacancies"
    response = provider.post(url, data={"version": before[0], "vacancies": "0"})
    assert response.status_code == 400
    assert home_state(app, own_urn) == before


def test_an_analyst_sees_no_child_level_record(client, own_urn):
    sign_in(client, "analyst")
    text = client.get(f"/homes/{own_urn}").get_data(as_text=True)
    assert "Current group" not in text
    assert "Risks to" not in text
