from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Workspace
from imports.models import ImportJob
from imports.origin import StartedBy
from imports.services import import_job_create
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "a-long-pass-phrase-42"


def member(workspace: Workspace, email: str = "ana@example.com") -> AbstractUser:
    user = cast(AbstractUser, UserFactory(email=email))
    MembershipFactory(user=user, workspace=workspace)
    return user


def jwt_client(user: AbstractUser) -> APIClient:
    client = APIClient()
    tokens = client.post("/api/auth/login/", {"email": user.email, "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client


def job_for(workspace: Workspace, content: bytes, *, started_by: StartedBy | None, **options: Any) -> ImportJob:
    return import_job_create(
        workspace=workspace,
        file=SimpleUploadedFile(options.pop("name", "books.csv"), content, content_type="text/csv"),
        dataset=options.pop("dataset", "books"),
        started_by=started_by,
        enqueue=False,
        **options,
    )


def wait_for(condition: Callable[[], Any], *, timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
