"""Request rates: per IP for sign-up, sign-in and refresh, per user or API key for uploads and reads.

The counters live in a real Redis (TEST_CACHE_URL, its own database so that suites running side by
side do not count each other's requests), as they do in a deployment.
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.services import api_key_create
from tests.csv_files import books_csv

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
TEST_CACHE_URL = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def rates(settings):
    """Redis as the cache, emptied around the test; the test sets the rates it needs in the dict."""
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_CACHE_URL}
    settings.CACHES = {"default": redis}
    cache.clear()
    yield settings.THROTTLE_RATES
    cache.clear()


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert set(error) == {"code", "message", "fields"}


def login(client: APIClient, password: str = "wrong password"):
    return client.post("/api/auth/login/", {"email": "ada@example.com", "password": password}, format="json")


def from_ip(address: str) -> APIClient:
    return APIClient(REMOTE_ADDR=address)


def test_login_is_limited_per_client_ip_with_429_in_the_error_shape_and_retry_after(rates):
    rates["login"] = "3/minute"
    client = from_ip("10.0.0.1")
    for _ in range(3):
        assert login(client).status_code == 401
    assert_throttled(login(client))
    assert login(from_ip("10.0.0.2")).status_code == 401


def test_a_forged_forwarded_for_header_does_not_reset_the_login_count(rates):
    rates["login"] = "2/minute"
    for n in range(2):
        assert login(APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")).status_code == 401
    assert_throttled(login(APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99")))


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    rates["login"] = "1/minute"
    proxy = "10.0.0.254"
    assert login(APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")).status_code == 401
    assert_throttled(login(APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")))
    assert login(APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")).status_code == 401


def test_register_is_limited_per_client_ip(rates):
    rates["register"] = "2/hour"
    client = from_ip("10.0.0.1")
    for n in range(2):
        body = {"email": f"p{n}@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
        assert client.post("/api/auth/register/", body, format="json").status_code == 201
    body = {"email": "p9@example.com", "password": PASSWORD, "confirm_password": PASSWORD}
    assert_throttled(client.post("/api/auth/register/", body, format="json"))


def test_token_refresh_is_limited_per_client_ip(rates):
    rates["refresh"] = "2/minute"
    client = from_ip("10.0.0.1")
    for _ in range(2):
        assert client.post("/api/auth/refresh/", {"refresh": "not-a-token"}, format="json").status_code == 401
    assert_throttled(client.post("/api/auth/refresh/", {"refresh": "not-a-token"}, format="json"))


def upload(client: APIClient):
    file = SimpleUploadedFile("books.csv", books_csv(1), content_type="text/csv")
    return client.post("/api/imports/", {"dataset": "books", "file": file}, format="multipart")


def test_uploads_are_limited_per_api_key_and_each_key_has_its_own_budget(rates, client, workspace):
    rates["uploads"] = "2/minute"
    for _ in range(2):
        assert upload(client).status_code == 201
    assert_throttled(upload(client))
    # Reads are another budget.
    assert client.get("/api/imports/").status_code == 200
    _, secret = api_key_create(workspace=workspace, name="second")
    second = APIClient()
    second.credentials(HTTP_X_API_KEY=secret)
    assert upload(second).status_code == 201


def test_uploads_are_limited_per_signed_in_user(rates):
    rates["uploads"] = "1/minute"
    tokens = (
        APIClient()
        .post(
            "/api/auth/register/",
            {"email": "ada@example.com", "password": PASSWORD, "confirm_password": PASSWORD},
            format="json",
        )
        .json()
    )
    user = APIClient()
    user.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert upload(user).status_code == 201
    assert_throttled(upload(user))


def test_reads_are_limited_per_api_key(rates, client, other_client):
    rates["reads"] = "3/minute"
    for path in ("/api/imports/", "/api/datasets/", "/api/auth/me/"):
        assert client.get(path).status_code == 200
    assert_throttled(client.get("/api/books/"))
    assert other_client.get("/api/books/").status_code == 200


def test_unauthenticated_requests_are_refused_before_they_count(rates):
    rates["reads"] = "1/minute"
    for _ in range(3):
        assert APIClient().get("/api/imports/").status_code == 401
    assert APIClient().get("/api/health/").status_code == 200
