from django.urls import path

from feeds import apis

urlpatterns = [
    path("feeds/", apis.FeedSourceListApi.as_view(), name="feeds"),
    path("feeds/<str:feed>/", apis.FeedSourceDetailApi.as_view(), name="feed-detail"),
    path("feeds/<str:feed>/refresh/", apis.FeedRefreshApi.as_view(), name="feed-refresh"),
]
