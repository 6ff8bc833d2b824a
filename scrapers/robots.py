"""robots.txt cache: one parsed file per origin (scheme://host:port)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser


@dataclass
class RobotsEntry:
    parser: RobotFileParser | None  # None = no robots.txt (allow all)
    fetched_at: float


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def robots_url(url: str) -> str:
    return origin(url) + "/robots.txt"


def parse_robots(text: str) -> RobotFileParser:
    rp = RobotFileParser()
    rp.parse(text.splitlines())
    return rp


class RobotsCache:
    """Holds parsed robots.txt per origin for ``ttl_s`` seconds."""

    def __init__(self, ttl_s: float = 6 * 3600) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, RobotsEntry] = {}

    def get(self, url: str) -> RobotsEntry | None:
        entry = self._entries.get(origin(url))
        if entry is None or time.monotonic() - entry.fetched_at > self.ttl_s:
            return None
        return entry

    def put(self, url: str, text: str | None) -> RobotsEntry:
        entry = RobotsEntry(parse_robots(text) if text is not None else None, time.monotonic())
        self._entries[origin(url)] = entry
        return entry

    @staticmethod
    def allowed(entry: RobotsEntry, user_agent: str, url: str) -> bool:
        return True if entry.parser is None else entry.parser.can_fetch(user_agent, url)
