"""A placement record a placement officer can rely on (issue 12): each test is a defect found
by using Hearth as a person would, checked at the level that person notices."""

from datetime import date, timedelta

from geopy.distance import great_circle
from sqlalchemy import func, select

from commissioning.admin.services import create_user
from commissioning.extensions import db
from commissioning.models import (
    Approval,
    AuditEvent,
    Home,
    LocationRequest,
    Offer,
    Placement,
    PostcodeArea,
    Referral,
    Resident,
    StatementOfPurpose,
    User,
)
from commissioning.record import offers as record_offers
from commissioning.vocabulary import (
    ApprovalKind,
    LocationPrecision,
    OfferStatus,
    OfferWithdrawal,
    ReferralStatus,
    Role,
)
from tests.integration.conftest import csrf_token, demo_provider_homes
from tests.integration.journeys import (
    accept,
    candidates,
    confirm,
    day_fields,
    drafted,
    offer_id,
    post_form,
    post_section,
    provider_client,
    respond,
    send_to,
    submit,
    terms,
    written_referral,
)


def referral(reference: str) -> Referral:
    return db.session.scalar(select(Referral).where(Referral.reference == reference))


def group_with(client, reference: str, sibling: str):
    return post_form(client, f"/referrals/{reference}/siblings", sibling_reference=sibling)


def errors(response) -> str:
    text = response.get_data(as_text=True)
    assert "govuk-error-summary" in text, text[:500]
    return text


# 1. Sibling groups


def test_a_sibling_group_is_built_and_taken_apart_on_its_own_page(app, commissioner):
    older, younger = drafted(commissioner), drafted(commissioner)
    assert group_with(commissioner, older, younger).status_code == 302
    page = commissioner.get(f"/referrals/{younger}/siblings").get_data(as_text=True)
    assert older in page and "Remove from the group" in page
    # Taken apart from the other child's page: both are alone again.
    token = csrf_token(page)
    removed = commissioner.post(
        f"/referrals/{younger}/siblings/{older}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    with app.app_context():
        assert referral(older).sibling_group is None
        assert referral(younger).sibling_group is None
        actions = set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == older))
        )
        assert "sibling.add" in actions


def test_a_group_whose_answers_contradict_each_other_is_refused_on_the_field(app, commissioner):
    settled = drafted(commissioner)
    secure = drafted(
        commissioner,
        legal={"secure_order": "yes"},
        living={"living_alongside": "solo", "pets": "can"},
    )
    text = errors(group_with(commissioner, settled, secure))
    assert "must all have a secure accommodation order, or none of them" in text
    with app.app_context():
        assert referral(settled).sibling_group is None
    # Once grouped, an answer that would break the group is refused where it is given.
    assert group_with(commissioner, settled, drafted(commissioner)).status_code == 302
    text = errors(post_section(commissioner, settled, "legal", secure_order="yes"))
    assert "must all have a secure accommodation order" in text
    with app.app_context():
        assert referral(settled).secure_order is False


# 2. Every child a submitted referral, seen and accepted by the home; exactly those placed


def test_a_group_with_a_draft_cannot_be_sent_and_the_home_sees_every_child(app, commissioner):
    first, second = written_referral(commissioner), drafted(commissioner, child={"age": "11"})
    assert group_with(commissioner, first, second).status_code == 302
    blocked = commissioner.get(f"/referrals/{first}/search")
    assert blocked.status_code == 302
    assert "every brother" in commissioner.get(blocked.headers["Location"]).get_data(as_text=True)
    assert submit(commissioner, second).status_code == 302
    (urn,), sent = send_to(commissioner, first)
    assert sent.status_code == 302
    provider = provider_client(app, urn)
    page = provider.get(f"/provider/offers/{offer_id(app, first, urn)}").get_data(as_text=True)
    assert first in page and second in page and "brothers and sisters" in page
    assert "11, girl" in page and "14, girl" in page
    accept(app, first, urn)
    confirm(commissioner, first, offer_id(app, first, urn), **_approvals_for(app, first, urn))
    with app.app_context():
        placed = db.session.scalars(
            select(Referral.reference)
            .join(Placement, Placement.referral_id == Referral.id)
            .where(Referral.reference.in_([first, second]))
        )
        assert set(placed) == {first, second}


def _approvals_for(app, reference: str, urn: str) -> dict:
    with app.app_context():
        terms = db.session.get(Offer, offer_id(app, reference, urn)).terms
    given = {}
    if terms.out_of_area:
        given["out_of_area"] = ("Sam Officer", "Head of Placements")
    if terms.at_a_distance:
        given["at_a_distance"] = ("Dee Director", "Director of Children's Services")
    return given


# 3. One rule for beds and cost


def test_each_sibling_takes_a_bed_at_the_homes_fee(app, commissioner):
    first, second = written_referral(commissioner), written_referral(commissioner)
    group_with(commissioner, first, second)
    (urn,), _ = send_to(commissioner, first)
    with app.app_context():
        home = db.session.get(Home, urn)
        fee, vacancies = home.fee.weekly_fee, home.vacancies
    accept(app, first, urn)
    confirm(commissioner, first, offer_id(app, first, urn), **_approvals_for(app, first, urn))
    with app.app_context():
        shares = db.session.execute(
            select(Placement.weekly_cost, Placement.beds).where(Placement.home_urn == urn)
        ).all()
        assert sorted(shares) == [(fee, 1), (fee, 1)]
        assert db.session.get(Home, urn).vacancies == vacancies - 2


# 4. A real impact risk assessment before acceptance


def test_three_spaces_are_not_an_assessment_and_nothing_can_be_confirmed(app, commissioner):
    reference = written_referral(commissioner)
    (urn,), _ = send_to(commissioner, reference)
    provider = provider_client(app, urn)
    offer = offer_id(app, reference, urn)
    text = errors(
        respond(provider, offer, decision="accept", impact_on_group="   ", managing_risks="   ")
    )
    assert "Enter the impact on the children living in the home now" in text
    assert "Enter how the home would manage the risks" in text
    assert "Confirm placement" not in commissioner.get(f"/referrals/{reference}").get_data(
        as_text=True
    )
    refused = commissioner.get(f"/referrals/{reference}/offers/{offer}/confirm")
    assert refused.status_code == 302


# 5. Emergencies: what a commissioner can see of a home


def test_a_homes_page_shows_emergencies_pets_and_the_solo_fee(app, commissioner):
    with app.app_context():
        home = db.session.scalar(select(Home).join(Home.statement_of_purpose).limit(1))
        urn = home.urn
        home.fee.solo_weekly_fee = 14_250
        db.session.commit()
    page = commissioner.get(f"/homes/{urn}").get_data(as_text=True)
    assert "Emergency placements (same day)" in page
    assert "Pets in the home" in page
    assert "£14,250" in page


# 6. Approvals before the fact


def _accepted_out_of_area(app, commissioner) -> tuple[str, str, int]:
    reference = written_referral(commissioner)
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    with app.app_context():
        manchester = referral(reference).placing_la_code
        urn = next(u for u in candidates(page) if db.session.get(Home, u).la_code != manchester)
    send_to(commissioner, reference, homes=[urn])
    accept(app, reference, urn)
    return reference, urn, offer_id(app, reference, urn)


def test_an_out_of_area_placement_needs_its_approval_first(app, commissioner):
    reference, urn, offer = _accepted_out_of_area(app, commissioner)
    check = commissioner.get(f"/referrals/{reference}/offers/{offer}/confirm").get_data(
        as_text=True
    )
    assert "a nominated officer must approve it before it is made" in check
    text = errors(confirm(commissioner, reference, offer))
    assert "Enter the name of the person who approved the placement" in text
    approvals = _approvals_for(app, reference, urn)
    yesterday = date.today() - timedelta(days=1)
    past = errors(confirm(commissioner, reference, offer, start_on=yesterday, **approvals))
    assert "The start date must be today or in the future" in past
    with app.app_context():
        assert referral(reference).status == ReferralStatus.OFFERED
        assert db.session.scalar(select(func.count()).where(Approval.offer_id == offer)) == 0
    start = date.today() + timedelta(days=3)
    assert confirm(commissioner, reference, offer, start_on=start, **approvals).status_code == 302
    with app.app_context():
        recorded = db.session.scalars(select(Approval).where(Approval.offer_id == offer)).all()
        assert {a.kind for a in recorded} == {ApprovalKind(kind) for kind in approvals}
        assert all(a.name and a.job_title and a.approved_on < start for a in recorded)
        assert referral(reference).placement.start_date == start
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    assert "Sam Officer, Head of Placements, approved" in page


# 7. A placement changes the home, and can end


def test_a_placement_joins_the_homes_group_and_ending_it_frees_the_bed(app, commissioner):
    reference = written_referral(commissioner)
    (urn,), _ = send_to(commissioner, reference)
    provider = accept(app, reference, urn)
    with app.app_context():
        vacancies = db.session.get(Home, urn).vacancies
        living = db.session.scalar(select(func.count()).where(Resident.home_urn == urn))
    confirm(
        commissioner,
        reference,
        offer_id(app, reference, urn),
        **_approvals_for(app, reference, urn),
    )
    group = provider.get(f"/provider/homes/{urn}/residents").get_data(as_text=True)
    assert "Placed through Hearth" in group
    history = provider.get(f"/provider/homes/{urn}").get_data(as_text=True)
    assert "Child placed in the home" in history
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Resident.home_urn == urn)) == living + 1
    url = f"/referrals/{reference}/placement/end"
    early = errors(
        post_form(
            commissioner,
            url,
            reason="CARPL",
            **day_fields("end_date", date.today() + timedelta(days=1)),
        )
    )
    assert "The end date must be today or in the past" in early
    no_reason = errors(post_form(commissioner, url, **day_fields("end_date", date.today())))
    assert "Select the reason the placement ended" in no_reason
    ended = post_form(commissioner, url, reason="CHILD", **day_fields("end_date", date.today()))
    assert ended.status_code == 302
    with app.app_context():
        assert db.session.get(Home, urn).vacancies == vacancies
        assert db.session.scalar(select(func.count()).where(Resident.home_urn == urn)) == living
        assert referral(reference).status == ReferralStatus.ENDED
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    assert "The child asked for the placement to end (CHILD)" in page


# 8. Taking things back


def test_an_offer_a_referral_and_a_draft_can_each_be_taken_back(app, commissioner):
    reference = written_referral(commissioner)
    (first, second), _ = send_to(commissioner, reference, count=2)
    offer = offer_id(app, reference, first)
    page = commissioner.get(f"/referrals/{reference}").get_data(as_text=True)
    withdrawn = commissioner.post(
        f"/referrals/{reference}/offers/{offer}/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert withdrawn.status_code == 302
    provider = provider_client(app, first)
    seen = provider.get(f"/provider/offers/{offer}").get_data(as_text=True)
    assert "Withdrawn: The placing authority withdrew this offer." in seen
    refused = errors(post_form(commissioner, f"/referrals/{reference}/withdraw"))
    assert "Select why the referral is being withdrawn" in refused
    assert (
        post_form(
            commissioner, f"/referrals/{reference}/withdraw", reason="no_longer_needed"
        ).status_code
        == 302
    )
    with app.app_context():
        gone = referral(reference)
        assert gone.status == ReferralStatus.WITHDRAWN
        assert {o.withdrawal for o in gone.offers} == {
            OfferWithdrawal.BY_PLACING_AUTHORITY,
            OfferWithdrawal.REFERRAL_WITHDRAWN,
        }
    draft = drafted(commissioner)
    assert post_form(commissioner, f"/referrals/{draft}/delete").status_code == 302
    with app.app_context():
        assert referral(draft) is None
        assert "referral.delete" in set(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == draft))
        )


def test_an_amended_referral_goes_back_to_the_homes_holding_it(app, commissioner):
    reference = written_referral(commissioner)
    (urn,), _ = send_to(commissioner, reference)
    provider = accept(app, reference, urn)
    assert (
        post_section(commissioner, reference, "risks", risks_to_self=["self_harm"]).status_code
        == 302
    )
    offer = offer_id(app, reference, urn)
    with app.app_context():
        assert db.session.get(Offer, offer).status == OfferStatus.SENT
    page = provider.get(f"/provider/offers/{offer}").get_data(as_text=True)
    assert "The placing authority changed this referral" in page and "Self-harm" in page
    assert "Confirm placement" not in commissioner.get(f"/referrals/{reference}").get_data(
        as_text=True
    )


# 10. Whoever sent an offer follows it to its end


def test_a_lead_follows_an_offer_it_sent_for_another_authority(app, commissioner):
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
        theirs = db.session.scalar(
            select(Referral)
            .where(
                Referral.status == ReferralStatus.READY,
                Referral.placing_la_code != lead.la_code,
                Referral.sibling_group_id.is_(None),
            )
            .limit(1)
        )
        reference, their_la = theirs.reference, theirs.placing_la_code
    assert commissioner.get(f"/referrals/{reference}").status_code == 404
    with app.app_context():
        urn = db.session.scalar(select(Home.urn).join(Home.statement_of_purpose).limit(1))
        record_offers.send(referral(reference), {urn: TERMS}, lead)  # as a batch sends it
    page = commissioner.get(f"/referrals/{reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Withdraw offer" in text and "Search for homes" not in text
    assert commissioner.get(f"/referrals/{reference}/search").status_code == 404
    offer = offer_id(app, reference, urn)
    accept(app, reference, urn)
    assert commissioner.get(f"/referrals/{reference}/offers/{offer}/confirm").status_code == 404
    # The placing authority's own officer confirms it.
    officer = _commissioner_of(app, their_la)
    check = officer.get(f"/referrals/{reference}/offers/{offer}/confirm")
    assert check.status_code == 200


TERMS = terms(distance_km=5.0, out_of_area=True)


def _commissioner_of(app, la_code: str):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        create_user(
            {"email": "officer@placing.example", "role": Role.COMMISSIONER, "la_code": la_code},
            "officer-password-1",
            by=admin,
        )
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": "officer@placing.example",
            "password": "officer-password-1",
        },
    )
    return client


# 12. Provider details that contradict themselves


def test_provider_details_that_contradict_each_other_are_refused(app, provider):
    urn = demo_provider_homes(app)[0]
    with app.app_context():
        home = db.session.get(Home, urn)
        home.residents.clear()
        for age in (12, 13, 14):
            home.residents.append(Resident(age=age, sex="F", risks_to_self=[], risks_to_others=[]))
        home.vacancies = 0
        places, district_elsewhere = home.places, "LS1"
        db.session.commit()
    too_many = errors(
        post_form(
            provider,
            f"/provider/homes/{urn}/vacancies",
            version=_version(app, urn),
            vacancies=str(places),
        )
    )
    assert "Vacant beds must be" in too_many and "and 3 children living there" in too_many
    solo = errors(
        post_form(
            provider,
            f"/provider/homes/{urn}/statement-of-purpose",
            version=_version(app, urn),
            min_age="11",
            max_age="17",
            sexes=["F"],
            solo_only="y",
        )
    )
    assert "cannot have 3 children living there" in solo
    far = errors(
        post_form(
            provider,
            f"/provider/homes/{urn}/location",
            version=_version(app, urn),
            postcode_district=district_elsewhere,
        )
    )
    assert "is not in or next to" in far


def _version(app, urn: str) -> str:
    with app.app_context():
        return str(db.session.get(Home, urn).version)


# 13. Approximate locations, said plainly and put right


def test_an_approximate_location_is_said_and_the_provider_can_be_asked(app, commissioner):
    reference = written_referral(
        commissioner, location={"avoid_sector": "M14 5", "avoid_radius_km": "3"}
    )
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    assert "approximate: the home's location is known only by its local authority" in page
    assert "hearth-map__home--approximate" in page
    assert "Homes left out only because of where they might be" in page
    with app.app_context():
        urn = db.session.scalar(
            select(Home.urn)
            .where(
                Home.la_code == referral(reference).placing_la_code,
                Home.location_precision == LocationPrecision.LOCAL_AUTHORITY,
            )
            .join(Home.statement_of_purpose)
            .limit(1)
        )
    asked = commissioner.post(
        f"/referrals/{reference}/ask-location/{urn}", data={"csrf_token": csrf_token(page)}
    )
    assert asked.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(LocationRequest.home_urn == urn)) == 1


# 5 and 11. Emergencies and the school a child must keep going to are hard rules


def test_a_child_needed_today_is_offered_only_homes_that_take_emergencies(app, commissioner):
    reference = written_referral(commissioner, child={"needed_by": "today"})
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    shown = candidates(page)
    assert shown
    with app.app_context():
        homes = [db.session.get(Home, urn) for urn in shown]
        assert all(home.statement_of_purpose.accepts_emergencies for home in homes)
        refusing = db.session.scalar(
            select(Home.urn)
            .join(Home.statement_of_purpose)
            .where(StatementOfPurpose.accepts_emergencies.is_(False))
            .limit(1)
        )
    why = commissioner.get(f"/referrals/{reference}/search?why_not={refusing}")
    assert "emergenc" in why.get_data(as_text=True).lower()


def test_homes_beyond_the_school_travel_limit_are_not_offered(app, commissioner):
    reference = written_referral(commissioner, location={"max_school_km": "4"})
    page = commissioner.get(f"/referrals/{reference}/search").get_data(as_text=True)
    with app.app_context():
        school = db.session.get(PostcodeArea, "M13 9")
        for urn in candidates(page):
            home = db.session.get(Home, urn)
            assert great_circle((home.lat, home.lon), (school.lat, school.lon)).km <= 4
