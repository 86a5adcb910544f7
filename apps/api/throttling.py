"""Throttles that also report X-RateLimit-* headers (set on the response by the exception handler / mixin)."""

from typing import Any

from rest_framework import throttling


class RateLimitHeadersMixin:
    def allow_request(self, request: Any, view: Any) -> bool:
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if getattr(self, "rate", None) and getattr(self, "num_requests", None) is not None:
            history = getattr(self, "history", [])
            request._ratelimit = {  # read by the middleware-free header hook in apps.api.mixins
                "limit": self.num_requests,  # type: ignore[attr-defined]
                "remaining": max(self.num_requests - len(history) - (1 if allowed else 0), 0),  # type: ignore[attr-defined]
            }
        return allowed


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    pass
