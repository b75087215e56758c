"""The gunicorn worker class of the web process: uvicorn, serving config.asgi:application."""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker


class WebWorker(UvicornWorker):
    # Client addresses stay what the connection says, as under the WSGI workers: which proxy's
    # X-Forwarded-For to believe is the application's decision, not the server's.
    CONFIG_KWARGS: dict[str, Any] = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
