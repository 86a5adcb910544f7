"""Throttles that report their state as rate-limit headers.

Each throttle records `{"limit", "remaining", "reset"}` on the Django request (the tightest of all
throttles that ran wins); `apps.api.mixins.RateLimitHeadersApiMixin` copies it into
`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF draft fields) and the legacy
`X-RateLimit-*` names. A refused request answers 429 with `Retry-After` (DRF) and the one error shape.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import throttling

RATE_LIMIT_ATTR = "_ratelimit"


def rate_limit_headers(info: dict[str, int]) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(info["limit"]),
        "RateLimit-Remaining": str(info["remaining"]),
        "RateLimit-Reset": str(info["reset"]),
        "X-RateLimit-Limit": str(info["limit"]),
        "X-RateLimit-Remaining": str(info["remaining"]),
    }


class RateLimitHeadersMixin:
    def allow_request(self, request: Any, view: Any) -> bool:
        allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
        num_requests = getattr(self, "num_requests", None)
        if not getattr(self, "rate", None) or num_requests is None or getattr(self, "key", None) is None:
            return allowed
        history: list[float] = getattr(self, "history", [])
        now: float = getattr(self, "now", 0.0)
        duration: int = getattr(self, "duration", 0)
        # After a success the current request is already in `history`.
        remaining = max(num_requests - len(history), 0)
        reset = math.ceil(duration - (now - history[-1])) if history else duration
        info = {"limit": num_requests, "remaining": remaining, "reset": max(reset, 0)}
        django_request = getattr(request, "_request", request)
        current = getattr(django_request, RATE_LIMIT_ATTR, None)
        if current is None or info["remaining"] < current["remaining"]:
            setattr(django_request, RATE_LIMIT_ATTR, info)
        return allowed


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    pass
