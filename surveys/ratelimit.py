"""Fixed-window request counting in Django's cache, for the anonymous submission endpoints.

Limits are generous on purpose: a whole village can reach us through one carrier-grade NAT
address, so the per-address limit only stops a runaway script, and the per-invitation limit
stops one link from being flooded. Addresses are never stored: only a keyed hash of one is part
of a cache key, and the key expires with its window.

Override in settings: SUBMISSION_RATE_LIMITS = {"ip": (requests, seconds), "invitation": (requests, seconds)}.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

DEFAULT_LIMITS = {"ip": (300, 60), "invitation": (200, 60)}


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "SUBMISSION_RATE_LIMITS", {})}


def _hashed(value: str) -> str:
    return salted_hmac("surveys.ratelimit", value, algorithm="sha256").hexdigest()[:32]


def _hit(scope: str, value: str, limit: int, seconds: int) -> bool:
    """Count one request; True while the window's count stays within the limit."""
    window = int(time.time() // seconds)
    key = f"rl:{scope}:{_hashed(value)}:{window}"
    # incr() first: one round trip for every request but the window's first.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request (or its key just expired)
        if cache.add(key, 1, timeout=seconds + 1):
            count = 1
        else:  # another request made it meanwhile
            count = cache.incr(key)
    return count <= limit


def client_address(request) -> str:
    # REMOTE_ADDR only: a proxy in front must set it (e.g. gunicorn --forwarded-allow-ips),
    # since X-Forwarded-For from the open internet can be anything.
    return request.META.get("REMOTE_ADDR", "")


def submission_allowed(request, *, token: str) -> bool:
    """Count this submission against the address and the invitation; False means answer 429."""
    limits = _limits()
    by_address = _hit("ip", client_address(request), *limits["ip"])
    by_invitation = _hit("invitation", token, *limits["invitation"])
    return by_address and by_invitation
