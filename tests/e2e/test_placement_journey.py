"""Brothers and sisters placed in a real browser (issues 6 and 12): the commissioner writes two
referrals page by page and groups them, is stopped from sending while one is a draft, searches
and sends the group to three homes; one provider sees both children and accepts with its
impact risk assessment, another declines, and the commissioner withdraws the third offer;
confirming goes through a check page that records the reg 11 approvals first; the placement
shows in the home's group, and ending one child's placement frees its bed. Every page the
journey passes through is checked with axe-core, its console and its network log."""

import re
from datetime import date

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


def write_a_referral(page, age: str = "14") -> str:
    """Write every page of a referral (not yet submitted); its reference."""
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
            getattr(page, action)(name, age if name == "age" else value)
        page.press_button("Save and continue")
    assert page.path == f"/referrals/{reference}/check"
    assert page.text("h1") == "Check your answers"
    answers = page.text()
    for given in (age, "Girl", "Within 5 days", "Halal diet", "Going missing", "M14 5"):
        assert given in answers
    assert "M13 9, must keep going: no more than 20 km away" in answers
    page.assert_sound()
    return reference


def submit(page, reference: str) -> None:
    page.open(f"/referrals/{reference}/check")
    page.press_button("Submit referral")


def group_brother_and_sister(page) -> tuple[str, str]:
    """Two referrals grouped on the siblings page; sending waits until both are submitted."""
    page.sign_in("commissioner")
    older = write_a_referral(page)
    younger = write_a_referral(page, age="11")
    page.open(f"/referrals/{older}/siblings")
    page.assert_sound()
    page.press_button("Add to the group")
    assert "Enter the reference of the brother" in page.text(".govuk-error-summary")
    page.assert_sound()
    page.fill("sibling_reference", younger.lower())
    page.press_button("Add to the group")
    assert page.notification() == f"Referral {younger} will be placed together with {older}"
    assert younger in page.text("main table")
    submit(page, older)
    assert page.path == f"/referrals/{older}"
    assert page.notification() == (
        f"Referral {older} is submitted. Submit {younger} too: brothers and sisters are sent to "
        "homes together"
    )
    submit(page, younger)
    assert page.path == f"/referrals/{younger}/search"
    assert page.notification() == f"Referral {younger} is ready: choose the homes to send it to"
    return older, younger


def provider_of(app, urn: str) -> int:
    with app.app_context():
        return db.session.get(Home, urn).provider_id


def choose_three_homes(app, candidates: list[dict]) -> tuple[dict, dict, dict]:
    """An out-of-area home to accept, and homes of other providers to decline and withdraw."""
    accepting = next(home for home in candidates if "Out of area" in home["flags"])
    providers = {provider_of(app, accepting["urn"])}
    others = []
    for home in candidates:
        if provider_of(app, home["urn"]) not in providers:
            providers.add(provider_of(app, home["urn"]))
            others.append(home)
    declining, withdrawn = others[:2]
    return accepting, declining, withdrawn


def search_and_send(app, page, reference: str) -> tuple[dict, dict, dict]:
    page.open(f"/referrals/{reference}/search")
    assert page.text("h1") == "Homes that can take these children together"
    assert "homes can take this child" in page.text("#search-summary")
    page.assert_sound()
    homes = choose_three_homes(app, page.driver.execute_script(f"return {CANDIDATES}"))
    for home in homes:
        page.choose("homes", home["urn"])
    page.press_button("Send the referral to the chosen homes")
    assert page.path == f"/referrals/{reference}"
    assert page.notification() == "Referral sent to 3 homes"
    assert "Sent to homes" in page.text("h1")
    assert page.text("main table").count("Waiting for the home") == 3
    return homes


def withdraw_an_offer(page, reference: str, urn: str) -> None:
    page.open(f"/referrals/{reference}")
    page.press_button(f"Withdraw offer to home {urn}")
    assert page.notification() == f"Offer to home {urn} withdrawn: the home has been told"
    assert "Withdrawn: the placing authority withdrew this offer" in page.text("main table")
    page.assert_sound()


def send_to_no_home(page, reference: str) -> None:
    """Sending again with nothing ticked: the error leads to the first home not yet sent to."""
    page.open(f"/referrals/{reference}/search")
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


def open_the_offer(app, page, references: tuple[str, str], urn: str) -> None:
    page.sign_in_as(provider_account(app, urn), PROVIDER_PASSWORD)
    page.open("/provider/offers/")
    page.assert_sound()
    page.follow_link(", ".join(references))
    assert re.fullmatch(r"/provider/offers/\d+", page.path)
    assert page.text("h1") == "2 brothers and sisters, to be placed together"
    assert f"To home {urn} · Waiting for the home" in page.text(".govuk-caption-l")
    seen = page.text()
    assert "Manchester" in seen and "14, girl" in seen and "11, girl" in seen
    assert "Halal diet" in seen and "Going missing" in seen
    assert "M14" not in seen and "M13" not in seen  # never where the children live
    page.assert_sound()


def accept(app, page, references, urn: str) -> None:
    open_the_offer(app, page, references, urn)
    page.choose("decision", "accept")
    page.fill("impact_on_group", "   ")
    page.press_button("Send response")
    assert "Enter the impact on the children living in the home now" in page.text(
        ".govuk-error-summary"
    )
    page.assert_sound()
    page.fill("impact_on_group", "Fits the current group: the two residents are older.")
    page.fill("managing_risks", "Waking night staff; a missing-from-care plan agreed on arrival.")
    page.press_button("Send response")
    assert page.path == "/provider/offers/"
    assert page.notification() == "You have accepted the referral"
    assert "Accepted" in page.text("table")


def decline(app, page, references, urn: str) -> None:
    open_the_offer(app, page, references, urn)
    page.choose("decision", "decline")
    page.select("decline_reason", "impact_on_current_group")
    page.press_button("Send response")
    assert page.notification() == "You have declined the referral"
    assert "Declined" in page.text("table")


def confirm_with_approvals(page, reference: str, accepting: dict) -> None:
    page.sign_in("commissioner")
    page.open(f"/referrals/{reference}")
    offers = page.text("main table")
    assert "Accepted" in offers and "Fits the current group" in offers
    assert "Declined: Impact on the current group" in offers
    page.press("main a.govuk-button[href$='/confirm']")
    assert page.text("h1") == "Check the placement before you confirm it"
    assert "a nominated officer must approve it before it is made" in page.text()
    page.assert_sound()
    page.press_button("Confirm placement")
    assert "Enter the name of the person who approved the placement" in page.text(
        ".govuk-error-summary"
    )
    page.assert_sound()
    fill_date(page, "start_date", date.today())
    for kind, name, job in (
        ("out_of_area", "Sam Officer", "Head of Placements"),
        ("at_a_distance", "Dee Director", "Director of Children's Services"),
    ):
        if page.elements(f"[name='{kind}_name']"):
            page.fill(f"{kind}_name", name)
            page.fill(f"{kind}_job_title", job)
            fill_date(page, f"{kind}_approved_on", date.today())
    page.press_button("Confirm placement")
    assert page.path == f"/referrals/{reference}"
    assert page.notification() == f"Placement confirmed in home {accepting['urn']}"
    assert "Placed" in page.text("h1")
    approved = f"Sam Officer, Head of Placements, approved {date.today():%-d %B %Y}"
    assert approved in page.text()
    assert not page.elements("main table button")  # nothing left to confirm or withdraw


def fill_date(page, name: str, day: date) -> None:
    """Type a date into a GOV.UK date input's day, month and year boxes."""
    boxes = page.elements(f"[name='{name}']")
    for box, value in zip(boxes, (day.day, day.month, day.year), strict=True):
        box.clear()
        box.send_keys(str(value))


def end_the_placement(page, reference: str) -> None:
    page.follow_link("End this placement")
    page.assert_sound()
    page.press_button("End placement")
    assert "Select the reason the placement ended" in page.text(".govuk-error-summary")
    fill_date(page, "end_date", date.today())
    page.select("reason", "CARPL")
    page.press_button("End placement")
    assert "its bed is free again" in page.notification()
    assert "Placement ended" in page.text("h1")
    assert "The care plan changed or was carried out (CARPL)" in page.text()


def assert_the_homes_group(app, page, urn: str) -> None:
    page.sign_in_as(provider_account(app, urn), PROVIDER_PASSWORD)
    page.open(f"/provider/homes/{urn}/residents")
    assert page.text().count("Placed through Hearth") == 1  # the other child has left
    page.assert_sound()


def test_brothers_and_sisters_are_referred_offered_accepted_placed_and_moved_on(app, page):
    older, younger = group_brother_and_sister(page)
    accepting, declining, withdrawn = search_and_send(app, page, older)
    withdraw_an_offer(page, older, withdrawn["urn"])
    send_to_no_home(page, older)
    accept(app, page, (older, younger), accepting["urn"])
    decline(app, page, (older, younger), declining["urn"])
    confirm_with_approvals(page, older, accepting)
    end_the_placement(page, younger)
    assert_the_homes_group(app, page, accepting["urn"])
