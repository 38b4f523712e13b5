"""Every measure module registers its measures with ``reporting.figures`` on import."""

from django.apps import apps

from . import prevent, protect, targets  # noqa: F401

if apps.is_installed("partners"):
    from . import partnerships  # noqa: F401
