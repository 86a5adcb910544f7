"""Validated bearer tokens kept in Redis, so a mobile-app request needs no database round trip to
authenticate, and the user's rate limit is counted in the same Redis call.

Entries are keyed by the token's SHA-256 checksum (the same value the database indexes; the token itself
is never stored) and hold what authentication and authorization need: the access token's columns but its
`token` text, and the user's columns but the password hash, names and e-mail. Those are loaded on first
access like any deferred field, and a `save()` of such an instance writes only the loaded fields.

Only user tokens that passed validation are cached (not client-credentials tokens, not tokens restricted
to resource indicators): an entry lives `API_TOKEN_CACHE_SECONDS` at most, and never past the token's
own expiry, which is checked again on every use.

Revocation stays immediate: saving or deleting an AccessToken, and saving or deleting a User (e.g. an
admin deactivating the account, a role or member change; not a sign-in's last_login stamp), writes a
tombstone over the affected entries (apps.api.apps connects the receivers). A tombstone outlives any
entry, and entries are only ever written with SET NX, so a request that read the token from the database
just before the revocation cannot put it back. Changes that bypass model signals (`QuerySet.update()`,
raw SQL on these two tables) take effect within `API_TOKEN_CACHE_SECONDS`; so does a revocation made
while Redis is down.

With any cache backend other than Redis (or `API_TOKEN_CACHE_SECONDS = 0`) nothing is cached and every
request reads the token from the database.
"""

from __future__ import annotations

import logging
import math
import pickle
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache as default_cache
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import AccessToken

from apps.core.cache import redis_client_of

logger = logging.getLogger(__name__)

TOMBSTONE = b"-"
# Left out of the entries (deferred on the cached instances): the token text, and the user's password
# hash and personal details, which no authorization decision needs.
UNCACHED_TOKEN_FIELDS = frozenset({"token"})
UNCACHED_USER_FIELDS = frozenset({"password", "first_name", "last_name", "email"})
# Saving only these leaves every entry valid (no authorization decision reads them).
_IRRELEVANT_USER_FIELDS = frozenset({"last_login"})

# KEYS[1]: the entry. ARGV: the user rate-limit counter's key as prefix and suffix around the user's pk
# (empty: do not count), and the window in seconds. Returns {0} (no entry), {1} (tombstone) or
# {2, entry[, count, ttl]}. The counter is the same key apps.api.throttling counts on otherwise.
_LOOKUP_LUA = """
local entry = redis.call('GET', KEYS[1])
if not entry then return {0} end
if entry == '-' then return {1} end
if ARGV[1] == '' then return {2, entry} end
local pk = string.match(entry, '^([^\\n]*)\\n')
local key = ARGV[1] .. pk .. ARGV[2]
local count = redis.call('INCR', key)
redis.call('EXPIRE', key, tonumber(ARGV[3]), 'NX')
return {2, entry, count, redis.call('TTL', key)}
"""


@dataclass(frozen=True)
class UserCount:
    """Where a user rate limit counts: key = prefix + user pk + suffix, over `duration` seconds."""

    prefix: str
    suffix: str
    duration: int


@dataclass(frozen=True)
class Hit:
    token: AccessToken
    count: tuple[str, int, int] | None  # (counter key, count, ttl) when the rate limit was counted


def _seconds() -> int:
    return int(getattr(settings, "API_TOKEN_CACHE_SECONDS", 60) or 0)


def _client() -> Any:
    """The redis-py client behind the default cache, or None when the cache is not Redis or caching is off."""
    return redis_client_of(default_cache) if _seconds() > 0 else None


def entry_key(checksum: str) -> str:
    return str(default_cache.make_key("apitoken:" + checksum))


@cache
def _script(client: Any) -> Any:
    return client.register_script(_LOOKUP_LUA)


@dataclass(frozen=True)
class _Fields:
    token: list[str]
    user: list[str]


@cache
def _fields() -> _Fields:
    user_model = get_user_model()
    return _Fields(
        token=[f.attname for f in AccessToken._meta.concrete_fields if f.name not in UNCACHED_TOKEN_FIELDS],
        user=[f.attname for f in user_model._meta.concrete_fields if f.name not in UNCACHED_USER_FIELDS],
    )


def lookup(checksum: str, count: UserCount | None = None) -> Hit | None:
    """The cached token (with its user) for this checksum, counting the user's rate limit in the same call;
    None when there is no usable entry (the caller reads the database)."""
    client = _client()
    if client is None:
        return None
    try:
        status, *rest = _script(client)(
            keys=[entry_key(checksum)],
            args=[count.prefix, count.suffix, count.duration] if count else ["", "", 0],
        )
    except Exception:
        logger.warning("token cache lookup failed; reading the token from the database", exc_info=True)
        return None
    if status != 2:
        return None
    entry: bytes = rest[0]
    user_pk = entry.split(b"\n", 1)[0].decode()
    token_values, user_values = pickle.loads(entry[entry.index(b"\n") + 1 :])  # noqa: S301 (see above)
    fields = _fields()
    token = AccessToken.from_db(connection.alias, fields.token, token_values)
    token.user = get_user_model().from_db(connection.alias, fields.user, user_values)
    counted = None
    if count is not None and len(rest) == 3:
        counted = (count.prefix + user_pk + count.suffix, int(rest[1]), int(rest[2]))
    return Hit(token=token, count=counted)


def store(checksum: str, token: AccessToken) -> None:
    """Cache a token that just passed validation (a user token, no resource indicators). SET NX: never over
    a tombstone, so a revocation that happened since the database read wins."""
    client = _client()
    if client is None or token.user is None or token.resource:
        return
    ttl = min(_seconds(), math.floor((token.expires - timezone.now()).total_seconds()))
    if ttl <= 0:
        return
    fields = _fields()
    values = (
        [getattr(token, name) for name in fields.token],
        [getattr(token.user, name) for name in fields.user],
    )
    entry = f"{token.user.pk}\n".encode() + pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        client.set(entry_key(checksum), entry, ex=ttl, nx=True)
    except Exception:
        logger.warning("token cache store failed", exc_info=True)


def forget(checksums: list[str]) -> None:
    """Tombstone these tokens' entries, for longer than any entry lives."""
    client = _client() if checksums else None
    if client is None:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for checksum in checksums:
            pipe.set(entry_key(checksum), TOMBSTONE, ex=_seconds() + 5)
        pipe.execute()
    except Exception:
        # The change itself stands; the stale entry expires within API_TOKEN_CACHE_SECONDS.
        logger.exception("token cache: could not tombstone %d token(s)", len(checksums))


# --- receivers (connected in apps.api.apps): cache invalidation only, no business behaviour -------------


def token_changed(sender: Any, instance: AccessToken, created: bool = False, **kwargs: Any) -> None:
    if not created and instance.token_checksum:
        forget([instance.token_checksum])


def user_changed(
    sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if created or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= _IRRELEVANT_USER_FIELDS:
        return  # e.g. a console sign-in stamping last_login: nothing authorization reads
    forget(list(AccessToken.objects.filter(user_id=instance.pk).values_list("token_checksum", flat=True)))
