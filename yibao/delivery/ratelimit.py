"""Client-side pacing per IM robot: at most ``per_minute`` sends in any sliding window.

One ``RobotLimiter`` is shared by every send to the same robot in a process (the
key is the webhook identity, not the secret). ``reserve`` books the next free slot
and says how long to wait; ``acquire`` books and sleeps. The clock and sleep are
injectable so tests and benchmarks can use a fake or a short "minute".
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class RobotLimiter:
    def __init__(
        self,
        per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        *,
        window_s: float = 60.0,
        margin_s: float = 1.0,
    ) -> None:
        """``margin_s`` is added to the window: network jitter must not let a
        request land inside the server's window of the 20th-last one."""
        if per_minute < 1:
            raise ValueError(f"per_minute must be >= 1, not {per_minute}")
        self.per_minute = per_minute
        self.window_s = window_s + margin_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def reserve(self, key: str) -> float:
        """Book the earliest allowed send time for ``key``; return seconds to wait (>= 0)."""
        with self._lock:
            now = self._clock()
            slots = self._slots.setdefault(key, deque())
            start = max(now, self._blocked_until.get(key, 0.0))
            if slots:
                start = max(start, slots[-1])          # bookings stay in order (FIFO)
            if len(slots) >= self.per_minute:
                # the per_minute-th last booking must have left the window first
                start = max(start, slots[-self.per_minute] + self.window_s)
            slots.append(start)
            while len(slots) > self.per_minute:
                slots.popleft()
            return start - now

    def acquire(self, key: str) -> float:
        """Block until ``key`` may send; return the seconds waited."""
        wait = self.reserve(key)
        if wait > 0:
            self._sleep(wait)
        return wait

    def block(self, key: str, seconds: float) -> None:
        """The robot told us to back off (e.g. DingTalk's 10-minute throttle)."""
        with self._lock:
            until = self._clock() + seconds
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), until)

    def seed(self, key: str, ages_s: list[float]) -> None:
        """Count posts another process made `ages_s` seconds ago against this window."""
        with self._lock:
            now = self._clock()
            slots = self._slots.setdefault(key, deque())
            merged = sorted([now - a for a in ages_s if 0 <= a < self.window_s] + list(slots))
            slots.clear()
            slots.extend(merged[-self.per_minute:])

    def sent_in_window(self, key: str) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for t in self._slots.get(key, ()) if now - self.window_s < t <= now)
