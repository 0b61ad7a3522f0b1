"""Two-factor authentication in a real browser (issue 16): a person turns it on from their
account, scanning a QR code drawn by the service (or typing its key), then signs in with their
password and the code their app shows. Every page is checked with axe-core, its console and its
network log, with good and bad codes."""

import time

import pyotp
import pytest

from tests.integration.conftest import ACCOUNT_PASSWORD, make_account  # noqa: F401

pytestmark = pytest.mark.e2e

QR_CODE_DRAWN = "document.querySelector('img.hearth-qr-code').naturalWidth > 0"


def enter_code(page, code: str) -> None:
    page.fill("code", code)
    page.press_button("Continue")


def test_a_person_turns_on_two_factor_and_signs_in_with_a_code(page, make_account):  # noqa: F811
    email = make_account("analyst")
    page.sign_in_as(email, ACCOUNT_PASSWORD)
    page.follow_link("Your account")
    assert "Two-factor authentication is off" in page.text()
    page.assert_sound()

    page.press("a[href='/account/two-factor']")
    assert page.path == "/account/two-factor"
    page.wait_for(QR_CODE_DRAWN)
    page.assert_sound()
    key = page.text("#two-factor-key").replace(" ", "")
    totp = pyotp.TOTP(key)
    enter_code(page, "000000" if totp.now() != "000000" else "111111")
    assert "The security code is not correct" in page.text(".govuk-error-summary")
    page.assert_sound()
    enter_code(page, totp.now())
    assert page.path == "/account"
    assert "Two-factor authentication is on" in page.notification()
    page.assert_sound()

    page.press(".hearth-sign-out__button")
    page.open("/sign-in")
    page.fill("email", email)
    page.fill("password", ACCOUNT_PASSWORD)
    page.press_button("Sign in")
    assert page.path == "/sign-in/code"
    page.assert_sound()
    enter_code(page, "12345")
    assert "Enter the security code as 6 digits" in page.text(".govuk-error-summary")
    page.assert_sound()
    # The next 30 seconds' code: the one just used to set up may not be used again.
    enter_code(page, totp.at(time.time() + 30))
    assert page.path == "/homes"
