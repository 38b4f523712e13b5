from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Operation
from audit.services import access_event_record

from . import selectors, services
from .forms import AccessGrantDecisionForm, EnrolForm, LoginForm, TokenForm

_NEXT = "next"
_NEW_CODES = "mfa_new_backup_codes"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get(_NEXT) or request.GET.get(_NEXT) or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("dashboard")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # Checked before the password is: a paused username costs no hashing and reveals nothing.
        if services.password_attempt_refused(request=request, username=request.POST.get("username", "")):
            return locked_out(request)
        if form.is_valid():
            services.session_begin(request=request, user=form.get_user())
            request.session[_NEXT] = _safe_next(request)
            return redirect(services.mfa_next_step(user=request.user))
        # Only a username that passed the form's checks is logged (no NUL bytes, bounded length).
        services.password_failure_record(request=request, username=form.cleaned_data.get("username", ""))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """Shown after too many failures for this username (django-axes: from this address; ours: from anywhere)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _signed_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Both factors passed: this browser becomes a known device of the user (see services.limits)."""
    response.set_cookie(
        settings.KNOWN_DEVICE_COOKIE_NAME,
        services.known_device_cookie(request=request, user=request.user),
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("dashboard")
    if not services.mfa_is_enrolled(user=request.user):
        return redirect("accounts:mfa_enrol")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check = services.mfa_verify(request=request, token=form.cleaned_data["token"])
        if check.accepted:
            return _signed_in(request, redirect(request.session.pop(_NEXT, "") or "dashboard"))
        if check.session_ended:
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("accounts:login")
        if check.paused:
            return render(request, "accounts/mfa_verify.html", {"form": form, "paused": True}, status=429)
        form.add_error("token", "That code is not right, or it has been used already. Try the next code.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mfa_enrol_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("accounts:profile")
    if services.mfa_is_enrolled(user=request.user):
        return redirect("accounts:mfa_verify")
    device = services.mfa_enrolment_device(user=request.user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrol_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[_NEW_CODES] = codes
            return _signed_in(request, redirect("accounts:mfa_backup_codes"))
    context = {"form": form, "qr_svg": services.mfa_qr_svg(device=device), "secret": _spaced(device)}
    return render(request, "accounts/mfa_enrol.html", context)


def _spaced(device) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def mfa_backup_codes_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.session[_NEW_CODES] = services.backup_codes_regenerate(user=request.user)
        messages.success(request, "New backup codes made. The old ones no longer work.")
        return redirect("accounts:mfa_backup_codes")
    codes = request.session.pop(_NEW_CODES, None)
    remaining = services.backup_codes_remaining(user=request.user)
    return render(request, "accounts/mfa_backup_codes.html", {"codes": codes, "remaining": remaining})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request=request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


def profile_view(request: HttpRequest) -> HttpResponse:
    context = {
        "forces": selectors.force_list_accessible(request.user),
        "backup_codes_remaining": services.backup_codes_remaining(user=request.user),
    }
    return render(request, "accounts/profile.html", context)


def team_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/team.html", {"members": selectors.user_list_visible(request.user)})


def user_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(selectors.user_list_visible(request.user), pk=pk)
    return render(request, "accounts/user_detail.html", {"member": member})


@require_http_methods(["GET", "POST"])
def notification_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("accounts:notifications")
    page = Paginator(selectors.notification_list_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {"page": page})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choosing one's own password from the one-time link e-mailed by ``services.user_create`` or a reset."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        access_event_record(
            actor=form.user,
            operation=Operation.ALTERATION,
            object_type="user",
            object_id=form.user.pk,
            changed_fields=["password"],
            justification="password chosen from an e-mailed link",
        )
        messages.success(self.request, "Your password is set. Sign in, then set up your authenticator app.")
        return response


def access_grant_list_view(request: HttpRequest) -> HttpResponse:
    grants = selectors.access_grant_list_decidable(request.user)
    return render(request, "accounts/access_grant_list.html", {"grants": grants})


@require_http_methods(["GET", "POST"])
def access_grant_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(selectors.access_grant_list_decidable(request.user), pk=pk)
    form = AccessGrantDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_grant_decide(grant=grant, by=request.user, confirm=form.cleaned_data["confirm"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            outcome = "confirmed" if form.cleaned_data["confirm"] else "refused"
            messages.success(request, f"Access change for {grant.user.username} {outcome}.")
        return redirect("accounts:access_grants")
    return render(request, "accounts/access_grant_detail.html", {"grant": grant, "form": form})
