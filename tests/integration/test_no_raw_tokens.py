"""Users never see a token: after a whole placement journey, no page a commissioner, provider or
admin reads shows a stored token ("fire_setting", "requires_improvement", "la_code: E08000006"),
a Python value ("True", "None", "{'"), or a framework's words."""

import html
import re
from datetime import date

from commissioning.extensions import db
from commissioning.models import Home
from tests.integration.conftest import sign_in
from tests.integration.journeys import (
    accept,
    confirm,
    offer_id,
    post_form,
    send_to,
    written_referral,
)

# Snake-case words and dotted actions are how tokens are stored; ONS codes are E + 8 digits.
TOKEN_LIKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b|\bE\d{8}\b")
# ("None" is also the word pages use for an empty list, so only the others are Python's.)
PYTHON_LIKE = re.compile(r"\b(True|False)\b|\{'|\[\]|<[A-Z]\w+\.")


def visible_text(page: str) -> str:
    """What a reader sees: the body's text, without tags, scripts, styles or attributes."""
    body = page.split("<body", 1)[-1]
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\S+@\S+", " ", text)  # email addresses are words people read as they are


def assert_in_words(page: str, where: str) -> None:
    text = visible_text(page)
    assert sorted(set(TOKEN_LIKE.findall(text))) == [], where
    assert sorted(set(PYTHON_LIKE.findall(text))) == [], where


def test_no_page_of_a_placement_journey_shows_a_token(app, commissioner):
    reference = written_referral(
        commissioner,
        risks={"risks_to_self": ["sexual_exploitation"], "risks_to_others": ["fire_setting"]},
    )
    (urn,), _ = send_to(commissioner, reference)
    provider = accept(app, reference, urn)
    with app.app_context():
        terms_out_of_area = db.session.get(Home, urn).la_code != "E08000003"
    approvals = {"out_of_area": ("Sam Officer", "Head of Placements")} if terms_out_of_area else {}
    confirm(commissioner, reference, offer_id(app, reference, urn), **approvals)
    post_form(
        commissioner,
        f"/referrals/{reference}/placement/end",
        reason="CARPL",
        end_date=[str(date.today().day), str(date.today().month), str(date.today().year)],
    )
    pages = {
        "referral": commissioner.get(f"/referrals/{reference}"),
        "check": commissioner.get(f"/referrals/{reference}/check"),
        "referrals": commissioner.get("/referrals/"),
        "home": commissioner.get(f"/homes/{urn}"),
        "offer": provider.get(f"/provider/offers/{offer_id(app, reference, urn)}"),
        "provider home": provider.get(f"/provider/homes/{urn}"),
        "current group": provider.get(f"/provider/homes/{urn}/residents"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_in_words(response.get_data(as_text=True), where)


def test_the_audit_log_shows_no_token(app, commissioner):
    written_referral(commissioner)
    admin = app.test_client()
    sign_in(admin, "admin")
    assert_in_words(admin.get("/admin/audit").get_data(as_text=True), "audit log")
    assert_in_words(admin.get("/admin/users").get_data(as_text=True), "users")
