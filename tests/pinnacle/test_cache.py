"""The cache keeps one Redis client per connection pool (Django builds one per operation)."""

from django.core.cache import cache


def test_cache_operations_share_one_redis_client_and_still_work():
    client = cache._cache.get_client("a")
    cache.set("shared-client", 1)
    assert cache.get("shared-client") == 1
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool
