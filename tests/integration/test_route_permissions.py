"""Every route declares who may use it, and the declarations hold."""

import pytest
from sqlalchemy import select

from commissioning.auth.access import ROLES, declared_access
from commissioning.extensions import db
from commissioning.models import BatchRun, Offer, Referral, User
from sufficiency.models import NeedsAnalysis
from sufficiency.views import plotly_bundle_url
from tests.integration.conftest import demo_provider_homes, sign_in

# Routes a person may open without signing in.
PUBLIC_ENDPOINTS = {"registry.start", "auth.sign_in", "auth.sign_out", "static"}


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


@pytest.fixture(scope="module")
def samples(app):
    """Sample route arguments every role allowed a route may open: a home of the demo
    provider, a referral of the demo commissioner's authority, and an offer of it to that home;
    the demo analyst's authority, a needs analysis the analyst has yet to confirm (theirs
    alone), and the plotly bundle's digest."""
    urn = demo_provider_homes(app)[0]
    with app.app_context():
        commissioner = db.session.scalar(select(User).where(User.role == "commissioner"))
        analyst = db.session.scalar(select(User).where(User.role == "analyst"))
        referral = db.session.scalar(
            select(Referral).where(Referral.placing_la_code == commissioner.la_code).limit(1)
        )
        match = {
            "distance_km": 12.5,
            "out_of_area": True,
            "at_a_distance": False,
            "over_20_miles": False,
            "weekly_cost": 6100,
            "group_impact": 2.0,
            "ofsted_grade": "good",
            "score": 6900,
            "solo": False,
        }
        offer = Offer(referral=referral, home_urn=urn, sent_by=commissioner, match=match)
        run = BatchRun(
            reference="B-SAMPLE",
            consortium_id=commissioner.consortium_id,
            created_by=commissioner,
            status="failed",
            message="A sample run for the route walk",
            time_limit=1,
            instance={"homes": [], "referrals": [], "adjacency": {}},
        )
        pending = NeedsAnalysis(
            la_code=analyst.la_code, created_by=analyst, source="upload", status="pending"
        )
        db.session.add_all([offer, run, pending])
        db.session.commit()
        with app.test_request_context():
            bundle = plotly_bundle_url()
        return {
            "la_code": analyst.la_code,
            "analysis_id": pending.id,
            "digest": bundle.split(".")[1],
            "urn": urn,
            "reference": referral.reference,
            "section": "child",
            "offer_id": offer.id,
            "batch": run.reference,
        }


def concrete_urls(app, samples, role_filter):
    """A GET URL for each route some roles may use, with sample arguments."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = declared_access(app.view_functions[rule.endpoint])
            if rule.endpoint == "static" or access == "public" or "GET" not in rule.methods:
                continue
            if role_filter(access):
                yield rule.build({arg: samples[arg] for arg in rule.arguments})[1]


def test_signed_out_visitors_are_sent_to_sign_in_from_every_private_page(app, client, samples):
    for url in concrete_urls(app, samples, lambda access: True):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next="), url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_the_pages_not_declared_for_it(app, client, samples, role):
    sign_in(client, role)
    refused = list(concrete_urls(app, samples, lambda access: role not in access))
    allowed = list(concrete_urls(app, samples, lambda access: role in access))
    # A needs analysis waiting to be confirmed is its author's alone.
    theirs = 200 if role == "analyst" else 404
    pending = f"/sufficiency/needs-analyses/{samples['analysis_id']}/replace"
    for url, expected in [
        *((url, 403) for url in refused),
        *((url, theirs if url == pending else 200) for url in allowed),
    ]:
        with client.get(url) as response:
            assert response.status_code == expected, url


def test_a_provider_cannot_browse_other_providers_homes(client):
    sign_in(client, "provider")
    assert client.get("/homes").status_code == 403
    assert client.get("/homes/SC046524").status_code == 403
