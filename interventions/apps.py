from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Interventions and disposals"

    def ready(self) -> None:
        from followups import hooks as followup_hooks
        from subjects import hooks

        from . import dashboard, escalations, services
        from .timeline import register_timeline_sources

        # A case closes only with an approved disposal.
        hooks.close_guards.register(services.case_has_approved_disposal)
        # The case page shows the case's interventions, disposals and latest reviews.
        hooks.case_page_sections.register(dashboard.case_section_context)
        # The new officer of a reassigned case takes over its unsent disposal proposals.
        hooks.case_reassigned.register(services.disposals_follow_cases)
        # Interventions, disposal decisions and supervisory reviews on every subject's timeline.
        register_timeline_sources()
        # Approvals waiting too long are escalated to the inspectors by the follow-up sweep.
        followup_hooks.approvals_escalate.register(escalations.approvals_escalate)
