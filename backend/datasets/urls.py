from django.urls import path

from datasets import apis

urlpatterns = [
    path("datasets/", apis.DatasetListApi.as_view(), name="datasets"),
    path("datasets/<str:name>/", apis.DatasetDetailApi.as_view(), name="dataset-detail"),
    path("datasets/<str:name>/records/", apis.DatasetRecordListApi.as_view(), name="dataset-records"),
    path("datasets/<str:name>/template.csv", apis.DatasetTemplateApi.as_view(), name="dataset-template"),
]
