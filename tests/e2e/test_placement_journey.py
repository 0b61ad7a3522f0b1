"""A child placed in a real browser (issue 6): the commissioner writes the referral page by
page, searches, sends it to two homes; one home's provider accepts it and the other declines it
with its impact risk assessment; the commissioner confirms the placement. Every page the
journey passes through is checked with axe-core, its console and its network log."""

import re

import pytest
from sqlalchemy import select

from commissioning.admin.services import create_user
from commissioning.extensions import db
from commissioning.models import Home, User

pytestmark = pytest.mark.e2e

PROVIDER_PASSWORD = "provider-password-e2e"
CANDIDATES = (
    "[...document.querySelectorAll('#candidates tbody tr')]"
    ".filter(row => row.querySelector('input[name=homes]'))"
    ".map(row => ({urn: row.querySelector('input[name=homes]').value,"
    " distance: row.cells[3].innerText, flags: row.cells[4].innerText,"
    " cost: row.cells[5].innerText}))"
)


# Each page of the form: its title and what the commissioner types ("fill") or ticks ("choose").
SECTIONS = {
    "child": (
        "About the child",
        [("fill", "age", "14"), ("choose", "sex", "F"), ("choose", "needed_by", "lt5days")],
    ),
    "needs": (
        "Needs",
        [
            ("choose", "needs", "emotional_behavioural"),
            ("choose", "communication_needs", "esol"),
            ("fill", "cultural_needs", "Halal diet"),
        ],
    ),
    "risks": ("Risks", [("choose", "risks_to_self", "going_missing")]),
    "living": (
        "Living with others",
        [("choose", "living_alongside", "with_others"), ("choose", "pets", "can")],
    ),
    "legal": (
        "Legal status",
        [("choose", "secure_order", "no"), ("choose", "deprivation_of_liberty", "no")],
    ),
    "location": (
        "Where the child is from",
        [
            ("fill", "family_sector", "m14 5"),
            ("fill", "school_sector", "M13 9"),
            ("choose", "keep_school", "y"),
        ],
    ),
}


def summary(page) -> dict[str, str]:
    """The rows of the page's first summary list, key to value."""
    rows = page.element("main .govuk-summary-list").find_elements(
        "css selector", ".govuk-summary-list__row"
    )
    return {
        row.find_element("css selector", "dt").text: row.find_element("css selector", "dd").text
        for row in rows
    }


def write_and_submit_a_referral(page) -> str:
    page.sign_in("commissioner")
    page.open("/referrals/")
    page.assert_sound()
    page.press_button("Start a new referral")
    reference = re.fullmatch(r"/referrals/(R-[A-Z0-9]+)/child", page.path).group(1)
    for number, (section, (title, answers)) in enumerate(SECTIONS.items(), 1):
        assert page.path == f"/referrals/{reference}/{section}"
        assert page.text("h1") == title
        assert f"section {number} of {len(SECTIONS)}" in page.text(".govuk-caption-l")
        page.assert_sound()
        for action, name, value in answers:
            getattr(page, action)(name, value)
        page.press_button("Save and continue")
    assert page.path == f"/referrals/{reference}/check"
    assert page.text("h1") == "Check your answers"
    answers = page.text()
    for given in ("14", "Girl", "Within 5 days", "Halal diet", "Going missing", "M14 5"):
        assert given in answers
    assert "M13 9 (must keep going)" in answers
    page.assert_sound()
    page.press_button("Submit referral")
    assert page.path == f"/referrals/{reference}/search"
    assert page.notification() == f"Referral {reference} is ready: choose the homes to send it to"
    return reference


def provider_of(app, urn: str) -> int:
    with app.app_context():
        return db.session.get(Home, urn).provider_id


def choose_two_homes(app, candidates: list[dict]) -> tuple[dict, dict]:
    """An out-of-area home to accept, and the top-ranked home, of another provider, to decline."""
    declining = candidates[0]
    provider = provider_of(app, declining["urn"])
    accepting = next(
        home
        for home in candidates[1:]
        if "Out of area" in home["flags"] and provider_of(app, home["urn"]) != provider
    )
    return accepting, declining


def search_and_send(app, page, reference: str) -> tuple[dict, dict]:
    assert page.text("h1") == "Homes that can take this child"
    assert "homes can take this child" in page.text("#search-summary")
    page.assert_sound()
    accepting, declining = choose_two_homes(app, page.driver.execute_script(f"return {CANDIDATES}"))
    page.choose("homes", accepting["urn"])
    page.choose("homes", declining["urn"])
    page.press_button("Send the referral to the chosen homes")
    assert page.path == f"/referrals/{reference}"
    assert page.notification() == "Referral sent to 2 homes"
    assert "Sent to homes" in page.text("h1")
    offers = page.text("main table")
    assert offers.count("Waiting for the home") == 2
    return accepting, declining


def send_to_no_home(page, reference: str) -> None:
    """Sending again with nothing ticked: the error leads to the first home not yet sent to."""
    page.open(f"/referrals/{reference}/search")
    assert page.text("#candidates tbody td") == "Sent"  # the top-ranked home
    page.press_button("Send the referral to the chosen homes")
    assert page.driver.title.startswith("Error: ")
    assert "Select at least one home to send the referral to" in page.text(".govuk-error-summary")
    page.assert_sound()
    page.element(".govuk-error-summary__list a").click()
    focused = page.driver.switch_to.active_element
    assert focused.get_attribute("name") == "homes"
    assert focused == page.elements("input[name=homes]")[0]


def provider_account(app, urn: str) -> str:
    """The email of a new account for the provider that owns home urn, made by the admin."""
    email = f"e2e-manager-{urn.lower()}@provider.example"
    with app.app_context():
        if db.session.scalar(select(User).where(User.email == email)) is None:
            admin = db.session.scalar(select(User).where(User.role == "admin"))
            details = {"email": email, "role": "provider", "provider_id": provider_of(app, urn)}
            create_user(details, PROVIDER_PASSWORD, by=admin)
    return email


def open_the_offer(app, page, reference: str, urn: str) -> None:
    page.sign_in_as(provider_account(app, urn), PROVIDER_PASSWORD)
    page.open("/provider/offers")
    page.assert_sound()
    page.follow_link(reference)
    assert re.fullmatch(r"/provider/offers/\d+", page.path)
    assert page.text("h1") == f"Referral {reference}"
    assert f"To home {urn} · Waiting for the home" in page.text(".govuk-caption-l")
    seen = summary(page)
    assert seen["Placing authority"] == "Manchester"
    assert seen["Age and sex"] == "14, girl"
    assert seen["Cultural needs"] == "Halal diet"
    assert seen["Risks to the child"] == "Going missing"
    assert "M14" not in page.text() and "M13" not in page.text()  # never where the child lives
    page.assert_sound()


def accept(app, page, reference: str, urn: str) -> None:
    open_the_offer(app, page, reference, urn)
    page.choose("decision", "accept")
    page.fill("impact_assessment", "Fits the current group: the two residents are older.")
    page.press_button("Send response")
    assert page.path == "/provider/offers"
    assert page.notification() == f"You have accepted referral {reference}"
    assert f"{reference} {urn}" in page.text("table") and "Accepted" in page.text("table")


def decline(app, page, reference: str, urn: str) -> None:
    open_the_offer(app, page, reference, urn)
    page.choose("decision", "decline")
    page.select("decline_reason", "impact_on_current_group")
    page.fill("impact_assessment", "Two residents go missing; a third would raise the risk.")
    page.press_button("Send response")
    assert page.path == "/provider/offers"
    assert page.notification() == f"You have declined referral {reference}"
    assert "Declined" in page.text("table")


def confirm(page, reference: str, accepting: dict) -> None:
    page.sign_in("commissioner")
    page.open(f"/referrals/{reference}")
    offers = page.text("main table")
    assert "Accepted" in offers and "Fits the current group" in offers
    assert (
        "Declined: Impact on the current group" in offers and "Two residents go missing" in offers
    )
    page.press_button("Confirm placement")
    assert page.path == f"/referrals/{reference}"
    assert page.notification() == f"Placement confirmed in home {accepting['urn']}"
    assert "Placed" in page.text("h1")
    assert "Placement confirmed" in page.text("main table")
    assert not page.elements("main table button")  # nothing left to confirm


def assert_the_placement(page, home: dict) -> None:
    placement = summary(page)
    assert placement["Home"].startswith(home["urn"])
    assert placement["Weekly cost"] == home["cost"].removesuffix(" (solo)")
    km = float(re.match(r"([\d.]+) km \(", placement["Distance from the family home"]).group(1))
    assert abs(km - int(home["distance"].removesuffix(" km"))) <= 0.5  # shown to 1 km there
    assert ("more than 20 miles" in placement["Distance from the family home"]) == (
        "Over 20 miles" in home["flags"]
    )
    assert placement["Out of area"] == "Yes"
    assert placement["At a distance"] == ("Yes" if "At a distance" in home["flags"] else "No")
    warnings = [w.text for w in page.elements(".govuk-warning-text__text")]
    assert any("a nominated officer of Manchester must approve" in w for w in warnings)
    director = any("Director of Children's Services must approve" in w for w in warnings)
    assert director == ("At a distance" in home["flags"])


def test_a_child_is_referred_offered_accepted_and_placed(app, page):
    reference = write_and_submit_a_referral(page)
    accepting, declining = search_and_send(app, page, reference)
    send_to_no_home(page, reference)
    accept(app, page, reference, accepting["urn"])
    decline(app, page, reference, declining["urn"])
    confirm(page, reference, accepting)
    assert_the_placement(page, accepting)
    page.assert_sound()
