"""Reference data kept by system admins: intervention types, Home Office outcome codes, disposal types.

Interventions and disposals themselves are not here: they change only through
``interventions.services`` (status rows, access events, approvals).
"""

from django.contrib import admin

from .models import DisposalType, HomeOfficeOutcome, InterventionType


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "intensity", "active", "position"]
    list_editable = ["intensity", "active", "position"]
    list_filter = ["active", "intensity"]
    search_fields = ["label", "code"]


@admin.register(HomeOfficeOutcome)
class HomeOfficeOutcomeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "active"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["code", "label"]


@admin.register(DisposalType)
class DisposalTypeAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "code",
        "approver_role",
        "default_outcome",
        "two_tier",
        "youth_only",
        "adults_only",
        "active",
        "position",
    ]
    list_editable = ["approver_role", "active", "position"]
    list_filter = ["approver_role", "two_tier", "active"]
    list_select_related = ["default_outcome"]
    search_fields = ["label", "code"]
    fieldsets = [
        (None, {"fields": ["code", "label", "default_outcome", "active", "position"]}),
        ("Local policy", {"fields": ["approver_role", "two_tier", "youth_only", "adults_only"]}),
    ]
