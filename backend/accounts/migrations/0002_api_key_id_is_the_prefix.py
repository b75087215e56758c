"""API keys: the primary key becomes the public prefix instead of "<prefix>.<hash of the secret>"."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat


def ids_to_prefixes(apps, schema_editor):
    apps.get_model("accounts", "WorkspaceAPIKey").objects.exclude(id=F("prefix")).update(id=F("prefix"))


def ids_to_prefix_and_hash(apps, schema_editor):
    apps.get_model("accounts", "WorkspaceAPIKey").objects.update(id=Concat(F("prefix"), Value("."), F("hashed_key")))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(ids_to_prefixes, ids_to_prefix_and_hash)]
