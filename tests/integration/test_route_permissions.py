"""Every route declares who may use it, and the declarations hold."""

import pytest

from commissioning.auth.access import ROLES, declared_access
from tests.integration.conftest import sign_in

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


def concrete_urls(app, role_filter):
    """A GET URL for each route some roles may use, with sample arguments."""
    samples = {"urn": "SC046524"}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = declared_access(app.view_functions[rule.endpoint])
            if rule.endpoint == "static" or access == "public" or "GET" not in rule.methods:
                continue
            if role_filter(access):
                yield rule.build({arg: samples[arg] for arg in rule.arguments})[1]


def test_signed_out_visitors_are_sent_to_sign_in_from_every_private_page(app, client):
    for url in concrete_urls(app, lambda access: True):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next="), url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_the_pages_not_declared_for_it(app, client, role):
    sign_in(client, role)
    refused = list(concrete_urls(app, lambda access: role not in access))
    allowed = list(concrete_urls(app, lambda access: role in access))
    for url in refused:
        assert client.get(url).status_code == 403, url
    for url in allowed:
        assert client.get(url).status_code == 200, url


def test_a_provider_cannot_browse_other_providers_homes(client):
    sign_in(client, "provider")
    assert client.get("/homes").status_code == 403
    assert client.get("/homes/SC046524").status_code == 403
