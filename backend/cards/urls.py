from django.urls import path

from cards import apis

urlpatterns = [
    path("cards/status/", apis.CardStatusApi.as_view(), name="card-status"),
    path("get-card-status/", apis.LegacyCardStatusApi.as_view(), name="get-card-status"),
]
