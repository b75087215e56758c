"""`manage.py check --deploy` is clean with production settings, and plain http is an explicit choice."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client

from tests.test_deploy_config import REPO

HTTPS_WARNINGS = {"security.W004", "security.W008", "security.W012", "security.W016"}


def deploy_check(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "true",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "intake.example.com",
        "DATABASE_URL": "postgres://intake:secret@db.example.com:5432/intake",
        "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
        "CACHE_URL": "redis://redis.example.com:6379/1",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_has_no_warning_with_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("redirect", ["", "true"])
def test_empty_hsts_and_redirect_settings_follow_the_switch(tmp_path, redirect):
    result = deploy_check(tmp_path, DJANGO_HSTS_SECONDS="", DJANGO_SSL_REDIRECT=redirect)
    assert result.returncode == 0, result.stderr


def test_plain_http_is_what_the_deploy_check_warns_about(tmp_path):
    result = deploy_check(tmp_path, DJANGO_HTTPS="false", DJANGO_HSTS_SECONDS="", DJANGO_SSL_REDIRECT="")
    assert result.returncode != 0
    assert {code for code in HTTPS_WARNINGS if code in result.stderr} == HTTPS_WARNINGS


def test_a_proxy_that_redirects_itself_can_turn_the_redirect_off(tmp_path):
    result = deploy_check(tmp_path, DJANGO_SSL_REDIRECT="false", DJANGO_HSTS_SECONDS="")
    assert "security.W008" in result.stderr
    assert not {code for code in HTTPS_WARNINGS - {"security.W008"} if code in result.stderr}


def test_with_the_redirect_on_plain_http_is_redirected_except_the_health_probe(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert Client().get("/api/health/").status_code == 200
    redirected = Client().get("/api/datasets/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/datasets/"
    # TLS ended at the proxy, which says so.
    assert Client(HTTP_X_FORWARDED_PROTO="https").get("/api/datasets/").status_code == 401
