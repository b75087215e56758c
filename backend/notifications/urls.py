from django.urls import path

from notifications import apis, live_apis, webhook_apis

urlpatterns = [
    path("live/ticket/", live_apis.LiveTicketApi.as_view(), name="live-ticket"),
    path("live/events/", live_apis.live_events_unavailable, name="live-events"),
    path("notifications/me/", apis.MyNotificationSettingsApi.as_view(), name="notifications-me"),
    path("notifications/workspace/", apis.WorkspaceNotificationSettingsApi.as_view(), name="notifications-workspace"),
    path("webhooks/", webhook_apis.WebhookEndpointListCreateApi.as_view(), name="webhooks"),
    path("webhooks/<str:endpoint_id>/", webhook_apis.WebhookEndpointDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<str:endpoint_id>/rotate-secret/",
        webhook_apis.WebhookEndpointRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<str:endpoint_id>/deliveries/",
        webhook_apis.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<str:endpoint_id>/deliveries/<str:delivery_id>/redeliver/",
        webhook_apis.WebhookDeliveryRedeliverApi.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
