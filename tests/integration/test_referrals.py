"""A commissioner places a child: referral, search, targeted offers, answers, confirmation."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from commissioning.extensions import db
from commissioning.models import AuditEvent, Home, Offer, Placement, Referral, User
from commissioning.record import offers as record_offers
from commissioning.record import placements
from commissioning.record.problems import NoBedLeft
from commissioning.vocabulary import OfferStatus, ReferralStatus, Role
from tests.integration.conftest import csrf_token
from tests.integration.journeys import (
    ASSESSMENT,
    SECTIONS,
    accept,
    candidates,
    confirm,
    offer_id,
    post_section,
    provider_client,
    respond,
    send_to,
    start,
    terms,
    written_referral,
)


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
    assert "must keep going: no more than 20 km away" in page
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        assert referral.status == ReferralStatus.DRAFT
        assert referral.family_sector == "M14 5"
        assert referral.keep_school and referral.school_sector == "M13 9"
        assert referral.max_school_km == 20


def test_the_referral_list_shows_drafts_and_the_demo_waiting_list(commissioner):
    reference = start(commissioner)
    page = commissioner.get("/referrals/").get_data(as_text=True)
    assert reference in page
    assert "Draft" in page and "Ready to send" in page


@pytest.mark.parametrize(
    "section, changes, message",
    [
        ("child", {"age": "19"}, "Age in years must be between 0 and 17"),
        ("child", {"age": "fourteen"}, "Age in years must be a whole number, like 14"),
        ("child", {"age": "١٤"}, "Age in years must be a whole number, like 14"),
        ("child", {"age": "9" * 5000}, "Age in years must be a whole number, like 14"),
        ("child", {"sex": ""}, "Select girl or boy"),
        ("child", {"sex": "X"}, "Select girl or boy"),
        ("needs", {"needs": ["flying"]}, "Select needs from the list"),
        ("needs", {"cultural_needs": "x" * 301}, "must be 300 characters or fewer"),
        ("needs", {"cultural_needs": "Halal\x00diet"}, "must not contain hidden control"),
        ("location", {"family_sector": "M14 5AB"}, "not the full postcode"),
        ("location", {"family_sector": "ZZ99 9"}, "We cannot find postcode sector ZZ99 9"),
        ("location", {"family_sector": "hello"}, "Enter a postcode sector in the correct format"),
        ("location", {"school_sector": ""}, "Enter the school postcode sector if the child"),
        ("location", {"avoid_sector": "M1 1"}, "Enter how far away from the area"),
        ("location", {"max_distance_km": "-4"}, "must be between 1 and 1,000 km"),
        ("location", {"max_school_km": "2147483648"}, "must be between 1 and 200 km"),
        ("location", {"max_school_km": "20.5"}, "must be a whole number, like 20"),
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
    assert "Distance must be between 1 and 1,000 km" in bad


def test_why_not_explains_an_excluded_home(commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search?why_not=SC046524").get_data(
        as_text=True
    )
    assert "Home SC046524 cannot take this child" in page
    assert "secure" in page.lower()


def test_the_whole_journey_from_referral_to_confirmed_placement(app, commissioner):
    reference = written_referral(commissioner)
    (first, second), sent = send_to(commissioner, reference, count=2)
    assert sent.status_code == 302
    assert "Referral sent to 2 homes" in commissioner.get(sent.headers["Location"]).get_data(
        as_text=True
    )

    accepting = provider_client(app, first)
    text = accepting.get(f"/provider/offers/{offer_id(app, reference, first)}").get_data(
        as_text=True
    )
    assert reference in text and "M14" not in text  # the provider never sees where the child lives
    accept(app, reference, first)
    declining = provider_client(app, second)
    declined = respond(
        declining,
        offer_id(app, reference, second),
        decision="decline",
        decline_reason="impact_on_current_group",
    )
    assert declined.status_code == 302

    with app.app_context():
        vacancies_before = db.session.get(Home, first).vacancies
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    assert "Impact on the current group" in page and ASSESSMENT["managing_risks"] in page
    confirmed = confirm(commissioner, reference, offer_id(app, reference, first))
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
        assert statuses == {first: OfferStatus.CONFIRMED, second: OfferStatus.DECLINED}
        assert [c.status for c in placement.referral.history] == [
            ReferralStatus.DRAFT,
            ReferralStatus.READY,
            ReferralStatus.OFFERED,
            ReferralStatus.PLACED,
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
    _, response = send_to(commissioner, reference, homes=[""])
    assert "Select at least one home to send the referral to" in response.get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        assert (referral.status, referral.offers) == (ReferralStatus.READY, [])


def test_a_provider_sees_only_offers_to_its_own_homes(app, commissioner):
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    first, *others = candidates(page)
    with app.app_context():
        owner = db.session.get(Home, first).provider_id
        outsiders_home = next(
            urn for urn in others if db.session.get(Home, urn).provider_id != owner
        )
    send_to(commissioner, reference, homes=[first])
    outsider = provider_client(app, outsiders_home)
    assert outsider.get(f"/provider/offers/{offer_id(app, reference, first)}").status_code == 404
    assert reference not in outsider.get("/provider/offers/").get_data(as_text=True)


def test_a_decline_needs_a_reason_and_an_acceptance_a_real_assessment(app, commissioner):
    reference = written_referral(commissioner)
    (urn,), _ = send_to(commissioner, reference)
    provider = provider_client(app, urn)
    offer = offer_id(app, reference, urn)
    text = respond(provider, offer, decision="decline").get_data(as_text=True)
    assert "Select the reason for declining" in text
    text = respond(
        provider, offer, decision="accept", impact_on_group="   ", managing_risks="Fine"
    ).get_data(as_text=True)
    assert "Enter the impact on the children living in the home now" in text
    assert "How the home would manage the risks must be 20 characters or more" in text
    with app.app_context():
        assert db.session.get(Offer, offer).status == OfferStatus.SENT


def accepted_offer_for_last_bed(app, commissioner, urn: str) -> int:
    """A new referral, sent to home urn and accepted by its provider."""
    reference = written_referral(commissioner)
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
        user = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
        offer = record_offers.send(referral, {urn: terms()}, user)[0]
        record_offers.answer(offer, True, user, **ASSESSMENT)
        return offer.id


def _home_with_room(app, order) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Home.urn)
            .where(Home.registration_status == "active", Home.places >= 2)
            .order_by(order)
            .limit(1)
        )


@pytest.mark.commits
def test_two_commissioners_confirming_the_last_bed_at_once_one_wins(app, commissioner):
    urn = _home_with_room(app, Home.urn)
    offers = [accepted_offer_for_last_bed(app, commissioner, urn) for _ in range(2)]
    with app.app_context():
        db.session.get(Home, urn).vacancies = 1
        db.session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def confirm_in_thread(offer_id_: int):
        with app.app_context():
            offer = db.session.get(Offer, offer_id_)
            user = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
            barrier.wait()
            try:
                placements.confirm(offer, date.today(), [], user)
                outcomes.append("placed")
            except NoBedLeft:
                outcomes.append("no bed")

    threads = [threading.Thread(target=confirm_in_thread, args=(o,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["no bed", "placed"]
    with app.app_context():
        assert db.session.get(Home, urn).vacancies == 0


def test_the_loser_of_the_last_bed_gets_a_clear_message(app, commissioner):
    urn = _home_with_room(app, Home.urn.desc())
    offer = accepted_offer_for_last_bed(app, commissioner, urn)
    with app.app_context():
        db.session.get(Home, urn).vacancies = 0
        db.session.commit()
        reference = db.session.get(Offer, offer).children[0].reference
    response = confirm(commissioner, reference, offer)
    text = commissioner.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Home {urn} has no bed left" in text
