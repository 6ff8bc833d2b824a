"""Exceptions raised by fetchers and parsers.

Every error names the site (source id) and what went wrong, so a failed poll
can be recorded in the health table without guessing.
"""
from __future__ import annotations

CHALLENGE_KINDS = ("412", "ruishu_js", "403", "429", "503", "521", "near_empty")


class ScrapeError(Exception):
    """Base class for every scraping failure."""


class LayoutDriftError(ScrapeError):
    """The page no longer has the structure the parser expects."""

    def __init__(self, site: str, selector: str, detail: str = "") -> None:
        self.site = site
        self.selector = selector
        self.detail = detail
        msg = f"{site}: layout drift, selector {selector!r} matched nothing"
        super().__init__(f"{msg}: {detail}" if detail else msg)


class ChallengeError(ScrapeError):
    """An anti-bot challenge (or a blocked/empty shell) instead of content."""

    def __init__(self, site: str, url: str, kind: str, retry_after: float | None = None) -> None:
        if kind not in CHALLENGE_KINDS:
            raise ValueError(f"unknown challenge kind {kind!r}; expected one of {CHALLENGE_KINDS}")
        self.site = site
        self.url = url
        self.kind = kind
        self.retry_after = retry_after
        super().__init__(f"{site}: challenge {kind} at {url}")


class FetchError(ScrapeError):
    """A network or HTTP failure that is not a challenge."""

    def __init__(self, site: str, url: str, detail: str, status: int | None = None) -> None:
        self.site = site
        self.url = url
        self.detail = detail
        self.status = status
        super().__init__(f"{site}: fetch failed for {url}: {detail}")


class HostNotAllowed(ScrapeError):
    """A link points to a host outside the source's allowed_hosts."""

    def __init__(self, site: str, url: str) -> None:
        self.site = site
        self.url = url
        super().__init__(f"{site}: host of {url} is not in allowed_hosts")


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL for our user agent."""

    def __init__(self, site: str, url: str) -> None:
        super().__init__(site, url, "disallowed by robots.txt")


class ConfigError(ScrapeError):
    """config/sources.yaml is invalid; the message names source id and field."""


class ResponseTooLarge(FetchError):
    """A response body exceeded the configured size limit."""

    def __init__(self, site: str, url: str, limit: int) -> None:
        self.limit = limit
        super().__init__(site, url, f"body larger than {limit} bytes")
