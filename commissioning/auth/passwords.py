"""Which new passwords are acceptable: long enough, and not easy to guess (NCSC password
guidance; NIST SP 800-63B, 5.1.1.2: refuse passwords from lists of common and breached
passwords, dictionary words, repetition and sequences, and the service's or user's own name).

Checked offline with zxcvbn, whose lists (the most common passwords from breaches, English
words, names) ship in the package, so no password leaves the service.
"""

import re

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's score 3 is "safely unguessable": over 10^8 guesses, out of reach of guessing online
# and slow against an offline attack on a stolen hash.
STRONG_ENOUGH = 3
# zxcvbn's work grows with length (it refuses over 72 characters); the first 72 decide.
SCORED_CHARACTERS = 72
SERVICE_NAME = "hearth"

TOO_SHORT = f"Password must be {MIN_LENGTH} characters or more"
TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer"
COMMON = "Enter a password that is not a common password"
OWN_DETAILS = "Enter a password that does not use your email address or Hearth"
GUESSABLE = "Enter a password that is harder to guess, like 3 random words"


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, as a message for its field, or None."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    result = zxcvbn(password[:SCORED_CHARACTERS], user_inputs=_own_words(email))
    if result["score"] >= STRONG_ENOUGH:
        return None
    sources = {
        match.get("dictionary_name")
        for top in result["sequence"]
        for match in (top, *top.get("base_matches", ()))
    }
    if "user_inputs" in sources:
        return OWN_DETAILS
    if "passwords" in sources:
        return COMMON
    return GUESSABLE


def _own_words(email: str) -> list[str]:
    """The email address, its parts, its name run together ("jo.bloggs": "jobloggs") and the
    service's name: what a guesser tries first."""
    email = email.lower()
    name = email.partition("@")[0]
    return [email, re.sub(r"[^a-z0-9]", "", name), *re.split(r"[^a-z0-9]+", email), SERVICE_NAME]
