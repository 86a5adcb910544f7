from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.api"
    label = "api"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from oauth2_provider.models import AccessToken

        import apps.api.schema  # noqa: F401  (registers the OpenAPI authentication extensions)
        from apps.api import token_cache

        # cache invalidation only (no business behaviour): a revoked or changed token, or a changed user
        # (deactivated, role or member changed), is never answered from the token cache again. Deleting a
        # user deletes its tokens, one post_delete each.
        post_save.connect(token_cache.token_changed, sender=AccessToken, dispatch_uid="api_token_saved")
        post_delete.connect(token_cache.token_changed, sender=AccessToken, dispatch_uid="api_token_deleted")
        post_save.connect(
            token_cache.user_changed, sender=get_user_model(), dispatch_uid="api_token_user_saved"
        )
