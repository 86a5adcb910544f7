"""The OAuth 2 endpoints memberhub exposes under /o/ (namespace "oauth2_provider").

Only what the mobile apps and vendors use: authorize (PKCE S256), token, revoke, the authorization server
metadata, and the user's own authorized-tokens pages. django-oauth-toolkit's application management views
(/o/applications/...) are NOT exposed: they let any signed-in user (a member included) register an OAuth
client. Applications are registered by admins at /console/oauth-apps/.

config/urls.py should include this module: path("o/", include("apps.api.oauth_urls", namespace="oauth2_provider")).
"""

from django.urls import path
from oauth2_provider import views
from oauth2_provider.urls import metadata_urlpatterns

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("authorized_tokens/", views.AuthorizedTokensListView.as_view(), name="authorized-token-list"),
    path(
        "authorized_tokens/<slug:pk>/delete/",
        views.AuthorizedTokenDeleteView.as_view(),
        name="authorized-token-delete",
    ),
    *metadata_urlpatterns,
]
