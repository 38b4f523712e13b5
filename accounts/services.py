"""Account services: sign-in steps, MFA enrolment, session lifetimes, deactivation."""

import secrets
from datetime import UTC, datetime
from io import BytesIO
from uuid import uuid4

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Operation
from audit.services import access_event_record

from .models import User, UserSession
from .selectors import NOTIFICATIONS_GENERATION_KEY, unread_count_key

_TOTP_NAME = "Authenticator app"
_BACKUP_NAME = "Backup codes"
_SESSION_STARTED = "session_started_at"
_SESSION_SEEN = "session_seen_at"
# Refreshing the idle clock at most once a minute keeps most requests free of a session write.
_SEEN_RESOLUTION_SECONDS = 60


# ------------------------------------------------------------------------------
# Sign-in and sessions
# ------------------------------------------------------------------------------
def session_begin(*, request: HttpRequest, user: User) -> None:
    """The password step succeeded: start a session that still needs MFA."""
    auth.login(request, user)
    _session_clocks_start(request.session)
    request.session.save()
    UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)


def session_end(*, request: HttpRequest, reason: str = "logout") -> None:
    """Log out and delete the session server-side."""
    user = request.user
    if user.is_authenticated:
        access_event_record(request=request, operation=Operation.LOGOUT, justification=reason)
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    auth.logout(request)


def session_check_expiry(*, session: SessionBase) -> str:
    """Why the session is over ("absolute timeout" or "idle timeout"), or "" once its clocks are refreshed.

    Sessions end after ``SESSION_IDLE_TIMEOUT`` idle or ``SESSION_ABSOLUTE_TIMEOUT`` in all.
    """
    now = timezone.now()
    started = _session_time(session, _SESSION_STARTED, default=now)
    seen = _session_time(session, _SESSION_SEEN, default=now)
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute timeout"
    if now - seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle timeout"
    session.setdefault(_SESSION_STARTED, now.timestamp())
    if (now - seen).total_seconds() >= _SEEN_RESOLUTION_SECONDS or _SESSION_SEEN not in session:
        session[_SESSION_SEEN] = now.timestamp()
    return ""


def _session_clocks_start(session: SessionBase) -> None:
    now = timezone.now().timestamp()
    session[_SESSION_STARTED] = now
    session[_SESSION_SEEN] = now


def _session_time(session: SessionBase, key: str, *, default: datetime) -> datetime:
    value = session.get(key)
    return datetime.fromtimestamp(value, tz=UTC) if value else default


def sessions_end_for_user(*, user: User) -> int:
    """End every live session of ``user`` wherever it is stored."""
    store_class: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store_class(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# Checks other apps add before an account may be deactivated (e.g. no open
# cases still assigned): callables taking the user and returning a message or "".
DEACTIVATION_GUARDS: list = []


@transaction.atomic
def user_deactivate(*, user: User, by: User, reason: str) -> None:
    """Deactivate ``user`` and end their sessions at once."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for deactivating this account."})
    problems = [message for guard in DEACTIVATION_GUARDS if (message := guard(user))]
    if problems:
        raise ValidationError(problems)
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    access_event_record(
        actor=by,
        operation=Operation.ALTERATION,
        object_type="user",
        object_id=user.pk,
        changed_fields=["is_active"],
        justification=reason,
    )
    transaction.on_commit(lambda: sessions_end_for_user(user=user))


# ------------------------------------------------------------------------------
# MFA
# ------------------------------------------------------------------------------
def mfa_is_enrolled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_next_step(*, user: User) -> str:
    """Where a signed-in but unverified user goes next."""
    return "accounts:mfa_verify" if mfa_is_enrolled(user=user) else "accounts:mfa_enrol"


def mfa_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)
    return device


def mfa_qr_svg(*, device: TOTPDevice) -> str:
    """The device's provisioning URI as an inline SVG QR code (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration so the SVG can sit inside HTML.
    return svg[svg.index("<svg") :]


@transaction.atomic
def mfa_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns the new one-time backup codes."""
    if not device.verify_token(token):
        raise ValidationError({"token": "That code is not right. Check the time on your device and try again."})
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_regenerate(user=device.user)
    otp_login(request, device)
    _session_rotate(request)
    access_event_record(request=request, operation=Operation.LOGIN, object_type="mfa", object_id="enrolled")
    return codes


def mfa_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator, or a one-time backup code, and complete sign-in."""
    user = request.user
    token = "".join(token.split()).lower()
    for device in _devices_for(user):
        if device.verify_token(token):
            otp_login(request, device)
            _session_rotate(request)
            access_event_record(
                request=request, operation=Operation.LOGIN, object_type="mfa", object_id=device.persistent_id
            )
            return True
    access_event_record(request=request, operation=Operation.LOGIN_FAILED, object_type="mfa")
    return False


def _devices_for(user: User) -> list:
    totp = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    static = list(StaticDevice.objects.filter(user=user, confirmed=True))
    return totp + static


def _session_rotate(request: HttpRequest) -> None:
    """A new session key once the second factor is proven (no session fixation)."""
    old_key = request.session.session_key
    request.session.cycle_key()
    UserSession.objects.filter(session_key=old_key).delete()
    UserSession.objects.get_or_create(user=request.user, session_key=request.session.session_key)


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=_BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_backup_code() for _ in range(settings.MFA_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _backup_code() -> str:
    # 10 characters from a 32-letter alphabet: 50 bits, typed easily from paper.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# ------------------------------------------------------------------------------
# In-app notifications
# ------------------------------------------------------------------------------
def notification_send(*, recipients, title: str, url: str = "") -> int:
    """Notify each of ``recipients`` in the app; returns how many were sent."""
    from .models import Notification

    rows = [Notification(recipient=user, title=title, url=url) for user in {u.pk: u for u in recipients}.values()]
    Notification.objects.bulk_create(rows)
    if rows:
        notifications_changed()
    return len(rows)


def notifications_changed() -> None:
    """Once this transaction commits, every cached unread count goes stale (see ``notification_unread_count``)."""
    transaction.on_commit(lambda: cache.set(NOTIFICATIONS_GENERATION_KEY, uuid4().hex, timeout=None))


def notifications_mark_read(*, user: User, ids=None) -> int:
    from .models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=ids)
    updated = unread.update(read_at=timezone.now())
    transaction.on_commit(lambda: cache.delete(unread_count_key(user.pk)))
    return updated
