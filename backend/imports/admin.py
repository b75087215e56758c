from django.contrib import admin

from imports.models import ImportJob, ImportRowError, SavedMapping


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = [
        "id",
        "workspace",
        "dataset",
        "original_filename",
        "status",
        "started_via",
        "started_by_name",
        "total_rows",
        "processed_rows",
        "failed_rows",
        "created_at",
    ]
    list_filter = ["status", "dry_run", "dataset", "started_via", "workspace"]
    search_fields = ["id", "original_filename", "started_by_name"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    list_select_related = ["workspace"]


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin[ImportRowError]):
    list_display = ["job", "row_number", "errors"]
    search_fields = ["job__id"]
    raw_id_fields = ["job"]
    readonly_fields = ["job", "row_number", "raw_data", "errors"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin[SavedMapping]):
    list_display = ["id", "workspace", "dataset", "name", "updated_at", "last_used_at"]
    list_filter = ["dataset", "workspace"]
    search_fields = ["id", "name"]
    readonly_fields = ["workspace", "dataset", "header_key", "headers", "created_at", "updated_at", "last_used_at"]
