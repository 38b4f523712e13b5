"""MFA: enrolling an authenticator, checking codes (within the limits of ``limits``), backup codes."""

import secrets
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Operation
from audit.services import access_event_record

from ..models import User
from . import limits
from .sessions import session_end, session_rotate

_TOTP_NAME = "Authenticator app"
_BACKUP_NAME = "Backup codes"


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
    session_rotate(request)
    access_event_record(request=request, operation=Operation.LOGIN, object_type="mfa", object_id="enrolled")
    return codes


@dataclass(frozen=True)
class CodeCheck:
    """What became of a code: accepted; or not, and whether it was not even checked, or the session ended."""

    accepted: bool
    paused: bool = False
    session_ended: bool = False


def mfa_verify(*, request: HttpRequest, token: str) -> CodeCheck:
    """Check a code from the authenticator, or a one-time backup code, and complete sign-in.

    Within the limits of ``limits``: a code is not checked where this account's allowance is used up, and
    the session ends (the password is asked again) after too many wrong codes in it.
    """
    user = request.user
    if limits.code_attempt_refused(request=request):
        access_event_record(
            request=request, operation=Operation.LOGIN_FAILED, object_type="mfa", justification="paused"
        )
        return CodeCheck(accepted=False, paused=True)
    token = "".join(token.split()).lower()
    for device in _devices_for(user):
        if device.verify_token(token):
            otp_login(request, device)
            session_rotate(request)
            access_event_record(
                request=request, operation=Operation.LOGIN, object_type="mfa", object_id=device.persistent_id
            )
            return CodeCheck(accepted=True)
    access_event_record(request=request, operation=Operation.LOGIN_FAILED, object_type="mfa")
    if limits.code_failure_record(request=request):
        session_end(request=request, reason="too many wrong codes")
        return CodeCheck(accepted=False, session_ended=True)
    return CodeCheck(accepted=False)


def _devices_for(user: User) -> list:
    totp = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    static = list(StaticDevice.objects.filter(user=user, confirmed=True))
    return totp + static


def mfa_devices_delete(*, user: User) -> int:
    """Remove every MFA device of ``user``: they enrol again at their next sign-in.

    Only ``access.user_access_change`` calls this (logged there, and never for one's own account).
    """
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return totp + static


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
