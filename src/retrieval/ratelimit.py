"""A per-client request-rate limit for the app: a token bucket per key, pure and thread-safe.

Each client (by default its IP address) may make `requests` requests, then one more every
`per_seconds / requests` seconds. The limit is set with `RETRIEVAL_RATE_LIMIT`, written as
"REQUESTS/SECONDS" (default "30/60": 30 questions a minute, in bursts of up to 30), or "off".

Example:
    >>> limiter = RateLimiter(requests=2, per_seconds=60, clock=lambda: 0.0)
    >>> limiter.hit("10.0.0.1"); limiter.hit("10.0.0.1")
    >>> limiter.retry_after("10.0.0.1")
    30.0

Behind a reverse proxy on the same machine every client is 127.0.0.1, so the limit becomes one
shared limit; key by a trusted forwarded header there instead (see RELIABILITY.md).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable

from .errors import RetrievalError

ENV_VAR = "RETRIEVAL_RATE_LIMIT"
DEFAULT_LIMIT = "30/60"
MAX_KEYS = 10_000


class RateLimitError(RetrievalError):
    """A client asked more often than the rate limit allows."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimiter:
    """Token buckets keyed by client: `requests` per `per_seconds`, bursts of up to `requests`.

    Args:
        requests: bucket size; 0 disables the limit.
        per_seconds: time to refill an empty bucket.
        clock: monotonic seconds; injectable for tests.
        max_keys: buckets kept at most; full (idle) buckets are forgotten first.
    """

    def __init__(
        self,
        requests: int = 30,
        per_seconds: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ):
        if requests < 0 or per_seconds <= 0 or max_keys < 1:
            raise ValueError("requests must be >= 0, per_seconds > 0 and max_keys >= 1")
        self.requests = int(requests)
        self.per_seconds = float(per_seconds)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated_at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.requests > 0

    @classmethod
    def from_env(cls, value: str | None = None, **kwargs) -> "RateLimiter":
        """A limiter from "REQUESTS/SECONDS" (or "off"), by default `$RETRIEVAL_RATE_LIMIT`."""
        return cls(*parse_limit(os.environ.get(ENV_VAR, DEFAULT_LIMIT) if value is None else value), **kwargs)

    def _refilled(self, key: str, now: float) -> float:
        tokens, updated = self._buckets.get(key, (float(self.requests), now))
        rate = self.requests / self.per_seconds
        return min(float(self.requests), tokens + max(0.0, now - updated) * rate)

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may ask again; 0 when it may ask now (consumes nothing)."""
        if not self.enabled:
            return 0.0
        with self._lock:
            tokens = self._refilled(key, self.clock())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) * self.per_seconds / self.requests

    def try_acquire(self, key: str) -> float:
        """Take one request for `key`: 0.0 when allowed, else the seconds to wait (nothing taken)."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens = self._refilled(key, now)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) * self.per_seconds / self.requests
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.max_keys:
                self._evict(now)
            return 0.0

    def hit(self, key: str) -> None:
        """Take one request for `key`, or raise `RateLimitError` saying how long to wait."""
        wait = self.try_acquire(key)
        if wait > 0:
            raise RateLimitError(
                f"too many questions: the limit is {self.requests} every {self.per_seconds:g} seconds; "
                f"ask again in {math.ceil(wait)} s.",
                retry_after=wait,
            )

    def _evict(self, now: float) -> None:
        """Drop full buckets (they behave like new ones), then the oldest, down to `max_keys`."""
        for key in [k for k in self._buckets if self._refilled(k, now) >= self.requests]:
            del self._buckets[key]
        while len(self._buckets) > self.max_keys:
            oldest = min(self._buckets, key=lambda k: self._buckets[k][1])
            del self._buckets[oldest]

    def __len__(self) -> int:
        return len(self._buckets)


def parse_limit(value: str) -> tuple[int, float]:
    """"30/60" -> (30, 60.0); "off", "0" or "" -> (0, 1.0), which disables the limit."""
    text = value.strip().lower()
    if text in ("", "0", "off", "none", "false", "no"):
        return 0, 1.0
    try:
        requests, _, seconds = text.partition("/")
        parsed = int(requests), float(seconds or 1)
    except ValueError:
        parsed = (-1, 0.0)
    if parsed[0] < 1 or not (0 < parsed[1] < math.inf):
        raise ValueError(
            f"{ENV_VAR}={value!r} is not a rate limit; write REQUESTS/SECONDS such as 30/60, or off."
        )
    return parsed


def client_key(request: object | None) -> str:
    """The client's address from a Gradio/Starlette request (`request.client.host`), else "unknown"."""
    client = getattr(request, "client", None)
    host = getattr(client, "host", None)
    return str(host) if host else "unknown"
