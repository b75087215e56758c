from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.exceptions import api_not_found
from web.apis import HealthApi
from web.views import spa_index

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("datasets.urls")),
    path("", include("imports.urls")),
    path("", include("catalog.urls")),
    path("", include("cards.urls")),
    path("", include("feeds.urls")),
    path("", include("notifications.urls")),
    path("health/", HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    # Everything else is a route of the page; it loads index.html and routes in the browser.
    re_path(r"^(?!api/|admin/|static/)(?P<path>.*)$", spa_index, name="spa"),
]

# /api/ paths answer errors raised outside the API's views in the error shape too.
handler400 = "config.exceptions.bad_request"
handler403 = "config.exceptions.permission_denied"
handler404 = "config.exceptions.page_not_found"
handler500 = "config.exceptions.server_error"
