"""The access log required by DPA 2018 s.62, plus security events.

Append-only: rows are never updated or deleted, except the one-time *seal*
that fills ``seq``, ``prev_hash`` and ``hash`` (see ``audit.chain``). On
PostgreSQL a trigger enforces the same at the database.
"""

from django.conf import settings
from django.db import models


class Operation(models.TextChoices):
    # DPA 2018 s.62(1)
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    # Security events
    LOGIN = "login", "Login"
    LOGOUT = "logout", "Logout"
    LOGIN_FAILED = "login_failed", "Failed login"
    ACCESS_DENIED = "access_denied", "Access denied"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access event."""


class AccessEventQuerySet(models.QuerySet):
    """Refuses updates and deletes in bulk.

    The one write allowed after insert, the seal, is SQL in ``audit.chain``:
    the ORM's ways of updating rows one by one or by CASE were far too slow.
    """

    def update(self, **kwargs):
        raise AppendOnlyError("Access events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Access events cannot be deleted.")


class AccessEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Snapshots, so the row still reads right after the user changes.
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    force = models.CharField(max_length=4, blank=True, help_text="Force code of the record, if any.")
    operation = models.CharField(max_length=20, choices=Operation.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=200, blank=True)
    changed_fields = models.JSONField(default=list, blank=True, help_text="Field names only, never values.")
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Hash chain, filled once by the sealer.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
            # The sealer's queue: finds unsealed rows without reading the sealed millions.
            models.Index(fields=["id"], condition=models.Q(hash=""), name="audit_event_unsealed_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.operation} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Access events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access events cannot be deleted.")


class ChainHead(models.Model):
    """The single row that holds the end of the sealed chain; locked while sealing."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"sealed to #{self.last_seq}"
