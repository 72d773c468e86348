"""The suite's settings: `pinnacle.settings` with a Redis database of the suite's own and no
persistent database connections.

`make run` uses the local Redis's database 0 for its broker, cache and sessions, and the suite
flushes its cache before every test, so the suite never uses database 0: it counts from the
database `REDIS_URL` names (from 1 when that is 0), one database per pytest-xdist worker (`gw0`
takes the first, `gw1` the next ...), so parallel workers never flush each other's counters.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_redis_url(url: str, worker: str) -> str:
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = max(int(path or 0), 1)
    index = int(worker.removeprefix("gw") or 0) if worker.startswith("gw") else 0
    database = base + index
    if database >= REDIS_DATABASES:
        raise RuntimeError(
            f"Worker {worker} would need Redis database {database}: run fewer workers (-n) or "
            f"point REDIS_URL at a lower database (Redis has {REDIS_DATABASES})."
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


os.environ["REDIS_URL"] = worker_redis_url(
    os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    os.environ.get("PYTEST_XDIST_WORKER", ""),
)
os.environ.pop("CELERY_BROKER_URL", None)  # the broker follows the worker's database

from pinnacle.settings import *  # noqa: E402, F403

# The browser journeys' live server answers in threads of its own; with persistent connections
# (CONN_MAX_AGE 60) each of those threads left one open until the garbage collector found it,
# and a serial run of the suite ended holding ~48 idle connections (two runs: "too many
# clients"). Closed at the end of each request instead, the count stays at the test's own.
# The suite's own connection per test thread, as before the pool: pytest-django's transactions
# and its database setup assume one; the pool is proven in tests/test_faults_database.py and
# tests/test_connection_budget.py, whose processes run with the production settings.
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"].pop("pool", None)

# The suite runs as the owner (a superuser, whom row-level security does not hold: most tests
# make rows of two partnerships outside any request). tests/test_row_level_security.py checks the
# wall through `app`: the same test database, as the app role (pinnacle/rls.py's APP_ROLE).
DATABASES["owner"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
DATABASES["app"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "USER": "pinnacle_app",
    "PASSWORD": "",
    "TEST": {"MIRROR": "default"},
}
