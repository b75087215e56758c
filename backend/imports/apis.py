from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from accounts.throttling import ReadThrottle, UploadThrottle
from config.errors import ApplicationError
from config.fields import TextField
from config.pagination import PageNumberPagination, paginate, paginated_serializer
from config.schema import ErrorSerializer
from datasets.apis import DatasetOutputSerializer
from datasets.registry import dataset_list
from imports.errors_csv import errors_csv_rows
from imports.inspection import (
    ALLOWED_EXTENSIONS,
    DELIMITER_SOURCES,
    ENCODING_SOURCES,
    FIELD_MATCHED_BY,
    MATCHED_BY,
    Inspection,
    file_inspect,
)
from imports.models import ImportJob, ImportRowError, SavedMapping
from imports.origin import request_started_by
from imports.outputs import cleaned_lines_stream
from imports.pipeline.progress import job_metrics
from imports.pipeline.reverting import CHANGED_SHOWN
from imports.selectors import (
    ROW_ERROR_STATES,
    dataset_require,
    import_job_files_check,
    import_job_get,
    import_job_list,
    import_job_row_layout,
    import_row_error_groups,
    import_row_error_list,
    import_row_error_numbers,
    saved_mapping_as_headers,
    saved_mapping_for_headers,
    saved_mapping_get,
    saved_mapping_list,
)
from imports.services import (
    column_mapping_parse,
    import_job_cancel,
    import_job_create,
    import_job_create_idempotent,
    import_job_delete,
    import_job_errors_csv_resubmit,
    import_job_revert,
    import_job_rows_resubmit,
    import_job_start,
    saved_mapping_delete,
    saved_mapping_save,
    saved_mapping_update,
    timezone_validate,
)

ERRORS_PREVIEW = 10


class RowErrorOutputSerializer(serializers.ModelSerializer[ImportRowError]):
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Dataset column (or __all__ for the whole row) -> its messages.",
    )
    values = serializers.SerializerMethodField(
        help_text=(
            "The row's text per dataset column read from the file (the columns of the errors summary), "
            "as the file wrote it; what a correction sends back."
        )
    )
    resolved_at = serializers.DateTimeField(
        allow_null=True, help_text="When a corrected version of the row was loaded; null while it still fails."
    )

    class Meta:
        model = ImportRowError
        fields = ["row_number", "raw_data", "values", "errors", "resolved_at"]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_values(self, error: ImportRowError) -> dict[str, str]:
        # One layout for all the rows of a response: the context is the root serializer's.
        layout = self.context.get("row_layout")
        if layout is None or layout.job_id != error.job_id:
            layout = self.context["row_layout"] = import_job_row_layout(job=error.job)
        return layout.values(error.raw_data)


@extend_schema_serializer(component_name="StartedBy")
class StartedByOutputSerializer(serializers.Serializer[Any]):
    via = serializers.ChoiceField(
        source="started_via",
        choices=[("", "Not recorded"), *ImportJob.StartedVia.choices],
        help_text="user, api_key, command_line or feed; empty for jobs from before this was recorded.",
    )
    name = serializers.CharField(
        source="started_by_name", help_text="The user's e-mail, the API key's name, the OS user, or the feed."
    )
    api_key_prefix = serializers.CharField(source="started_by_key_prefix")


class SanitizeReportOutputSerializer(serializers.Serializer[Any]):
    source_encoding = serializers.CharField(help_text="The encoding the upload was decoded from (xlsx: a workbook).")
    bom_removed = serializers.BooleanField()
    nul_removed = serializers.IntegerField()
    control_characters_removed = serializers.IntegerField()
    line_endings_normalised = serializers.IntegerField(help_text="CR LF and lone CR turned into LF.")
    header_names_trimmed = serializers.IntegerField()
    lines_cut = serializers.IntegerField(help_text="Lines over IMPORT_MAX_FIELD_CHARS, cut; each is a row error.")
    undecodable_bytes = serializers.IntegerField(help_text="Kept as they were; their rows are rejected.")
    bytes_read = serializers.IntegerField()
    bytes_written = serializers.IntegerField()

    def to_representation(self, instance: Any) -> Any:
        return super().to_representation(instance) if instance else None


class ImportJobOutputSerializer(serializers.ModelSerializer[ImportJob]):
    filename = serializers.CharField(source="original_filename")
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    on_conflict = serializers.ChoiceField(choices=ImportJob.OnConflict.choices)
    success_rows = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=ImportJob.Outcome.choices,
        allow_null=True,
        read_only=True,
        help_text=(
            "How a finished job went, derived from its status and counters: completed (no row rejected), "
            "completed_with_errors, all_failed (every row rejected), failed, cancelled, reverted; null while it runs."
        ),
    )
    progress_percent = serializers.SerializerMethodField()
    rows_per_second = serializers.SerializerMethodField()
    eta_seconds = serializers.SerializerMethodField()
    duration_seconds = serializers.SerializerMethodField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    headers = serializers.ListField(child=serializers.CharField())
    column_mapping = serializers.DictField(child=serializers.CharField())
    duplicate_of = serializers.UUIDField(
        source="duplicate_of_id",
        allow_null=True,
        help_text="An earlier job of this workspace that imported the same file into the same dataset.",
    )
    started_by = StartedByOutputSerializer(source="*", read_only=True)
    format = serializers.ChoiceField(choices=ImportJob.Format.choices)
    sanitize_report = SanitizeReportOutputSerializer(allow_null=True)
    files_removed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the job's files and row errors were removed (DELETE or retention)."
    )
    files_removed_reason = serializers.CharField(help_text="deleted, retention, or empty.")
    cleaned_url = serializers.SerializerMethodField(
        help_text="The cleaned output (completed jobs whose files are kept); null otherwise."
    )
    errors_csv_url = serializers.SerializerMethodField(help_text="The rejected rows as CSV; null once removed.")

    dry_run = serializers.BooleanField(
        help_text="A dry run writes no row: its counters and row errors are what the import would give."
    )
    dry_run_of = serializers.UUIDField(
        source="dry_run_of_id", allow_null=True, help_text="The dry run this import was started from."
    )
    started_job = serializers.SerializerMethodField(
        help_text="For a dry run: the import started from it (POST /api/imports/{id}/start/), if any."
    )
    reverted_at = serializers.DateTimeField(
        allow_null=True, help_text="When the job was reverted (POST /api/imports/{id}/revert/); null if never."
    )
    reverted_deleted_rows = serializers.IntegerField(help_text="Rows the job created that its revert deleted.")
    reverted_restored_rows = serializers.IntegerField(
        help_text="Rows the job updated that its revert put back as they were."
    )
    reverted_kept_rows = serializers.IntegerField(
        help_text="Rows the job created or updated that its revert left alone: changed since by a later job, or gone."
    )
    saved_mapping = serializers.UUIDField(
        source="saved_mapping_id",
        allow_null=True,
        help_text="The workspace's saved mapping for this file's headers, when the upload mapped columns.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "dataset",
            "filename",
            "started_by",
            "file_size",
            "status",
            "outcome",
            "dry_run",
            "dry_run_of",
            "started_job",
            "on_conflict",
            "delimiter",
            "encoding",
            "timezone",
            "sha256",
            "duplicate_of",
            "format",
            "sheet",
            "final_size",
            "sanitize_report",
            "files_removed_at",
            "files_removed_reason",
            "cleaned_url",
            "errors_csv_url",
            "total_rows",
            "processed_rows",
            "created_rows",
            "updated_rows",
            "unchanged_rows",
            "skipped_rows",
            "failed_rows",
            "success_rows",
            "stored_errors",
            "progress_percent",
            "rows_per_second",
            "eta_seconds",
            "duration_seconds",
            "reverted_at",
            "reverted_deleted_rows",
            "reverted_restored_rows",
            "reverted_kept_rows",
            "error_message",
            "failure_reason",
            "ignored_columns",
            "headers",
            "column_mapping",
            "saved_mapping",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def _metrics(self, job: ImportJob) -> dict[str, float | None]:
        cache = self.context.setdefault("_metrics", {})
        if job.pk not in cache:
            cache[job.pk] = job_metrics(job)
        return cache[job.pk]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cleaned_url(self, job: ImportJob) -> str | None:
        if job.status != ImportJob.Status.COMPLETED or not job.cleaned_key or job.files_removed:
            return None
        return f"/api/imports/{job.pk}/cleaned.csv"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_errors_csv_url(self, job: ImportJob) -> str | None:
        return None if job.files_removed else f"/api/imports/{job.pk}/errors.csv"

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_started_job(self, job: ImportJob) -> str | None:
        if not job.dry_run:
            return None
        # select_related by the list's selector; a single job reads it here (only dry runs do).
        started = getattr(job, "started_job", None)
        return str(started.pk) if started is not None else None

    def get_progress_percent(self, job: ImportJob) -> float:
        return float(self._metrics(job)["progress_percent"] or 0.0)

    def get_rows_per_second(self, job: ImportJob) -> float | None:
        return self._metrics(job)["rows_per_second"]

    def get_eta_seconds(self, job: ImportJob) -> float | None:
        return self._metrics(job)["eta_seconds"]

    def get_duration_seconds(self, job: ImportJob) -> float | None:
        return self._metrics(job)["duration_seconds"]


class ImportJobDetailOutputSerializer(ImportJobOutputSerializer):
    errors_preview = serializers.SerializerMethodField()

    class Meta(ImportJobOutputSerializer.Meta):
        fields = [*ImportJobOutputSerializer.Meta.fields, "errors_preview"]

    @extend_schema_field(RowErrorOutputSerializer(many=True))
    def get_errors_preview(self, job: ImportJob) -> list[dict[str, Any]]:
        # Pages poll this every second during an import; most jobs store no error, so no query.
        if not job.stored_errors:
            return []
        preview = import_row_error_list(job=job)[:ERRORS_PREVIEW]
        return RowErrorOutputSerializer(preview, many=True).data  # type: ignore[return-value]


class ImportJobListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ReadThrottle, UploadThrottle]

    class FilterSerializer(serializers.Serializer[Any]):
        status = serializers.ChoiceField(
            choices=ImportJob.Status.choices, required=False, allow_blank=True, help_text="Empty: every status."
        )
        dataset = TextField(required=False, allow_blank=True, help_text="Empty: every dataset.")

    @extend_schema_serializer(component_name="ImportJobCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(allow_empty_file=True, use_url=False)
        dataset = TextField()
        column_mapping = TextField(
            required=False,
            allow_blank=True,
            help_text=(
                'JSON object: dataset column -> header in the file, or "" to leave the column empty. '
                "The mapping the upload ends up with is saved for this dataset and header set."
            ),
        )
        mapping_id = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text="A saved mapping to read the file with (GET /api/mappings/); not with column_mapping.",
        )
        remember_mapping = serializers.BooleanField(
            required=False,
            default=True,
            help_text="false: do not save the column_mapping for this dataset and header set.",
        )
        delimiter = TextField(required=False, allow_blank=True, trim_whitespace=False, max_length=2)
        encoding = TextField(required=False, allow_blank=True, max_length=50)
        on_conflict = serializers.ChoiceField(
            choices=ImportJob.OnConflict.choices,
            required=False,
            help_text="What to do with a row whose key is stored already; defaults to the dataset's policy.",
        )
        timezone = TextField(
            required=False,
            allow_blank=True,
            max_length=64,
            help_text="IANA zone of date-times written without one (e.g. Asia/Dubai); defaults to the dataset's.",
        )
        sheet = TextField(
            required=False,
            allow_blank=True,
            max_length=100,
            help_text="The worksheet of an .xlsx file to import; defaults to the first.",
        )
        dry_run = serializers.BooleanField(
            required=False,
            default=False,
            help_text=(
                "Run the whole file through validation and the conflict policy without writing a row: the job's "
                "counters and row errors are what the import would give. Start the import with /start/."
            ),
        )

    @extend_schema(
        operation_id="imports_list",
        parameters=[FilterSerializer],
        responses={200: paginated_serializer(ImportJobOutputSerializer)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = import_job_list(workspace=request_workspace(request), **filters.validated_data)
        return paginate(queryset=jobs, serializer_class=ImportJobOutputSerializer, request=request, view=self)

    @extend_schema(
        operation_id="imports_create",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "Send the same key again (within 24 h) to get the same job instead of a second import; "
                    "the answer then has Idempotent-Replayed: true. The same key with another request is a 422."
                ),
            )
        ],
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportJobDetailOutputSerializer, 413: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        # Refuse an oversized body before reading it: a 2 GiB upload must not land on disk first.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024:
            message = f"The upload is {declared} bytes; the limit is {settings.IMPORT_MAX_UPLOAD_BYTES} bytes."
            raise ApplicationError(
                message,
                code="file_too_large",
                fields={"file": [message]},
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        options = {
            "dataset": values["dataset"],
            "column_mapping": values.get("column_mapping"),
            "mapping_id": values.get("mapping_id"),
            "delimiter": values.get("delimiter") or None,
            "encoding": values.get("encoding") or None,
            "on_conflict": values.get("on_conflict"),
            "timezone": values.get("timezone") or None,
            "started_by": request_started_by(request),
            "sheet": values.get("sheet") or None,
            "dry_run": values.get("dry_run", False),
        }
        if not values.get("remember_mapping", True):
            # Only when set: the idempotency fingerprints of earlier requests stay as they were.
            options["remember_mapping"] = False
        workspace = request_workspace(request)
        key = request.headers.get("Idempotency-Key")
        replayed = False
        if key is None:
            job = import_job_create(workspace=workspace, file=values["file"], **options)
        else:
            job, replayed = import_job_create_idempotent(
                workspace=workspace, idempotency_key=key, file=values["file"], **options
            )
        response = Response(ImportJobDetailOutputSerializer(job).data, status=status.HTTP_201_CREATED)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class ImportJobDetailApi(APIView):
    @extend_schema(operation_id="imports_retrieve", responses={200: ImportJobDetailOutputSerializer})
    def get(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        return Response(ImportJobDetailOutputSerializer(job).data)

    @extend_schema(
        operation_id="imports_destroy",
        description=(
            "Removes a finished job's files (upload, sanitized copy, cleaned output) and its row errors; "
            "the rows it loaded stay, and so does the job, which then says when its files were removed."
        ),
        responses={200: ImportJobDetailOutputSerializer, 409: ErrorSerializer},
    )
    def delete(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        job = import_job_delete(job=job)
        return Response(ImportJobDetailOutputSerializer(job).data)


class ImportJobCancelApi(APIView):
    @extend_schema(
        operation_id="imports_cancel",
        request=None,
        responses={200: ImportJobDetailOutputSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        job = import_job_cancel(job=job)
        return Response(ImportJobDetailOutputSerializer(job).data)


class ImportJobStartApi(APIView):
    @extend_schema(
        operation_id="imports_start",
        description=(
            "Import the file of a completed dry run, with the same options: answers the new job (queued). "
            "A dry run starts one import; asking again is a 409 naming it."
        ),
        request=None,
        responses={201: ImportJobDetailOutputSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        started = import_job_start(job=job, started_by=request_started_by(request))
        return Response(ImportJobDetailOutputSerializer(started).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="ChangedRow")
class ChangedRowOutputSerializer(serializers.Serializer[Any]):
    key = serializers.DictField(help_text="The row's key, by dataset column.")
    changed_by = serializers.UUIDField(allow_null=True, help_text="The job that wrote the row last.")


class ImportJobRevertApi(APIView):
    @extend_schema_serializer(component_name="ImportJobReverted")
    class OutputSerializer(serializers.Serializer[Any]):
        job = ImportJobDetailOutputSerializer()
        changed_since = serializers.IntegerField(
            source="result.changed_since", help_text="Rows of the job a later job has changed since: left alone."
        )
        changed = ChangedRowOutputSerializer(
            source="result.changed", many=True, help_text=f"The first {CHANGED_SHOWN} of them."
        )

    @extend_schema(
        operation_id="imports_revert",
        description=(
            "Undo a finished import: the rows it created are deleted, the rows it updated get their previous "
            "values back. Rows a later job has changed since are left alone and reported. Once per job."
        ),
        request=None,
        responses={200: OutputSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        report = import_job_revert(job=job)
        return Response(self.OutputSerializer(report).data)


def _state_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=ROW_ERROR_STATES,
        required=False,
        default="open",
        help_text="open (still failing, the default), resolved (loaded since), or all.",
    )


class ImportRowErrorListApi(APIView):
    class FilterSerializer(serializers.Serializer[Any]):
        state = _state_field()
        column = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Only rows with a message about this dataset column (__all__: about the whole row).",
        )
        message = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="With column: only rows refused with this kind of message (a group's message in the summary).",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs.get("message") and not attrs.get("column"):
                raise serializers.ValidationError({"message": ["Give the column the message is about too."]})
            return attrs

    @extend_schema(
        operation_id="imports_errors_list",
        description=(
            "The job's rejected rows, a page at a time by row number, each with its text per dataset column "
            "and its messages per column. Filter by column, and by kind of message (see errors/summary/)."
        ),
        parameters=[FilterSerializer],
        responses={200: paginated_serializer(RowErrorOutputSerializer)},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        state, column, message = (filters.validated_data.get(k) for k in ("state", "column", "message"))
        errors = import_row_error_list(job=job, state=state, column=column or None)
        if not message:
            return paginate(queryset=errors, serializer_class=RowErrorOutputSerializer, request=request, view=self)
        # The kind of a message is found in Python (see import_row_error_groups): page the matching
        # row numbers, then read only that page's rows.
        paginator = PageNumberPagination()
        matching: Any = import_row_error_numbers(errors=errors, column=column, message=message)
        numbers: list[int] | None = paginator.paginate_queryset(matching, request, view=self)
        page = errors.filter(row_number__in=numbers or [])
        return paginator.get_paginated_response(RowErrorOutputSerializer(page, many=True).data)


@extend_schema_serializer(component_name="RowErrorGroup")
class RowErrorGroupOutputSerializer(serializers.Serializer[Any]):
    column = serializers.CharField(help_text="The dataset column, or __all__ for the whole row.")
    message = serializers.CharField(help_text="The message without the value it quotes (…); a filter of errors/.")
    count = serializers.IntegerField(help_text="Rows refused with it.")


class ImportRowErrorSummaryApi(APIView):
    class FilterSerializer(serializers.Serializer[Any]):
        state = _state_field()

    @extend_schema_serializer(component_name="RowErrorSummary")
    class OutputSerializer(serializers.Serializer[Any]):
        columns = serializers.ListField(
            child=serializers.CharField(),
            help_text="The dataset columns read from the file, in the dataset's order: the grid's columns.",
        )
        open = serializers.IntegerField(help_text="Rows still refused.")
        resolved = serializers.IntegerField(help_text="Rows loaded since by a correction.")
        groups = RowErrorGroupOutputSerializer(many=True, help_text="By column and kind of message, most rows first.")

    @extend_schema(
        operation_id="imports_errors_summary",
        description="The rejected rows' grid columns and their counts by column and kind of message.",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        summary = {
            "columns": import_job_row_layout(job=job).columns,
            "open": import_row_error_list(job=job, state="open").count(),
            "resolved": import_row_error_list(job=job, state="resolved").count(),
            "groups": import_row_error_groups(job=job, state=filters.validated_data["state"]),
        }
        return Response(self.OutputSerializer(summary).data)


def _attachment_name(job: ImportJob, suffix: str) -> str:
    stem = job.original_filename.rsplit(".", 1)[0] or "import"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)[:100]
    return f'attachment; filename="{safe}-{suffix}.csv"'


@extend_schema_serializer(component_name="RowCorrectionInput")
class RowCorrectionInputSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField(min_value=1)
    values = serializers.DictField(
        child=TextField(allow_blank=True, trim_whitespace=False),
        help_text="Dataset column -> its corrected text; the row's other cells stay as the file wrote them.",
    )


class ImportRowErrorResubmitApi(APIView):
    """Rejected rows of a completed job, corrected, loaded into the same job."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="ImportRowsResubmitInput")
    class InputSerializer(serializers.Serializer[Any]):
        rows = RowCorrectionInputSerializer(many=True, allow_empty=False)

    @extend_schema_serializer(component_name="ImportErrorsFileResubmitInput")
    class FileInputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(
            use_url=False, help_text="The job's errors.csv, corrected: its columns by name, and row_number."
        )

    @extend_schema_serializer(component_name="ImportRowsResubmitted")
    class OutputSerializer(serializers.Serializer[Any]):
        job = ImportJobDetailOutputSerializer()
        resolved = serializers.ListField(
            child=serializers.IntegerField(), help_text="Rows now created, updated, unchanged or skipped: resolved."
        )
        still_failing = RowErrorOutputSerializer(many=True, help_text="Rows still refused, with the new messages.")

    @extend_schema(
        operation_id="imports_errors_resubmit",
        description=(
            "Send rejected rows again, corrected: as JSON rows (row_number and the corrected values by dataset "
            "column) or as the corrected errors.csv. They go through the job's validation and conflict policy "
            f"into the same job; at most IMPORT_RESUBMIT_MAX_ROWS ({settings.IMPORT_RESUBMIT_MAX_ROWS}) at once."
        ),
        request={"application/json": InputSerializer, "multipart/form-data": FileInputSerializer},
        responses={200: OutputSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        if "file" in request.FILES:
            upload = self.FileInputSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            report = import_job_errors_csv_resubmit(job=job, file=upload.validated_data["file"])
        else:
            data = self.InputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            rows = [(row["row_number"], row["values"]) for row in data.validated_data["rows"]]
            report = import_job_rows_resubmit(job=job, rows=rows)
        return Response(self.OutputSerializer(report).data)


class ImportRowErrorCsvApi(APIView):
    @extend_schema(
        operation_id="imports_errors_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, 410: ErrorSerializer},
    )
    def get(self, request: Request, job_id: str) -> StreamingHttpResponse:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        import_job_files_check(job=job)
        rows = import_row_error_list(job=job).iterator(chunk_size=2000)
        response = StreamingHttpResponse(
            errors_csv_rows(job=job, row_errors=rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = _attachment_name(job, "errors")
        return response


class ImportCleanedCsvApi(APIView):
    @extend_schema(
        operation_id="imports_cleaned_csv",
        description=(
            "The rows the completed job loaded, as stored (normalised values: ISBN-13, E.164, UTC times), "
            "with their row numbers; every field quoted. 409 before completion, 410 once the files were removed."
        ),
        responses={(200, "text/csv"): OpenApiTypes.STR, 409: ErrorSerializer, 410: ErrorSerializer},
    )
    def get(self, request: Request, job_id: str) -> StreamingHttpResponse:
        job = import_job_get(workspace=request_workspace(request), job_id=job_id)
        import_job_files_check(job=job)
        if job.status != ImportJob.Status.COMPLETED or not job.cleaned_key:
            raise ApplicationError(
                f"The job is {job.status}; only a completed job has a cleaned file.",
                code="not_completed",
                status_code=status.HTTP_409_CONFLICT,
            )
        response = StreamingHttpResponse(cleaned_lines_stream(job=job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment_name(job, "cleaned")
        return response


class InspectEncodingSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=ENCODING_SOURCES)  # type: ignore[assignment]
    confidence = serializers.FloatField(allow_null=True, help_text="0 to 1 when detected; null when not guessed.")


class InspectHeaderSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField()
    names = serializers.ListField(child=serializers.CharField(allow_blank=True))


class InspectColumnMatchSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    header = serializers.CharField()
    index = serializers.IntegerField(help_text="Position of the header, from 0.")
    required = serializers.BooleanField()  # type: ignore[assignment]
    matched_by = serializers.ChoiceField(choices=MATCHED_BY)


class InspectFieldChoiceSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    header = serializers.CharField(allow_null=True, help_text="The header it reads, as the file writes it; null: none.")
    index = serializers.IntegerField(allow_null=True, help_text="Position of the header, from 0.")
    matched_by = serializers.ChoiceField(
        choices=FIELD_MATCHED_BY,
        allow_null=True,
        help_text=(
            "mapping, name or alias as in columns; similar: only a suggestion (a header that looks like the column), "
            "which an upload reads only when its column_mapping names it; null: no header."
        ),
    )
    similarity = serializers.FloatField(allow_null=True, help_text="0 to 1 for a suggestion; null otherwise.")
    left_empty = serializers.BooleanField(help_text='The column_mapping set it to "".')


class InspectResolutionSerializer(serializers.Serializer[Any]):
    dataset = serializers.CharField()
    columns = InspectColumnMatchSerializer(many=True, help_text="Which header feeds which column.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="Required columns no header feeds.")
    ignored = serializers.ListField(child=serializers.CharField(), help_text="Headers no column reads.")
    fields = InspectFieldChoiceSerializer(  # type: ignore[assignment]
        many=True, help_text="Every column of the dataset, in its order, with the similarity suggestions taken."
    )
    unread = serializers.ListField(
        child=serializers.CharField(), help_text="Headers no column reads once the suggestions are taken."
    )
    unfed_required = serializers.ListField(
        child=serializers.CharField(),
        help_text="Required columns without a header even with the suggestions: the upload would be refused.",
    )


class InspectDelimiterSerializer(serializers.Serializer[Any]):
    delimiter = serializers.CharField(trim_whitespace=False)
    source = serializers.ChoiceField(choices=DELIMITER_SOURCES)  # type: ignore[assignment]
    confidence = serializers.FloatField(
        allow_null=True, help_text="detected: the share of sampled records with the header's field count."
    )


class InspectCellSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    text = serializers.CharField(allow_null=True, allow_blank=True, help_text="As written; null: no header feeds it.")
    value = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="As it would be stored; null when empty or the row is rejected."
    )
    error = serializers.CharField(allow_blank=True, help_text="Why the cell is refused; empty when it is not.")


class InspectPreviewRowSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField()
    valid = serializers.BooleanField()
    cells = InspectCellSerializer(many=True, help_text="One per dataset column, in its order.")
    record_errors = serializers.ListField(
        child=serializers.CharField(), help_text="Errors of the whole record (unreadable, wrong field count)."
    )


class InspectPreviewSerializer(serializers.Serializer[Any]):
    rows = InspectPreviewRowSerializer(many=True)
    invalid_rows = serializers.IntegerField(help_text="Rows of the preview the import would reject.")


class InspectRowSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField()
    fields = serializers.ListField(child=serializers.CharField(allow_blank=True))  # type: ignore[assignment]
    error = serializers.CharField(allow_blank=True, help_text="Why the record cannot be read, if it cannot.")


class ImportInspectApi(APIView):
    """What the server reads in a file (or its first part) before it is uploaded."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ReadThrottle, UploadThrottle]

    @extend_schema_serializer(component_name="ImportInspectInput")
    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(
            allow_empty_file=True,
            use_url=False,
            help_text=(
                "The file, or for CSV its first part (64 KiB is plenty). An .xlsx file is read whole, "
                "up to IMPORT_INSPECT_MAX_BYTES."
            ),
        )
        dataset = TextField(required=False, allow_blank=True, help_text="Resolve the header against this dataset.")
        column_mapping = TextField(
            required=False, allow_blank=True, help_text="JSON object: dataset column -> header in the file."
        )
        delimiter = TextField(required=False, allow_blank=True, trim_whitespace=False, max_length=2)
        encoding = TextField(required=False, allow_blank=True, max_length=50)
        sheet = TextField(required=False, allow_blank=True, max_length=100)
        partial = serializers.BooleanField(  # type: ignore[assignment]
            required=False, default=False, help_text="The file is only the first part: its last record may be cut."
        )
        rows = serializers.IntegerField(required=False, default=10, min_value=0, max_value=100)
        preview_rows = serializers.IntegerField(
            required=False,
            default=50,
            min_value=0,
            max_value=200,
            help_text="With a dataset: validate this many first records as the import would (preview).",
        )
        timezone = TextField(
            required=False,
            allow_blank=True,
            max_length=64,
            help_text="IANA zone of date-times written without one, for the preview; defaults to the dataset's.",
        )

    @extend_schema_serializer(component_name="ImportInspection")
    class OutputSerializer(serializers.Serializer[Any]):
        format = serializers.ChoiceField(choices=ImportJob.Format.choices)
        encoding = InspectEncodingSerializer(allow_null=True, help_text="CSV only; null for a workbook.")
        delimiter = serializers.CharField(allow_null=True, trim_whitespace=False, help_text="CSV only.")
        delimiter_guess = InspectDelimiterSerializer(
            allow_null=True, help_text="How the delimiter was found (CSV only; null for a workbook)."
        )
        sheet = serializers.CharField(allow_blank=True, help_text="The worksheet read (xlsx).")
        sheets = serializers.ListField(child=serializers.CharField(), help_text="Every worksheet (xlsx).")
        header = InspectHeaderSerializer()
        resolution = InspectResolutionSerializer(allow_null=True, help_text="Null when no dataset was given.")
        rows = InspectRowSerializer(many=True, help_text="The first records after the header.")
        partial = serializers.BooleanField()  # type: ignore[assignment]
        preview = InspectPreviewSerializer(
            allow_null=True,
            help_text=(
                "The first records validated as the import would validate them, with the suggestions taken; null "
                "without a dataset, or while a required column has no header."
            ),
        )

    @extend_schema(
        operation_id="imports_inspect",
        request={"multipart/form-data": InputSerializer},
        responses={200: OutputSerializer, 413: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        limit = settings.IMPORT_INSPECT_MAX_BYTES
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > limit + 1024 * 1024:
            message = f"Send at most {limit} bytes to inspect (for CSV, the first part of the file is enough)."
            raise ApplicationError(
                message,
                code="file_too_large",
                fields={"file": [message]},
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        request_workspace(request)
        dataset = dataset_require(values["dataset"]) if values.get("dataset") else None
        upload = values["file"]
        if not upload.size:
            raise ApplicationError("The file is empty.", code="empty_file", fields={"file": ["The file is empty."]})
        inspection = file_inspect(
            file=upload,
            filename=upload.name or "upload.csv",
            dataset=dataset,
            column_mapping=column_mapping_parse(values.get("column_mapping")),
            encoding=values.get("encoding") or None,
            delimiter=values.get("delimiter") or None,
            sheet=values.get("sheet") or None,
            sample_rows=values["rows"],
            partial=values["partial"],
            preview_rows=values["preview_rows"],
            timezone=timezone_validate(values.get("timezone")) if values.get("timezone") else None,
        )
        return Response(self.OutputSerializer(_inspection_body(inspection)).data)


def _inspection_body(inspection: Inspection) -> dict[str, Any]:
    resolution = inspection.resolution
    return {
        "format": inspection.format,
        "encoding": (
            {
                "name": inspection.encoding.name,
                "source": inspection.encoding.source,
                "confidence": inspection.encoding.confidence,
            }
            if inspection.encoding
            else None
        ),
        "delimiter": inspection.delimiter,
        "sheet": inspection.sheet,
        "sheets": inspection.sheets,
        "header": {"row_number": inspection.header.row_number, "names": inspection.header.names},
        "resolution": (
            {
                "dataset": resolution.dataset,
                "columns": [vars(match) for match in resolution.columns],
                "missing": resolution.missing,
                "ignored": resolution.ignored,
                "fields": [vars(choice) for choice in resolution.fields],
                "unread": resolution.unread,
                "unfed_required": resolution.unfed_required,
            }
            if resolution
            else None
        ),
        "rows": inspection.rows,
        "partial": inspection.partial,
        "delimiter_guess": vars(inspection.delimiter_guess) if inspection.delimiter_guess else None,
        "preview": (
            {
                "rows": [
                    {
                        "row_number": row.row_number,
                        "valid": row.valid,
                        "cells": [vars(cell) for cell in row.cells],
                        "record_errors": row.record_errors,
                    }
                    for row in inspection.preview.rows
                ],
                "invalid_rows": inspection.preview.invalid_rows,
            }
            if inspection.preview
            else None
        ),
    }


class ImportConfigApi(APIView):
    """What the page needs to check a file before sending it."""

    @extend_schema_serializer(component_name="ImportConfig")
    class OutputSerializer(serializers.Serializer[Any]):
        max_upload_bytes = serializers.IntegerField()
        inspect_max_bytes = serializers.IntegerField(help_text="The most POST /api/imports/inspect/ reads.")
        allowed_extensions = serializers.ListField(child=serializers.CharField())
        on_conflict_choices = serializers.ListField(child=serializers.CharField())
        datasets = DatasetOutputSerializer(many=True)

    @extend_schema(operation_id="config_retrieve", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        body = {
            "max_upload_bytes": settings.IMPORT_MAX_UPLOAD_BYTES,
            "inspect_max_bytes": settings.IMPORT_INSPECT_MAX_BYTES,
            "allowed_extensions": list(ALLOWED_EXTENSIONS),
            "on_conflict_choices": list(ImportJob.OnConflict.values),
            "datasets": dataset_list(),
        }
        return Response(self.OutputSerializer(body).data)


@extend_schema_serializer(component_name="SavedMapping")
class SavedMappingOutputSerializer(serializers.ModelSerializer[SavedMapping]):
    headers = serializers.ListField(
        child=serializers.CharField(), help_text="The headers of the file that saved it, as written there."
    )
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text='Dataset column -> the header it reads, or "" for a column left empty.',
    )

    class Meta:
        model = SavedMapping
        fields = ["id", "dataset", "name", "headers", "mapping", "created_at", "updated_at", "last_used_at"]


def _mapping_field(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(
        child=TextField(allow_blank=True, max_length=500),
        help_text='Dataset column -> header of the file, or "" to leave the column empty.',
        **kwargs,
    )


def _headers_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=TextField(allow_blank=True, max_length=500), min_length=1, max_length=1000, **kwargs
    )


class SavedMappingListCreateApi(APIView):
    """Column mappings remembered per dataset and header set (headers trimmed, case-folded, any order)."""

    # Lists and objects: JSON only (a form would turn a header list into one text).
    parser_classes = [JSONParser]

    class FilterSerializer(serializers.Serializer[Any]):
        dataset = TextField(required=False, allow_blank=True, help_text="Empty: every dataset.")

    @extend_schema_serializer(component_name="SavedMappingCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        dataset = TextField(max_length=100)
        headers = _headers_field(help_text="The file's headers.")
        mapping = _mapping_field()
        name = TextField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        operation_id="mappings_list",
        parameters=[FilterSerializer],
        responses={200: paginated_serializer(SavedMappingOutputSerializer)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        mappings = saved_mapping_list(workspace=request_workspace(request), **filters.validated_data)
        return paginate(queryset=mappings, serializer_class=SavedMappingOutputSerializer, request=request, view=self)

    @extend_schema(
        operation_id="mappings_save",
        description="Save the mapping for a dataset and header set; one saved for the same headers is replaced (200).",
        request=InputSerializer,
        responses={201: SavedMappingOutputSerializer, 200: SavedMappingOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved, created = saved_mapping_save(workspace=request_workspace(request), **data.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(SavedMappingOutputSerializer(saved).data, status=code)


class SavedMappingDetailApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="SavedMappingUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        mapping = _mapping_field(required=False)
        name = TextField(required=False, allow_blank=True, max_length=200)

    @extend_schema(operation_id="mappings_retrieve", responses={200: SavedMappingOutputSerializer})
    def get(self, request: Request, mapping_id: str) -> Response:
        saved = saved_mapping_get(workspace=request_workspace(request), mapping_id=mapping_id)
        return Response(SavedMappingOutputSerializer(saved).data)

    @extend_schema(
        operation_id="mappings_update",
        description="Change the name, or the mapping (replaced whole; columns left out are matched by name again).",
        request=InputSerializer,
        responses={200: SavedMappingOutputSerializer},
    )
    def patch(self, request: Request, mapping_id: str) -> Response:
        saved = saved_mapping_get(workspace=request_workspace(request), mapping_id=mapping_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = saved_mapping_update(saved_mapping=saved, **data.validated_data)
        return Response(SavedMappingOutputSerializer(saved).data)

    @extend_schema(operation_id="mappings_destroy", responses={204: None})
    def delete(self, request: Request, mapping_id: str) -> Response:
        saved = saved_mapping_get(workspace=request_workspace(request), mapping_id=mapping_id)
        saved_mapping_delete(saved_mapping=saved)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedMappingMatchApi(APIView):
    """The saved mapping to propose for a file: the one of the same dataset and header set, if any."""

    # Lists and objects: JSON only (a form would turn a header list into one text).
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="SavedMappingMatchInput")
    class InputSerializer(serializers.Serializer[Any]):
        dataset = TextField(max_length=100)
        headers = _headers_field(help_text="The file's headers, as it writes them.")

    @extend_schema_serializer(component_name="SavedMappingMatch")
    class OutputSerializer(serializers.Serializer[Any]):
        saved_mapping = SavedMappingOutputSerializer(allow_null=True, help_text="null: none saved for these headers.")
        column_mapping = serializers.DictField(
            child=serializers.CharField(allow_blank=True),
            allow_null=True,
            help_text="The saved mapping with each header spelled as the given headers spell it.",
        )

    @extend_schema(operation_id="mappings_match", request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        headers = data.validated_data["headers"]
        saved = saved_mapping_for_headers(
            workspace=request_workspace(request), dataset=data.validated_data["dataset"], headers=headers
        )
        body = {
            "saved_mapping": saved,
            "column_mapping": saved_mapping_as_headers(saved_mapping=saved, headers=headers) if saved else None,
        }
        return Response(self.OutputSerializer(body).data)
