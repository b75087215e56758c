"""How gunicorn is started: the same options everywhere, no control socket shared between stacks,
and no API key secret or hash in what it prints."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.db import connection

from accounts.models import WorkspaceAPIKey
from accounts.services import api_key_create
from tests.test_deploy_config import REPO, kustomize_build

BACKEND = REPO / "backend"


def _after_gunicorn(words: list[str]) -> list[str]:
    start = next(i for i, word in enumerate(words) if word.endswith("gunicorn"))
    options = words[start + 1 :]
    bind = options.index("--bind")
    return options[:bind] + options[bind + 2 :]


def procfile_web() -> list[str]:
    line = next(line for line in (BACKEND / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return shlex.split(line.removeprefix("web:"))


def gunicorn_commands() -> dict[str, list[str]]:
    dockerfile = (REPO / "docker" / "backend.Dockerfile").read_text().replace("\\\n", " ")
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    compose = yaml.safe_load((REPO / "docker" / "docker-compose.yml").read_text())
    web_shell = compose["services"]["web"]["command"][-1]
    return {
        "backend/Procfile": procfile_web(),
        "docker/backend.Dockerfile": json.loads(cmd.removeprefix("CMD ")),
        "docker/docker-compose.yml": shlex.split(web_shell.split("exec ", 1)[1]),
    }


def test_every_gunicorn_command_has_the_same_options_and_no_control_socket():
    commands = {where: _after_gunicorn(words) for where, words in gunicorn_commands().items()}
    first = next(iter(commands.values()))
    assert "--no-control-socket" in first
    for where, options in commands.items():
        assert options == first, where
    e2e = (REPO / "scripts" / "e2e.sh").read_text().replace("\\\n", " ")
    assert all("--no-control-socket" in line for line in e2e.splitlines() if "bin/gunicorn" in line)


def test_the_kubernetes_web_pod_runs_the_images_command():
    documents, _ = kustomize_build(REPO / "k8s")
    web = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "web")
    container = next(c for c in web["spec"]["template"]["spec"]["containers"] if c["name"] == "web")
    assert "command" not in container and "args" not in container


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, method: str = "GET", **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server_env(transactional_db, tmp_path) -> dict[str, str]:
    db = connection.settings_dict
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "filesystem://"),
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY": "gunicorn-test-secret-key-gunicorn-test-secret-key",
        "DJANGO_HTTPS": "false",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }


def test_the_procfile_server_makes_no_control_socket_and_logs_requests_without_key_secret_or_hash(
    server_env, workspace, tmp_path
):
    key, secret = api_key_create(workspace=workspace, name="tests")
    port = _free_port()
    words = [word.replace("$PORT", str(port)) for word in procfile_web()]
    words[0] = str(Path(sys.executable).with_name("gunicorn"))
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(words, cwd=BACKEND, env=server_env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while _request_or_none(f"{base}/api/health/") is None:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert _request(f"{base}/api/imports/?status=completed", **{"X-API-KEY": secret}) == 200
        assert _request(f"{base}/api/keys/{key.pk}/", "DELETE", **{"X-API-KEY": secret}) == 204
        assert _request(f"{base}/api/imports/", **{"X-API-KEY": secret}) == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    printed = log.read_text()
    requests = [json.loads(line) for line in printed.splitlines() if '"intake.request"' in line]
    revoke = next(line for line in requests if line["method"] == "DELETE")
    assert (revoke["path"], revoke["status"], revoke["workspace"]) == (f"/api/keys/{key.pk}/", 204, "acme")
    assert revoke["request_id"]
    stored = WorkspaceAPIKey.objects.get(pk=key.pk)
    assert secret not in printed
    assert stored.hashed_key not in printed
    assert re.sub(r"[^.]+\.", "", secret, count=1) not in printed
    home = Path(server_env["HOME"])
    assert not (home / ".gunicorn").exists(), sorted(home.rglob("*"))


def _request_or_none(url: str) -> int | None:
    try:
        return _request(url)
    except (urllib.error.URLError, ConnectionError):
        return None
