import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts Django in a fresh process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def check_deploy(**overrides):
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("ANYMAIL_")
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "pinnacle.settings",  # production's, not the suite's
        "DEBUG": "false",
        "SECRET_KEY": "x7#kq9!vB2mZ@r4Lp0sT8wY6nC1dF5hJ3gK%eA&uQ*iO(zX)v-bN=yM+lP",
        "ALLOWED_HOSTS": "portal.example.com,.portal.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SITE_SCHEME": "https",
        "ANYMAIL_WEBHOOK_SECRET": "postmark:Zq8vN3kLp2xR7tW",
        # Two roles, as production has them (else pinnacle.W001: no database wall).
        "DATABASE_URL": "postgres://pinnacle_app:secret@db.internal:5432/pinnacle",
        "DATABASE_OWNER_URL": "postgres://pinnacle:secret@db.internal:5432/pinnacle",
        "PRIVACY_HASH_KEY": "q3Vt8LwZ0pXr6Yb2Nc9Hd4Jf7Ks1Mg5E",
        **overrides,
    }
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_a_webhook_secret():
    for unset in (None, ""):
        result = check_deploy(ANYMAIL_WEBHOOK_SECRET=unset)
        assert result.returncode != 0
        assert "ANYMAIL_WEBHOOK_SECRET is not set" in result.stderr


def bare_env(**extra):
    keep = ("PATH", "HOME", "DATABASE_URL", "REDIS_URL")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **extra}


def test_migration_check_runs_without_debug_or_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=bare_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_web_server_refuses_to_start_without_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import pinnacle.wsgi"],
        cwd=ROOT,
        env=bare_env(ALLOWED_HOSTS="portal.example.com"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr
