"""A second factor: time-based one-time codes from an authenticator app (RFC 6238).

The QR code the app scans is drawn here as SVG, so the shared key never goes to another server.
"""

import hmac
import time

import pyotp
import segno

ISSUER = "Hearth"


def new_key() -> str:
    return pyotp.random_base32()


def key_for_typing(key: str) -> str:
    """The key in groups of 4, for people who type it into their app."""
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def qr_code(key: str, email: str) -> str:
    """A data: URI of an SVG QR code of the key, for an <img> (the CSP allows data: images)."""
    uri = pyotp.TOTP(key).provisioning_uri(name=email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def accepted_step(key: str, code: str, last_step: int | None, now: float | None = None):
    """The time step a code belongs to if it is good now, or None.

    A code is good for its own 30 seconds and the steps either side, allowing for a phone's
    clock and the time taken to type it (RFC 6238, section 5.2), and only once: never for a
    step at or before the last one accepted.
    """
    totp = pyotp.TOTP(key)
    current = totp.timecode(time.time() if now is None else now)
    for step in (current - 1, current, current + 1):
        fresh = last_step is None or step > last_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
