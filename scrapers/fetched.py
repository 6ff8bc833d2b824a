"""What one poll of a source returns: the articles fetched (new, changed, or changed in place),
their attachments, and the figures of the poll (health, requests, re-checks, withdrawn pages)."""
from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.base import ArticlePage, AttachmentLink, ListEntry
from scrapers.crawl_state import CrawlState


@dataclass
class FetchedAttachment:
    link: AttachmentLink
    data: bytes | None
    content_type: str | None
    status: str  # "ok" | "not_modified" | "too_large" | "error" | "skipped_host"
    error: str | None = None
    sha256: str | None = None  # of the bytes ("ok"), or of the unchanged bytes known from before ("not_modified")
    validators: dict = field(default_factory=dict)  # ETag / Last-Modified of the answer


@dataclass
class FetchedArticle:
    entry: ListEntry
    page: ArticlePage
    raw: bytes
    url: str
    headers: dict[str, str]
    attachments: list[FetchedAttachment] = field(default_factory=list)
    column: str = ""
    recheck: bool = False  # fetched again by the re-check cycle (a known article)


@dataclass
class CrawlResult:
    source_id: str
    articles: list[FetchedArticle]
    health: str  # "ok" | "challenged" | "drifted" | "error"
    health_detail: str
    requests: int
    not_modified: int
    state: CrawlState
    errors: list[str] = field(default_factory=list)
    column_health: dict[str, str] = field(default_factory=dict)
    rechecked: int = 0  # known articles fetched again on this poll
    recheck_requests: int = 0
    recheck_not_modified: int = 0  # of those requests, answered 304
    recheck_deferred: int = 0  # due but over the host budget
    withdrawn: list[str] = field(default_factory=list)  # urls that just reached WITHDRAWN_AFTER_MISSES 404s
    returned: list[str] = field(default_factory=list)  # urls reported withdrawn that answer again
    full_cycle_completed: bool = False
