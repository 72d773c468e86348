"""`make soak`: prospects and members at a fixed rate for ten minutes against the production
shape, with zero errors and no memory growth per process beyond a stated bound.

    make soak                       # 10 minutes at 10 requests/s
    SOAK_SECONDS=60 make soak       # a quick look
    SOAK_RATE=20 make soak          # requests per second, all kinds together

1. Migrates and seeds a small database of its own (`seed_demo` into SOAK_DATABASE_URL, else
   DATABASE_URL's server with the database `pinnacle_soak`); Redis database 11 of REDIS_URL's
   server for cache and broker (SOAK_REDIS_URL to choose another).
2. Starts what docker-compose runs: gunicorn with the web service's arguments, the Celery worker
   and beat with theirs, DEBUG off, on loopback, behind a pretend proxy: TRUSTED_PROXIES=127.0.0.1
   and every prospect's submission carries its own X-Forwarded-For address, so the per-IP limit
   (5 submissions in 10 minutes) counts each prospect apart, as it would behind the TLS proxy.
3. An open-loop schedule: request i is due at i / rate seconds whatever happened before, sent by
   a pool of threads, and its latency runs from when it was due, so a slow server shows as
   latency, never as fewer requests. The mix (MIX below) is fixed by a seed.
4. Every 5 s, the resident memory (RSS) of each gunicorn worker and of each Celery worker process.

Fails (exit 1) on any error: a refused connection, a timeout, or a status other than the kind's
expected one (200 for pages, 302 after a submission; a 429 is an error too: the mix never passes
the limit unless the proxy's addresses are mixed up, and a member's page answering with a redirect
to the login is one), on an email queued by the run and not sent by its end, and on a process
whose RSS grew by more than MEMORY_BOUND_MB from the first minute to the last. Prints the figures
and writes them to bench/results/soak.md.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import anatomy  # noqa: E402
from bench.run import bench_database_url, compose_web_command, machine, production_env  # noqa: E402
from bench.soak_figures import (  # noqa: E402
    SAMPLE_EVERY,
    by_minute,
    failures,
    growth,
    percentile,
    schedule,
)
from pinnacle.devservices import PYTHON, Services, free_port, say, stop  # noqa: E402

SOAK_DATA = ROOT / ".data" / "soak"
RESULTS = ROOT / "bench" / "results"
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
# Below what docker-compose's three sync workers serve of this mix on a shared 2-core machine
# (about 10 requests/s with other work running; more alone), so latency is the server's, not a
# queue's. Past the server's capacity the run still passes if nothing fails, with latencies that
# grow through the run and the "behind" line saying by how much.
RATE = float(os.environ.get("SOAK_RATE", "10"))
THREADS = 48
TIMEOUT = 30
# A process's RSS may grow by at most this much from the first minute (median of its samples) to
# the last minute. Caches filling (templates, compiled regexes, the ORM's) settle well under it;
# a leak of a few kilobytes per request (12,000 requests in ten minutes) passes it.
MEMORY_BOUND_MB = 30
DRAIN_SECONDS = 120  # after the load, how long the worker has to send the run's last emails
MEMBERS = {"agent": "agent@pinnacle.localhost", "lender": "lender@pinnacle.localhost"}

# kind: (weight, who). Prospects about 55%, members about 45%.
MIX = {
    "home": (5, "prospect"),
    "directory": (12, "prospect"),
    "profile": (12, "prospect"),
    "join (form)": (10, "prospect"),
    "join (submit)": (5, "prospect"),
    "embed (form)": (6, "prospect"),
    "embed (submit)": (5, "prospect"),
    "dashboard": (10, "member"),
    "leads list": (10, "member"),
    "lead page": (10, "member"),
    "outreach": (8, "member"),
    "policy": (7, "member"),
}
SUBMISSIONS = {"join (submit)", "embed (submit)"}


# --- The run ---------------------------------------------------------------------------------


@dataclass
class Target:
    port: int
    host: str
    sessions: dict[str, str]
    csrf: tuple[str, str]  # cookie, form token
    profiles: list[str]
    leads: dict[str, list[str]]  # member -> lead page paths
    embed: str
    run_id: str
    counter: itertools.count = field(default_factory=itertools.count)


def request(target: Target, method: str, path: str, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=TIMEOUT)
    try:
        connection.request(
            method, path, body=body, headers={"Host": target.host, **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.getheaders()
    finally:
        connection.close()


def lead_form(n: int, run_id: str) -> dict[str, str]:
    return {
        "name": f"Soak Prospect {n}",
        "email": f"soak-{run_id}-{n}@example.com",
        "phone": "(512) 555-0199",
        "need": "buy",
        "timeframe": "3m",
        "referrer": "none",
        "message": "Looking for a starter home.",
        "consent": "on",
        "website": "",
    }


def send(target: Target, kind: str, draw: random.Random) -> tuple[int, int]:
    """One request of `kind`: (status, the status expected)."""
    member = draw.choice(list(MEMBERS))
    cookie = {"Cookie": f"sessionid={target.sessions[member]}"}
    pages = {
        "home": "/",
        "directory": "/directory/",
        "profile": draw.choice(target.profiles),
        "join (form)": "/join/",
        "embed (form)": target.embed,
        "dashboard": "/dashboard/",
        "leads list": "/leads/",
        "lead page": draw.choice(target.leads[member]) if target.leads[member] else "/leads/",
        "outreach": "/outreach/",
        "policy": "/policy/",
    }
    if kind in pages:
        headers = cookie if MIX[kind][1] == "member" else {}
        return request(target, "GET", pages[kind], headers)[0], 200
    n = next(target.counter)
    # A prospect of their own behind the proxy (198.18.0.0/15, set aside for benchmarks).
    headers = {
        "X-Forwarded-For": f"198.18.{n // 250 % 250}.{n % 250 + 1}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    data = lead_form(n, target.run_id)
    if kind == "join (submit)":
        token_cookie, token = target.csrf
        headers["Cookie"] = f"csrftoken={token_cookie}"
        data["csrfmiddlewaretoken"] = token
        path = "/join/"
    else:
        path = target.embed
    return request(target, "POST", path, headers, urlencode(data))[0], 302


class Load:
    """The open-loop run: a dispatcher hands each request to the pool when it is due."""

    def __init__(self, target: Target, plan: list[tuple[float, str]]):
        self.target, self.plan = target, plan
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.service: dict[str, list[float]] = defaultdict(list)  # from sending to the answer
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.examples: list[str] = []
        self.lock = threading.Lock()
        self.queue: Queue = Queue()

    def worker(self, seed: int) -> None:
        draw = random.Random(seed)
        while (job := self.queue.get()) is not None:
            due, kind = job
            sent = time.monotonic()
            try:
                status, expected = send(self.target, kind, draw)
            except OSError as exc:
                status, expected, problem = 0, 200, f"{kind}: {exc!r}"
            else:
                problem = f"{kind}: {status}, expected {expected}"
            answered = time.monotonic()
            with self.lock:
                self.latencies[kind].append((answered - due) * 1000)
                self.service[kind].append((answered - sent) * 1000)
                self.statuses[kind][status] += 1
                if status != expected:
                    self.errors[kind] += 1
                    if len(self.examples) < 10:
                        self.examples.append(problem)

    def run(self) -> float:
        threads = [threading.Thread(target=self.worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        start = time.monotonic()
        for offset, kind in self.plan:
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.queue.put((start + offset, kind))
        for _ in threads:
            self.queue.put(None)
        for thread in threads:
            thread.join()
        return time.monotonic() - start


class Memory:
    """RSS of each gunicorn worker and Celery worker process, every SAMPLE_EVERY seconds."""

    def __init__(self, roots: dict[str, int]):
        import psutil

        self.psutil = psutil
        self.roots = roots
        self.samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.load_average: list[float] = []  # the machine's, 1 minute: other work shows here
        self.stopped = threading.Event()
        self.start = time.monotonic()
        self.thread = threading.Thread(target=self.sample_until_stopped, daemon=True)

    def processes(self):
        for name, pid in self.roots.items():
            root = self.psutil.Process(pid)
            children = root.children()
            if name == "celery worker":  # the main process and its pool
                yield f"{name} main {pid}", root
            for child in children:
                yield f"{name} {child.pid}", child

    def sample_until_stopped(self) -> None:
        while not self.stopped.wait(SAMPLE_EVERY):
            now = time.monotonic() - self.start
            self.load_average.append(os.getloadavg()[0])
            for name, process in self.processes():
                try:
                    self.samples[name].append((now, process.memory_info().rss / 2**20))
                except self.psutil.NoSuchProcess:
                    continue

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    log = open(SOAK_DATA / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def compose_command(service: str) -> list[str]:
    """A Celery service's command in docker-compose.yml (the worker's or beat's)."""
    compose = (ROOT / "docker-compose.yml").read_text()
    found = re.search(rf'command: (\["celery", "-A", "pinnacle", "{service}".*\])', compose)
    if not found:
        raise SystemExit(f"docker-compose.yml has no celery {service} command")
    return json.loads(found.group(1))


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    args = compose_web_command()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--access-logfile") + 1] = str(SOAK_DATA / "access.log")
    server = start("gunicorn", [str(Path(PYTHON).parent / "gunicorn"), *args], env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {SOAK_DATA / 'gunicorn.log'}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def soak_env() -> dict[str, str]:
    database = os.environ.get("SOAK_DATABASE_URL") or bench_database_url("pinnacle_soak")
    redis = (
        os.environ.get("SOAK_REDIS_URL") or re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/11"
    )
    env = production_env(database)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pinnacle.settings",
            "REDIS_URL": redis,
            "CELERY_BROKER_URL": redis,
            "TRUSTED_PROXIES": "127.0.0.1",
            "MEDIA_ROOT": str(SOAK_DATA / "media"),
        }
    )
    return env


def prepare(port: int, host: str) -> Target:
    """Signed-in sessions, a CSRF pair, and the paths the mix visits, from the seeded demo."""
    from comarketing.models import Media
    from members.models import Member
    from members.selectors import listed_members
    from pinnacle.models import Partnership

    partnership = Partnership.objects.get(slug="pinnacle")
    sessions = anatomy.setup({"logins": MEMBERS})
    profiles = [f"/directory/{m.slug}/" for m in listed_members(partnership=partnership)][:20]
    media = Media.objects.filter(connection__partnership=partnership, is_published=True).first()
    target = Target(
        port=port,
        host=host,
        sessions=sessions,
        csrf=("", ""),
        profiles=profiles,
        leads={},
        embed=f"/m/{media.slug}/embed/",
        run_id=time.strftime("%H%M%S"),
    )
    _, page, headers = request(target, "GET", "/join/")
    cookie = next(v for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    target.csrf = (cookie.split(";")[0].split("=", 1)[1], token.group(1))
    for who in MEMBERS:
        page = request(target, "GET", "/leads/", {"Cookie": f"sessionid={sessions[who]}"})[1]
        target.leads[who] = sorted(set(re.findall(r'href="(/leads/\d+/)"', page)))[:20]
    assert Member.objects.exists() and profiles and all(target.leads.values()), "demo not seeded"
    return target


def emails_since(started) -> tuple[int, int]:
    from pinnacle.mail.models import OutboxMessage

    run = OutboxMessage.objects.filter(created_at__gte=started)
    return run.count(), run.filter(status=OutboxMessage.Status.QUEUED).count()


def report(load: Load, took: float, sampled: Memory, emails: tuple[int, int], why):
    samples = sampled.samples
    memory = {name: growth(values) for name, values in samples.items()}
    busy = sampled.load_average or [0.0]
    total = sum(len(v) for v in load.latencies.values())
    behind = max(took - SECONDS, 0.0)
    lines = [
        "# Soak",
        "",
        f"{time.strftime('%Y-%m-%d')}, {machine()['cpu']} ({os.cpu_count()} cores), commit "
        f"{machine()['commit']}. `make soak`: {SECONDS} s at {RATE:g} requests/s (open loop), "
        f"gunicorn `{' '.join(compose_web_command()[1:])}`, Celery worker "
        f"`{' '.join(compose_command('worker')[4:])}` and beat, production settings, the demo "
        "seed, TRUSTED_PROXIES=127.0.0.1 with one X-Forwarded-For address per prospect.",
        "",
        f"{total} requests in {took:.0f} s ({total / took:.1f}/s), "
        f"{sum(load.errors.values())} errors; the last answer came {behind:.0f} s after the "
        "schedule's end (how far the server fell behind). The machine's load average (1 minute) "
        f"during the run: {min(busy):.1f} to {max(busy):.1f}, median {statistics.median(busy):.1f}"
        f" on {os.cpu_count()} cores.",
        "",
        "Latency in ms from when each request was due (p50 to max), and from when it was sent "
        f"(p50, p95): the difference is a wait for one of the generator's {THREADS} threads, the "
        "rest the server's (its accept queue included).",
        "",
        "| kind | requests | errors | p50 | p95 | p99 | max | sent p50 | sent p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in MIX:
        values, service = load.latencies.get(kind, []), load.service.get(kind, [])
        figures = [percentile(values, p) for p in (50, 95, 99, 100)]
        figures += [percentile(service, p) for p in (50, 95)]
        lines.append(
            f"| {kind} | {len(values)} | {load.errors.get(kind, 0)} | "
            + " | ".join(f"{figure:.0f}" for figure in figures)
            + " |"
        )
    queued, unsent = emails
    lines += [
        "",
        f"Emails queued by the run: {queued}; not sent by its end: {unsent}.",
        "",
        f"Resident memory (MB): median of the first minute, of the last, growth "
        f"(bound: {MEMORY_BOUND_MB} MB per process).",
        "",
        "| process | first minute | last minute | growth | each minute's median |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (first, last, grown) in sorted(memory.items()):
        minutes = " ".join(f"{mb:.0f}" for mb in by_minute(samples[name]))
        lines.append(f"| {name} | {first:.1f} | {last:.1f} | {grown:+.1f} | {minutes} |")
    lines += ["", "Result: " + ("FAILED: " + "; ".join(why) if why else "passed") + "."]
    if load.examples:
        lines += ["", "First errors:", "", *[f"- {example}" for example in load.examples]]
    return "\n".join(lines) + "\n"


def main() -> int:
    SOAK_DATA.mkdir(parents=True, exist_ok=True)
    with Services():
        env = soak_env()
        for command in (
            ["manage.py", "migrate", "-v", "0"],
            ["manage.py", "collectstatic", "--noinput", "-v", "0"],
            ["manage.py", "seed_demo"],
        ):
            subprocess.run(
                [PYTHON, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        os.environ.update(env)
        import django

        django.setup()
        from django.utils import timezone

        from pinnacle.models import Partnership

        host = Partnership.objects.get(slug="pinnacle").host
        port = free_port()
        celery = str(Path(PYTHON).parent / "celery")
        beat_args = compose_command("beat")
        beat_args[beat_args.index("-s") + 1] = str(SOAK_DATA / "celerybeat-schedule")
        processes = []
        try:
            processes.append(serve(env, port))
            processes.append(start("worker", [celery, *compose_command("worker")[1:]], env))
            processes.append(start("beat", [celery, *beat_args[1:]], env))
            target = prepare(port, host)
            plan = schedule(SECONDS, RATE, MIX)
            say(f"Soak: {len(plan)} requests over {SECONDS} s against 127.0.0.1:{port}")
            started = timezone.now()
            roots = {"gunicorn worker": processes[0].pid, "celery worker": processes[1].pid}
            load = Load(target, plan)
            with Memory(roots) as memory:
                took = load.run()
            deadline = time.monotonic() + DRAIN_SECONDS
            while (emails := emails_since(started))[1] and time.monotonic() < deadline:
                time.sleep(2)
        finally:
            for process in reversed(processes):
                stop(process, timeout=30)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # anything the process left behind
    grown = {name: growth(samples) for name, samples in memory.samples.items()}
    why = failures(dict(load.errors), grown, emails[1], MEMORY_BOUND_MB)
    markdown = report(load, took, memory, emails, why)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.md").write_text(markdown)
    print(markdown)
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main())
