from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "Subjects and cases"

    def ready(self) -> None:
        from .timeline import register_subject_sources

        register_subject_sources()
