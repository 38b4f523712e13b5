from django.contrib import admin

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log, to read and search only: it is append-only everywhere.

    The chain head is not registered; ``manage.py audit_verify`` reports it.
    """

    list_display = ["at", "actor_username", "role", "operation", "object_type", "object_id", "force", "seq"]
    list_filter = ["operation", "role", "force"]
    search_fields = ["actor_username", "object_id", "request_id"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AccessEvent._meta.get_fields() if field.concrete]
    # A full count of millions of rows on every page is slow and adds nothing.
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
