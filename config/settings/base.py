"""Settings shared by every environment.

Everything a deployment changes is read from the environment through one
``env`` object; README.md lists every variable with its default and meaning.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Database: SQLite file for a zero-setup first run; PostgreSQL in production.
# ------------------------------------------------------------------------------
# An empty DATABASE_URL counts as unset (production.py then refuses to start).
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, the in-process tasks and a
    # shell share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# ------------------------------------------------------------------------------
# Applications
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
]
LOCAL_APPS = [
    "accounts",
    "audit",
    "subjects",
    "followups",
    "partners",
    "interventions",
    "outreach",
    "reporting",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.middleware.AccessPolicyMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.site",
                "accounts.context_processors.notifications",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Authentication: custom user, Argon2, 12-character minimum, mandatory TOTP.
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out (username, IP) pair before any
    # password hashing happens.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The issuer shown in authenticator apps next to the account name.
OTP_TOTP_ISSUER = env("MFA_ISSUER", default="Prevent & Protect")
# django-otp's own delay grows per device with every wrong code, so anyone who knows a password could hold
# the real user's device back: off. The limits of accounts.services.limits (per session, per known device
# or address, per account) take its place.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Nobody, a system admin included, can read another user's TOTP secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
MFA_BACKUP_CODE_COUNT = 10

# Lockout: keyed on the pair (username, IP address), so failures from one
# place cannot lock an officer out everywhere else.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# Guessing spread over many addresses (accounts.services.limits, counted in the cache per window of
# LOGIN_LOCKOUT_MINUTES): wrong passwords per username from browsers that are not one of its known devices
# (each known device has an allowance of its own, so an attacker cannot lock the officer out of it), and
# wrong passwords from such browsers for all usernames together.
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
LOGIN_GLOBAL_FAILURE_LIMIT = env.int("LOGIN_GLOBAL_FAILURE_LIMIT", default=500)
# Wrong codes at the MFA step: in one session (then it ends and the password is asked again); per account
# from one known device, else from one address; per account from everywhere but its known devices.
MFA_SESSION_FAILURE_LIMIT = env.int("MFA_SESSION_FAILURE_LIMIT", default=5)
MFA_PLACE_FAILURE_LIMIT = env.int("MFA_PLACE_FAILURE_LIMIT", default=10)
MFA_ACCOUNT_FAILURE_LIMIT = env.int("MFA_ACCOUNT_FAILURE_LIMIT", default=30)
# A browser that completed sign-in (MFA included) is a known device of that user for this many days
# (a signed cookie; a new password makes it worthless).
KNOWN_DEVICE_DAYS = env.int("KNOWN_DEVICE_DAYS", default=90)
KNOWN_DEVICE_COOKIE_NAME = "known_device"
# A link to choose a password (a new account, a sign-in reset) works once, for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_HOURS", default=72) * 3600

# Sessions: 30 minutes idle, 12 hours absolute (enforced by
# accounts.middleware.SessionTimeoutMiddleware); stored server-side so that
# logout and deactivation end them, keyed by the SHA-256 of the session key
# so that nothing in the database can be replayed as a cookie (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# ------------------------------------------------------------------------------
# Security headers
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent only over HTTPS by SecurityMiddleware, so harmless on a local run.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)

# Scripts and styles come from our own origin only. django-csp adds a nonce to the header only on a page
# whose template asks for one (CSP_NONCE); none does, since nothing inline runs (README: Security notes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ------------------------------------------------------------------------------
# Static files: our own under static/, vendored assets (Bootstrap, htmx) from
# the npm registry under node_modules/, built in and never committed.
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Private files are never served from a public URL: no MEDIA_URL exists;
# downloads go through permission-checked, logged views.
MEDIA_URL = None

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ------------------------------------------------------------------------------
# Cache: shared across web processes in production (Redis), local otherwise.
# ------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Redis is optional: while it cannot be reached the cache answers as an empty one (config.cache), so pages
# still answer; one warning per CACHE_RETRY_SECONDS, and Redis is not tried again before then.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.OptionalRedisCache"
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=30)

# ------------------------------------------------------------------------------
# Celery: Redis in production; with no broker configured tasks run in-process.
# ------------------------------------------------------------------------------
TASK_BROKER_CONFIGURED = bool(env("CELERY_BROKER_URL", default=""))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not TASK_BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A web request must not hang when the broker is down: fail fast, let the
# periodic sweep catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "audit-seal": {"task": "audit.tasks.seal_access_events", "schedule": 30.0},
    # Reminders are derived from data: this one static sweep finds what is due (never an ETA task).
    "send-reminders": {
        "task": "followups.tasks.send_reminders",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
    },
    # Work whose enqueue failed (broker down) or whose worker died is picked up again (see "Stuck work").
    "resume-stuck-returns": {"task": "reporting.tasks.resume_stuck_returns", "schedule": 300.0},
}

# ------------------------------------------------------------------------------
# Stuck work: what a dead broker or a killed worker leaves half done is finished by the next sweep.
# ------------------------------------------------------------------------------
# A quarterly return still generating this long after it was requested (or last started) is generated
# again (reporting.services.returns_resume_stuck). Longer than CELERY_TASK_TIME_LIMIT, so never a live run.
RETURN_STUCK_MINUTES = env.int("RETURN_STUCK_MINUTES", default=15)
# An e-mail a sweep claimed but had not marked sent this long ago is sent by a later sweep (followups.mail).
# Longer than any sweep runs (CELERY_TASK_TIME_LIMIT), so a slow sweep is never doubled.
REMINDER_MAIL_LEASE_MINUTES = env.int("REMINDER_MAIL_LEASE_MINUTES", default=10)

# ------------------------------------------------------------------------------
# Email
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="prevent-protect@localhost")

# ------------------------------------------------------------------------------
# Product settings
# ------------------------------------------------------------------------------
# The marking shown on every page and export.
PROTECTIVE_MARKING = env("PROTECTIVE_MARKING", default="OFFICIAL-SENSITIVE")
# The region's name, shown in the header.
REGION_NAME = env("REGION_NAME", default="West Midlands ROCU")
# seed_demo refuses to run where this is false (production).
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
# The password seed_demo gives every demo user (demo data only).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-prevent-protect")
# The two-tier out-of-court framework (diversionary and community cautions):
# off until it is confirmed to have commenced for the force.
TWO_TIER_CAUTIONS = env.bool("TWO_TIER_CAUTIONS", default=False)
# Working days a disposal may wait for approval before the queue marks it late.
APPROVAL_LIMIT_WORKING_DAYS = env.int("APPROVAL_LIMIT_WORKING_DAYS", default=3)
# Attachments: the largest upload accepted, in bytes; the type is judged by content (subjects.attachments).
# Set the reverse proxy's request-size limit to match (e.g. nginx client_max_body_size 11m).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Restricted subjects: how long a break-glass access lasts, in minutes.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)
# DPA 2018 s.62: whether a justification is mandatory on consultations.
AUDIT_JUSTIFICATION_REQUIRED = env.bool("AUDIT_JUSTIFICATION_REQUIRED", default=False)

# Follow-ups and reminders (followups.services / followups.reminders). Each default here is the only one.
# Months after an approved disposal when re-offending is checked: any of 3, 6 and 12.
REOFFENDING_CHECK_MONTHS = env.list("REOFFENDING_CHECK_MONTHS", cast=int, default=[3, 6, 12])
# Days from a case becoming active to its first supervisory review, and from an intervention's start to its review.
SUPERVISORY_REVIEW_DAYS = env.int("SUPERVISORY_REVIEW_DAYS", default=28)
INTERVENTION_REVIEW_DAYS = env.int("INTERVENTION_REVIEW_DAYS", default=28)
# Days before a signed data sharing agreement expires when its renewal follow-up falls due.
AGREEMENT_REMINDER_DAYS = env.int("AGREEMENT_REMINDER_DAYS", default=60)
# Local hour (Europe/London) from which the daily digest goes out, on working days only.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
# Digests on working days only (England and Wales); false for a team that works weekends and bank holidays.
DIGEST_WORKING_DAYS_ONLY = env.bool("DIGEST_WORKING_DAYS_ONLY", default=True)
# Working days overdue before a follow-up escalates to the sergeants of the case's force.
ESCALATION_WORKING_DAYS = env.int("ESCALATION_WORKING_DAYS", default=3)
# Working days a submitted disposal may wait before it escalates to the force's inspectors.
APPROVAL_ESCALATION_WORKING_DAYS = env.int("APPROVAL_ESCALATION_WORKING_DAYS", default=5)
# The site's address as users reach it: links in emails are built on it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Quarterly returns shared outside policing hide counts from 1 to this value - 1
# (0 is shown); secondary suppression stops totals revealing a hidden cell.
RETURN_SUPPRESSION_THRESHOLD = env.int("RETURN_SUPPRESSION_THRESHOLD", default=5)


# ------------------------------------------------------------------------------
# Access log anchoring (audit.signing, audit.checkpoints): the chain head is
# signed with a key the database never sees and checkpointed outside it.
# ------------------------------------------------------------------------------
def _secret(name: str) -> str:
    """``NAME`` from the environment, or the content of the file named by ``NAME_FILE`` (a mounted secret)."""
    path = env(f"{name}_FILE", default="")
    if not path:
        return env(name, default="")
    if env(name, default=""):
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        return Path(path).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({error.strerror}).") from error


def _key_ring(text: str) -> dict[str, str]:
    """``id:key`` pairs separated by commas or new lines (never echoed: they are secrets)."""
    ring = {}
    for entry in filter(None, (item.strip() for item in text.replace("\n", ",").split(","))):
        key_id, _, key = (part.strip() for part in entry.partition(":"))
        if not key_id or not key:
            raise ImproperlyConfigured("AUDIT_SIGNING_KEYS: every entry must be id:key.")
        ring[key_id] = key
    return ring


# The key that signs checkpoints now, and its id (written into every checkpoint).
AUDIT_SIGNING_KEY = _secret("AUDIT_SIGNING_KEY")
AUDIT_SIGNING_KEY_ID = env("AUDIT_SIGNING_KEY_ID", default="1")
# Retired keys, kept only to verify the checkpoints they signed (README: key rotation).
AUDIT_SIGNING_KEYS = _key_ring(_secret("AUDIT_SIGNING_KEYS"))
# The append-only file of checkpoints (one JSON line each); empty: none (production requires one).
AUDIT_CHECKPOINT_FILE = env("AUDIT_CHECKPOINT_FILE", default="")
# Each checkpoint also goes to the log (the "audit.checkpoints" logger), for a pipeline that keeps a copy.
AUDIT_CHECKPOINT_LOG = env.bool("AUDIT_CHECKPOINT_LOG", default=True)
# At most one checkpoint this often, and only when the head moved; sealed rows newer than that wait for the next.
AUDIT_CHECKPOINT_SECONDS = env.int("AUDIT_CHECKPOINT_SECONDS", default=300)

# ------------------------------------------------------------------------------
# Logging: to stdout, never personal data.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if not TASK_BROKER_CONFIGURED:
    # Tasks run in the requesting process: Celery's line per task and kombu's note that the in-memory
    # transport has no host are noise there (a worker, with a broker, keeps them).
    LOGGING["loggers"].update({"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}})
