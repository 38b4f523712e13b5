from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "Subjects and cases"

    def ready(self) -> None:
        from accounts.services import DEACTIVATION_GUARDS

        from .services.cases import user_holds_open_cases
        from .timeline import register_subject_sources

        register_subject_sources()
        # Nobody is deactivated while open cases are still assigned to them.
        if user_holds_open_cases not in DEACTIVATION_GUARDS:
            DEACTIVATION_GUARDS.append(user_holds_open_cases)
