"""`make bench`: every page under load at a real partnership's size, as ratios of a trivial view.

    make bench                       # seed (once), serve, load, report
    BENCH_SCALE=0.05 make bench      # a smaller seed, for a quick look
    BENCH_DURATION=5 make bench      # seconds of load per page (default 10)
    BENCH_SWEEPS=0 make bench        # pages only (the sweeps take about 5 minutes more)

1. Migrates the bench database (BENCH_DATABASE_URL, else DATABASE_URL's server with the database
   `pinnacle_bench`) and seeds it with `bench.seed` (skipped when already seeded at that scale).
2. Serves it as production does: gunicorn with docker-compose's web command (workers, access log),
   DEBUG off, on loopback; the settings add one reference view (`bench/urls.py`).
3. Drives each page from a separate process, wrk, at a fixed concurrency, with a warm-up first;
   anonymous pages and the member's pages are each measured against the reference view measured
   the same way, anonymous or with the same session, on the same server in the same run.
4. An anatomy pass in this process: per page, median time, queries and the share spent rendering
   templates.
5. The sweeps at 1x and 10x table size and outbox delivery per worker (`bench/sweeps.py`), in
   an empty database of their own (`pinnacle_bench_sweeps`).
Writes `bench/results/pages.json` and `pages.md` (and sweeps.json/.md); prints the tables.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import anatomy, report  # noqa: E402
from pinnacle.devservices import PYTHON, Services, free_port, say, stop  # noqa: E402

BENCH_DATA = ROOT / ".data" / "bench"
RESULTS = ROOT / "bench" / "results"
MANIFEST = BENCH_DATA / "manifest.json"
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
SCALE = os.environ.get("BENCH_SCALE", "1.0")
REFERENCE = "/bench/reference"


def bench_database_url(name: str = "pinnacle_bench") -> str:
    """A database of the benchmark's own on the same server as DATABASE_URL, created when
    missing (BENCH_DATABASE_URL names the seeded one instead)."""
    if name == "pinnacle_bench" and os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ["DATABASE_URL"])
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not conn.execute(exists, [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def measure_sweeps(env: dict[str, str]) -> None:
    """bench/sweeps.py in an empty database of its own: the large seed's due rows (its queued
    emails, its contacts due a score) would be swept along with the sweep's own and blur both."""
    env = {**env, "DATABASE_URL": bench_database_url("pinnacle_bench_sweeps")}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "-m", "bench.sweeps"], cwd=ROOT, env=env, check=True)


def bench_redis_url() -> str:
    """A Redis database of its own (10), never `make run`'s (0) nor a test worker's."""
    return re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/10"


def production_env(database_url: str) -> dict[str, str]:
    """docker-compose's web environment, on loopback, with the benchmark's reference view."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1",
        "BASE_DOMAIN": "localhost",
        "SITE_SCHEME": "http",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": bench_redis_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def compose_web_command() -> list[str]:
    """The gunicorn arguments of docker-compose's web service, so the two never drift apart."""
    compose = (ROOT / "docker-compose.yml").read_text()
    command = re.search(r"exec gunicorn (pinnacle\.wsgi:application[^\n\"\]]*)", compose)
    if not command:
        raise SystemExit("docker-compose.yml has no gunicorn command for the web service")
    return shlex.split(command.group(1))


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    args = compose_web_command()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--access-logfile") + 1] = str(BENCH_DATA / "access.log")
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    log = open(BENCH_DATA / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen([gunicorn, *args], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {BENCH_DATA / 'gunicorn.log'}")
        try:
            fetch(port, "localhost", "/healthz", None)
            return server
        except urllib.error.HTTPError:
            # Answered: a 503 is the health check's verdict (the seed's outbox backlog, no
            # beat here), not a server that is still starting.
            return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def fetch(port: int, host: str, path: str, session: str | None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=30) as response:
        return response.status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(port: int, host: str, path: str, session: str | None, seconds: int) -> dict:
    """One wrk run: requests/s and latency percentiles in milliseconds."""
    command = ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "wrk.lua"), "-H", f"Host: {host}"]
    if session:
        command += ["-H", f"Cookie: sessionid={session}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["socket_errors"] + raw["non_2xx_3xx"],
    }


def load(port: int, manifest: dict, sessions: dict[str, str | None]) -> list[dict]:
    """Every page of the manifest under load, each next to its reference (same session)."""
    references: dict[str | None, dict] = {}
    rows = []
    for page in manifest["pages"]:
        who, host = page["as"], manifest["host"]
        session = sessions[who]
        status = fetch(port, host, page["url"], session)
        if status != 200:
            raise SystemExit(f"{page['url']} as {who} answered {status}, not 200")
        if session not in references:
            wrk(port, host, REFERENCE, session, 2)
            references[session] = wrk(port, host, REFERENCE, session, DURATION)
            say(f"reference as {who}: {references[session]['rps']:.0f} requests/s")
        wrk(port, host, page["url"], session, 2)
        measured = wrk(port, host, page["url"], session, DURATION)
        measured["ratio"] = measured["rps"] / references[session]["rps"]
        rows.append({**page, **measured, "reference_rps": references[session]["rps"]})
        say(f"{page['name']}: {measured['rps']:.0f}/s, {measured['ratio']:.2f}x the reference")
    return rows


# A member's view of the public pages is left out (the anonymous one is measured); leadership's
# whole list is added to the seed's pages: every lead of the partnership, and a page deep into it.
SKIPPED = {("agent", "directory"), ("agent", "profile"), ("agent", "join")}
# Not a page of the portal: the site's layout, empty, for a signed-in member (bench/urls.py),
# what every member page costs before its own content.
FLOOR = {
    "name": "empty member page (floor)",
    "url": "/bench/floor",
    "as": "agent",
    "yardstick": True,
}
LEADERSHIP_LISTS = {
    "leads (all)": "/leads/",
    "leads by name, page 150": "/leads/?sort=name&page=150",
}


def pages_to_measure(seeded: dict) -> dict:
    """The seed's manifest (bench/seed/manifest.py) as the list of pages this run measures."""
    pages = [
        {"name": name.replace("_", " "), "url": url, "as": who}
        for who, named in seeded["pages"].items()
        for name, url in named.items()
        if (who, name) not in SKIPPED
    ]
    pages += [{"name": name, "url": url, "as": "leader"} for name, url in LEADERSHIP_LISTS.items()]
    pages.append(FLOOR)
    return {
        "scale": seeded["scale"],
        "host": seeded["partnerships"][0]["host"],
        "logins": {who: login["email"] for who, login in seeded["logins"].items()},
        "pages": pages,
        "rows": seeded["rows"],
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    python = platform.python_version()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": python, "commit": commit}


def main() -> int:
    BENCH_DATA.mkdir(parents=True, exist_ok=True)
    with Services():
        env = production_env(bench_database_url())
        for command in (
            ["manage.py", "migrate", "-v", "0"],
            ["manage.py", "collectstatic", "--noinput", "-v", "0"],  # as the image's build does
            ["-m", "bench.seed", "--scale", SCALE],  # skipped when already seeded at that scale
        ):
            subprocess.run([PYTHON, *command], cwd=ROOT, env=env, check=True)
        manifest = pages_to_measure(json.loads(MANIFEST.read_text()))
        os.environ.update(env)
        sessions = anatomy.setup(manifest)
        port = free_port()
        server = serve(env, port)
        try:
            rows = load(port, manifest, sessions)
        finally:
            stop(server)
        anatomy.measure(manifest, sessions, rows)
        if os.environ.get("BENCH_SWEEPS", "1") != "0":
            say("Sweeps at 1x and 10x, and outbox delivery per worker (bench/sweeps.py)")
            measure_sweeps(env)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "scale": manifest["scale"],
        "rows": manifest["rows"],
        "concurrency": CONCURRENCY,
        "seconds_per_page": DURATION,
        "gunicorn": compose_web_command(),
        "pages": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(result, indent=2) + "\n")
    markdown = report.pages(result)
    (RESULTS / "pages.md").write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
