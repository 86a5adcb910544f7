from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        from apps.accounts.models import OAuthScope
        from apps.accounts.scopes import scopes_cache_clear

        # cache invalidation only (no business behaviour): a changed scope row takes effect at once
        post_save.connect(scopes_cache_clear, sender=OAuthScope, dispatch_uid="oauth_scope_saved")
        post_delete.connect(scopes_cache_clear, sender=OAuthScope, dispatch_uid="oauth_scope_deleted")
