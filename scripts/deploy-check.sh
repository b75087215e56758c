#!/usr/bin/env bash
# Offline checks of the deployment files, without a Docker engine or a cluster (make deploy-check):
#   - docker/docker-compose.yml, alone and with docker-compose.rabbitmq.yml: strict Compose
#     specification parse, and every service, volume, network, env_file and Dockerfile it names exists;
#   - k8s/: the kustomization built (namespace, image tags), every object validated against the
#     strict Kubernetes schemas, references between objects, resources, restricted pod security;
#   - docker/*.Dockerfile: hadolint, COPY sources, non-root final user, build ignore files;
#   - docker/nginx.conf: its upstreams exist in compose and in Kubernetes;
#   - the live stream (/api/live/): unbuffered, long timeouts in nginx and the Ingress, and the web
#     process runs the ASGI app (compose, the image, the Procfile).
# The checks live in backend/tests/test_deploy_config.py, whose tests also prove each one fails on a
# broken copy. The tools come from backend/requirements-deploy.txt, installed into the project venv.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  echo "no virtualenv at $VENV: run make backend-install first" >&2
  exit 1
fi

if ! "$PY" -c "import compose_spec, kubernetes_validate, yaml" 2>/dev/null || [ ! -x "$VENV/bin/hadolint" ]; then
  echo "installing the check tools (backend/requirements-deploy.txt)"
  "$PY" -m pip install -q -r backend/requirements-deploy.txt
fi

echo "deploy-check: compose files, Kubernetes manifests, Dockerfiles, nginx upstreams"
"$PY" backend/tests/test_deploy_config.py "$PWD"

# Where kubectl is installed, its own kustomize must build the same kustomization (no cluster needed).
if command -v kubectl >/dev/null; then
  objects=$(kubectl kustomize k8s/ | grep -c '^kind:')
  echo "  ok    kubectl kustomize k8s/ builds $objects objects"
fi
