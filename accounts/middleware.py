"""Request-wide account rules: the access policy, session lifetimes, no-store."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from audit.models import Operation
from audit.services import access_event_record
from config.access_policy import rule_for

from . import services


class AccessPolicyMiddleware:
    """Applies ``config.access_policy`` to every resolved view: deny by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name if request.resolver_match else None
        rule = rule_for(view_name)
        user = request.user
        if rule is not None and rule.anonymous:
            return None
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL, REDIRECT_FIELD_NAME)
        if rule is not None and rule.before_mfa:
            return None
        if not user.is_verified():
            return redirect(services.mfa_next_step(user=user))
        if rule is None or not rule.allows_role(user.role):
            access_event_record(
                request=request,
                operation=Operation.ACCESS_DENIED,
                object_type="url",
                object_id=view_name or request.path[:200],
            )
            return render(request, "403.html", status=403)
        return None


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_TIMEOUT`` idle or ``SESSION_ABSOLUTE_TIMEOUT`` in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = services.session_check_expiry(session=request.session)
            if expired:
                services.session_end(request=request, reason=expired)
                messages.info(request, "Your session ended. Please sign in again.")
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
