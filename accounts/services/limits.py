"""Sign-in under attack: how many wrong passwords and codes are let through, and from where.

Failures are counted in the cache, in fixed windows of ``LOGIN_LOCKOUT_MINUTES``. What matters is *where*
an attempt comes from:

* a **known device** is a browser that completed sign-in, MFA included, as this user since their password
  last changed: it carries a signed cookie naming the user (``known_device_cookie``). Only someone who has
  passed both factors can make one;
* anywhere else is **elsewhere**.

Passwords: each username has one allowance per known device and one for everywhere else together
(``LOGIN_USERNAME_FAILURE_LIMIT``), so guessing spread over many addresses is stopped; all attempts from
elsewhere share a global allowance (``LOGIN_GLOBAL_FAILURE_LIMIT``); django-axes still locks the pair
(username, address). An officer's own usual browser has its own allowance: an attacker cannot use it up.

Codes: a session ends after ``MFA_SESSION_FAILURE_LIMIT`` wrong codes (a new password step is needed);
each account has an allowance per known device, else per address (``MFA_PLACE_FAILURE_LIMIT``), and one for
all places that are not known devices (``MFA_ACCOUNT_FAILURE_LIMIT``), which bounds guessing by someone who
has the password whatever addresses they use. Someone who knows only the password therefore cannot hold
the user's own session, device or address back. django-otp's own per-device delay is switched off
(``OTP_TOTP_THROTTLE_FACTOR = 0``): anyone with the password could hold it.
"""

import hashlib
import secrets
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from audit.models import Operation
from audit.services import access_event_record

from ..models import User
from .notifications import notification_send

_COOKIE_SALT = "accounts.known-device"
# A shared computer remembers the last few people who signed in on it.
_DEVICES_PER_BROWSER = 5
_ELSEWHERE = "elsewhere"
_SESSION_CODE_FAILURES = "mfa_failures"
_USERNAME_MAX = 150


# ------------------------------------------------------------------------------
# Known devices
# ------------------------------------------------------------------------------
def known_device_id(*, request: HttpRequest, user: User | None) -> str:
    """The id this browser holds as a known device of ``user``, or "" (stale after a password change)."""
    if user is None:
        return ""
    device_id, _, proof = _known_devices(request).get(str(user.pk), "").partition(":")
    return device_id if device_id and constant_time_compare(proof, _proof(user)) else ""


def known_device_cookie(*, request: HttpRequest, user: User) -> str:
    """The cookie value marking this browser as a known device of ``user``: set after a full sign-in."""
    devices = _known_devices(request)
    device_id = known_device_id(request=request, user=user) or secrets.token_urlsafe(12)
    devices.pop(str(user.pk), None)
    devices[str(user.pk)] = f"{device_id}:{_proof(user)}"
    kept = dict(list(devices.items())[-_DEVICES_PER_BROWSER:])
    return signing.dumps(kept, salt=_COOKIE_SALT, compress=True)


def _known_devices(request: HttpRequest) -> dict[str, str]:
    raw = request.COOKIES.get(settings.KNOWN_DEVICE_COOKIE_NAME)
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=_COOKIE_SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def _proof(user: User) -> str:
    # Derived from the password hash: a new password (a reset) makes every older cookie worthless.
    return user.get_session_auth_hash()[:16]


# ------------------------------------------------------------------------------
# Passwords
# ------------------------------------------------------------------------------
def password_attempt_refused(*, request: HttpRequest, username: str) -> bool:
    """Whether a password for ``username`` must not even be checked now (too many failures from this place)."""
    device = known_device_id(request=request, user=_account_named(username))
    if _count("password", username, device or _ELSEWHERE) >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return True
    return not device and _count("password-global") >= settings.LOGIN_GLOBAL_FAILURE_LIMIT


def password_failure_record(*, request: HttpRequest, username: str) -> None:
    """A wrong password (or an inactive account) for ``username``: logged and counted where it came from."""
    access_event_record(request=request, operation=Operation.LOGIN_FAILED, object_type="password", object_id=username)
    device = known_device_id(request=request, user=_account_named(username))
    failures = _bump("password", username, device or _ELSEWHERE)
    if not device:
        _bump("password-global")
    if failures == settings.LOGIN_USERNAME_FAILURE_LIMIT:
        access_event_record(
            request=request,
            operation=Operation.ACCESS_DENIED,
            object_type="password",
            object_id=username,
            justification="sign-in paused for this username after repeated failures",
        )


def _account_named(username: str) -> User | None:
    # Only what the login form itself would accept reaches the database (PostgreSQL refuses NUL bytes).
    if not username or "\x00" in username or len(username) > _USERNAME_MAX:
        return None
    return User.objects.filter(username=username).first()


# ------------------------------------------------------------------------------
# Codes (the MFA step)
# ------------------------------------------------------------------------------
def code_attempt_refused(*, request: HttpRequest) -> bool:
    """Whether the signed-in user's code must not be checked now: their allowance here is used up."""
    user = request.user
    device = known_device_id(request=request, user=user)
    if _count("code", user.pk, device or _address(request)) >= settings.MFA_PLACE_FAILURE_LIMIT:
        return True
    return not device and _count("code", user.pk, _ELSEWHERE) >= settings.MFA_ACCOUNT_FAILURE_LIMIT


def code_failure_record(*, request: HttpRequest) -> bool:
    """Count a wrong code here; True when this session has had too many and must end."""
    user = request.user
    device = known_device_id(request=request, user=user)
    place_failures = _bump("code", user.pk, device or _address(request))
    account_failures = 0 if device else _bump("code", user.pk, _ELSEWHERE)
    if place_failures == settings.MFA_PLACE_FAILURE_LIMIT or account_failures == settings.MFA_ACCOUNT_FAILURE_LIMIT:
        _code_guessing_report(request=request, user=user)
    request.session[_SESSION_CODE_FAILURES] = request.session.get(_SESSION_CODE_FAILURES, 0) + 1
    return request.session[_SESSION_CODE_FAILURES] >= settings.MFA_SESSION_FAILURE_LIMIT


def _code_guessing_report(*, request: HttpRequest, user: User) -> None:
    """Wrong codes after a right password: whoever sent them has the password; the user should change it."""
    access_event_record(
        request=request,
        operation=Operation.ACCESS_DENIED,
        object_type="mfa",
        object_id=user.pk,
        justification="codes paused after repeated wrong codes following a correct password",
    )
    notification_send(
        recipients=[user],
        title="Wrong sign-in codes were entered after your password. If it was not you, someone knows it: "
        "ask your system administrator for a sign-in reset.",
    )


def _address(request: HttpRequest) -> str:
    return f"address:{get_client_ip_address(request) or 'unknown'}"


# ------------------------------------------------------------------------------
# Counters: one cache key per (what, who, where) and window
# ------------------------------------------------------------------------------
def _window_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def _key(*parts) -> str:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()
    return f"signin:{digest}:{int(time.time() // _window_seconds())}"


def _count(*parts) -> int:
    return cache.get(_key(*parts), 0)


def _bump(*parts) -> int:
    key = _key(*parts)
    cache.add(key, 0, timeout=_window_seconds())
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is the window's first failure
        cache.set(key, 1, timeout=_window_seconds())
        return 1
