# syntax=docker/dockerfile:1
# Intake backend: one image for the web process (gunicorn, the default command), the Celery
# worker and the migration step. Build context is the repository root:
#   docker build -f docker/backend.Dockerfile -t intake-backend .

# ---- dependencies ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS deps

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# A virtualenv keeps the installed packages in one directory the runtime stage copies whole.
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

# Only the requirements file first, so a code change does not reinstall every package.
COPY backend/requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt

# ---- runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

# Uploads and local state live under /data, one volume in compose and one PVC in Kubernetes.
# Keeping the upload temp dir (INTAKE_VAR_DIR/tmp) on the same filesystem as the uploads turns
# storing a finished 2 GiB upload into a rename instead of a copy.
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INTAKE_VAR_DIR=/data/var \
    INTAKE_UPLOAD_DIR=/data/uploads

RUN groupadd --system --gid 10001 intake \
    && useradd --system --uid 10001 --gid intake --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin intake

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app/backend
# The code stays owned by root: the service user can read it but not change it.
COPY backend/ /app/backend/

# The key exists only for this step; settings refuse to start without one of 32+ characters and
# would otherwise write a generated key into the image.
RUN DJANGO_SECRET_KEY=collectstatic-only-build-time-key-not-used-at-runtime \
        python manage.py collectstatic --noinput -v 0 \
    && rm -rf /data \
    && mkdir -p /data/var /data/uploads \
    && chown -R intake:intake /data

USER 10001:10001
EXPOSE 8000

# Uploads of up to 2 GiB stream through the web process, hence the long timeout. No control
# socket: gunicornc is not used, and its default path under $HOME is shared by every stack there.
# No access log: Django logs each request with its id (config/logs.py). ASGI (uvicorn workers):
# the live stream is asynchronous, the rest of Django runs on a thread pool (config/asgi.py).
CMD ["gunicorn", "config.asgi:application", "--worker-class", "config.workers.WebWorker", \
     "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "600", "--no-control-socket"]
