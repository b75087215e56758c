from django.urls import path

from notifications import apis

urlpatterns = [
    path("notifications/me/", apis.MyNotificationSettingsApi.as_view(), name="notifications-me"),
    path("notifications/workspace/", apis.WorkspaceNotificationSettingsApi.as_view(), name="notifications-workspace"),
]
