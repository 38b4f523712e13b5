"""Account services, by topic: sessions, sign-in limits, MFA, access changes (separation of duties), notifications.

Other apps import from here: ``accounts.services.notification_send``, ``DEACTIVATION_GUARDS``, ...
"""

from .access import (
    DEACTIVATION_GUARDS,
    SELF_CHANGE_REFUSED,
    AccessChange,
    access_change_check,
    access_grant_confirm_from_server,
    access_grant_decide,
    user_access_change,
    user_create,
    user_deactivate,
)
from .limits import (
    code_attempt_refused,
    code_failure_record,
    known_device_cookie,
    known_device_id,
    password_attempt_refused,
    password_failure_record,
)
from .mfa import (
    CodeCheck,
    backup_codes_regenerate,
    backup_codes_remaining,
    mfa_enrol_confirm,
    mfa_enrolment_device,
    mfa_is_enrolled,
    mfa_next_step,
    mfa_qr_svg,
    mfa_verify,
)
from .notifications import notification_send, notifications_changed, notifications_mark_read
from .sessions import session_begin, session_check_expiry, session_end, session_rotate, sessions_end_for_user

__all__ = [
    "DEACTIVATION_GUARDS",
    "SELF_CHANGE_REFUSED",
    "AccessChange",
    "CodeCheck",
    "access_change_check",
    "access_grant_confirm_from_server",
    "access_grant_decide",
    "backup_codes_regenerate",
    "backup_codes_remaining",
    "code_attempt_refused",
    "code_failure_record",
    "known_device_cookie",
    "known_device_id",
    "mfa_enrol_confirm",
    "mfa_enrolment_device",
    "mfa_is_enrolled",
    "mfa_next_step",
    "mfa_qr_svg",
    "mfa_verify",
    "notification_send",
    "notifications_changed",
    "notifications_mark_read",
    "password_attempt_refused",
    "password_failure_record",
    "session_begin",
    "session_check_expiry",
    "session_end",
    "session_rotate",
    "sessions_end_for_user",
    "user_access_change",
    "user_create",
    "user_deactivate",
]
