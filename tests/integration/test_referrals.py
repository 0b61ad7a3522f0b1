"""A commissioner places a child: referral, search, targeted offers, answers, confirmation."""

import re
import threading

import pytest
from sqlalchemy import func, select

from commissioning.admin.services import create_user
from commissioning.extensions import db
from commissioning.models import AuditEvent, Home, Offer, Placement, Referral, User
from commissioning.referrals import services
from tests.integration.conftest import csrf_token

SECTIONS = {
    "child": {"age": "14", "sex": "F", "needed_by": "lt5days"},
    "needs": {
        "needs": ["emotional_behavioural"],
        "communication_needs": ["esol"],
        "cultural_needs": "Halal diet",
    },
    "risks": {"risks_to_self": ["going_missing"], "risks_to_others": []},
    "living": {"living_alongside": "with_others", "pets": "can", "sibling_reference": ""},
    "legal": {"secure_order": "no", "deprivation_of_liberty": "no"},
    "location": {"family_sector": "m14 5", "school_sector": "M13 9", "keep_school": "y"},
}


def post_section(client, reference, section, **changes):
    url = f"/referrals/{reference}/{section}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **SECTIONS[section], **changes})


def start(client) -> str:
    token = csrf_token(client.get("/referrals/").get_data(as_text=True))
    response = client.post("/referrals/new", data={"csrf_token": token})
    assert response.status_code == 302
    return re.search(r"/referrals/(R-[A-Z0-9]+)/child", response.headers["Location"]).group(1)


def written_referral(client) -> str:
    reference = start(client)
    for section in SECTIONS:
        assert post_section(client, reference, section).status_code == 302, section
    token = csrf_token(client.get(f"/referrals/{reference}/check").get_data(as_text=True))
    assert (
        client.post(f"/referrals/{reference}/submit", data={"csrf_token": token}).status_code == 302
    )
    return reference


def test_a_referral_is_written_section_by_section_and_checked(app, commissioner):
    reference = start(commissioner)
    response = post_section(commissioner, reference, "child")
    assert response.headers["Location"].endswith(f"/referrals/{reference}/needs")
    page = commissioner.get(f"/referrals/{reference}/check").get_data(as_text=True)
    assert "Complete the referral" in page and "Incomplete" in page
    for section in list(SECTIONS)[1:]:
        post_section(commissioner, reference, section)
    page = commissioner.get(f"/referrals/{reference}/check").get_data(as_text=True)
    assert "Check your answers" in page
    assert "M14 5" in page and "Halal diet" in page and "Going missing" in page
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        assert referral.status == "draft"
        assert referral.family_sector == "M14 5"
        assert referral.keep_school and referral.school_sector == "M13 9"


def test_the_referral_list_shows_drafts_and_the_demo_waiting_list(commissioner):
    reference = start(commissioner)
    page = commissioner.get("/referrals/").get_data(as_text=True)
    assert reference in page
    assert "Draft" in page and "Ready to send" in page


@pytest.mark.parametrize(
    "section, changes, message",
    [
        ("child", {"age": "19"}, "Age in years must be between 0 and 17"),
        ("child", {"sex": ""}, "Select girl or boy"),
        ("needs", {"needs": ["flying"]}, "is not a valid choice"),
        ("needs", {"cultural_needs": "x" * 301}, "must be 300 characters or fewer"),
        ("living", {"sibling_reference": "R-NOSUCH"}, "There is no open referral R-NOSUCH"),
        ("location", {"family_sector": "M14 5AB"}, "not the full postcode"),
        ("location", {"family_sector": "ZZ99 9"}, "We cannot find postcode sector ZZ99 9"),
        ("location", {"family_sector": "hello"}, "Enter a postcode sector in the correct format"),
        ("location", {"school_sector": ""}, "Enter the school postcode sector if the child"),
        ("location", {"avoid_sector": "M1 1"}, "Enter how far away from the area"),
        ("location", {"max_distance_km": "-4"}, "Furthest distance must be between 1 and 1000"),
    ],
)
def test_bad_referral_answers_get_a_message_and_write_nothing(
    app, commissioner, section, changes, message
):
    reference = start(commissioner)
    with app.app_context():
        events = db.session.scalar(select(func.count()).where(AuditEvent.object_id == reference))
    response = post_section(commissioner, reference, section, **changes)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text and message in text
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        assert referral.sections_done == []
        assert (
            db.session.scalar(select(func.count()).where(AuditEvent.object_id == reference))
            == events
        )


def test_an_incomplete_referral_cannot_be_submitted(commissioner):
    reference = start(commissioner)
    token = csrf_token(commissioner.get(f"/referrals/{reference}/check").get_data(as_text=True))
    commissioner.post(f"/referrals/{reference}/submit", data={"csrf_token": token})
    page = commissioner.get(f"/referrals/{reference}/check").get_data(as_text=True)
    assert "Complete every section before submitting" in page


def candidates(page: str) -> list[str]:
    return re.findall(r'name="homes" type="checkbox" value="([^"]+)"', page)


def test_search_ranks_homes_with_flags_map_and_reasons(commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    assert len(candidates(page)) == 30
    assert "homes can take this child" in page
    assert "<svg" in page and "Candidate homes and the child" in page
    assert "Why other homes are excluded" in page
    # The exclusion counts name the rule: the statement of purpose (CHR 2015 reg 14).
    assert "statement of purpose (CHR 2015 reg 14" in page
    assert "Weekly cost" in page and "Group impact" in page


def test_filters_and_weights_rerank_without_losing_the_referral(commissioner):
    reference = written_referral(commissioner)
    default = candidates(commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True))
    cheap = candidates(
        commissioner.get(
            f"/referrals/{reference}/search?per_km_family=0&per_impact_point=0"
        ).get_data(as_text=True)
    )
    near = commissioner.get(f"/referrals/{reference}/search?max_km=5").get_data(as_text=True)
    assert default != cheap
    assert len(candidates(near)) < len(default)
    assert reference in near
    bad = commissioner.get(f"/referrals/{reference}/search?max_km=-1").get_data(as_text=True)
    assert "Enter a distance from 1 to 1000 km" in bad


def test_why_not_explains_an_excluded_home(commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search?why_not=SC046524").get_data(
        as_text=True
    )
    assert "Home SC046524 cannot take this child" in page
    assert "secure" in page.lower()


def provider_client(app, urn: str):
    """A signed-in client for a new account of the provider that owns home urn."""
    with app.app_context():
        home = db.session.get(Home, urn)
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        email = f"manager-{urn.lower()}@provider.example"
        if db.session.scalar(select(User).where(User.email == email)) is None:
            create_user(
                {"email": email, "role": "provider", "provider_id": home.provider_id},
                "provider-password-1",
                by=admin,
            )
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": "provider-password-1"}
    )
    return client


def offer_id(app, reference: str, urn: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Offer.id)
            .join(Offer.referral)
            .where(Referral.reference == reference, Offer.home_urn == urn)
        )


def respond(client, offer: int, **answer):
    url = f"/provider/offers/{offer}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **answer})


def test_the_whole_journey_from_referral_to_confirmed_placement(app, commissioner):
    reference = written_referral(commissioner)
    search_url = f"/referrals/{reference}/search"
    page = commissioner.get(search_url).get_data(as_text=True)
    first, second = candidates(page)[:2]
    token = csrf_token(page)
    sent = commissioner.post(
        f"/referrals/{reference}/offers", data={"csrf_token": token, "homes": [first, second]}
    )
    assert sent.status_code == 302
    assert "Referral sent to 2 homes" in commissioner.get(sent.headers["Location"]).get_data(
        as_text=True
    )

    accepting, declining = provider_client(app, first), provider_client(app, second)
    offer_page = accepting.get(f"/provider/offers/{offer_id(app, reference, first)}")
    text = offer_page.get_data(as_text=True)
    assert reference in text and "M14" not in text  # the provider never sees where the child lives
    assert (
        respond(
            accepting,
            offer_id(app, reference, first),
            decision="accept",
            impact_assessment="Fits the current group.",
        ).status_code
        == 302
    )
    assert (
        respond(
            declining,
            offer_id(app, reference, second),
            decision="decline",
            decline_reason="impact_on_current_group",
            impact_assessment="Two residents go missing.",
        ).status_code
        == 302
    )

    with app.app_context():
        vacancies_before = db.session.get(Home, first).vacancies
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    assert "Impact on the current group" in page
    token = csrf_token(page)
    confirmed = commissioner.post(
        f"/referrals/{reference}/offers/{offer_id(app, reference, first)}/confirm",
        data={"csrf_token": token},
    )
    page = commissioner.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert f"Placement confirmed in home {first}" in page
    assert "Weekly cost" in page and "Distance from the family home" in page
    with app.app_context():
        placement = db.session.scalar(
            select(Placement).join(Placement.referral).where(Referral.reference == reference)
        )
        assert placement.home_urn == first
        assert db.session.get(Home, first).vacancies == vacancies_before - 1
        statuses = {o.home_urn: o.status for o in placement.referral.offers}
        assert statuses == {first: "confirmed", second: "declined"}
        assert [c.status for c in placement.referral.history] == [
            "draft",
            "ready",
            "offered",
            "placed",
        ]
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == reference))
        )
        assert {
            "referral.create",
            "referral.submit",
            "offer.send",
            "offer.accept",
            "offer.decline",
            "placement.confirm",
        } <= actions


def test_sending_needs_a_chosen_home(app, commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    response = commissioner.post(
        f"/referrals/{reference}/offers", data={"csrf_token": csrf_token(page)}
    )
    assert "Select at least one home to send the referral to" in response.get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        assert (referral.status, referral.offers) == ("ready", [])


def test_a_provider_sees_only_offers_to_its_own_homes(app, commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    first, *others = candidates(page)
    with app.app_context():
        owner = db.session.get(Home, first).provider_id
        outsiders_home = next(
            urn for urn in others if db.session.get(Home, urn).provider_id != owner
        )
    commissioner.post(
        f"/referrals/{reference}/offers", data={"csrf_token": csrf_token(page), "homes": [first]}
    )
    outsider = provider_client(app, outsiders_home)
    assert outsider.get(f"/provider/offers/{offer_id(app, reference, first)}").status_code == 404
    assert reference not in outsider.get("/provider/offers").get_data(as_text=True)


def test_a_decline_needs_a_reason_and_every_answer_an_assessment(app, commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    urn = candidates(page)[0]
    commissioner.post(
        f"/referrals/{reference}/offers", data={"csrf_token": csrf_token(page), "homes": [urn]}
    )
    provider = provider_client(app, urn)
    offer = offer_id(app, reference, urn)
    text = respond(provider, offer, decision="decline", impact_assessment="").get_data(as_text=True)
    assert "Select the reason for declining" in text
    assert "Enter your impact risk assessment" in text
    with app.app_context():
        assert db.session.get(Offer, offer).status == "sent"


def accepted_offer_for_last_bed(app, commissioner, urn: str) -> int:
    """A new referral, sent to home urn and accepted by its provider."""
    reference = written_referral(commissioner)
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        user = db.session.scalar(select(User).where(User.role == "commissioner"))
        match = {
            "distance_km": 3.0,
            "out_of_area": False,
            "at_a_distance": False,
            "over_20_miles": False,
            "weekly_cost": 5000,
            "group_impact": 0.0,
            "ofsted_grade": "good",
            "score": 5030,
            "solo": False,
        }
        offer = services.send_offers(referral, {urn: match}, user)[0]
        services.respond_to_offer(offer, True, None, "Fine", user)
        return offer.id


@pytest.mark.commits
def test_two_commissioners_confirming_the_last_bed_at_once_one_wins(app, commissioner):
    with app.app_context():
        urn = db.session.scalar(
            select(Home.urn)
            .where(Home.registration_status == "active", Home.places >= 2)
            .order_by(Home.urn)
            .limit(1)
        )
    offers = [accepted_offer_for_last_bed(app, commissioner, urn) for _ in range(2)]
    with app.app_context():
        db.session.get(Home, urn).vacancies = 1
        db.session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def confirm(offer_id_: int):
        with app.app_context():
            offer = db.session.get(Offer, offer_id_)
            user = db.session.scalar(select(User).where(User.role == "commissioner"))
            barrier.wait()
            try:
                services.confirm_placement(offer, user)
                outcomes.append("placed")
            except services.NoBedLeft:
                outcomes.append("no bed")

    threads = [threading.Thread(target=confirm, args=(o,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["no bed", "placed"]
    with app.app_context():
        assert db.session.get(Home, urn).vacancies == 0


def test_the_loser_of_the_last_bed_gets_a_clear_message(app, commissioner):
    with app.app_context():
        urn = db.session.scalar(
            select(Home.urn)
            .where(Home.registration_status == "active", Home.places >= 2)
            .order_by(Home.urn.desc())
            .limit(1)
        )
    offer = accepted_offer_for_last_bed(app, commissioner, urn)
    with app.app_context():
        db.session.get(Home, urn).vacancies = 0
        db.session.commit()
        reference = db.session.get(Offer, offer).referral.reference
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    response = commissioner.post(
        f"/referrals/{reference}/offers/{offer}/confirm", data={"csrf_token": csrf_token(page)}
    )
    text = commissioner.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Home {urn} has no bed left" in text
