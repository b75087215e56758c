from __future__ import annotations

from django.db import models


class FeedSource(models.Model):
    """Where a workspace's partner drops the files of one feed (a dataset): a folder on the server.

    The folder is relative to the operator's FEEDS_ROOT and never leaves it.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="feed_sources")
    dataset = models.CharField(max_length=100)
    folder = models.CharField(max_length=500)
    enabled = models.BooleanField(default=True, help_text="Polled by the scheduler when FEEDS_POLL_MINUTES is set.")
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workspace", "dataset"]
        constraints = [models.UniqueConstraint(fields=["workspace", "dataset"], name="feeds_source_feed_uniq")]

    def __str__(self) -> str:
        return f"{self.dataset} <- {self.folder}"
