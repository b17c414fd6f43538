"""Limits on what phones may send, and a per-sender token bucket."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WebLimits:
    """Limits of the participant server (the engine's own limits live in ``core.engine``)."""

    max_body_bytes: int = 8 * 1024
    """Largest request body accepted (checked on Content-Length and on the stream)."""
    rate: float = 10.0
    """Requests per second a participant may make, on average..."""
    burst: int = 20
    """...and in a burst."""
    anonymous_rate: float = 20.0
    """Requests per second from one network address that has no valid key (joins, typos).
    Generous: behind a tunnel or a proxy the whole room shares one address."""
    anonymous_burst: int = 60
    max_streams_per_participant: int = 4
    """Open event streams per participant (tabs); a new one closes the oldest."""
    heartbeat_seconds: float = 15.0
    urgent_delay: float = 0.05
    """How long a step change may wait to be coalesced with others before phones hear."""
    bulk_delay: float = 0.5
    """How often phones hear about new notes on an open board, at most..."""
    bulk_delay_per_stream: float = 0.01
    """...stretched by this much per open stream, so the refetches it sets off stay near
    100 a second: every 0.5 s for 50 phones, every 10 s for 1,000."""
    max_notes_shown: int = 300
    """An open board shows a phone the newest this many notes (and the total)."""
    view_cache_seconds: float = 0.25
    """How stale the shared part of a phone's view may be while notes pour in."""
    wrong_codes_per_address: int = 10
    """Wrong short join codes one network address may type per ``wrong_code_window``..."""
    wrong_codes_overall: int = 60
    """...and everyone together: guessing one of 148 million codes at one a second takes
    years, and many addresses guessing at once are held to the same pace."""
    wrong_code_window: float = 60.0


class TokenBuckets:
    """One token bucket per key; ``take(key)`` returns ``None`` or seconds to wait."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 20_000,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float | None:
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            self._forget_idle(now)
        self._buckets[key] = (tokens - 1.0, now)
        return None

    def _forget_idle(self, now: float) -> None:
        full = self.burst / self.rate if self.rate > 0 else 0.0
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= full:
                del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # still full of busy keys: start over
            self._buckets.clear()
