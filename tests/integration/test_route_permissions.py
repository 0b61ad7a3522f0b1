"""Every route declares who may use it, and the declarations hold: roles, consortium leads,
and whose records may be reached (another tenant's ids are "not found", GET and POST alike)."""

import pytest
from sqlalchemy import select

from commissioning.auth import ownership
from commissioning.auth.access import Access, declared_access
from commissioning.extensions import db
from commissioning.models import BatchRun, Consortium, Home, Offer, Referral, User
from commissioning.vocabulary import BatchStatus, Role
from sufficiency.models import NeedsAnalysis
from sufficiency.views import plotly_bundle_url
from tests.integration.conftest import csrf_token, demo_provider_homes, sign_in
from tests.integration.journeys import terms

# Routes a person may open without signing in.
PUBLIC_ENDPOINTS = {
    "registry.start",
    "auth.sign_in",
    "auth.sign_in_code",
    "auth.sign_out",
    "static",
}


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and declared_access(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_only_the_expected_routes_are_public(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint == "static"
        or declared_access(app.view_functions[rule.endpoint]) == "public"
    }
    assert public == PUBLIC_ENDPOINTS


def _tenant(commissioner: User, analyst: User, urn: str, reference: str) -> dict:
    """Route arguments naming one tenant's records: a home, a referral, an offer, a run, and a
    needs analysis its analyst has yet to confirm."""
    referral = db.session.scalar(select(Referral).where(Referral.reference == reference))
    offer = Offer(
        children=[referral],
        home_urn=urn,
        sent_by=commissioner,
        terms=terms(distance_km=12.5, out_of_area=True),
    )
    run = BatchRun(
        reference=f"B-{reference[2:]}",
        consortium_id=commissioner.consortium_id,
        created_by=commissioner,
        status=BatchStatus.FAILED,
        message="A sample run for the route walk",
        time_limit=1,
        instance={"homes": [], "referrals": [], "adjacency": {}},
    )
    pending = NeedsAnalysis(
        la_code=analyst.la_code, created_by=analyst, source="upload", status="pending"
    )
    db.session.add_all([offer, run, pending])
    db.session.flush()
    return {
        "la_code": analyst.la_code,
        "analysis_id": pending.id,
        "digest": plotly_bundle_url().split(".")[1],
        "urn": urn,
        "reference": reference,
        "member": reference,
        "section": "child",
        "offer_id": offer.id,
        "resident_id": 1,
        "batch": run.reference,
        "user_id": commissioner.id,
        "change": "disable",
    }


@pytest.fixture(scope="module")
def samples(app):
    """The demo tenant's records, and another tenant's: a referral of an authority outside
    the demo consortium, an offer to another provider's home, that consortium's run."""
    own_urn = demo_provider_homes(app)[0]
    with app.app_context():
        commissioner = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
        analyst = db.session.scalar(select(User).where(User.role == Role.ANALYST))
        own = db.session.scalar(
            select(Referral.reference)
            .where(Referral.placing_la_code == commissioner.la_code)
            .limit(1)
        )
        demo = db.session.get(Consortium, commissioner.consortium_id)
        stranger_la = db.session.scalar(
            select(Home.la_code).where(Home.la_code.not_in([la.code for la in demo.members]))
        )
        stranger = User(email="stranger@elsewhere.example", role=Role.COMMISSIONER)
        stranger.set_password("stranger-password-1")
        stranger.la_code = stranger_la
        stranger.consortium = Consortium(name="Another consortium")
        db.session.add(stranger)
        db.session.flush()
        foreign = Referral(
            reference="R-FOREIGN",
            placing_la_code=stranger_la,
            consortium_id=stranger.consortium_id,
            created_by=stranger,
        )
        db.session.add(foreign)
        db.session.flush()
        foreign_urn = db.session.scalar(
            select(Home.urn).where(Home.provider_id != db.session.get(Home, own_urn).provider_id)
        )
        stranger_analyst = User(
            email="analyst@elsewhere.example", role=Role.ANALYST, la_code=stranger_la
        )
        stranger_analyst.set_password("stranger-password-2")
        db.session.add(stranger_analyst)
        with app.test_request_context():
            tenants = {
                "own": _tenant(commissioner, analyst, own_urn, own),
                "foreign": _tenant(stranger, stranger_analyst, foreign_urn, foreign.reference),
            }
        db.session.commit()
        return tenants


def _urls(app, arguments: dict, wanted):
    """(method, url, access) for each declared route `wanted` accepts."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = declared_access(app.view_functions[rule.endpoint])
            if rule.endpoint == "static" or access == "public" or not wanted(access):
                continue
            url = rule.build({arg: arguments[arg] for arg in rule.arguments})[1]
            method = "GET" if "GET" in rule.methods else "POST"
            yield method, url, access


def test_signed_out_visitors_are_sent_to_sign_in_from_every_private_page(app, client, samples):
    for method, url, _ in _urls(app, samples["own"], lambda access: True):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in?next="), url


def _opens(response) -> bool:
    """The page was let through: shown, or sent back to a page of the same record because
    of its state (a draft has no placement to end); never refused nor sent to sign in."""
    if response.status_code == 200:
        return True
    return response.status_code == 302 and "/sign-in" not in response.headers["Location"]


def _may(role: Role, lead: bool, access: Access) -> bool:
    return role in access.roles and (lead or not access.lead)


def _owns(app, role: Role, access: Access, arguments: dict) -> bool:
    """Whether the demo account of the role passes the route's ownership rule, if any (the
    demo tenant's records are its own, but a needs analysis waiting to be confirmed is its
    author's alone)."""
    if access.owns is None:
        return True
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{role}@demo.hearth.example"))
        return ownership.RULES[access.owns](user, arguments)


@pytest.mark.parametrize(
    "role, lead",
    [(Role.COMMISSIONER, True), (Role.PROVIDER, False), (Role.ANALYST, False), (Role.ADMIN, False)],
)
def test_each_role_opens_its_pages_and_is_refused_the_others(app, client, samples, role, lead):
    sign_in(client, role)
    for method, url, access in _urls(app, samples["own"], lambda access: True):
        if method != "GET":
            continue
        with client.get(url) as response:
            if not _may(role, lead, access):
                assert response.status_code == 403, url
            elif _owns(app, role, access, samples["own"]):
                assert _opens(response), (url, response.status_code)
            else:
                assert response.status_code == 404, url


def test_a_commissioner_who_is_not_a_lead_is_refused_every_batch_route(app, client, samples):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == Role.COMMISSIONER))
        user.consortium_lead = False
        db.session.commit()
    try:
        sign_in(client, Role.COMMISSIONER)
        token = csrf_token(client.get("/referrals/").get_data(as_text=True))
        batch_routes = list(_urls(app, samples["own"], lambda access: access.lead))
        assert len(batch_routes) == 9
        for method, url, _ in batch_routes:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, url
    finally:
        with app.app_context():
            db.session.scalar(
                select(User).where(User.role == Role.COMMISSIONER)
            ).consortium_lead = True
            db.session.commit()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PROVIDER, Role.ANALYST])
def test_another_tenants_records_are_not_found(app, client, samples, role):
    """Every route that reaches a record names an ownership rule; with another tenant's ids
    each answers 404 and changes nothing, whatever the method."""
    sign_in(client, role)
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    owned = list(
        _urls(app, samples["foreign"], lambda access: access.owns and role in access.roles)
    )
    assert owned
    for method, url, _ in owned:
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 404, url


def test_a_provider_cannot_browse_other_providers_homes(client):
    sign_in(client, Role.PROVIDER)
    assert client.get("/homes").status_code == 403
    assert client.get("/homes/SC046524").status_code == 403
