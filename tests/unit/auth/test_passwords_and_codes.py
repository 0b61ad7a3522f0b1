"""The password policy and the one-time codes, without the app."""

import pyotp
import pytest

from commissioning.auth import two_factor
from commissioning.auth.passwords import (
    COMMON,
    GUESSABLE,
    OWN_DETAILS,
    TOO_LONG,
    TOO_SHORT,
    password_problem,
)

EMAIL = "jo.bloggs@manchester.gov.example"


@pytest.mark.parametrize(
    "password, problem",
    [
        ("password1234", COMMON),
        ("iloveyou1234", COMMON),
        ("aaaaaaaaaaaa", GUESSABLE),
        ("123456789012", COMMON),
        ("abcdefghijkl", GUESSABLE),
        ("jobloggs1234", OWN_DETAILS),
        ("manchester12", OWN_DETAILS),
        ("hearthhearth1", OWN_DETAILS),
        ("eleven-char", TOO_SHORT),
        ("x" * 201, TOO_LONG),
        ("kettle orbit pencil", None),
        ("lantern-meadow-copper-7", None),
        ("T7#qv!Lp2@wZ", None),
        ("kettle orbit pencil " + "a" * 150, None),
    ],
)
def test_a_new_password_must_be_long_and_hard_to_guess(password, problem):
    assert password_problem(password, EMAIL) == problem


def test_a_code_is_good_for_its_step_and_those_either_side_once_only():
    key = two_factor.new_key()
    now = 1_800_000_000.0
    step = pyotp.TOTP(key).timecode(now)
    code = pyotp.TOTP(key).at(now)
    assert two_factor.accepted_step(key, code, None, now) == step
    assert two_factor.accepted_step(key, code, None, now + 30) == step
    assert two_factor.accepted_step(key, code, None, now - 30) == step
    assert two_factor.accepted_step(key, code, None, now + 90) is None
    assert two_factor.accepted_step(key, code, last_step=step, now=now) is None


def test_the_qr_code_is_an_svg_drawn_here_and_the_key_is_grouped_for_typing():
    assert two_factor.qr_code(two_factor.new_key(), EMAIL).startswith("data:image/svg+xml")
    assert two_factor.key_for_typing("ABCDEFGHIJKL") == "ABCD EFGH IJKL"
