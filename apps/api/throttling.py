"""Throttles that report their state as rate-limit headers.

Each throttle records `{"limit", "remaining", "reset"}` on the Django request (the tightest of all
throttles that ran wins); `apps.api.mixins.RateLimitHeadersApiMixin` copies it into
`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF draft fields) and the legacy
`X-RateLimit-*` names. A refused request answers 429 with `Retry-After` (DRF) and the one error shape.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.cache import cache as default_cache
from rest_framework import throttling

from apps.api.token_cache import UserCount
from apps.core.cache import redis_client_of

RATE_LIMIT_ATTR = "_ratelimit"
# Counts already made for this request, {counter key: (count, ttl)}: bearer authentication counts the
# user's rate limit in the Redis call that reads its cached token (apps.api.token_cache).
COUNTED_ATTR = "_ratelimit_counted"
_PK = "{user-pk}"


def rate_limit_headers(info: dict[str, int]) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(info["limit"]),
        "RateLimit-Remaining": str(info["remaining"]),
        "RateLimit-Reset": str(info["reset"]),
        "X-RateLimit-Limit": str(info["limit"]),
        "X-RateLimit-Remaining": str(info["remaining"]),
    }


class RateLimitHeadersMixin:
    """DRF's rate parsing and cache keys, counted in Redis when the cache is Redis.

    On Redis each client's requests are counted in a window that opens with its first request (INCR, then
    EXPIRE ... NX, then TTL, pipelined: one round trip, atomic across every web worker and machine; for a
    bearer token found in the token cache, the count was already made in the same call as the lookup).
    DRF's own throttle keeps a list of timestamps and writes it back (get, then set): two round trips, a
    pickled list of up to `limit` floats, and concurrent requests on other workers can overwrite each
    other's updates. Any other cache backend (e.g. a local-memory cache in a one-process setup) falls back
    to DRF's sliding window.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        client = redis_client_of(self.cache) if getattr(self, "rate", None) else None  # type: ignore[attr-defined]
        if client is None:
            allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
            self._record_from_history(request)
            return allowed
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        limit: int = self.num_requests  # type: ignore[attr-defined]
        duration: int = self.duration  # type: ignore[attr-defined]
        # a key of its own ("count:"), apart from DRF's timestamp lists
        key = self.cache.make_key("count:" + self.key)  # type: ignore[attr-defined]
        counted = getattr(getattr(request, "_request", request), COUNTED_ATTR, {}).pop(key, None)
        if counted is not None:
            count, ttl = counted
        else:
            pipe = client.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, duration, nx=True)
            pipe.ttl(key)
            count, _, ttl = pipe.execute()
        self._reset = ttl if ttl and ttl > 0 else duration
        self._record(request, limit=limit, remaining=max(limit - int(count), 0), reset=self._reset)
        return int(count) <= limit

    def wait(self) -> float | None:
        reset = getattr(self, "_reset", None)
        if reset is not None:
            return float(reset)
        wait: float | None = super().wait()  # type: ignore[misc]
        return wait

    def _record_from_history(self, request: Any) -> None:
        num_requests = getattr(self, "num_requests", None)
        if not getattr(self, "rate", None) or num_requests is None or getattr(self, "key", None) is None:
            return
        history: list[float] = getattr(self, "history", [])
        now: float = getattr(self, "now", 0.0)
        duration: int = getattr(self, "duration", 0)
        # After a success the current request is already in `history`.
        reset = math.ceil(duration - (now - history[-1])) if history else duration
        self._record(request, limit=num_requests, remaining=max(num_requests - len(history), 0), reset=reset)

    @staticmethod
    def _record(request: Any, *, limit: int, remaining: int, reset: int) -> None:
        """Keep the tightest of the throttles that ran on this request."""
        info = {"limit": limit, "remaining": remaining, "reset": max(reset, 0)}
        django_request = getattr(request, "_request", request)
        current = getattr(django_request, RATE_LIMIT_ATTR, None)
        if current is None or info["remaining"] < current["remaining"]:
            setattr(django_request, RATE_LIMIT_ATTR, info)


def user_count_for(view: Any) -> UserCount | None:
    """Where this view's per-user rate limit counts in Redis (the counter key around the user's pk), so that
    bearer authentication can count it ahead in the same call as the token lookup; None when the view has
    no such limit or it is not counted in the default Redis cache."""
    for throttle_class in getattr(view, "throttle_classes", ()):
        if not issubclass(throttle_class, UserRateThrottle) or (
            throttle_class.get_cache_key is not throttling.UserRateThrottle.get_cache_key
        ):
            continue
        throttle = throttle_class()
        if (
            not throttle.rate
            or throttle.cache is not default_cache
            or redis_client_of(throttle.cache) is None
        ):
            return None
        template = throttle.cache.make_key(
            "count:" + throttle.cache_format % {"scope": throttle.scope, "ident": _PK}
        )
        prefix, found, suffix = template.partition(_PK)
        return UserCount(prefix=prefix, suffix=suffix, duration=throttle.duration) if found else None
    return None


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    pass
