from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and pathways"

    def ready(self) -> None:
        from accounts.services import DEACTIVATION_GUARDS
        from followups import hooks as followup_hooks

        from .selectors import followups_visible, user_owns_partners

        # An agreement's renewal follow-up is seen by those who may see its partner.
        followup_hooks.visibility.register(followups_visible)
        # Nobody is deactivated while they still own a partner relationship.
        if user_owns_partners not in DEACTIVATION_GUARDS:
            DEACTIVATION_GUARDS.append(user_owns_partners)
