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
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import AllowAny

from apps.accounts.scopes import scopes_for_resource
from apps.api import token_cache
from apps.api.throttling import COUNTED_ATTR, user_count_for


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


@dataclass(frozen=True)
class _TokenLookup:
    sql: str
    token_fields: list[str]
    user_fields: list[str]
    converters: list[
        tuple[int, Any, Any]
    ]  # (column index, converter, Col expression) as the ORM applies them


@cache
def _token_lookup() -> _TokenLookup:
    """SELECT of the token and its user (every concrete column of both, from the models' metadata) by token
    checksum, written once per process instead of compiling a queryset on every request (on this hot path
    the ORM's query compilation costs several times the query itself). Values go through the same field
    converters the ORM applies (e.g. the token's JSON `resource`)."""
    user_model = get_user_model()
    qn = connection.ops.quote_name
    fields = [(AccessToken, f) for f in AccessToken._meta.concrete_fields] + [
        (user_model, f) for f in user_model._meta.concrete_fields
    ]
    columns = [f"{'t' if model is AccessToken else 'u'}.{qn(f.column)}" for model, f in fields]
    converters = []
    for index, (model, field) in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            converters.append((index, converter, col))
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(AccessToken._meta.db_table)} t "  # noqa: S608 (model names)
        f"LEFT JOIN {qn(user_model._meta.db_table)} u "
        f"ON u.{qn(user_model._meta.pk.column)} = t.{qn(AccessToken._meta.get_field('user').column)} "
        f"WHERE t.{qn(AccessToken._meta.get_field('token_checksum').column)} = %s"
    )
    return _TokenLookup(
        sql=sql,
        token_fields=[f.attname for f in AccessToken._meta.concrete_fields],
        user_fields=[f.attname for f in user_model._meta.concrete_fields],
        converters=converters,
    )


def access_token_by_checksum(checksum: str) -> AccessToken | None:
    """The access token with this SHA-256 checksum and its user (one query, no queryset compile), or None."""
    lookup = _token_lookup()
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, [checksum])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, converter, col in lookup.converters:
        values[index] = converter(values[index], col, connection)
    split = len(lookup.token_fields)
    token = AccessToken.from_db(connection.alias, lookup.token_fields, values[:split])
    if values[split] is not None:
        token.user = get_user_model().from_db(connection.alias, lookup.user_fields, values[split:])
    return token


class ScopedOAuth2Authentication(OAuth2Authentication):
    """Bearer tokens from the Authorization header (RFC 6750 §2.1; never from query strings).

    The common case is validated directly, with the same rules as django-oauth-toolkit's validator (token
    looked up by its SHA-256 checksum, since tokens are hashed at rest; not expired; revoked tokens are
    deleted): from the Redis token cache (apps.api.token_cache, which also counts the user's rate limit in
    the same call), else one query, without building an oauthlib request. Tokens restricted to resource
    indicators (RFC 8707) go through the toolkit's full validation.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        raw = _bearer(request)
        if raw is None:
            return None
        checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        public = _is_public(request)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        hit = token_cache.lookup(checksum, user_count_for(view))
        if hit is not None:
            token: Any = hit.token
            if hit.count is not None:
                key, count, ttl = hit.count
                getattr(request, "_request", request).__dict__.setdefault(COUNTED_ATTR, {})[key] = (
                    count,
                    ttl,
                )
        else:
            token = access_token_by_checksum(checksum)
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
        if hit is None and user is not None:
            token_cache.store(checksum, token)  # the next request needs no database read (see token_cache)
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
