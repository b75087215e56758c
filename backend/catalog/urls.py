from django.urls import path

from catalog import apis

urlpatterns = [
    path("books/", apis.BookListApi.as_view(), name="books"),
]
