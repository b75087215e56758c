"""The web process under ASGI: the live stream natively, everything else through Django's WSGI app.

Django's own ASGI handler would serve the API too, but it reads a whole request body into a
temporary file before the view runs (a 2 GiB upload would land on disk before the size check
refuses it, then be copied again) and runs each request on a new thread, so no database
connection is kept between requests. a2wsgi runs the WSGI app on a fixed pool of threads with
the body streamed as before, and only /api/live/events/ is asynchronous.
"""

from __future__ import annotations

import os
from typing import Any

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_app = get_wsgi_application()

from notifications.stream import PATH as LIVE_PATH  # noqa: E402  (needs the settings loaded above)
from notifications.stream import hub_close, live_events_app  # noqa: E402

# Threads per process for the WSGI app: requests served at once besides the streams, as
# gunicorn's --threads did before (each keeps its database connection for CONN_MAX_AGE).
WSGI_THREADS = 8
wsgi = WSGIMiddleware(django_app, workers=WSGI_THREADS)  # type: ignore[arg-type]


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == LIVE_PATH:
        await live_events_app(scope, receive, send)
    elif scope["type"] == "http":
        await wsgi(scope, receive, send)  # type: ignore[arg-type]
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await hub_close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    # websocket: not served
