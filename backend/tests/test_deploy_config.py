"""Offline checks of the deployment files: the compose stack, the Kubernetes manifests, the Dockerfiles.

No Docker engine or cluster is needed. ``scripts/deploy-check.sh`` runs this file as a script on the
repository (``python tests/test_deploy_config.py [ROOT]``); the tests below run the same checks on
the repository and on broken copies, to show each check fails when it should.

- compose: every file is parsed by a strict Compose specification parser (unknown keys, wrong
  values and undefined volumes are errors), alone and merged with its override, then every
  reference is resolved: services in depends_on (with a healthcheck when waiting for healthy),
  named volumes, networks, env_file files, build contexts and Dockerfiles.
- Kubernetes: the kustomization is built (namespace, image tags) and every object is validated
  against the strict Kubernetes JSON schemas of several versions; then references between objects
  (ConfigMaps, Secrets, claims, Services, named ports, the autoscaler's target), resources on every
  container and the restricted pod security profile the namespace enforces.
- Dockerfiles: hadolint, every COPY source exists in the build context, the final user is not root,
  and an ignore file keeps local state out of the build context.
- nginx: every upstream the page's nginx proxies to is a compose service and a Kubernetes Service
  on that port.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# The oldest Kubernetes release still commonly run and the newest the bundled schemas know.
K8S_VERSIONS = ("1.29.0", "1.37.0")
COMPOSE_FILES = ("docker/docker-compose.yml", "docker/docker-compose.rabbitmq.yml")
DOCKERFILES = ("docker/backend.Dockerfile", "docker/frontend.Dockerfile")
NGINX_CONF = "docker/nginx.conf"
# Files in k8s/ that are deliberately not part of the kustomization.
K8S_NOT_IN_KUSTOMIZATION = {"kustomization.yaml", "secret.example.yaml"}
CLUSTER_SCOPED = {"Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding", "IngressClass"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}


@dataclass
class Report:
    """What was checked and what failed; a check never stops at the first error."""

    checked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ok(self, message: str) -> None:
        self.checked.append(message)

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def extend(self, other: Report) -> None:
        self.checked += other.checked
        self.errors += other.errors


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    with path.open() as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


# ---- compose -----------------------------------------------------------------------------------


def _merge_compose(base: Any, override: Any) -> Any:
    """Compose's multi-file merge: mappings merge key by key, sequences add up, scalars replace."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge_compose(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(override, list):
        return base + [item for item in override if item not in base]
    return copy.deepcopy(override)


def _compose_volume_source(entry: Any) -> tuple[str, str] | None:
    """(type, source) of a service's volume entry, short or long syntax."""
    if isinstance(entry, str):
        source = entry.split(":", 1)[0] if ":" in entry else ""
        if not source:
            return None  # an anonymous volume
        kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
        return kind, source
    if isinstance(entry, dict) and entry.get("source"):
        return str(entry.get("type", "volume")), str(entry["source"])
    return None


def compose_references(config: dict[str, Any], base_dir: Path, label: str) -> Report:
    """Everything a merged compose file names must exist: services, volumes, networks, files."""
    report = Report()
    services: dict[str, Any] = config.get("services") or {}
    volumes = set(config.get("volumes") or {})
    networks = set(config.get("networks") or {}) | {"default"}
    if not services:
        report.fail(f"{label}: no services")
    used_volumes: set[str] = set()
    for name, service in services.items():
        where = f"{label}: service {name}"
        if not service.get("image") and not service.get("build"):
            report.fail(f"{where} has neither image nor build")
        build = service.get("build")
        if build is not None:
            context = base_dir / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not context.is_dir():
                report.fail(f"{where}: build context {context} does not exist")
            elif not (context / dockerfile).is_file():
                report.fail(f"{where}: Dockerfile {dockerfile} not found in {context}")
        depends_on = service.get("depends_on") or {}
        if isinstance(depends_on, list):
            depends_on = {dep: {"condition": "service_started"} for dep in depends_on}
        for dep, options in depends_on.items():
            if dep not in services:
                report.fail(f"{where} depends on undefined service {dep}")
            elif dep == name:
                report.fail(f"{where} depends on itself")
            elif (options or {}).get("condition") == "service_healthy" and not services[dep].get("healthcheck"):
                report.fail(f"{where} waits for {dep} to be healthy, but {dep} has no healthcheck")
        for entry in service.get("volumes") or []:
            source = _compose_volume_source(entry)
            if source is None:
                continue
            kind, path = source
            if kind == "volume":
                used_volumes.add(path)
                if path not in volumes:
                    report.fail(f"{where} mounts undefined volume {path}")
            elif kind == "bind" and not path.startswith("$") and not (base_dir / path).expanduser().exists():
                report.fail(f"{where} bind-mounts {path}, which does not exist")
        service_networks = service.get("networks") or []
        for network in service_networks if isinstance(service_networks, list) else list(service_networks):
            if network not in networks:
                report.fail(f"{where} joins undefined network {network}")
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            path = env_file if isinstance(env_file, str) else env_file.get("path", "")
            required = True if isinstance(env_file, str) else env_file.get("required", True)
            file = base_dir / path
            if file.is_file() or not required:
                continue
            # `make up` creates .env from .env_example; a clean checkout has only the example.
            example = file.with_name(".env_example")
            if not (file.name == ".env" and example.is_file()):
                report.fail(f"{where}: env_file {path} does not exist")
    for unused in sorted(volumes - used_volumes):
        report.fail(f"{label}: volume {unused} is defined but no service mounts it")
    if not report.errors:
        report.ok(f"{label}: {len(services)} services; depends_on, volumes, networks, env_file, build resolve")
    return report


def compose_parse(config: dict[str, Any], label: str) -> Report:
    """The strict parser of the Compose specification (unknown keys and values are errors)."""
    from compose_spec import PyCompose

    report = Report()
    try:
        PyCompose.from_yaml(yaml.safe_dump(config, sort_keys=False)).validate()
    except ValueError as error:
        report.fail(f"{label}: not a valid Compose file: {error}")
    else:
        report.ok(f"{label}: valid against the Compose specification")
    return report


def load_compose(files: Iterable[Path]) -> dict[str, Any]:
    """The files merged in order, as `docker compose -f a -f b config` does."""
    merged: dict[str, Any] = {}
    for path in files:
        document = yaml.safe_load(path.read_text()) or {}
        if not isinstance(document, dict):
            raise ValueError(f"{path}: a Compose file is a mapping")
        merged = _merge_compose(merged, document)
    return merged


def check_compose(files: list[Path]) -> Report:
    """The first file alone, then with each further file merged on top of it."""
    report = Report()
    stacks = [files[:1]] + [[files[0], extra] for extra in files[1:]]
    for stack in stacks:
        label = " + ".join(path.name for path in stack)
        try:
            config = load_compose(stack)
        except (yaml.YAMLError, ValueError) as error:
            report.fail(f"{label}: does not parse: {error}")
            continue
        report.extend(compose_parse(config, label))
        report.extend(compose_references(config, stack[0].parent, label))
    return report


# ---- Kubernetes --------------------------------------------------------------------------------


def kustomize_build(k8s_dir: Path) -> tuple[list[dict[str, Any]], Report]:
    """What `kubectl kustomize` does with this kustomization: resources, namespace, image tags."""
    report = Report()
    kustomization = yaml.safe_load((k8s_dir / "kustomization.yaml").read_text())
    listed = kustomization.get("resources") or []
    for name in listed:
        if not (k8s_dir / name).is_file():
            report.fail(f"kustomization.yaml lists {name}, which does not exist")
    present = {p.name for p in k8s_dir.glob("*.yaml")} | {p.name for p in k8s_dir.glob("*.yml")}
    for name in sorted(present - set(listed) - K8S_NOT_IN_KUSTOMIZATION):
        report.fail(f"k8s/{name} is not listed in kustomization.yaml, so it is never applied")
    namespace = kustomization.get("namespace")
    images = {image["name"]: image for image in kustomization.get("images") or []}
    documents: list[dict[str, Any]] = []
    for name in listed:
        path = k8s_dir / name
        if not path.is_file():
            continue
        try:
            loaded = load_yaml_documents(path)
        except yaml.YAMLError as error:
            report.fail(f"k8s/{name} does not parse: {error}")
            continue
        for document in loaded:
            if not isinstance(document, dict):
                report.fail(f"k8s/{name}: a manifest is a mapping")
                continue
            document = copy.deepcopy(document)
            document.setdefault("metadata", {})
            if namespace and document.get("kind") not in CLUSTER_SCOPED:
                document["metadata"]["namespace"] = namespace
            for container in _containers(document):
                image = str(container.get("image", ""))
                base = re.split(r"[:@]", image, maxsplit=1)[0]
                if base in images:
                    override = images[base]
                    container["image"] = f"{override.get('newName', base)}:{override.get('newTag', 'latest')}"
            document["metadata"].setdefault("annotations", {})["intake/source"] = f"k8s/{name}"
            documents.append(document)
    if not report.errors:
        report.ok(f"kustomization.yaml: {len(listed)} files, {len(documents)} objects, namespace {namespace}")
    return documents, report


def _pod_spec(document: dict[str, Any]) -> dict[str, Any] | None:
    kind = document.get("kind")
    spec = document.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    if kind in WORKLOADS:
        return (spec.get("template") or {}).get("spec")
    return None


def _pod_labels(document: dict[str, Any]) -> dict[str, str]:
    return ((document.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}


def _containers(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    pod = _pod_spec(document) or {}
    yield from pod.get("initContainers") or []
    yield from pod.get("containers") or []


def _source(document: dict[str, Any]) -> str:
    annotations = (document.get("metadata") or {}).get("annotations") or {}
    return f"{annotations.get('intake/source', '?')} {document.get('kind')}/{document['metadata'].get('name')}"


def _without_source(document: dict[str, Any]) -> dict[str, Any]:
    clean = copy.deepcopy(document)
    annotations = clean["metadata"].get("annotations") or {}
    annotations.pop("intake/source", None)
    if not annotations:
        clean["metadata"].pop("annotations", None)
    return clean


def validate_schemas(documents: list[dict[str, Any]], versions: Iterable[str] = K8S_VERSIONS) -> Report:
    """Each object against the strict schemas (no unknown fields) of each Kubernetes version."""
    import kubernetes_validate

    report = Report()
    versions = list(versions)
    for document in documents:
        for version in versions:
            try:
                kubernetes_validate.validate(_without_source(document), version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                report.fail(f"{_source(document)}: invalid for Kubernetes {version} at {path}: {error.message}")
            except kubernetes_validate.SchemaNotFoundError as error:
                report.fail(f"{_source(document)}: no schema for it in Kubernetes {version}: {error}")
    if not report.errors:
        report.ok(f"{len(documents)} objects valid against the strict schemas of Kubernetes {', '.join(versions)}")
    return report


def _names(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d.get("kind") == kind}


def _pod_security_errors(pod: dict[str, Any], container: dict[str, Any]) -> list[str]:
    """The parts of the restricted Pod Security Standard that a manifest can get wrong."""
    pod_context = pod.get("securityContext") or {}
    context = container.get("securityContext") or {}
    errors = []
    if context.get("runAsNonRoot", pod_context.get("runAsNonRoot")) is not True:
        errors.append("runAsNonRoot is not true")
    if context.get("runAsUser", pod_context.get("runAsUser")) == 0:
        errors.append("runAsUser is 0")
    if context.get("allowPrivilegeEscalation") is not False:
        errors.append("allowPrivilegeEscalation is not false")
    if "ALL" not in ((context.get("capabilities") or {}).get("drop") or []):
        errors.append("capabilities do not drop ALL")
    seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        errors.append("no RuntimeDefault seccomp profile")
    if context.get("privileged"):
        errors.append("privileged")
    return errors


def k8s_references(documents: list[dict[str, Any]], extra: list[dict[str, Any]]) -> Report:
    """References between objects resolve, and every container is sized and runs unprivileged.

    ``extra`` are objects created outside the kustomization (the Secret made from the example).
    """
    report = Report()
    everything = documents + extra
    config_maps = _names(everything, "ConfigMap")
    secrets = _names(everything, "Secret")
    claims = _names(everything, "PersistentVolumeClaim")
    services = _names(everything, "Service")
    namespaces = _names(everything, "Namespace")
    workloads = [d for d in documents if d.get("kind") in WORKLOADS]
    restricted = any(
        (ns.get("metadata", {}).get("labels") or {}).get("pod-security.kubernetes.io/enforce") == "restricted"
        for ns in namespaces.values()
    )

    def keys_of(document: dict[str, Any]) -> set[str]:
        return set(document.get("data") or {}) | set(document.get("stringData") or {})

    for document in workloads:
        where = _source(document)
        pod = _pod_spec(document) or {}
        selector = ((document.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        labels = _pod_labels(document)
        if document["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"} and not (
            selector and selector.items() <= labels.items()
        ):
            report.fail(f"{where}: selector {selector} does not match the pod labels {labels}")
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        templates = {t["metadata"]["name"] for t in (document.get("spec") or {}).get("volumeClaimTemplates") or []}
        for volume in volumes.values():
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and claim not in claims:
                report.fail(f"{where}: volume {volume['name']} uses undefined claim {claim}")
            config_map = (volume.get("configMap") or {}).get("name")
            if config_map and config_map not in config_maps:
                report.fail(f"{where}: volume {volume['name']} uses undefined ConfigMap {config_map}")
            secret = (volume.get("secret") or {}).get("secretName")
            if secret and secret not in secrets:
                report.fail(f"{where}: volume {volume['name']} uses undefined Secret {secret}")
        for container in _containers(document):
            cwhere = f"{where} container {container.get('name')}"
            resources = container.get("resources") or {}
            for bound in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(bound) or {}):
                        report.fail(f"{cwhere} has no {resource} {bound[:-1]}")
            image = str(container.get("image", ""))
            if image.endswith(":latest") or not re.search(r":[^/]+$|@sha256:", image):
                report.fail(f"{cwhere}: image {image!r} has no fixed tag")
            for source in container.get("envFrom") or []:
                name = (source.get("configMapRef") or {}).get("name")
                if name and name not in config_maps:
                    report.fail(f"{cwhere}: envFrom undefined ConfigMap {name}")
                name = (source.get("secretRef") or {}).get("name")
                if name and name not in secrets:
                    report.fail(f"{cwhere}: envFrom undefined Secret {name}")
            for variable in container.get("env") or []:
                ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
                if ref and (ref["name"] not in config_maps or ref["key"] not in keys_of(config_maps[ref["name"]])):
                    report.fail(
                        f"{cwhere}: env {variable['name']} uses missing ConfigMap key {ref['name']}/{ref['key']}"
                    )
                ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
                if ref and (ref["name"] not in secrets or ref["key"] not in keys_of(secrets[ref["name"]])):
                    report.fail(f"{cwhere}: env {variable['name']} uses missing Secret key {ref['name']}/{ref['key']}")
            for mount in container.get("volumeMounts") or []:
                if mount["name"] not in volumes and mount["name"] not in templates:
                    report.fail(f"{cwhere} mounts undefined volume {mount['name']}")
            ports = {p.get("name") for p in container.get("ports") or []}
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                probe = container.get(probe_name) or {}
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    port = (probe.get(handler) or {}).get("port")
                    if isinstance(port, str) and port not in ports:
                        report.fail(f"{cwhere}: {probe_name} uses undefined port name {port}")
            if restricted:
                for problem in _pod_security_errors(pod, container):
                    report.fail(f"{cwhere} breaks the namespace's restricted pod security: {problem}")

    for service in services.values():
        where = _source(service)
        selector = (service.get("spec") or {}).get("selector") or {}
        targets = [w for w in workloads if selector and selector.items() <= _pod_labels(w).items()]
        if not targets:
            report.fail(f"{where}: selector {selector} matches no workload's pods")
            continue
        container_ports = {
            (p.get("name"), p.get("containerPort"))
            for w in targets
            for c in (_pod_spec(w) or {}).get("containers") or []
            for p in c.get("ports") or []
        }
        for port in (service.get("spec") or {}).get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            names = {name for name, _ in container_ports}
            numbers = {number for _, number in container_ports}
            if (isinstance(target, str) and target not in names) or (isinstance(target, int) and target not in numbers):
                report.fail(f"{where}: targetPort {target} is no port of the selected pods")

    for ingress in _names(documents, "Ingress").values():
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                routed = services.get(backend.get("name", ""))
                if routed is None:
                    report.fail(
                        f"{_source(ingress)}: {path.get('path')} goes to undefined Service {backend.get('name')}"
                    )
                    continue
                port = backend.get("port") or {}
                service_ports = (routed.get("spec") or {}).get("ports") or []
                if "name" in port and port["name"] not in {p.get("name") for p in service_ports}:
                    report.fail(f"{_source(ingress)}: Service {backend['name']} has no port named {port['name']}")
                if "number" in port and port["number"] not in {p.get("port") for p in service_ports}:
                    report.fail(f"{_source(ingress)}: Service {backend['name']} has no port {port['number']}")

    for hpa in _names(documents, "HorizontalPodAutoscaler").values():
        target_ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        target = next(
            (
                w
                for w in workloads
                if w.get("kind") == target_ref.get("kind") and w["metadata"]["name"] == target_ref.get("name")
            ),
            None,
        )
        if target is None:
            report.fail(f"{_source(hpa)} scales undefined {target_ref.get('kind')}/{target_ref.get('name')}")
            continue
        if "replicas" in (target.get("spec") or {}):
            report.fail(f"{_source(target)} sets replicas, which resets the autoscaler's count on every apply")
        metrics = (hpa.get("spec") or {}).get("metrics") or []
        if any(((m.get("resource") or {}).get("name") == "cpu") for m in metrics):
            for container in (_pod_spec(target) or {}).get("containers") or []:
                if "cpu" not in ((container.get("resources") or {}).get("requests") or {}):
                    report.fail(f"{_source(hpa)}: container {container.get('name')} has no cpu request to scale on")

    if not report.errors:
        report.ok(
            f"{len(workloads)} workloads: ConfigMaps, Secrets, claims, volumes, named ports, Services, "
            f"Ingress and autoscaler targets resolve; every container has requests and limits"
            + ("; all run under the restricted pod security profile" if restricted else "")
        )
    return report


def check_k8s(k8s_dir: Path) -> tuple[list[dict[str, Any]], Report]:
    documents, report = kustomize_build(k8s_dir)
    extra: list[dict[str, Any]] = []
    example = k8s_dir / "secret.example.yaml"
    if example.is_file():
        for document in load_yaml_documents(example):
            document.setdefault("metadata", {}).setdefault("annotations", {})["intake/source"] = "k8s/" + example.name
            extra.append(document)
    report.extend(validate_schemas(documents + extra))
    report.extend(k8s_references(documents, extra))
    return documents + extra, report


# ---- Dockerfiles -------------------------------------------------------------------------------


def hadolint_binary() -> str:
    """The hadolint installed with the Python packages (backend/requirements-deploy.txt)."""
    beside = Path(sys.executable).parent / "hadolint"
    found = str(beside) if beside.is_file() else shutil.which("hadolint")
    if not found:
        raise FileNotFoundError("hadolint is not installed: pip install -r backend/requirements-deploy.txt")
    return found


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        instruction, _, arguments = full.partition(" ")
        lines.append((instruction.upper(), arguments.strip()))
    return lines


def check_dockerfile(dockerfile: Path, context: Path) -> Report:
    report = Report()
    label = dockerfile.name
    result = subprocess.run(
        [hadolint_binary(), "--no-color", str(dockerfile)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        for line in (result.stdout + result.stderr).strip().splitlines():
            report.fail(f"hadolint {line}")
    instructions = _instructions(dockerfile.read_text())
    stages = [args for instruction, args in instructions if instruction == "FROM"]
    if not stages:
        report.fail(f"{label}: no FROM")
    users = [args for instruction, args in instructions if instruction == "USER"]
    last_from = max((i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"), default=0)
    final_users = [args for instruction, args in instructions[last_from:] if instruction == "USER"]
    if not final_users or final_users[-1].split(":")[0] in {"root", "0"}:
        report.fail(f"{label}: the final image runs as root (no USER after the last FROM, or USER root)")
    for instruction, args in instructions:
        if instruction not in {"COPY", "ADD"}:
            continue
        parts = [p for p in args.split() if not p.startswith("--")]
        if "--from=" in args or args.startswith("["):
            continue
        for source in parts[:-1]:
            if not list(context.glob(source)):
                report.fail(f"{label}: {instruction} {source} is not in the build context {context}")
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if not ignore.is_file():
        report.fail(
            f"{label}: no {ignore.name}: the whole repository (virtualenv, node_modules, local data) "
            "would be sent as build context"
        )
    if not report.errors:
        report.ok(
            f"{label}: hadolint clean, {len(stages)} stages, runs as user {users[-1] if users else '?'}, "
            f"COPY sources present, {ignore.name} in place"
        )
    return report


def check_frontend_build(repo: Path) -> Report:
    """The page's image runs `npm ci` and `npm run build` and copies frontend/dist."""
    report = Report()
    package = repo / "frontend" / "package.json"
    if not package.is_file() or not (repo / "frontend" / "package-lock.json").is_file():
        report.fail("frontend/package.json and frontend/package-lock.json are needed to build the page's image")
        return report
    scripts = json.loads(package.read_text()).get("scripts") or {}
    if "build" not in scripts:
        report.fail("frontend/package.json has no build script for `npm run build`")
    else:
        report.ok(f"frontend/package.json: build script {scripts['build']!r}, lock file present")
    return report


# ---- nginx -------------------------------------------------------------------------------------


def nginx_upstreams(conf: Path) -> set[tuple[str, int]]:
    return {(host, int(port)) for host, port in re.findall(r"proxy_pass\s+https?://([\w.-]+):(\d+)", conf.read_text())}


def check_nginx(conf: Path, compose: dict[str, Any], k8s_documents: list[dict[str, Any]]) -> Report:
    report = Report()
    upstreams = nginx_upstreams(conf)
    if not upstreams:
        report.fail(f"{conf.name}: proxies nothing")
    services = _names(k8s_documents, "Service")
    for host, port in sorted(upstreams):
        if host not in (compose.get("services") or {}):
            report.fail(f"{conf.name} proxies to {host}, which is no compose service")
        service = services.get(host)
        if service is None:
            report.fail(f"{conf.name} proxies to {host}, which is no Kubernetes Service")
        elif port not in {p.get("port") for p in (service.get("spec") or {}).get("ports") or []}:
            report.fail(f"{conf.name} proxies to {host}:{port}, but the Service {host} has no port {port}")
    if not report.errors:
        report.ok(f"{conf.name}: upstreams {sorted(upstreams)} are compose services and Kubernetes Services")
    return report


# ---- live updates ------------------------------------------------------------------------------

LIVE_PATH = "/api/live/"
ASGI_APP = "config.asgi:application"
WEB_WORKER = "config.workers.WebWorker"
# A stream stays open while a page does; proxies must not cut it sooner than this, nor buffer it.
LIVE_MIN_TIMEOUT = 3600


def _seconds(value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*(s|m|h)?\s*", str(value))
    if not match:
        return 0
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]


def check_live_stream(repo: Path, compose: dict[str, Any], k8s_documents: list[dict[str, Any]]) -> Report:
    """Server-Sent Events pass the compose nginx and the ingress unbuffered, and the web process
    runs the ASGI app that serves them."""
    report = Report()
    conf = (repo / NGINX_CONF).read_text()
    block = re.search(r"location\s+" + re.escape(LIVE_PATH) + r"\s*\{(.*?)\}", conf, re.S)
    if block is None:
        report.fail(f"nginx.conf has no location {LIVE_PATH} for the live stream")
    else:
        body = block.group(1)
        if not re.search(r"proxy_buffering\s+off;", body):
            report.fail(f"nginx.conf location {LIVE_PATH} does not turn proxy_buffering off")
        timeout = re.search(r"proxy_read_timeout\s+([^;]+);", body)
        if not timeout or _seconds(timeout.group(1)) < LIVE_MIN_TIMEOUT:
            report.fail(f"nginx.conf location {LIVE_PATH} needs proxy_read_timeout of at least {LIVE_MIN_TIMEOUT}s")
        if "proxy_pass http://web:8000" not in body:
            report.fail(f"nginx.conf location {LIVE_PATH} does not proxy to web:8000")

    routed = False
    for ingress in _names(k8s_documents, "Ingress").values():
        paths = [
            path
            for rule in (ingress.get("spec") or {}).get("rules") or []
            for path in (rule.get("http") or {}).get("paths") or []
            if path.get("path") == LIVE_PATH
        ]
        if not paths:
            continue
        routed = True
        annotations = (ingress.get("metadata") or {}).get("annotations") or {}
        if annotations.get("nginx.ingress.kubernetes.io/proxy-buffering") != "off":
            report.fail(f"{_source(ingress)}: {LIVE_PATH} needs nginx.ingress.kubernetes.io/proxy-buffering: off")
        if _seconds(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout", "0")) < LIVE_MIN_TIMEOUT:
            report.fail(f"{_source(ingress)}: {LIVE_PATH} needs a proxy-read-timeout of at least {LIVE_MIN_TIMEOUT}")
        for path in paths:
            if ((path.get("backend") or {}).get("service") or {}).get("name") != "web":
                report.fail(f"{_source(ingress)}: {LIVE_PATH} does not go to the web Service")
    if not routed:
        report.fail(f"no Ingress routes {LIVE_PATH} (the live stream) to the web Service")

    commands = {
        "docker-compose.yml web": " ".join(((compose.get("services") or {}).get("web") or {}).get("command") or []),
        "backend.Dockerfile CMD": next(
            (args for instruction, args in _instructions((repo / DOCKERFILES[0]).read_text()) if instruction == "CMD"),
            "",
        ),
    }
    procfile = repo / "backend" / "Procfile"
    if procfile.is_file():
        commands["backend/Procfile web"] = next(
            (line for line in procfile.read_text().splitlines() if line.startswith("web:")), ""
        )
    for where, command in commands.items():
        if ASGI_APP not in command or WEB_WORKER not in command:
            report.fail(f"{where} does not run {ASGI_APP} with the {WEB_WORKER} worker class (no live stream)")
    if not report.errors:
        report.ok(
            f"live stream: {LIVE_PATH} unbuffered with >= {LIVE_MIN_TIMEOUT}s timeouts in nginx.conf and the Ingress; "
            f"web runs {ASGI_APP} in compose, the image and the Procfile"
        )
    return report


# ---- everything --------------------------------------------------------------------------------


def check_repository(repo: Path) -> Report:
    report = Report()
    compose_files = [repo / name for name in COMPOSE_FILES]
    report.extend(check_compose(compose_files))
    k8s_documents, k8s_report = check_k8s(repo / "k8s")
    report.extend(k8s_report)
    for name in DOCKERFILES:
        report.extend(check_dockerfile(repo / name, repo))
    report.extend(check_frontend_build(repo))
    try:
        compose = load_compose(compose_files[:1])
    except (yaml.YAMLError, ValueError):
        compose = {}
    report.extend(check_nginx(repo / NGINX_CONF, compose, k8s_documents))
    report.extend(check_live_stream(repo, compose, k8s_documents))
    return report


def main(argv: list[str]) -> int:
    repo = Path(argv[0]).resolve() if argv else REPO
    report = check_repository(repo)
    for line in report.checked:
        print(f"  ok    {line}")
    for line in report.errors:
        print(f"  FAIL  {line}")
    print(f"deploy-check: {len(report.checked)} checks passed, {len(report.errors)} problems")
    return 1 if report.errors else 0


# ---- tests -------------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of what the checks read, to break one file at a time."""
    for name in ("docker", "k8s"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("backend/requirements.txt", "frontend/package.json", "frontend/package-lock.json", ".env_example"):
        if (REPO / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / name, tmp_path / name)
    # The page's package files, when the page is not in this checkout yet: the copy is about the
    # deployment files, and the repository test reports a missing page on its own.
    (tmp_path / "frontend").mkdir(exist_ok=True)
    if not (tmp_path / "frontend" / "package.json").is_file():
        (tmp_path / "frontend" / "package.json").write_text('{"scripts": {"build": "vite build"}}')
        (tmp_path / "frontend" / "package-lock.json").write_text('{"lockfileVersion": 3}')
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_repository_passes_every_check():
    report = check_repository(REPO)
    assert report.errors == []
    # Every family of checks ran.
    joined = "\n".join(report.checked)
    for expected in (
        "Compose specification",
        "strict schemas",
        "restricted pod security",
        "hadolint",
        "upstreams",
        "live stream",
    ):
        assert expected in joined


def test_compose_checks_pass_on_the_copy(tree):
    assert check_compose([tree / name for name in COMPOSE_FILES]).errors == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("docker-compose.yml", "restart: unless-stopped", "restart: sometimes", "not a valid Compose file"),
        ("docker-compose.yml", "    healthcheck:", "    healthchek:", "not a valid Compose file"),
        ("docker-compose.yml", "- intake-data:/data", "- intake-date:/data", "mounts undefined volume intake-date"),
        (
            "docker-compose.yml",
            "      redis:\n        condition",
            "      cache:\n        condition",
            "undefined service cache",
        ),
        (
            "docker-compose.yml",
            "dockerfile: docker/backend.Dockerfile",
            "dockerfile: docker/api.Dockerfile",
            "not found",
        ),
        ("docker-compose.yml", "- ../.env", "- ../settings.env", "env_file ../settings.env does not exist"),
        ("docker-compose.rabbitmq.yml", "condition: service_healthy", "condition: healthy", "not a valid Compose file"),
        ("docker-compose.rabbitmq.yml", "- rabbitmq-data:/var", "- rabbit-data:/var", "undefined volume rabbit-data"),
    ],
)
def test_a_broken_compose_file_fails(tree, file, old, new, expected):
    edit(tree / "docker" / file, old, new)
    errors = check_compose([tree / name for name in COMPOSE_FILES]).errors
    assert any(expected in error for error in errors), errors


def test_waiting_for_a_service_without_healthcheck_fails(tree):
    compose = tree / "docker" / "docker-compose.yml"
    config = yaml.safe_load(compose.read_text())
    del config["services"]["redis"]["healthcheck"]
    compose.write_text(yaml.safe_dump(config))
    errors = check_compose([compose]).errors
    assert any("waits for redis to be healthy, but redis has no healthcheck" in e for e in errors), errors


def test_k8s_checks_pass_on_the_copy(tree):
    assert check_k8s(tree / "k8s")[1].errors == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # A misspelt field is rejected by the strict schema.
        ("web.yaml", "readinessProbe:", "readinesProbe:", "invalid for Kubernetes"),
        ("worker-hpa.yaml", "averageUtilization: 70", "averageUtilization: seventy", "invalid for Kubernetes"),
        ("postgres.yaml", "kind: StatefulSet", "kind: Statefulset", "invalid for Kubernetes"),
        ("web.yaml", "name: intake-config", "name: intake-configs", "undefined ConfigMap intake-configs"),
        ("worker.yaml", "claimName: intake-data", "claimName: uploads", "undefined claim uploads"),
        ("ingress.yaml", "name: frontend", "name: page", "undefined Service page"),
        ("frontend.yaml", "targetPort: http", "targetPort: web", "targetPort web is no port"),
        ("redis.yaml", "              memory: 512Mi\n", "", "has no memory limit"),
        ("worker.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "restricted pod security"),
        ("worker-hpa.yaml", "name: worker\n  minReplicas", "name: workers\n  minReplicas", "scales undefined"),
        (
            "postgres.yaml",
            "key: POSTGRES_PASSWORD",
            "key: DB_PASSWORD",
            "missing Secret key intake-secrets/DB_PASSWORD",
        ),
        ("kustomization.yaml", "  - redis.yaml\n", "", "redis.yaml is not listed"),
    ],
)
def test_a_broken_manifest_fails(tree, file, old, new, expected):
    edit(tree / "k8s" / file, old, new)
    errors = check_k8s(tree / "k8s")[1].errors
    assert any(expected in error for error in errors), errors


def test_dockerfile_checks_pass_on_the_copy(tree):
    for name in DOCKERFILES:
        assert check_dockerfile(tree / name, tree).errors == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("backend.Dockerfile", "FROM python:3.11-slim-bookworm AS runtime", "FROM python AS runtime", "DL3006"),
        ("backend.Dockerfile", "pip install --no-cache-dir -r", "pip install -r", "DL3042"),
        ("backend.Dockerfile", "USER 10001:10001", "USER root", "runs as root"),
        (
            "frontend.Dockerfile",
            "COPY frontend/package.json",
            "COPY frontend/package.jsonc",
            "not in the build context",
        ),
    ],
)
def test_a_broken_dockerfile_fails(tree, file, old, new, expected):
    edit(tree / "docker" / file, old, new)
    errors = check_dockerfile(tree / "docker" / file, tree).errors
    assert any(expected in error for error in errors), errors


def test_a_missing_build_ignore_file_fails(tree):
    (tree / "docker" / "frontend.Dockerfile.dockerignore").unlink()
    errors = check_dockerfile(tree / "docker" / "frontend.Dockerfile", tree).errors
    assert any("no frontend.Dockerfile.dockerignore" in e for e in errors), errors


def test_nginx_proxying_to_an_unknown_host_fails(tree):
    edit(tree / "docker" / "nginx.conf", "proxy_pass http://web:8000;", "proxy_pass http://api:8000;")
    compose = load_compose([tree / COMPOSE_FILES[0]])
    documents, _ = check_k8s(tree / "k8s")
    errors = check_nginx(tree / NGINX_CONF, compose, documents).errors
    assert "nginx.conf proxies to api, which is no compose service" in errors
    assert "nginx.conf proxies to api, which is no Kubernetes Service" in errors


def test_the_live_stream_checks_pass_on_the_copy(tree):
    compose = load_compose([tree / COMPOSE_FILES[0]])
    documents, _ = check_k8s(tree / "k8s")
    assert check_live_stream(tree, compose, documents).errors == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("docker/nginx.conf", "        proxy_buffering off;\n", "", "does not turn proxy_buffering off"),
        ("docker/nginx.conf", "proxy_read_timeout 3600s;", "proxy_read_timeout 60s;", "proxy_read_timeout of at least"),
        ("docker/nginx.conf", "location /api/live/ {", "location /api/stream/ {", "has no location /api/live/"),
        ("k8s/ingress.yaml", 'proxy-buffering: "off"', 'proxy-buffering: "on"', "proxy-buffering: off"),
        (
            "k8s/ingress.yaml",
            'proxy-read-timeout: "3600"',
            'proxy-read-timeout: "60"',
            "proxy-read-timeout of at least",
        ),
        ("k8s/ingress.yaml", "- path: /api/live/", "- path: /api/stream/", "no Ingress routes /api/live/"),
        (
            "docker/docker-compose.yml",
            "exec gunicorn config.asgi:application",
            "exec gunicorn config.wsgi",
            "compose.yml web",
        ),
        ("docker/backend.Dockerfile", '"config.asgi:application"', '"config.wsgi"', "backend.Dockerfile CMD"),
    ],
)
def test_a_broken_live_stream_setup_fails(tree, file, old, new, expected):
    edit(tree / file, old, new)
    compose = load_compose([tree / COMPOSE_FILES[0]])
    documents, _ = kustomize_build(tree / "k8s")
    errors = check_live_stream(tree, compose, documents).errors
    assert any(expected in error for error in errors), errors


def test_the_script_exits_non_zero_on_a_broken_tree(tree):
    """scripts/deploy-check.sh runs this file as a script; it reports and fails."""
    edit(tree / "k8s" / "web.yaml", "containerPort: 8000", "containerPort: eight-thousand")
    result = subprocess.run(
        [sys.executable, __file__, str(tree)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL" in result.stdout and "k8s/web.yaml Deployment/web" in result.stdout


# ---- the structure the deployment promises -------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    documents, _ = kustomize_build(REPO / "k8s")
    return documents


def _one(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = _names(documents, kind).get(name)
    assert found is not None, f"no {kind}/{name}"
    return found


def test_manifests_have_every_part_the_deployment_needs(manifests):
    _one(manifests, "Namespace", "intake")
    _one(manifests, "ConfigMap", "intake-config")
    postgres = _one(manifests, "StatefulSet", "postgres")
    assert postgres["spec"]["volumeClaimTemplates"]
    _one(manifests, "Deployment", "redis")
    _one(manifests, "Job", "migrate")
    _one(manifests, "Service", "frontend")
    _one(manifests, "Deployment", "frontend")
    _one(manifests, "Ingress", "intake")
    hpa = _one(manifests, "HorizontalPodAutoscaler", "worker")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "worker"}
    # The secret is never part of what is applied, and the example holds placeholders only.
    assert not _names(manifests, "Secret")
    example = load_yaml_documents(REPO / "k8s" / "secret.example.yaml")
    assert [d["kind"] for d in example] == ["Secret"]
    assert all("REPLACE-ME" in value for value in example[0]["stringData"].values())


def test_web_is_ready_on_the_health_endpoint_and_has_a_liveness_probe(manifests):
    web = _one(manifests, "Deployment", "web")
    container = next(c for c in web["spec"]["template"]["spec"]["containers"] if c["name"] == "web")
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/health/"
    assert container["livenessProbe"]
    _one(manifests, "Service", "web")


def test_web_and_workers_share_the_read_write_many_uploads_claim(manifests):
    claim = _one(manifests, "PersistentVolumeClaim", "intake-data")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    config = _one(manifests, "ConfigMap", "intake-config")["data"]
    for name in ("web", "worker"):
        pod = _one(manifests, "Deployment", name)["spec"]["template"]["spec"]
        volume = next(
            v["name"]
            for v in pod["volumes"]
            if v.get("persistentVolumeClaim", {}).get("claimName") == claim["metadata"]["name"]
        )
        mounts = [m["mountPath"] for c in pod["containers"] for m in c.get("volumeMounts", []) if m["name"] == volume]
        assert mounts, f"{name} does not mount the uploads claim"
        # Uploads and the upload temp dir are on the shared volume.
        for setting in ("INTAKE_UPLOAD_DIR", "INTAKE_VAR_DIR"):
            assert any(config[setting].startswith(mount.rstrip("/") + "/") for mount in mounts), setting


def test_the_worker_consumes_the_imports_queue_with_the_configured_concurrency(manifests):
    worker = _one(manifests, "Deployment", "worker")
    container = worker["spec"]["template"]["spec"]["containers"][0]
    command = container["command"] + container["args"]
    assert command[:4] == ["celery", "-A", "config", "worker"]
    assert command[command.index("-Q") + 1] == "imports"
    assert command[command.index("--concurrency") + 1] == "$(CELERY_WORKER_CONCURRENCY)"


def test_compose_stack_has_every_service_and_shares_uploads_between_web_and_worker():
    config = load_compose([REPO / COMPOSE_FILES[0]])
    services = config["services"]
    assert set(services) == {"postgres", "redis", "minio", "web", "worker", "notifier", "beat", "frontend"}
    # Files go to the stack's MinIO, whose buckets exist before gunicorn starts.
    assert services["minio"]["healthcheck"] and services["web"]["depends_on"]["minio"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert (environment["IMPORT_STORAGE"], environment["S3_ENDPOINT_URL"]) == ("s3", "http://minio:9000")
    assert "storage_setup" in " ".join(services["web"]["command"])
    assert services["postgres"]["healthcheck"] and any("postgres-data" in v for v in services["postgres"]["volumes"])
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "migrate" in " ".join(services["web"]["command"])
    assert "-Q imports" in " ".join(services["worker"]["command"])
    assert " ".join(services["beat"]["command"]).startswith("celery -A config beat")
    assert services["web"]["volumes"] == services["worker"]["volumes"] == ["intake-data:/data"]
    rabbit = load_compose([REPO / name for name in COMPOSE_FILES])
    for name in ("web", "worker"):
        assert rabbit["services"][name]["environment"]["CELERY_BROKER_URL"].startswith("amqp://guest:guest@rabbitmq:")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
