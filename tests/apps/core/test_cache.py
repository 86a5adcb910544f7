"""The shared cache is the real Redis, with one client per connection pool (not one per operation)."""

from __future__ import annotations

from django.core.cache import cache


def test_cache_round_trips_through_redis_and_reuses_its_client():
    cache.set("cache-test-key", {"n": 1}, 30)
    assert cache.get("cache-test-key") == {"n": 1}
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client(write=True) is backend.get_client(write=True)
    raw = backend.get_client(write=True)
    assert raw.ping() is True
    assert 0 < raw.ttl(cache.make_key("cache-test-key")) <= 30
    cache.delete("cache-test-key")
