from django.apps import AppConfig


class FormularyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.formulary"
    label = "formulary"
