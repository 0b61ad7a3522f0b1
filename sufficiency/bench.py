"""Server time of every sufficiency dashboard on the national data (benchmark, not a test).

    python -m sufficiency.bench [--repeat N]

Runs against the database the app is configured for (DATABASE_URL, else the embedded
instance/hearth.sqlite3 that `make run` loads), signed in as the demo admin (England) and the
demo analyst (their consortium). For each dashboard: the first request in a fresh process
(which protects the counts for every area, then keeps them while the figures stay the same)
and the median of the following ones, in milliseconds.
"""

import argparse
import re
import statistics
import time

from commissioning import demo
from commissioning.app import create_app
from sufficiency.dashboards import KINDS

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _signed_in(app, role: str):
    client = app.test_client()
    token = TOKEN.search(client.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": f"{role}@{demo.DEMO_DOMAIN}",
            "password": demo.DEMO_PASSWORD,
        },
    )
    assert response.status_code == 302, f"cannot sign in as the demo {role}"
    return client


def _milliseconds(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200, path
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    app = create_app({"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    print(f"{'dashboard':<10} {'as':<8} {'first ms':>9} {'median ms':>10}")
    for role in ("admin", "analyst"):
        client = _signed_in(app, role)
        for key in KINDS:
            path = f"/sufficiency/{key}"
            first = _milliseconds(client, path)
            median = statistics.median(_milliseconds(client, path) for _ in range(repeat))
            print(f"{key:<10} {role:<8} {first:>9.0f} {median:>10.0f}")


if __name__ == "__main__":
    main()
