"""API credentials.

* Mobile apps: OAuth 2 bearer tokens (django-oauth-toolkit). `ScopedOAuth2Authentication` accepts a token
  only on the resources its scopes open (scopes as data: apps.accounts.OAuthScope.resources); any other
  resource answers 403 `insufficient_scope` (default deny). On public views (AllowAny) a valid token
  needs no scope: the view answers for the token's user when one of its scopes covers the view (the
  personalised part, e.g. "my networks" needs directory.read) and anonymously otherwise. An invalid or
  expired token answers 401 everywhere, public views included (RFC 6750 §3.1).
* Mailing vendors: `Authorization: Token <key>` (DRF token of a vendor-role user, bound to one vendor) or
  an OAuth client-credentials token of an application owned by a vendor-role user (the token acts as that
  vendor user). Either way the credential is bound to one MailingVendor.
"""

import hashlib
from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import AllowAny

from apps.accounts.scopes import scopes_for_resource


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = "This token's scopes do not allow this request."
    default_code = "insufficient_scope"


def _view_name(request: Any) -> str:
    match = getattr(getattr(request, "_request", request), "resolver_match", None)
    return match.view_name if match is not None else ""


def _is_public(request: Any) -> bool:
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if view is None:
        return False
    return all(isinstance(permission, AllowAny) for permission in view.get_permissions())


def _bearer(request: Any) -> str | None:
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def _refuse_on_public(request: Any, *, public: bool) -> None:
    """A bad token on a non-public view answers 401 through the view's permission check (with the
    `oauth2_error` challenge); a public view would answer anonymously, so the token is refused here."""
    if not public:
        return
    if not getattr(request, "oauth2_error", None):
        request.oauth2_error = {"error": "invalid_token", "error_description": "The access token is invalid."}
    raise exceptions.AuthenticationFailed("The access token is invalid or expired.")


class ScopedOAuth2Authentication(OAuth2Authentication):
    """Bearer tokens from the Authorization header (RFC 6750 §2.1; never from query strings).

    The common case is validated directly, with the same rules as django-oauth-toolkit's validator (token
    looked up by its SHA-256 checksum, since tokens are hashed at rest; not expired; revoked tokens are
    deleted): one query, without building an oauthlib request. Tokens restricted to resource indicators
    (RFC 8707) go through the toolkit's full validation.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        raw = _bearer(request)
        if raw is None:
            return None
        token = (
            AccessToken.objects.select_related("user")
            .filter(token_checksum=hashlib.sha256(raw.encode("utf-8")).hexdigest())
            .first()
        )
        public = _is_public(request)
        if token is not None and token.resource:
            result = super().authenticate(request)
            if result is None:
                _refuse_on_public(request, public=public)
                return None
            token = result[1]
        elif token is None or token.is_expired():
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": "The access token is invalid.",
            }
            _refuse_on_public(request, public=public)
            return None
        user = token.user
        if user is not None and not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if user is None:  # client credentials: the application acts as its owner (a vendor)
            owner = token.application.user if token.application_id else None
            if owner is None or getattr(owner, "role", None) != "vendor" or owner.vendor_id is None:
                raise exceptions.AuthenticationFailed("Client credentials are accepted for vendors only.")
            user = owner
        required = scopes_for_resource(_view_name(request))
        if not required & set(token.scope.split()):
            if public:
                return None  # public data without the personalised part: answered as for anyone
            raise InsufficientScope()  # default deny: no scope of this token opens this resource
        return user, token


class VendorTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if getattr(user, "role", None) != "vendor" or user.vendor_id is None:
            raise exceptions.AuthenticationFailed("Token is not a vendor credential.")
        return user, token
