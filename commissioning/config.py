"""Configuration from the environment, with embedded defaults for a laptop."""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def sqlalchemy_url(url: str) -> str:
    """Use the psycopg 3 driver for the postgres:// and postgresql:// URLs hosts hand out."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


UPLOAD_LIMIT_MB = 2


def config_from_environment(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    default_database = f"sqlite:///{instance_path / 'hearth.sqlite3'}"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(os.environ.get("DATABASE_URL", default_database)),
        # A pooled connection is tested before use, so the first request after a database
        # restart gets a fresh connection instead of failing on a dead one.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The largest request (a needs analysis CSV of 5,000 lines is about 0.3 MB), and the
        # largest form field held in memory: anything bigger is refused with 413 unread.
        "MAX_CONTENT_LENGTH": UPLOAD_LIMIT_MB * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 100 * 1024,
        # Proxies in front of the app (a TLS-terminating load balancer: 1) whose
        # X-Forwarded-For and X-Forwarded-Proto are believed, for addresses and https.
        "TRUSTED_PROXIES": int(os.environ.get("HEARTH_TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_SECURE": os.environ.get("HEARTH_INSECURE_COOKIES") != "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("HEARTH_INSECURE_COOKIES") != "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "HOMES_PER_PAGE": 50,
        # Sign-in attempts are counted in Redis where there is one, so every worker agrees; if
        # Redis stops answering, each worker counts on its own rather than refuse every sign-in.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "hearth",
        # With Redis, batch proposals run on RQ workers; without, in processes the web app starts.
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # A running batch whose worker has not reported for this long has died.
        "BATCH_STALE_SECONDS": int(os.environ.get("HEARTH_BATCH_STALE_SECONDS", "30")),
    }
