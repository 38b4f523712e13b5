"""The admin of accounts: a thin face on ``services.user_access_change``, with nothing secret in it.

No page shows a session key, sets another user's password or makes MFA devices or codes for them.
Role, forces, active flag and e-mail address change only through the service (refused for one's own
account; what grants case access waits for a sergeant or inspector), and so do resets.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import AccessGrant, Force, User, UserSession

# The fields only services.user_access_change may change.
_ACCESS_FIELDS = ("role", "forces", "is_active", "email")


class GuardedAdmin(admin.ModelAdmin):
    """Deactivated, never deleted: the delete page would list the people and cases that refer to the row.

    Filtered only as the filters offer: ``?password__startswith=`` or ``?key__startswith=`` in the URL
    would otherwise let the list count its way through a password hash or a TOTP secret.
    """

    def has_delete_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        offered = {entry if isinstance(entry, str) else entry[0] for entry in self.list_filter}
        return lookup.split("__", 1)[0] in offered and super().lookup_allowed(lookup, value, request)


@admin.register(Force)
class ForceAdmin(GuardedAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


class AccountCreationForm(forms.ModelForm):
    """A new account, with no password: the user chooses one through the link the service e-mails."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "home_force", "forces"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email"):
            self.add_error("email", "The link to choose a password is e-mailed here.")
        return cleaned


class AccountChangeForm(forms.ModelForm):
    """Shows the refusal of ``services.access_change_check`` (own account, guards...) before anything is saved."""

    acting_user: User  # set per request by UserAdmin.get_form

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "home_force", "forces", "is_active"]

    def clean(self):
        cleaned = super().clean()
        try:
            services.access_change_check(user=self.instance, by=self.acting_user, **_access_values(cleaned))
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return cleaned


def _access_values(cleaned: dict) -> dict:
    return {name: cleaned[name] for name in _ACCESS_FIELDS if name in cleaned}


@admin.register(User)
class UserAdmin(GuardedAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ["username", "first_name", "last_name", "role", "home_force", "is_active", "last_login"]
    list_filter = ["role", "home_force", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["forces"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        ("Person", {"fields": ["first_name", "last_name", "email"]}),
        ("Role and force access", {"fields": ["role", "home_force", "forces", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        ("Role and force access", {"fields": ["role", "home_force", "forces"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["deactivate", "reset_sign_in"]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return super().get_form(request, obj, form=self.add_form, **kwargs)
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request, obj, form, change):
        if not change:
            created, grant = services.user_create(by=request.user, **form.cleaned_data)
            obj.pk = created.pk
            obj.refresh_from_db()
        else:
            # The form put the new values on ``obj``; the service, not obj.save(), makes those changes.
            stored = User.objects.get(pk=obj.pk)
            for name in ("role", "is_active", "email"):
                setattr(obj, name, getattr(stored, name))
            super().save_model(request, obj, form, change)
            grant = services.user_access_change(
                user=obj, by=request.user, reason="Changed in the admin", **_access_values(form.cleaned_data)
            )
        if grant is not None:
            messages.warning(request, "The access asked for waits for a sergeant or inspector of the force to confirm.")

    def save_related(self, request, form, formsets, change):
        # Forces are access: save_model handed them to the service; the form never saves them itself.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Deactivate and sign out the selected users")
    def deactivate(self, request, queryset):
        _change_each(
            request, queryset.filter(is_active=True), "deactivated; their sessions have ended", is_active=False
        )

    @admin.action(description="Start a sign-in reset (new password by e-mail, new authenticator)")
    def reset_sign_in(self, request, queryset):
        _change_each(request, queryset, "must choose a new password and enrol again", sign_in_reset=True)


def _change_each(request, users, done: str, **change) -> None:
    """``services.user_access_change`` for each of ``users``, saying what became of each."""
    for user in users:
        try:
            services.user_access_change(user=user, by=request.user, reason="In the admin", **change)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"{user}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        else:
            messages.success(request, f"{user} {done}.")


class ReadOnlyAdmin(GuardedAdmin):
    """Shown, never edited, added or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    """Who is signed in since when; the hash of the key is not shown either (it identifies, it never opens)."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    """Access changes asked for and their outcome; sergeants and inspectors decide them in the app."""

    list_display = ["user", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    fields = [
        *["user", "role", "forces", "email", "reason", "status"],
        *["requested_by", "requested_at", "decided_by", "decided_at"],
    ]


# django-otp's admins edit devices (key, drift, throttling, owner) and backup codes: replaced by one that
# shows no secret and whose only action resets (the user enrols again; the service logs it).
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    actions = ["reset_device"]

    @admin.action(description="Reset this device (the user enrols again at next sign-in)")
    def reset_device(self, request, queryset):
        users = User.objects.filter(pk__in=queryset.values("user"))
        _change_each(request, users, "enrols a new authenticator at next sign-in", mfa_reset=True)


# Roles replace Django's groups; an unused Group admin would only confuse.
admin.site.unregister(Group)
