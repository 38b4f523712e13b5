from django.contrib import admin

from .models import QuarterlyReturn


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(admin.ModelAdmin):
    """Read-only: returns are made and submitted through the reports page, never edited here."""

    list_display = ["__str__", "status", "generated_by", "generated_at", "submitted_at"]
    list_filter = ["status", "external", "financial_year", "quarter"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
