"""Pace IM robots across processes: a RobotLimiter whose posts are also kept in the store.

Each Airflow task that sends (a deliver run, the daily round, an alert from a failure
callback) is its own process with its own in-memory RobotLimiter. Without a shared record,
the next run would start a fresh minute right after the previous one sent 20 messages and
the robot would answer "too fast". So every post is written to `robot_posts` (in the
caller's session, committed with the delivery outcomes), and the first use of a robot in a
process seeds the limiter with the other processes' posts of the last window.
(The `yibao_delivery` pool keeps senders one at a time, so the store need not lock.)
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import time
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yibao.delivery.ratelimit import RobotLimiter
from yibao.store.models import RobotPost

KEEP_POSTS = dt.timedelta(days=1)


def _utc_naive(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).replace(tzinfo=None)


class SharedRobotLimiter:
    """The `acquire` / `block` interface of RobotLimiter, shared through the store."""

    def __init__(self, session: Session, inner: RobotLimiter, *, wall: Callable[[], float] = time.time) -> None:
        """`inner` paces this process; any object with acquire/block works (seeding needs seed/window_s)."""
        self.session = session
        self.inner = inner
        self.wall = wall
        self.process = f"{socket.gethostname()}:{os.getpid()}:{id(inner):x}"[:120]
        self._seeded: set[str] = set()

    def acquire(self, key: str) -> float:
        if key not in self._seeded:
            self._seed(key)
        waited = self.inner.acquire(key)
        self.session.add(RobotPost(robot_key=key[:80], process=self.process, at=_utc_naive(self.wall())))
        return waited

    def block(self, key: str, seconds: float) -> None:
        self.inner.block(key, seconds)

    def _seed(self, key: str) -> None:
        self._seeded.add(key)
        if not hasattr(self.inner, "seed"):
            return
        now = self.wall()
        since = _utc_naive(now - self.inner.window_s)
        self.session.execute(delete(RobotPost).where(RobotPost.at < _utc_naive(now) - KEEP_POSTS))
        posts = self.session.scalars(select(RobotPost.at).where(
            RobotPost.robot_key == key[:80], RobotPost.at >= since, RobotPost.process != self.process))
        epoch = dt.datetime(1970, 1, 1)
        self.inner.seed(key, [now - (at - epoch).total_seconds() for at in posts])
