"""Tiny helpers that read settings from the environment and fail loudly on bad values."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_WHOLE = re.compile(r"[1-9][0-9]*")  # a whole number of at least 1, ASCII digits only


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.getenv(name, default).split(",") if part.strip()]


def envrates(name: str, scopes: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Request limits written as `scope=REQUESTS/SECONDS`, comma-separated (`ip=300/60,
    invitation=200/60`): {scope: (requests, seconds)}. Only the scopes given; {} when unset."""
    rates: dict[str, tuple[int, int]] = {}
    for part in envlist(name, ""):
        scope, _, rate = (piece.strip() for piece in part.partition("="))
        requests, _, seconds = (piece.strip() for piece in rate.partition("/"))
        if scope not in scopes:
            raise ImproperlyConfigured(
                f"{name}: {part!r} names no limit; write {', '.join(f'{s}=REQUESTS/SECONDS' for s in scopes)}"
            )
        if scope in rates:
            raise ImproperlyConfigured(f"{name}: {scope} is given twice")
        if not (_WHOLE.fullmatch(requests) and _WHOLE.fullmatch(seconds)):
            raise ImproperlyConfigured(
                f"{name}: {part!r} is not {scope}=REQUESTS/SECONDS with two whole numbers of at least 1"
            )
        rates[scope] = (int(requests), int(seconds))
    return rates
