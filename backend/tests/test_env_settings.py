"""The settings the code reads, .env_example, the compose stack and the Kubernetes manifests agree.

The names the code reads are found in the source, not listed by hand: every ``env.<type>("NAME")``
or ``env("NAME")`` call in the backend (and calls of helpers that pass their argument on to one,
such as ``_path("INTAKE_UPLOAD_DIR", ...)``), every ``os.environ`` / ``os.getenv`` read, and the
``$NAME`` references of the Procfiles.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
import pytest
import yaml

from tests.test_deploy_config import COMPOSE_FILES, REPO, _containers, _names, kustomize_build, load_compose

BACKEND = REPO / "backend"
SKIP_DIRS = {"tests", "migrations", "var", "staticfiles", "node_modules", "__pycache__"}
# What a deployment must give the backend: with these missing it would fall back to SQLite, the
# filesystem broker or a generated key, which do not work across several containers.
REQUIRED = {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOWED_HOSTS"}
# Read by the base images or the Python runtime, not by Intake.
RUNTIME_NAMES = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_DISABLE_PIP_VERSION_CHECK"}
BACKEND_IMAGE = "intake-backend"


@dataclass(frozen=True)
class Read:
    name: str
    how: str  # the env method (str, int, bool, list, db_url, ...), "environ" or "shell"
    where: str


def _env_call_name(call: ast.Call, helpers: dict[str, str]) -> tuple[str, str] | None:
    """(NAME, how) when the call reads the environment variable NAME."""
    func = call.func
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    name = call.args[0].value
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env":
        return (name, func.attr) if func.attr != "read_env" else None
    if isinstance(func, ast.Name) and func.id == "env":
        return name, "str"
    if isinstance(func, ast.Name) and func.id in helpers:
        return name, helpers[func.id]
    if isinstance(func, ast.Attribute) and func.attr == "getenv" and isinstance(func.value, ast.Name):
        return (name, "environ") if func.value.id == "os" else None
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "environ"
    ):
        return name, "environ"
    return None


def _helpers(tree: ast.Module) -> dict[str, str]:
    """Module functions that read the variable named by their first parameter: name -> env method."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.args.args:
            continue
        parameter = node.args.args[0].arg
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "env"
                and call.args
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == parameter
            ):
                found[node.name] = call.func.attr
    return found


def python_reads(source: str, where: str) -> set[Read]:
    tree = ast.parse(source)
    helpers = _helpers(tree)
    reads = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found = _env_call_name(node, helpers)
            if found:
                reads.add(Read(found[0], found[1], where))
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            reads.add(Read(node.slice.value, "environ", where))
    return reads


def code_reads(backend: Path = BACKEND) -> set[Read]:
    reads: set[Read] = set()
    for path in sorted(backend.rglob("*.py")):
        relative = path.relative_to(backend)
        if SKIP_DIRS & set(relative.parts[:-1]) or relative.name == "conftest.py":
            continue
        reads |= python_reads(path.read_text(), f"backend/{relative}")
    for procfile in sorted(backend.glob("Procfile*")):
        for name in re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", procfile.read_text()):
            reads.add(Read(name, "shell", f"backend/{procfile.name}"))
    return reads


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def command_reads() -> set[Read]:
    """Names the backend's start commands in compose and Kubernetes expand themselves.

    CELERY_WORKER_CONCURRENCY is one: the worker's command line passes it to --concurrency.
    """
    reads = set()
    for name in COMPOSE_FILES:
        for service, definition in (yaml.safe_load((REPO / name).read_text()).get("services") or {}).items():
            command = definition.get("command") or []
            words = command if isinstance(command, str) else " ".join(command)
            for variable in re.findall(r"\$\$\{?([A-Z][A-Z0-9_]*)", words):
                reads.add(Read(variable, "shell", f"{name} {service}"))
    documents, _ = kustomize_build(REPO / "k8s")
    for document in documents:
        for container in _containers(document):
            words = " ".join(container.get("command", []) + container.get("args", []))
            for variable in re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", words):
                reads.add(Read(variable, "shell", f"k8s {document['metadata']['name']}/{container['name']}"))
    return reads


@pytest.fixture(scope="module")
def reads() -> set[Read]:
    return code_reads() | command_reads()


@pytest.fixture(scope="module")
def known(reads) -> set[str]:
    return {read.name for read in reads}


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    return read_env_file(REPO / ".env_example")


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    documents, _ = kustomize_build(REPO / "k8s")
    return documents


@pytest.fixture(scope="module")
def secret_example() -> dict[str, Any]:
    return yaml.safe_load((REPO / "k8s" / "secret.example.yaml").read_text())


def test_the_source_scan_finds_the_settings_reads(reads):
    """The scan sees each way settings.py reads a variable, so the tests below compare real lists."""
    found = {(read.name, read.how) for read in reads}
    assert ("DATABASE_URL", "db_url") in found
    assert ("DJANGO_DEBUG", "bool") in found
    assert ("DJANGO_ALLOWED_HOSTS", "list") in found
    assert ("IMPORT_BATCH_SIZE", "int") in found
    assert ("INTAKE_UPLOAD_DIR", "str") in found  # through the _path() helper
    assert ("PORT", "shell") in found  # the Procfile's gunicorn bind
    assert ("CELERY_WORKER_CONCURRENCY", "shell") in found  # the worker's command line
    source = 'import os\nos.environ["A_X"]\nos.environ.get("B_X")\nos.getenv("C_X")\nos.environ.setdefault("D", "x")\n'
    assert {read.name for read in python_reads(source, "x.py")} == {"A_X", "B_X", "C_X"}


def test_every_setting_the_code_reads_is_in_env_example(reads, example):
    missing = sorted({f"{read.name} ({read.where})" for read in reads if read.name not in example})
    assert missing == [], "add these to .env_example"


def test_env_example_has_only_names_the_code_reads(known, example):
    assert sorted(set(example) - known) == [], "nothing reads these names"


def value_problem(read: Read, value: str) -> str | None:
    """Why the code would refuse this value, or None."""
    try:
        if read.how == "int":
            int(value)
        elif read.how == "bool" and value.strip().lower() not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
            return "not a boolean"
        elif read.how == "db_url" and not environ.Env.db_url_config(value).get("ENGINE"):
            return "no database engine for this URL"
    except (ValueError, KeyError) as error:
        return str(error)
    return None


def test_env_example_and_config_map_values_parse_as_the_code_reads_them(reads, example, manifests):
    config_map = next(d for d in manifests if d["kind"] == "ConfigMap")["data"]
    typed = [read for read in reads if read.how in {"int", "bool", "db_url"}]
    assert typed
    for values, label in ((example, ".env_example"), (config_map, "ConfigMap")):
        problems = {
            f"{label} {read.name}={values[read.name]!r}: {problem}"
            for read in typed
            if read.name in values and (problem := value_problem(read, values[read.name]))
        }
        assert problems == set()
    assert value_problem(Read("X", "int", ""), "5k") is not None
    assert value_problem(Read("X", "bool", ""), "maybe") is not None


def _compose_backend_env(config: dict[str, Any], example: dict[str, str]) -> dict[str, dict[str, str]]:
    """Service name -> the environment the backend image gets (env_file from .env_example, then environment)."""
    result = {}
    for name, service in config["services"].items():
        build = service.get("build") or {}
        if "backend" not in str(build.get("dockerfile", "")) and BACKEND_IMAGE not in str(service.get("image", "")):
            continue
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        result[name] = {**example, **{k: str(v) for k, v in environment.items()}}
    return result


def test_compose_gives_the_backend_only_names_the_code_reads_and_every_required_one(known, example):
    for files in (COMPOSE_FILES[:1], COMPOSE_FILES):
        config = load_compose([REPO / name for name in files])
        backends = _compose_backend_env(config, example)
        assert set(backends) == {"web", "worker", "notifier", "beat"}
        for service, env in backends.items():
            assert sorted(set(env) - known) == [], f"{service}: unknown names"
            assert sorted(REQUIRED - set(env)) == [], f"{service}: required names missing"
            command = " ".join(config["services"][service].get("command") or [])
            referenced = set(re.findall(r"\$\$\{?([A-Z][A-Z0-9_]*)", command))
            assert referenced <= known, f"{service}: the command uses unknown {referenced - known}"
            # Hosts in the service URLs are services of the stack.
            for setting in ("DATABASE_URL", "CELERY_BROKER_URL"):
                host = urlsplit(env[setting]).hostname
                assert host in config["services"], f"{service}: {setting} points at {host}"


def test_compose_paths_are_on_the_shared_volume(example):
    config = load_compose([REPO / COMPOSE_FILES[0]])
    for service, env in _compose_backend_env(config, example).items():
        mounts = [v.split(":")[1] for v in config["services"][service]["volumes"]]
        for setting in ("INTAKE_VAR_DIR", "INTAKE_UPLOAD_DIR"):
            assert any(env[setting].startswith(m.rstrip("/") + "/") for m in mounts), (service, setting)


def test_the_backend_image_sets_only_names_the_code_reads(known):
    text = (REPO / "docker" / "backend.Dockerfile").read_text().replace("\\\n", " ")
    names = set()
    for line in text.splitlines():
        if line.strip().startswith("ENV "):
            names |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", line))
        if line.strip().startswith("RUN "):
            names |= set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", line))
    assert names, "no ENV found"
    assert sorted(names - known - RUNTIME_NAMES) == []


def test_config_map_and_secret_hold_only_names_the_code_reads(manifests, secret_example, known, example):
    config_map = next(d for d in manifests if d["kind"] == "ConfigMap")
    assert sorted(set(config_map["data"]) - known) == []
    # The Secret's other keys are for the PostgreSQL image, which reads them through secretKeyRef.
    for_postgres = {
        variable["valueFrom"]["secretKeyRef"]["key"]
        for document in manifests
        for container in _containers(document)
        if not container["image"].startswith(BACKEND_IMAGE)
        for variable in container.get("env") or []
        if "secretKeyRef" in (variable.get("valueFrom") or {})
    }
    assert sorted(set(secret_example["stringData"]) - known - for_postgres) == []


def _k8s_env(container: dict[str, Any], manifests: list[dict[str, Any]], secret: dict[str, Any]) -> dict[str, str]:
    config_maps = _names(manifests, "ConfigMap")
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        if "configMapRef" in source:
            env.update(config_maps[source["configMapRef"]["name"]]["data"])
        if "secretRef" in source:
            assert source["secretRef"]["name"] == secret["metadata"]["name"]
            env.update(secret["stringData"])
    for variable in container.get("env") or []:
        env[variable["name"]] = variable.get("value", "<from a reference>")
    return env


def test_every_backend_container_gets_the_required_settings_and_no_unknown_names(manifests, secret_example, known):
    services = set(_names(manifests, "Service"))
    backend_containers = [
        (document["metadata"]["name"], container)
        for document in manifests
        for container in _containers(document)
        if container["image"].startswith(BACKEND_IMAGE)
    ]
    # web, worker, notifier and beat, each with its wait-for-migrations init, and the migrate Job.
    assert len(backend_containers) == 9
    for owner, container in backend_containers:
        env = _k8s_env(container, manifests, secret_example)
        where = f"{owner}/{container['name']}"
        assert sorted(REQUIRED - set(env)) == [], where
        assert sorted({v["name"] for v in container.get("env") or []} - known) == [], where
        words = " ".join(container.get("command", []) + container.get("args", []))
        referenced = set(re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", words))
        assert referenced <= set(env), f"{where}: $() of a name the container does not get"
        for setting in ("DATABASE_URL", "CELERY_BROKER_URL"):
            assert urlsplit(env[setting]).hostname in services, f"{where}: {setting}"
