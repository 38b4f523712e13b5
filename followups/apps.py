from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups and reminders"

    def ready(self) -> None:
        from accounts.services import DEACTIVATION_GUARDS
        from subjects import hooks

        from . import services

        # The checks a case owes, owed and closed in the transaction of the change that causes them.
        hooks.case_created.register(services.on_case_created)
        hooks.case_moved.register(services.on_case_moved)
        hooks.engagement_logged.register(services.on_engagement_logged)
        # Follow-ups still due go with the cases to their new officer.
        hooks.case_reassigned.register(services.on_cases_reassigned)
        # A signed agreement owes its relationship owner a renewal check before it expires.
        hooks.agreement_saved.register(services.on_agreement_saved)
        # Nobody is deactivated while follow-ups are still due from them.
        if services.user_holds_due_followups not in DEACTIVATION_GUARDS:
            DEACTIVATION_GUARDS.append(services.user_holds_due_followups)
