"""Serving the single-page app: any non-API path gets index.html, so deep links load."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotFound


def _looks_like_a_file(path: str) -> bool:
    # Built files are served by WhiteNoise before this view; a request for a file that reaches
    # it is missing (an old hashed asset after a rebuild). Answering index.html with 200 would
    # make the browser parse HTML as a script and fail without saying why.
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return path.startswith("assets/") or "." in last


def spa_index(request: HttpRequest, path: str = "") -> HttpResponseBase:
    if _looks_like_a_file(path):
        return HttpResponseNotFound(f"/{path} not found", content_type="text/plain; charset=utf-8")
    index = settings.FRONTEND_DIST_DIR / "index.html"
    if not index.is_file():
        return HttpResponse(
            "<h1>Intake</h1><p>The page is not built yet. Run <code>make run</code> (it builds it), "
            "or use the API at <a href='/api/docs/'>/api/docs/</a>.</p>",
            status=503,
        )
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
