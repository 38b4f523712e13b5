"""Partner views: thin interfaces that parse input, call one service or selector, and render."""

from accounts.models import User
from accounts.selectors import force_ids_accessible

from ..models import Partner


def force_code_for(user: User, partner: Partner) -> str:
    """The force an access event about ``partner`` is filed under: the first it covers that ``user`` may see.

    A partner spans forces and the log holds one; the viewer saw it through this one.
    """
    accessible = force_ids_accessible(user)
    codes = sorted(force.code for force in partner.forces.all() if force.pk in accessible)
    return codes[0] if codes else ""
