from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.services import api_key_create, workspace_get_or_create


class Command(BaseCommand):
    help = "Create an API key for a workspace (created if missing). The key is printed once, on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="Workspace slug, e.g. acme")
        parser.add_argument("--name", required=True, help="What the key is for, e.g. ci")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_get_or_create(slug=options["workspace"])
        api_key, secret = api_key_create(workspace=workspace, name=options["name"])
        self.stdout.write(f"Created API key {api_key.name!r} (prefix {api_key.prefix}) for workspace {workspace.slug}.")
        self.stdout.write("Store it now: it is not shown again.")
        self.stdout.write(secret)
