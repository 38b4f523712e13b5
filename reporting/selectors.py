"""Who sees which returns: a force's return needs that force; the regional summary needs every active force."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Force, User

from .models import REGION, QuarterlyReturn


def scopes_for_user(user: User) -> list[tuple[str, str]]:
    """The scopes (code, label) a user may see: their forces, and the region if they have them all."""
    mine = list(user.forces.filter(active=True).order_by("name").values_list("code", "name"))
    choices = list(mine)
    if _sees_region(user):
        choices.insert(0, (REGION, "Regional summary (all forces)"))
    return choices


def _sees_region(user: User) -> bool:
    return not Force.objects.filter(active=True).exclude(pk__in=user.forces.values("pk")).exists()


def return_list_visible(user: User) -> QuerySet[QuarterlyReturn]:
    visible = Q(force__in=user.forces.all())
    if _sees_region(user):
        visible |= Q(force__isnull=True)
    return QuarterlyReturn.objects.filter(visible).select_related("force", "generated_by", "submitted_by")


def return_get_visible(user: User, pk: int) -> QuarterlyReturn:
    found = return_list_visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such return.")
    return found
