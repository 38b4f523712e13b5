"""Separation of duties: the one way an account's access changes, and the confirmation of grants.

``user_access_change`` is the only code that changes a user's role, forces, active flag, e-mail address
(where reset links go) or MFA devices, the Django admin included. What takes access away happens at
once; what would grant case access waits as an ``AccessGrant`` until a sergeant or inspector who can see
every force the account will see confirms it (``access_grant_decide``). Nobody changes their own account
this way, and every change is an s.62 event and a notification to the force's inspectors.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import Operation
from audit.services import access_event_record

from .. import selectors
from ..models import ACCESS_GRANT_TRANSITIONS, NO_CASE_ACCESS_ROLES, SUPERVISOR_ROLES, AccessGrant, Force, User
from .mfa import mfa_devices_delete
from .notifications import notification_send
from .sessions import sessions_end_for_user

SELF_CHANGE_REFUSED = (
    "You cannot change your own role, forces, active flag, e-mail address or sign-in: ask another system admin."
)
# Checks other apps add before an account may be deactivated (e.g. no open
# cases still assigned): callables taking the user and returning a message or "".
DEACTIVATION_GUARDS: list = []


@dataclass(frozen=True)
class AccessChange:
    """What a call to ``user_access_change`` asks for, measured against the account as it is."""

    user: User
    role: str
    forces: frozenset[int]
    is_active: bool
    email: str
    current_forces: frozenset[int]
    mfa_reset: bool = False
    sign_in_reset: bool = False
    changed: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, user: User, *, role, forces, is_active, email, mfa_reset, sign_in_reset) -> "AccessChange":
        current_forces = frozenset(user.forces.values_list("id", flat=True)) if user.pk else frozenset()
        target = {
            "role": user.role if role is None else role,
            "forces": current_forces if forces is None else frozenset(getattr(f, "pk", f) for f in forces),
            "is_active": user.is_active if is_active is None else is_active,
            "email": user.email if email is None else email,
        }
        now = {"role": user.role, "forces": current_forces, "is_active": user.is_active, "email": user.email}
        changed = [name for name in target if target[name] != now[name]]
        changed += ["mfa_devices"] * (mfa_reset or sign_in_reset) + ["password"] * sign_in_reset
        return cls(
            user,
            **target,
            current_forces=current_forces,
            mfa_reset=mfa_reset,
            sign_in_reset=sign_in_reset,
            changed=changed,
        )

    def __bool__(self) -> bool:
        return bool(self.changed)

    @property
    def deactivates(self) -> bool:
        return self.user.is_active and not self.is_active

    @property
    def grants(self) -> bool:
        """Whether the change would let the account see more: a role other than system admin or analyst
        (newly, or by reactivation), more forces, or a new address for reset links."""
        if not self.is_active:
            return False
        had_forces = self.current_forces if self.user.is_active else frozenset()
        gains_role = self.role not in NO_CASE_ACCESS_ROLES and (self.role != self.user.role or not self.user.is_active)
        return gains_role or bool(self.forces - had_forces) or self.email != self.user.email


def access_change_check(
    *, user: User, by: User, role=None, forces=None, is_active=None, email=None, mfa_reset=False, sign_in_reset=False
) -> AccessChange:
    """The change asked for, once it is allowed (forms call this to show the refusal before saving).

    Raises PermissionDenied unless ``by`` is an active system admin, ValidationError for one's own
    account, a deactivation a guard forbids, a grant with no home force to confirm it in, or a reset
    with no address to send the link to.
    """
    if not (by.is_active and by.is_sysadmin):
        raise PermissionDenied("Only a system admin changes accounts.")
    change = AccessChange.of(
        user,
        role=role,
        forces=forces,
        is_active=is_active,
        email=email,
        mfa_reset=mfa_reset,
        sign_in_reset=sign_in_reset,
    )
    if change and by.pk == user.pk:
        raise ValidationError(SELF_CHANGE_REFUSED)
    problems = [message for guard in DEACTIVATION_GUARDS if (message := guard(user))] if change.deactivates else []
    if change.grants and not user.home_force_id:
        problems.append("Give the account a home force first: a sergeant or inspector of it confirms the change.")
    if sign_in_reset and not change.email:
        problems.append("The account has no e-mail address to send the link for a new password to.")
    if problems:
        raise ValidationError(problems)
    return change


@transaction.atomic
def user_access_change(
    *,
    user: User,
    by: User,
    role: str | None = None,
    forces: Iterable | None = None,
    is_active: bool | None = None,
    email: str | None = None,
    mfa_reset: bool = False,
    sign_in_reset: bool = False,
    reason: str = "",
) -> AccessGrant | None:
    """Change ``user``'s role, forces (Force objects or ids: the whole new set), active flag or e-mail address,
    or reset their MFA (they enrol again) or their whole sign-in (MFA, and a new password chosen through a
    link e-mailed to them). ``None`` leaves a value as it is.

    Returns the pending ``AccessGrant`` when the change grants case access (see ``AccessChange.grants``):
    that part waits for confirmation, while fewer forces take effect at once. Any pending grant of the
    user is withdrawn first, so a grant is confirmed as it was asked for. Raises as ``access_change_check``.
    """
    change = access_change_check(
        user=user,
        by=by,
        role=role,
        forces=forces,
        is_active=is_active,
        email=email,
        mfa_reset=mfa_reset,
        sign_in_reset=sign_in_reset,
    )
    if not change:
        return None
    for pending in AccessGrant.objects.filter(user=user, status=AccessGrant.Status.PENDING):
        _grant_transition(grant=pending, to=AccessGrant.Status.WITHDRAWN, by=by)
    grant = _grant_request(change=change, by=by, reason=reason) if change.grants else None
    applied = _apply_now(change)
    if change.mfa_reset or change.sign_in_reset:
        _sign_in_reset(user=user, password=change.sign_in_reset)
    _announce(user=user, by=by, fields=applied, grant=grant, reason=reason, forces=change.forces)
    return grant


def user_deactivate(*, user: User, by: User, reason: str) -> None:
    """Deactivate ``user`` and end their sessions at once (the guards of DEACTIVATION_GUARDS permitting)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for deactivating this account."})
    user_access_change(user=user, by=by, is_active=False, reason=reason)


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    email: str,
    role: str,
    forces: Iterable = (),
    home_force: Force | None = None,
    first_name: str = "",
    last_name: str = "",
    reason: str = "New account",
) -> tuple[User, AccessGrant | None]:
    """A new account, made active through ``user_access_change``: at once for a system admin or analyst
    with no forces, otherwise once confirmed (until then it is inactive and has no forces).

    Nobody sets its password: the user chooses one through a link e-mailed to them, then enrols MFA.
    """
    if not (by.is_active and by.is_sysadmin):
        raise PermissionDenied("Only a system admin creates accounts.")
    user = User(
        username=username,
        email=email,
        role=role,
        home_force=home_force,
        is_active=False,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    access_event_record(
        actor=by,
        operation=Operation.COLLECTION,
        object_type="user",
        object_id=user.pk,
        changed_fields=["username", "email", "role", "home_force"],
        justification=reason,
    )
    grant = user_access_change(user=user, by=by, forces=forces, is_active=True, reason=reason)
    _password_link_send(user=user, new_account=True)
    return user, grant


def _apply_now(change: AccessChange) -> list[str]:
    """Apply what takes effect at once: everything, unless it grants; then only the forces taken away."""
    user = change.user
    resets = [name for name in change.changed if name in {"mfa_devices", "password"}]
    if change.grants:
        removed = change.current_forces - change.forces
        user.forces.remove(*removed)
        return ["forces"] * bool(removed) + resets
    if change.deactivates:
        transaction.on_commit(lambda: sessions_end_for_user(user=user))
    updates = {name: getattr(change, name) for name in ("role", "is_active", "email") if name in change.changed}
    if updates:
        User.objects.filter(pk=user.pk).update(**updates)
        for name, value in updates.items():
            setattr(user, name, value)
    if "forces" in change.changed:
        user.forces.set(change.forces)
    user.__dict__.pop("_accessible_force_ids", None)
    return change.changed


def _sign_in_reset(*, user: User, password: bool) -> None:
    """Remove the user's MFA devices and end their sessions; with ``password`` they choose a new one."""
    mfa_devices_delete(user=user)
    if password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _password_link_send(user=user, new_account=False)
    notification_send(
        recipients=[user],
        title="Your sign-in was reset by a system admin: you set up your authenticator again. "
        "If you did not ask for this, tell your inspector.",
    )
    transaction.on_commit(lambda: sessions_end_for_user(user=user))


def _password_link_send(*, user: User, new_account: bool) -> None:
    """E-mail ``user`` a one-time link to choose their password (valid PASSWORD_RESET_TIMEOUT, used once)."""
    path = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    opening = "An account has been made for you" if new_account else "Your sign-in has been reset"
    body = (
        f"{opening} on Prevent & Protect.\n\nChoose your password here (the link works once):\n"
        f"{settings.SITE_URL}{path}\n\nThen sign in and set up your authenticator app.\n"
        "If you did not expect this, tell your inspector.\n"
    )
    recipient = user.email
    transaction.on_commit(lambda: send_mail("Prevent & Protect: choose your password", body, None, [recipient]))


# ------------------------------------------------------------------------------
# Grants: requested by user_access_change, confirmed or refused by a supervisor
# ------------------------------------------------------------------------------
def _grant_request(*, change: AccessChange, by: User, reason: str) -> AccessGrant:
    user = change.user
    grant = AccessGrant(user=user, requested_by=by, reason=reason[:300], role=change.role, email=change.email)
    grant.full_clean()
    grant.save()
    grant.forces.set(change.forces)
    asked = [name for name in change.changed if name in {"role", "forces", "is_active", "email"}]
    access_event_record(
        actor=by,
        operation=Operation.ALTERATION,
        object_type="user",
        object_id=user.pk,
        force=user.home_force.code if user.home_force else "",
        changed_fields=asked,
        justification=f"Asked for, waits for confirmation (access grant {grant.pk}). {reason}".strip(),
    )
    return grant


@transaction.atomic
def access_grant_decide(*, grant: AccessGrant, by: User, confirm: bool) -> AccessGrant:
    """Confirm (apply) or refuse a pending grant.

    ``by`` must be able to decide it (``selectors.access_grant_list_decidable``): a sergeant or inspector
    who can see every force involved, neither the account's holder nor the requester. Raises
    PermissionDenied otherwise, ValidationError when it is no longer pending.
    """
    if not selectors.access_grant_list_decidable(by).filter(pk=grant.pk).exists():
        raise PermissionDenied("You cannot decide this access change.")
    return _grant_decide(grant=grant, by=by, confirm=confirm, reason=grant.reason)


@transaction.atomic
def access_grant_confirm_from_server(*, grant: AccessGrant, reason: str) -> AccessGrant:
    """Confirm a grant from the server (``manage.py access_grant_confirm``), logged with no actor.

    Only when no active sergeant or inspector could confirm it in the app: the first supervisors of a
    force. Raises ValidationError otherwise, or without a reason.
    """
    if not reason.strip():
        raise ValidationError("Give the reason, e.g. who asked for this first supervisor.")
    supervisors = User.objects.filter(is_active=True, role__in=SUPERVISOR_ROLES)
    if any(selectors.access_grant_list_decidable(u).filter(pk=grant.pk).exists() for u in supervisors):
        raise ValidationError("A sergeant or inspector can confirm this change in the app: ask them.")
    return _grant_decide(grant=grant, by=None, confirm=True, reason=f"Confirmed from the server: {reason}")


def _grant_decide(*, grant: AccessGrant, by: User | None, confirm: bool, reason: str) -> AccessGrant:
    status = AccessGrant.Status.CONFIRMED if confirm else AccessGrant.Status.REFUSED
    grant = _grant_transition(grant=grant, to=status, by=by)
    force_ids = frozenset(grant.forces.values_list("id", flat=True))
    fields = _grant_apply(grant, force_ids=force_ids) if confirm else []
    _announce(user=grant.user, by=by, fields=fields, grant=grant, reason=reason, forces=force_ids)
    notification_send(recipients=[grant.user], title=f"Your access change was {status.label.lower()}.")
    return grant


def _grant_transition(*, grant: AccessGrant, to: str, by: User | None) -> AccessGrant:
    """Move ``grant`` to ``to``, holding its row locked, and log it. Call inside a transaction."""
    locked = AccessGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    ACCESS_GRANT_TRANSITIONS.check(locked.status, to)
    old = locked.status
    locked.status, locked.decided_by, locked.decided_at = to, by, timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    access_event_record(
        actor=by,
        operation=Operation.ALTERATION,
        object_type="access_grant",
        object_id=locked.pk,
        changed_fields=["status"],
        justification=f"{old} -> {to}",
    )
    return locked


def _grant_apply(grant: AccessGrant, *, force_ids: frozenset[int]) -> list[str]:
    """Make the account what the grant holds; returns the names of what changed."""
    user = User.objects.select_for_update().get(pk=grant.user_id)
    change = AccessChange.of(
        user, role=grant.role, forces=force_ids, is_active=True, email=grant.email, mfa_reset=False, sign_in_reset=False
    )
    User.objects.filter(pk=user.pk).update(role=grant.role, email=grant.email, is_active=True)
    user.forces.set(force_ids)
    return change.changed


def _announce(
    *, user: User, by: User | None, fields: list[str], grant: AccessGrant | None, reason: str, forces
) -> None:
    """The s.62 event for what changed now, and a notification to the inspectors of the forces involved.

    ``by`` is None for a change made from the server (``access_grant_confirm_from_server``).
    """
    home = user.home_force
    who = by.username if by else "the server"
    if fields:
        access_event_record(
            actor=by,
            operation=Operation.ALTERATION,
            object_type="user",
            object_id=user.pk,
            force=home.code if home else "",
            changed_fields=fields,
            justification=reason,
        )
    waiting = grant is not None and grant.status == AccessGrant.Status.PENDING
    if waiting:
        title = f"Access change for {user.username} waits for a sergeant or inspector to confirm it"
    elif fields:
        title = f"Access of {user.username} changed by {who}: {', '.join(fields)}"
    elif grant is not None:
        title = f"Access change for {user.username} {grant.get_status_display().lower()} by {who}"
    else:
        return
    force_ids = {*forces, *([home.pk] if home else [])}
    inspectors = selectors.inspectors_of_forces(force_ids).exclude(pk__in=[user.pk, by.pk if by else user.pk])
    url = reverse("accounts:access_grant_detail", args=[grant.pk]) if waiting else ""
    notification_send(recipients=inspectors, title=title, url=url)
