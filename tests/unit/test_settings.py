"""Start-up refuses a bad configuration with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PARALLEL_YOU_", "MONGO_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env,variable",
    [
        ({"PARALLEL_YOU_REPO": "mongo"}, "MONGO_URI"),
        ({"PARALLEL_YOU_REPO": "mongo", "MONGO_URI": "http://not-mongo"}, "MONGO_URI"),
        ({"PARALLEL_YOU_REPO": "postgres"}, "PARALLEL_YOU_REPO"),
        ({"PARALLEL_YOU_BUS": "kafka"}, "PARALLEL_YOU_BUS"),
        ({"PARALLEL_YOU_BUS": "rabbitmq", "RABBITMQ_URL": "http://x"}, "RABBITMQ_URL"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
    ],
    ids=["mongo-without-uri", "mongo-malformed-uri", "unknown-repo", "unknown-bus", "bad-amqp-url", "no-secret"],
)
def test_bad_configuration_stops_with_one_line(env: dict[str, str], variable: str) -> None:
    result = check(**env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: " + variable)


def test_a_good_mongo_uri_passes_the_check() -> None:
    result = check(PARALLEL_YOU_REPO="mongo", MONGO_URI="mongodb://user:pw@127.0.0.1:27017/py")
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=os.environ
        | {"DEBUG": "0", "SECRET_KEY": "k" * 30 + "-Zq9!mW2#xR7$vB4^nT6&yH8*uJ3(pL5)", "ALLOWED_HOSTS": "example.org"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_fresh_clone_without_a_data_folder_can_migrate(tmp_path: Path) -> None:
    database = tmp_path / "not-yet" / "django.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert database.exists()
