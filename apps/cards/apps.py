from django.apps import AppConfig


class CardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.cards"
    label = "cards"

    def ready(self) -> None:
        from apps.cards.rendering import register_renderers

        register_renderers()
