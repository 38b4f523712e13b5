"""Sessions: begun after the password, rotated after MFA, ended by logout, timeouts, deactivation or reset.

The app's own index of live sessions (``UserSession``) and the session store itself (``accounts.sessions``)
keep only the SHA-256 of each session key, so nothing an administrator or a database reader sees can be
replayed as a cookie; the request's own key, hashed, still finds its rows.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Operation
from audit.services import access_event_record

from ..models import User, UserSession, session_key_hash
from ..sessions import SessionStore

_SESSION_STARTED = "session_started_at"
_SESSION_SEEN = "session_seen_at"
# Refreshing the idle clock at most once a minute keeps most requests free of a session write.
_SEEN_RESOLUTION_SECONDS = 60


def session_begin(*, request: HttpRequest, user: User) -> None:
    """The password step succeeded: start a session that still needs MFA."""
    auth.login(request, user)
    _session_clocks_start(request.session)
    request.session.save()
    _session_index(user=user, session=request.session)


def session_end(*, request: HttpRequest, reason: str = "logout") -> None:
    """Log out and delete the session server-side."""
    if request.user.is_authenticated:
        access_event_record(request=request, operation=Operation.LOGOUT, justification=reason)
        if request.session.session_key:
            UserSession.objects.filter(key_hash=session_key_hash(request.session.session_key)).delete()
    auth.logout(request)


def session_rotate(request: HttpRequest) -> None:
    """A new session key once the second factor is proven (no session fixation)."""
    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key:
        UserSession.objects.filter(key_hash=session_key_hash(old_key)).delete()
    _session_index(user=request.user, session=request.session)


def _session_index(*, user: User, session: SessionBase) -> None:
    UserSession.objects.get_or_create(user=user, key_hash=session_key_hash(session.session_key))


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
    """End every live session of ``user`` (found by the hashes of their keys)."""
    key_hashes = list(UserSession.objects.filter(user=user).values_list("key_hash", flat=True))
    SessionStore.delete_hashed(key_hashes)
    UserSession.objects.filter(user=user).delete()
    return len(key_hashes)
