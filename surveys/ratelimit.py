"""Fixed-window request counting for the anonymous submission endpoints: in Redis directly (a
small Lua script, one round trip for both counters) where the cache is Redis, in Django's cache
otherwise.

Limits are generous on purpose: a whole village can reach us through one carrier-grade NAT
address, so the per-address limit only stops a runaway script, and the per-invitation limit
stops one link from being flooded. Addresses are never stored: only a keyed hash of one is part
of a cache key, and the key expires with its window.

Override in settings: SUBMISSION_RATE_LIMITS = {"ip": (requests, seconds), "invitation": (requests,
seconds)}, which the environment variable of the same name sets (`ip=300/60,invitation=200/60`,
survey_site/settings.py); a scope not given keeps its default.
"""

import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

DEFAULT_LIMITS = {"ip": (300, 60), "invitation": (200, 60)}


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "SUBMISSION_RATE_LIMITS", {})}


def _hashed(value: str) -> str:
    return salted_hmac("surveys.ratelimit", value, algorithm="sha256").hexdigest()[:32]


def _window_key(scope: str, value: str, seconds: int) -> str:
    """The counter of the current fixed window for this scope and (hashed) value."""
    return f"rl:{scope}:{_hashed(value)}:{int(time.time() // seconds)}"


def _hit(scope: str, value: str, limit: int, seconds: int) -> bool:
    """Count one request; True while the window's count stays within the limit."""
    key = _window_key(scope, value, seconds)
    # incr() first: one round trip for every request but the window's first.
    for _attempt in range(3):
        try:
            return cache.incr(key) <= limit
        except ValueError:  # the window's first request (or its key just expired)
            if cache.add(key, 1, timeout=seconds + 1):
                return 1 <= limit
            # Another request made it meanwhile: count again (it may be gone again already, culled
            # or cleared, which made this a 500 for the respondent).
    return True  # the counter keeps vanishing under us: let the request through uncounted


# Count one request in each window key (KEYS) and return the counts; a window's first request
# also sets its expiry (ARGV: seconds per key). One round trip, whatever the number of counters.
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return counts
"""


@lru_cache(maxsize=4)
def _redis_counter(location: str):
    import redis

    return redis.Redis.from_url(location).register_script(_COUNT)


def _redis_count():
    """The counting script on the default cache's Redis, or None when the cache is not Redis."""
    config = settings.CACHES["default"]
    if config["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return None
    location = config["LOCATION"]
    return _redis_counter(location if isinstance(location, str) else location[0])


def _hits_redis(count, counters: list[tuple[str, str, int, int]]) -> bool:
    keys = [_window_key(scope, value, seconds) for scope, value, _limit, seconds in counters]
    counts = count(keys=keys, args=[seconds + 1 for *_rest, seconds in counters])
    return all(n <= limit for n, (_s, _v, limit, _sec) in zip(counts, counters, strict=True))


def client_address(request) -> str:
    """The sender's address, for the rate limits and the login lockout.

    Directly on the internet that is REMOTE_ADDR. Behind NUM_PROXIES reverse proxies (nginx…)
    REMOTE_ADDR is the nearest proxy's for everyone, so the address is read from
    X-Forwarded-For instead: the one the outermost of our proxies saw, NUM_PROXIES from the right
    (each proxy appends what it saw; anything further left came from the client and can be
    anything). Without the header, REMOTE_ADDR.
    """
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if proxies else ""
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if hops:
        return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def retry_after() -> int:
    """Seconds until every submission counter's current window has ended (the Retry-After of a
    429): the windows are fixed, so a refused client may try again once they roll over."""
    now = int(time.time())
    return max(seconds - now % seconds for _limit, seconds in _limits().values())


def submission_allowed(request, *, token: str | None) -> bool:
    """Count this submission against the address and (`token` not None) the invitation; False
    means answer 429. One round trip to Redis for both."""
    limits = _limits()
    counters = [("ip", client_address(request), *limits["ip"])]
    if token is not None:
        counters.append(("invitation", token, *limits["invitation"]))
    count = _redis_count()
    if count is not None:
        return _hits_redis(count, counters)
    results = [_hit(*counter) for counter in counters]  # both counted, even when the first says no
    return all(results)
