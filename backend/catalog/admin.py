from django.contrib import admin

from catalog.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin[Book]):
    list_display = ["title", "author", "isbn", "publication_year", "workspace", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["title", "author", "isbn"]
    list_select_related = ["workspace"]
