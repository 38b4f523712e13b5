from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Interventions and disposals"

    def ready(self) -> None:
        from subjects import hooks

        from . import dashboard, services
        from .timeline import register_timeline_sources

        # A case closes only with an approved disposal.
        hooks.close_guards.register(services.case_has_approved_disposal)
        # The case page shows the case's interventions, disposals and latest reviews.
        hooks.case_page_sections.register(dashboard.case_section_context)
        # Interventions, disposal decisions and supervisory reviews on every subject's timeline.
        register_timeline_sources()
