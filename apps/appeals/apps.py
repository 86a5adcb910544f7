from django.apps import AppConfig


class AppealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.appeals"
    label = "appeals"
    verbose_name = "Grievances and appeals"

    def ready(self) -> None:
        from apps.appeals import rules  # noqa: F401  (registers the rule-table system check)
