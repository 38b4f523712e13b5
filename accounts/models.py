from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


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


class UserSession(models.Model):
    """A live login, so that logout and deactivation can end it server-side."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="live_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


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
