"""The benchmark serves the app as docker-compose's web service does and holds pages to targets."""

import pytest

from bench import report
from bench.run import FLOOR, compose_web_command

pytestmark = pytest.mark.unit


def test_the_benchmark_serves_with_docker_composes_gunicorn_command():
    command = compose_web_command()
    assert command[0] == "pinnacle.wsgi:application"
    assert "--workers" in command and "--bind" in command and "--access-logfile" in command


@pytest.mark.parametrize(
    ("who", "ratio", "p95", "met"),
    [
        ("anonymous", 0.5, 500, True),
        ("anonymous", 0.49, 5, False),
        ("agent", 0.25, 99, True),
        ("agent", 0.25, 100, False),
        ("leader", 0.24, 10, False),
    ],
)
def test_each_page_is_held_to_its_own_target(who, ratio, p95, met):
    assert report.target({"as": who, "ratio": ratio, "p95_ms": p95})[1] is met


def test_the_floor_is_measured_but_held_to_no_target():
    """The empty member page is a yardstick (what the layout and sign-in cost), not a page."""
    assert report.target({**FLOOR, "ratio": 0.01, "p95_ms": 900}) == ("(yardstick)", None)
