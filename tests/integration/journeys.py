"""Steps of the placement journey as a user takes them, through the test client."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from commissioning.admin.services import create_user
from commissioning.extensions import db
from commissioning.models import Home, Offer, Referral, User, offer_child
from commissioning.terms import OfferTerms
from commissioning.vocabulary import OfstedGrade, Role
from tests.integration.conftest import csrf_token

SECTIONS = {
    "child": {"age": "14", "sex": "F", "needed_by": "lt5days"},
    "needs": {
        "needs": ["emotional_behavioural"],
        "communication_needs": ["esol"],
        "cultural_needs": "Halal diet",
    },
    "risks": {"risks_to_self": ["going_missing"], "risks_to_others": []},
    "living": {"living_alongside": "with_others", "pets": "can"},
    "legal": {"secure_order": "no", "deprivation_of_liberty": "no"},
    "location": {"family_sector": "m14 5", "school_sector": "M13 9", "keep_school": "y"},
}
ASSESSMENT = {
    "impact_on_group": "The two girls living here are of a similar age and settled.",
    "managing_risks": "Waking night staff and a missing-from-care plan agreed on arrival.",
}


def post_form(client, url: str, **data):
    """Open the page, then post its form with its CSRF token and the given answers."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def post_section(client, reference, section, **changes):
    return post_form(
        client, f"/referrals/{reference}/{section}", **{**SECTIONS[section], **changes}
    )


def start(client) -> str:
    token = csrf_token(client.get("/referrals/").get_data(as_text=True))
    response = client.post("/referrals/new", data={"csrf_token": token})
    assert response.status_code == 302
    return re.search(r"/referrals/(R-[A-Z0-9]+)/child", response.headers["Location"]).group(1)


def drafted(client, **changes_by_section) -> str:
    reference = start(client)
    for section in SECTIONS:
        response = post_section(client, reference, section, **changes_by_section.get(section, {}))
        assert response.status_code == 302, response.get_data(as_text=True)
    return reference


def submit(client, reference: str):
    token = csrf_token(client.get(f"/referrals/{reference}/check").get_data(as_text=True))
    return client.post(f"/referrals/{reference}/submit", data={"csrf_token": token})


def written_referral(client, **changes_by_section) -> str:
    reference = drafted(client, **changes_by_section)
    assert submit(client, reference).status_code == 302
    return reference


def candidates(page: str) -> list[str]:
    return re.findall(r'name="homes" type="checkbox" value="([^"]+)"', page)


def send_to(client, reference: str, homes: list[str] | None = None, count: int = 1):
    """Send the referral to the given homes, or to the best `count` of its search."""
    page = client.get(f"/referrals/{reference}/search").get_data(as_text=True)
    chosen = homes or candidates(page)[:count]
    response = client.post(
        f"/referrals/{reference}/offers", data={"csrf_token": csrf_token(page), "homes": chosen}
    )
    return chosen, response


def provider_client(app, urn: str):
    """A signed-in client for a new account of the provider that owns home urn."""
    with app.app_context():
        home = db.session.get(Home, urn)
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        email = f"manager-{urn.lower()}@provider.example"
        if db.session.scalar(select(User).where(User.email == email)) is None:
            create_user(
                {"email": email, "role": Role.PROVIDER, "provider_id": home.provider_id},
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
            .join(offer_child, offer_child.c.offer_id == Offer.id)
            .join(Referral, Referral.id == offer_child.c.referral_id)
            .where(Referral.reference == reference, Offer.home_urn == urn)
            .order_by(Offer.id.desc())
        )


def respond(client, offer: int, **answer):
    return post_form(client, f"/provider/offers/{offer}", **answer)


def accept(app, reference: str, urn: str):
    provider = provider_client(app, urn)
    response = respond(provider, offer_id(app, reference, urn), decision="accept", **ASSESSMENT)
    assert response.status_code == 302, response.get_data(as_text=True)
    return provider


def day_fields(name: str, day: date) -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def confirm(client, reference: str, offer: int, start_on: date | None = None, **approvals):
    """Confirm on the check page: the start date (today unless given) and any approvals."""
    data = day_fields("start_date", start_on or date.today())
    for kind in ("out_of_area", "at_a_distance"):
        if kind in approvals:
            name, job_title = approvals[kind]
            data |= {f"{kind}_name": name, f"{kind}_job_title": job_title}
            data |= day_fields(f"{kind}_approved_on", date.today() - timedelta(days=1))
    return post_form(client, f"/referrals/{reference}/offers/{offer}/confirm", **data)


def terms(**changes) -> OfferTerms:
    """The terms of an offer to a nearby good home for one child, changed as asked."""
    nearby = {
        "distance_km": 3.0,
        "out_of_area": False,
        "at_a_distance": False,
        "over_20_miles": False,
        "weekly_cost": 5000,
        "beds": 1,
        "children": 1,
        "group_impact": 0.0,
        "ofsted_grade": OfstedGrade.GOOD,
        "score": 5030,
        "solo": False,
        "approximate_location": False,
    }
    return OfferTerms(**{**nearby, **changes})
