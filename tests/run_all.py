"""Run every test: once on the embedded SQLite default, then on PostgreSQL if it answers.

`make test` calls this. The PostgreSQL run uses TEST_DATABASE_URL (default: the local server's
hearth_test database, created if missing). Where no PostgreSQL answers it says so plainly and
skips that run; CI sets HEARTH_REQUIRE_POSTGRES=1, which makes a missing server a failure.
"""

import os
import subprocess
import sys

import psycopg
from psycopg import sql

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/hearth_test"


def _pytest(*args: str, env: dict[str, str]) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def _ensure_database(url: str) -> bool:
    """Create the test database if the server answers; False if it does not."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **info) as c:
            exists = c.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
            if not exists:
                c.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {url} is not reachable: {error}".strip())
        return False
    return True


def main() -> int:
    args = sys.argv[1:]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    print("== Every test on the embedded SQLite default", flush=True)
    status = _pytest(*args, env=env)
    postgres_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)
    if not _ensure_database(postgres_url):
        if os.environ.get("HEARTH_REQUIRE_POSTGRES") == "1":
            print("PostgreSQL is required here (HEARTH_REQUIRE_POSTGRES=1): failing.")
            return 1
        print("SKIPPED: the PostgreSQL run was skipped (no server); only SQLite was tested.")
        return status
    print(f"== Integration tests on PostgreSQL ({postgres_url})", flush=True)
    pg_status = _pytest(
        "tests/integration", "-m", "not e2e", *args, env={**env, "TEST_DATABASE_URL": postgres_url}
    )
    return status or pg_status


if __name__ == "__main__":
    sys.exit(main())
