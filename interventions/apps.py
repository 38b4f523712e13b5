from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Interventions and disposals"

    def ready(self) -> None:
        from accounts.services import DEACTIVATION_GUARDS
        from subjects.services import CLOSE_GUARDS

        from . import services

        # A case closes only with an approved disposal; nobody is deactivated holding open cases.
        if services.case_has_approved_disposal not in CLOSE_GUARDS:
            CLOSE_GUARDS.append(services.case_has_approved_disposal)
        if services.user_holds_open_cases not in DEACTIVATION_GUARDS:
            DEACTIVATION_GUARDS.append(services.user_holds_open_cases)

        from .timeline import register_timeline_sources

        # Interventions, disposal decisions and supervisory reviews on every subject's timeline.
        register_timeline_sources()
