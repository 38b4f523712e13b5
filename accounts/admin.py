from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from . import services
from .models import Force, User, UserSession


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


class AccountChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_active and cleaned.get("is_active") is False:
            problems = [message for guard in services.DEACTIVATION_GUARDS if (message := guard(self.instance))]
            if problems:
                raise ValidationError(problems)
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AccountChangeForm
    list_display = ["username", "first_name", "last_name", "role", "home_force", "is_active", "last_login"]
    list_filter = ["role", "home_force", "is_active"]
    filter_horizontal = ["forces"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email"]}),
        ("Role and force access", {"fields": ["role", "home_force", "forces", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        ("Role and force access", {"fields": ["first_name", "last_name", "email", "role", "home_force", "forces"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # the service makes the change, and ends the sessions
        super().save_model(request, obj, form, change)
        if deactivating:
            services.user_deactivate(user=obj, by=request.user, reason="Deactivated in the admin")

    @admin.action(description="Deactivate and sign out the selected users")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            try:
                services.user_deactivate(user=user, by=request.user, reason="Deactivated in the admin")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{user} deactivated; their sessions have ended.")


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "session_key", "created_at"]

    def has_add_permission(self, request):
        return False


# Roles replace Django's groups; an unused Group admin would only confuse.
admin.site.unregister(Group)
