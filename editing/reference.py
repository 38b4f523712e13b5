"""Reference data (catalogues an administrator keeps): what a form may offer."""

from django.db import models
from django.db.models import Q


class ReferenceQuerySet(models.QuerySet):
    def offered(self, *keep):
        """Active entries, plus those in ``keep`` (the value or values already chosen), so retiring an entry
        never blanks or refuses a record that uses it. ``keep`` holds objects, querysets or ``None``."""
        wanted = Q(active=True)
        for item in keep:
            if isinstance(item, models.QuerySet | models.Manager):
                wanted |= Q(pk__in=item.values("pk"))
            elif item is not None:
                wanted |= Q(pk=item.pk)
        return self.filter(wanted)
