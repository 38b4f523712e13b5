import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from editing.status import Transitions


class Force(models.Model):
    """A police force of the region. Seeded with the West Midlands ROCU forces."""

    code = models.CharField(
        max_length=4,
        unique=True,
        help_text="Short prefix used in references, e.g. WM in WM-2026-00042.",
    )
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    ADMIN_SUPPORT = "admin_support", "Admin support"
    ANALYST = "analyst", "Analyst"
    SYSADMIN = "sysadmin", "System admin"


SUPERVISOR_ROLES = frozenset({Role.SERGEANT, Role.INSPECTOR})
# Roles that see no person: giving one of these never needs a second person's confirmation.
NO_CASE_ACCESS_ROLES = frozenset({Role.SYSADMIN, Role.ANALYST})


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """``createsuperuser`` makes the first *system admin*.

        Admin permissions follow from the role (accounts.backends), so the
        account has no superuser flag and, like every system admin, no case access.
        """
        extra_fields.update(role=Role.SYSADMIN, is_staff=True, is_superuser=False)
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """A member of the unit. Sees only the forces in ``forces`` (deny by default)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    home_force = models.ForeignKey(Force, on_delete=models.PROTECT, null=True, blank=True, related_name="home_users")
    forces = models.ManyToManyField(
        Force,
        blank=True,
        related_name="users",
        verbose_name="accessible forces",
        help_text="The forces whose records this user may see.",
    )

    objects = AccountManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES

    @property
    def is_sysadmin(self) -> bool:
        return self.role == Role.SYSADMIN

    # The two methods below let lower apps (``audit``) scope to a user's forces without importing accounts.
    def accessible_force_ids(self) -> frozenset[int]:
        """The ids of the active forces this user may see, cached on the instance; none when inactive."""
        if not self.is_active:
            return frozenset()
        cached = getattr(self, "_accessible_force_ids", None)
        if cached is None:
            cached = frozenset(self.forces.filter(active=True).values_list("id", flat=True))
            self._accessible_force_ids = cached
        return cached

    def accessible_force_codes(self) -> models.QuerySet:
        """The codes of ``accessible_force_ids`` (lazy: a subquery when used in a filter)."""
        return Force.objects.filter(id__in=self.accessible_force_ids()).values_list("code", flat=True)


def session_key_hash(session_key: str) -> str:
    """What the database keeps of a session key: its SHA-256, which cannot be replayed as a cookie."""
    return hashlib.sha256(session_key.encode()).hexdigest()


class StoredSession(AbstractBaseSession):
    """A server-side session (``accounts.sessions``), keyed by the SHA-256 of its cookie's key, never the key."""

    session_key = models.CharField("SHA-256 of the session key", max_length=64, primary_key=True)

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class UserSession(models.Model):
    """A live login, so that logout, deactivation and a reset can end it server-side.

    ``key_hash`` is ``session_key_hash`` of the session's key: enough to end the session, useless to replay it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="live_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class AccessGrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A grant is decided once: confirmed, refused or withdrawn.
ACCESS_GRANT_TRANSITIONS = Transitions(
    statuses=AccessGrantStatus,
    moves={
        AccessGrantStatus.PENDING: frozenset(
            {AccessGrantStatus.CONFIRMED, AccessGrantStatus.REFUSED, AccessGrantStatus.WITHDRAWN}
        )
    },
    refusal="This access change is already {current}.",
)


class AccessGrant(models.Model):
    """A change that would give an account case access, waiting for a sergeant or inspector to confirm it.

    It holds the account's role, forces and e-mail address once confirmed (and makes it active). Any other
    change to the account's access withdraws it (``accounts.services.user_access_change``), so what is
    confirmed is exactly what was asked for.
    """

    Status = AccessGrantStatus

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_grants")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants_requested")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    forces = models.ManyToManyField(Force, blank=True, related_name="+", verbose_name="accessible forces")
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=AccessGrantStatus.choices, default=AccessGrantStatus.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="access_grants_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AccessGrantStatus.values), name="access_grant_status_valid"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="access_grant_one_pending_per_user"
            ),
            # Nobody asks for their own access, or confirms their own or what they asked for (a requester
            # may withdraw their own request: that grants nothing; no decider: confirmed from the server).
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("user")), name="access_grant_not_self"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | models.Q(decided_by__isnull=True)
                | (~models.Q(decided_by=models.F("user")) & ~models.Q(decided_by=models.F("requested_by"))),
                name="access_grant_confirmed_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"Access grant {self.pk} for {self.user} ({self.get_status_display()})"


class Notification(models.Model):
    """An in-app message to one user (break-glass alerts, approvals, reminders)."""

    # Indexed by (recipient, read_at) below, which serves lookups by recipient too: one index write less per row.
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", db_index=False)
    title = models.CharField(max_length=200, help_text="References only: no names or narratives.")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
