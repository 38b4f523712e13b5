"""Test settings: fast hashing, no manifest storage, deterministic mail."""

from .base import *  # noqa: F403
from .base import STORAGES

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
