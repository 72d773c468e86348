"""The database connection budget (docs/operations.md, "The processes"): each process keeps at most
DATABASE_POOL_SIZE connections (psycopg's pool), so however busy they are, the database sees at
most (web processes + worker processes x concurrency + beats) x DATABASE_POOL_SIZE.

Two gunicorn processes with more threads than their pool, and two Celery workers (prefork, two
children each) sending the mail the prospects' forms queue, run with the production settings
against a PostgreSQL of the test's own; many prospects and visitors at once; the connections
PostgreSQL counts for the portal's database, sampled all along, never exceed the budget.
"""

from __future__ import annotations

import sys
import threading
import time

import psycopg
import pytest
from django.db import connection

from tests.processes import (
    PostgresServer,
    RedisServer,
    database_url,
    gunicorn,
    port_open,
    portal_process,
    production_env,
    wait_until,
    web_port,
)
from tests.test_faults_database import DATABASE, Portal

# One xdist worker runs the tests that serve on the machine's web ports (8101-8119), one at a time.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("web-ports"),
]

POOL_SIZE = 2
WEB_PROCESSES, WEB_THREADS = 2, 10  # more threads than pooled connections
WORKERS, CONCURRENCY = 2, 2
BUDGET = (WEB_PROCESSES + WORKERS * CONCURRENCY) * POOL_SIZE  # 12; beat uses none here
CLIENTS = 24  # 12 at each web process: more than its threads
CHECKS = 5  # each client's health checks after its form (each takes a connection)


def portal_connections(db: psycopg.Connection) -> int:
    """Connections to the portal's database, this sampling one left out."""
    return db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [DATABASE],
    ).fetchone()[0]


def test_connections_stay_within_the_budget_however_busy_the_processes(partnership, tmp_path):
    server = PostgresServer(max_connections=60)
    redis = RedisServer(tmp_path)
    try:
        server.start()
        server.copy_database(database_url(connection.settings_dict), DATABASE)
        redis.start()
        url = f"postgres://postgres@127.0.0.1:{server.port}/{DATABASE}"
        env = production_env(url, redis.url(), DATABASE_POOL_SIZE=str(POOL_SIZE))
        ports: tuple[int, ...] = ()
        for _ in range(WEB_PROCESSES):
            ports += (web_port(ports),)
        worker = [
            *(sys.executable, "-m", "celery", "-A", "pinnacle", "worker", "--loglevel", "INFO"),
            *("--pool", "prefork", "--concurrency", str(CONCURRENCY), "--without-gossip"),
            *("--without-mingle", "--without-heartbeat"),
        ]
        with (
            gunicorn(ports[0], env, tmp_path / "web0.log", threads=WEB_THREADS),
            gunicorn(ports[1], env, tmp_path / "web1.log", threads=WEB_THREADS),
            portal_process([*worker, "-n", "w0@%h"], env, tmp_path / "worker0.log"),
            portal_process([*worker, "-n", "w1@%h"], env, tmp_path / "worker1.log"),
            psycopg.connect(url, autocommit=True) as sampler,
        ):
            for port in ports:
                wait_until(lambda port=port: port_open(port), 30, "gunicorn to listen")
            portals = [Portal(url=f"http://127.0.0.1:{port}", database=server, database_url=url)]
            portals += [
                Portal(url=f"http://127.0.0.1:{ports[1]}", database=server, database_url=url)
            ]
            counts, statuses = run_load(portals, sampler)
            wait_until(lambda: mail_sent(sampler), 30, "the workers to send the queued mail")
            counts.append(portal_connections(sampler))
    finally:
        redis.stop()
        server.cleanup()

    assert set(statuses) <= {200, 302}, statuses
    assert statuses.count(302) == CLIENTS  # each prospect joined, mail queued for the workers
    assert max(counts) <= BUDGET, f"{max(counts)} connections, over the budget of {BUDGET}"
    assert max(counts) > POOL_SIZE  # several processes really were at work


def mail_sent(db: psycopg.Connection) -> bool:
    queued = db.execute(
        "SELECT count(*) FROM mail_outboxmessage WHERE status = 'queued'"
    ).fetchone()[0]
    return queued == 0


def run_load(portals: list[Portal], sampler: psycopg.Connection) -> tuple[list[int], list[int]]:
    """CLIENTS prospects at once, spread over the web processes, each joining then checking the
    portal's health CHECKS times, while the connections are counted every 20 ms."""
    statuses: list[int] = []

    def client(n: int) -> None:
        portal = portals[n % len(portals)]
        statuses.append(portal.join(f"prospect{n}@example.com").status_code)
        for _ in range(CHECKS):
            statuses.append(portal.get("/healthz").status_code)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    counts = []
    while any(thread.is_alive() for thread in threads):
        counts.append(portal_connections(sampler))
        time.sleep(0.02)
    return counts, statuses
