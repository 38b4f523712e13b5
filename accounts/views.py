from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Operation
from audit.services import access_event_record

from . import selectors, services
from .forms import EnrolForm, LoginForm, TokenForm

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
        if form.is_valid():
            services.session_begin(request=request, user=form.get_user())
            request.session[_NEXT] = _safe_next(request)
            return redirect(services.mfa_next_step(user=request.user))
        # Only a username that passed the form's checks is logged (no NUL bytes, bounded length).
        access_event_record(
            request=request,
            operation=Operation.LOGIN_FAILED,
            object_type="password",
            object_id=form.cleaned_data.get("username", ""),
        )
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """Shown by django-axes after too many failures from this place for this username."""
    return render(request, "accounts/locked_out.html", status=429)


@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("dashboard")
    if not services.mfa_is_enrolled(user=request.user):
        return redirect("accounts:mfa_enrol")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(request.session.pop(_NEXT, "") or "dashboard")
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
            return redirect("accounts:mfa_backup_codes")
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
