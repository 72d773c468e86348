import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": "x7#kq9!vB2mZ@r4Lp0sT8wY6nC1dF5hJ3gK%eA&uQ*iO(zX)v-bN=yM+lP",
        "ALLOWED_HOSTS": "portal.example.com,.portal.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SITE_SCHEME": "https",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
