"""Local development: works with no configuration at all."""

from .base import *  # noqa: F403
from .base import AUDIT_SIGNING_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine on a developer's machine; production refuses to start without its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production-use")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# ------------------------------------------------------------------------------
# Access log anchoring
# ------------------------------------------------------------------------------
# A fixed key, like SECRET_KEY above; set AUDIT_CHECKPOINT_FILE to anchor the chain locally too.
AUDIT_SIGNING_KEY = AUDIT_SIGNING_KEY or "local-development-audit-key-not-for-production-use"
