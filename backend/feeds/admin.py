from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from config.errors import ApplicationError
from datasets.registry import dataset_list
from feeds.models import FeedSource
from feeds.services import feed_folder_relative


class FeedSourceForm(forms.ModelForm[FeedSource]):
    # The same folder rule as the API: under FEEDS_ROOT, never elsewhere.
    dataset = forms.ChoiceField(choices=[])

    class Meta:
        model = FeedSource
        fields = ["workspace", "dataset", "folder", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.name, d.label) for d in dataset_list()]  # type: ignore[attr-defined]

    def clean_folder(self) -> str:
        try:
            return feed_folder_relative(self.cleaned_data["folder"])
        except ApplicationError as error:
            raise ValidationError(error.message) from None


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin[FeedSource]):
    form = FeedSourceForm
    list_display = ["dataset", "folder", "enabled", "workspace", "last_refreshed_at", "last_error"]
    list_filter = ["dataset", "enabled", "workspace"]
    search_fields = ["dataset", "folder"]
    readonly_fields = ["last_refreshed_at", "last_error", "created_at", "updated_at"]
