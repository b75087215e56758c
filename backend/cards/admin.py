from django.contrib import admin

from cards.models import CardEvent, CardStatus


@admin.register(CardStatus)
class CardStatusAdmin(admin.ModelAdmin[CardStatus]):
    list_display = ["card_id", "status", "status_at", "mobile", "anomaly", "anomaly_reason", "workspace"]
    list_filter = ["status", "anomaly", "workspace"]
    search_fields = ["card_id", "mobile"]
    list_select_related = ["workspace"]
    readonly_fields = [f.name for f in CardStatus._meta.fields]


@admin.register(CardEvent)
class CardEventAdmin(admin.ModelAdmin[CardEvent]):
    list_display = ["card_id", "event_type", "event_at", "mobile", "reason", "workspace", "source_row_number"]
    list_filter = ["event_type", "workspace"]
    search_fields = ["card_id", "mobile"]
    date_hierarchy = "event_at"
    list_select_related = ["workspace"]
