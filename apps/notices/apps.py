from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.notices"
    label = "notices"

    def ready(self) -> None:
        from apps.documents import renderers
        from apps.notices.rendering import RENDERER_VERSION, render_notice

        # One document kind for every notice (own and imported): vendors list "notice" among their kinds.
        renderers.register("notice", render_notice, template_version=RENDERER_VERSION, previews=False)
