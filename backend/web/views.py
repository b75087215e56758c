"""Serving the single-page app: any non-API path gets index.html, so deep links load."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase


def spa_index(request: HttpRequest, path: str = "") -> HttpResponseBase:
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
