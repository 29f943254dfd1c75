"""A small per-process memo with a time to live, for what the submission path would otherwise read
from the database on every request (a survey's catalog and quotas, recent answering times).

Each process keeps its own: nothing is shared, nothing outlives the process. An entry is used
until it is `ttl` seconds old; when `max_entries` is reached the memo starts again empty (the keys
are surveys, of which a process serves a handful).
"""

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ProcessMemo(Generic[V]):
    def __init__(self, *, ttl: float, max_entries: int = 256):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, load: Callable[[], V], *, fresh: bool = False) -> V:
        """The remembered value of `key`, or `load()` (remembered) when there is none, it is
        too old, or `fresh` asks for a new one."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now and not fresh:
            return hit[1]
        value = load()
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: V) -> None:
        """Remember `value` for `key` from now on."""
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, value)

    def peek(self, key: Hashable) -> V | None:
        """The remembered value of `key` while it is younger than `ttl`, else None."""
        hit = self._entries.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def clear(self) -> None:
        self._entries.clear()
