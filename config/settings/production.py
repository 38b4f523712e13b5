"""Production: refuses to start without its secrets, HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_SIGNING_KEY, DATABASES, SECURE_HSTS_PRELOAD, env


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
_required("DATABASE_URL")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ------------------------------------------------------------------------------
# HTTPS and cookies
# ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True

# ------------------------------------------------------------------------------
# Access log anchoring: without a key and a checkpoint file, a chain rewritten
# together with its head would verify.
# ------------------------------------------------------------------------------
if not AUDIT_SIGNING_KEY:
    raise ImproperlyConfigured("AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) must be set in production.")
if len(AUDIT_SIGNING_KEY) < 32:  # 32 random characters: well past guessing
    raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be at least 32 random characters.")
_required("AUDIT_CHECKPOINT_FILE")

# Demo accounts never exist in production; MFA is never switched off here.
DEMO_DATA_ALLOWED = False
# Mail goes out by SMTP; EMAIL_URL names the relay (e.g. smtp+tls://user:pass@relay:587).
vars().update(env.email("EMAIL_URL", default="smtp://localhost:25"))

# The load balancer's health probe may speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# HSTS preload is a commitment for the whole domain that only its owner can
# make (DJANGO_HSTS_PRELOAD); until they do, the check's reminder is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
