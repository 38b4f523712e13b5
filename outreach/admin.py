"""Reference data kept by system admins: promoted products (retire, never delete) and campaigns."""

from django.contrib import admin

from .models import Campaign, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Past events keep the products they promoted: retire one by clearing "active".
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "start_date", "end_date"]
    list_filter = ["scope"]
    search_fields = ["name"]
    date_hierarchy = "start_date"
