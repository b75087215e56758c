from django.urls import path

from imports import apis

urlpatterns = [
    path("config/", apis.ImportConfigApi.as_view(), name="config"),
    path("imports/", apis.ImportJobListCreateApi.as_view(), name="imports"),
    path("imports/inspect/", apis.ImportInspectApi.as_view(), name="import-inspect"),
    path("imports/<str:job_id>/", apis.ImportJobDetailApi.as_view(), name="import-detail"),
    path("imports/<str:job_id>/cancel/", apis.ImportJobCancelApi.as_view(), name="import-cancel"),
    path("imports/<str:job_id>/revert/", apis.ImportJobRevertApi.as_view(), name="import-revert"),
    path("imports/<str:job_id>/start/", apis.ImportJobStartApi.as_view(), name="import-start"),
    path("imports/<str:job_id>/errors/", apis.ImportRowErrorListApi.as_view(), name="import-errors"),
    path("imports/<str:job_id>/errors/summary/", apis.ImportRowErrorSummaryApi.as_view(), name="import-errors-summary"),
    path("imports/<str:job_id>/errors/resubmit/", apis.ImportRowErrorResubmitApi.as_view(), name="import-resubmit"),
    path("imports/<str:job_id>/errors.csv", apis.ImportRowErrorCsvApi.as_view(), name="import-errors-csv"),
    path("imports/<str:job_id>/cleaned.csv", apis.ImportCleanedCsvApi.as_view(), name="import-cleaned-csv"),
    path("mappings/", apis.SavedMappingListCreateApi.as_view(), name="mappings"),
    path("mappings/match/", apis.SavedMappingMatchApi.as_view(), name="mappings-match"),
    path("mappings/<str:mapping_id>/", apis.SavedMappingDetailApi.as_view(), name="mapping-detail"),
]
