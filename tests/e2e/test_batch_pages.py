"""A batch proposal in a real browser (issue 7): the consortium lead starts one over the
waiting children, watches its progress page update by itself until the result replaces it,
compares it with one child at a time, downloads it and sends two proposals to their homes."""

import re

import pytest

from commissioning import demo

pytestmark = pytest.mark.e2e

TIME_LIMIT_SECONDS = 3
RUN_ENDS_WITHIN_SECONDS = 60
ON_THE_RESULT_PAGE = "document.querySelector('#proposed-homes') !== null"
SENDABLE = "[...document.querySelectorAll('input[name=proposals]')].map(box => box.value)"
SENT = (
    "[...document.querySelectorAll('#proposed-homes tbody tr')]"
    ".filter(row => row.cells[0].innerText.trim() === 'Sent').map(row => row.cells[1].innerText)"
)
RUNNING_WITH_PROGRESS = (
    "document.querySelector('[data-field=status]')?.textContent === 'Running' && "
    "document.querySelector('[data-field=elapsed]')?.textContent.endsWith(' s')"
)
DOWNLOAD = (
    "const done = arguments[arguments.length - 1];"
    "fetch(arguments[0]).then(response => response.json()).then(done);"
)


def start_a_batch(page) -> str:
    page.sign_in("commissioner")
    page.open("/batches/")
    assert page.text("h1") == "Batch proposals"
    page.assert_sound()
    page.follow_link("Start a batch proposal")
    assert page.path == "/batches/new"
    page.assert_sound()
    waiting = page.elements("input[name=referrals]")
    assert len(waiting) >= 150  # the demo's waiting list of the North West
    assert all(box.is_selected() for box in waiting)
    assert f"All {len(waiting)} waiting children" in page.text()
    page.fill("time_limit", str(TIME_LIMIT_SECONDS))
    page.press_button("Start the proposal")
    return re.fullmatch(r"/batches/(B-[A-Z0-9]+)", page.path).group(1)


def watch_the_progress(page, reference: str) -> None:
    """The progress page shows the run, checks out, then gives way to the result by itself."""
    assert page.text("h1") == f"Batch proposal {reference}"
    assert f"time limit {TIME_LIMIT_SECONDS} s" in page.text(".govuk-caption-l")
    status = page.text("[data-field=status]")
    assert status in ("Waiting to start", "Running")
    assert "This page updates by itself" in page.text()
    # Only the status is announced as it changes, not every tick of the figures.
    assert [region.text for region in page.elements("[aria-live], [role=status]")] == [status]
    page.assert_sound()
    page.wait_for(RUNNING_WITH_PROGRESS)
    page.wait_for(ON_THE_RESULT_PAGE, seconds=RUN_ENDS_WITHIN_SECONDS)
    page.wait_for("document.readyState === 'complete'")


def read_the_result(page, reference: str) -> None:
    assert page.path == f"/batches/{reference}"
    assert page.text("h1") == f"Batch proposal {reference} Finished"
    comparison = page.text("main table")
    assert "Against one child at a time (today's practice), on the same data" in comparison
    assert "This proposal One at a time" in comparison
    for measure in ("Children placed", "Placed out of area", "Total weekly cost (£)"):
        assert measure in comparison
    assert "Child Home Distance Flags Weekly cost Group impact" in page.text(
        "#proposed-homes thead"
    )
    assert page.elements("#proposed-homes tbody tr")
    page.assert_sound()


def download(page, link_text: str) -> dict:
    href = page.driver.find_element("link text", link_text).get_attribute("href")
    return page.driver.execute_async_script(DOWNLOAD, href)


def check_the_downloads(page) -> None:
    instance = download(page, "Download the instance (hearth-matching/1)")
    result = download(page, "download this result")
    assert instance["schema"] == "hearth-matching/1"
    assert len(instance["referrals"]) >= 150
    assert result["placed"] == len(result["assignments"])
    # One row a unit: a sibling group is proposed, and sent, as one.
    groups = {r["id"]: r["sibling_group"] for r in instance["referrals"]}
    units = {groups[a["referral"]] or a["referral"] for a in result["assignments"]}
    assert len(page.elements("#proposed-homes tbody tr")) == len(units)


def send_two_proposals(page, reference: str) -> None:
    first, second = page.driver.execute_script(f"return {SENDABLE}")[:2]
    page.choose("proposals", first)
    page.choose("proposals", second)
    page.press_button("Send the chosen proposals to their homes")
    assert page.path == f"/batches/{reference}"
    assert page.notification() == "2 proposals sent as offers to the homes"
    assert page.driver.execute_script(f"return {SENT}") == [first, second]


def test_a_batch_proposal_runs_shows_its_result_and_sends_proposals(page):
    reference = start_a_batch(page)
    watch_the_progress(page, reference)
    read_the_result(page, reference)
    check_the_downloads(page)
    send_two_proposals(page, reference)
    page.assert_sound()


def test_a_progress_page_whose_session_ends_sends_the_lead_to_sign_in(page):
    reference = start_a_batch(page)
    page.driver.delete_all_cookies()
    page.wait_for("location.pathname === '/sign-in'")
    assert reference in page.driver.current_url  # back to the run once signed in again
    assert page.console_errors() == []
    page.fill("email", f"commissioner@{demo.DEMO_DOMAIN}")
    page.fill("password", demo.DEMO_PASSWORD)
    page.press("form [type=submit]")
    assert page.path == f"/batches/{reference}"
    # The run ends by itself, as every test's must (tests/conftest.py).
    page.wait_for(ON_THE_RESULT_PAGE, seconds=RUN_ENDS_WITHIN_SECONDS)
