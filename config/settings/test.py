"""Test settings: fast hashing, no manifest storage, deterministic mail."""

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES

DEBUG = False
SECRET_KEY = "test-key-only-for-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Argon2 stays first so that the login path is the real one; a cheap hasher
# for factory-made users keeps the suite fast.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process during tests whatever the environment says; a test that
# needs the real broker (CELERY_BROKER_URL in CI) says so and talks to it itself.
CELERY_TASK_ALWAYS_EAGER = True

# Each test process keeps its own cache: parallel workers (pytest-xdist) sharing
# one Redis would see each other's cached counts and clears.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

# ------------------------------------------------------------------------------
# Access log anchoring
# ------------------------------------------------------------------------------
AUDIT_SIGNING_KEY_ID = "test"
AUDIT_SIGNING_KEY = "test-audit-signing-key-only-for-the-test-suite"
AUDIT_SIGNING_KEYS = {}
# No checkpoints unless a test asks (audit/tests/conftest.py does, each in its own tmp_path):
# parallel workers must not share one file.
AUDIT_CHECKPOINT_FILE = ""
AUDIT_CHECKPOINT_LOG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Transactional tests empty every table with TRUNCATE; the audit tables' TRUNCATE
    # trigger lets a superuser session through only when it sets this (audit migration 0004).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c audit.allow_truncate=on"
