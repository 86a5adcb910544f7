"""OAuth2 scopes read from the OAuthScope table (scopes as data)."""

from typing import Any

from oauth2_provider.scopes import BaseScopes


class DatabaseScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        from apps.accounts.models import OAuthScope

        return dict(OAuthScope.objects.values_list("name", "description"))

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(self.get_all_scopes())

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        from apps.accounts.models import OAuthScope

        return list(OAuthScope.objects.filter(is_default=True).values_list("name", flat=True))
