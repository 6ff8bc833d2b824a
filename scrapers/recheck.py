"""The re-check cycle: which known articles to fetch again on this poll.

Pure bookkeeping (no I/O). Each known article remembers its validators (ETag /
Last-Modified), those of its attachments, when it was last checked and when it
is due again. How often depends on its age (RecheckConfig.period_days): every
poll while recent, then weekly, then monthly. A newly known article gets a
stable phase inside its period (from a hash of its URL), so the 500 articles of
a baseline do not all fall due on the same poll. Each host has a request budget
per poll, split among the watched sources of that host (see HostBudget); what
does not fit waits for the next poll, most overdue first.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

WITHDRAWN_AFTER_MISSES = 2  # 404s in a row before an article is reported as possibly withdrawn


@dataclass
class KnownArticle:
    url: str
    column: str = ""
    published: str | None = None  # "YYYY-MM-DD"; the age is counted from it
    first_seen: str | None = None  # ISO datetime; the age when the date is unknown
    etag: str | None = None
    last_modified: str | None = None
    checked: str | None = None  # last time the page was fetched (ISO, naive UTC)
    due: str | None = None  # next re-check is due at (ISO)
    misses: int = 0  # 404/410 answers in a row
    withdrawn: bool = False  # reported as possibly withdrawn
    attachments: dict[str, dict] = field(default_factory=dict)  # url -> {name, etag, last_modified, sha256}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "KnownArticle":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})

    def cost(self) -> int:
        """Requests one re-check takes when nothing changed: the page and each attachment."""
        return 1 + len(self.attachments)

    def age_days(self, now: dt.datetime) -> float:
        if self.published:
            try:
                return (now.date() - dt.date.fromisoformat(self.published[:10])).days
            except ValueError:
                pass
        if self.first_seen:
            return (now - dt.datetime.fromisoformat(self.first_seen)).total_seconds() / 86400
        return 0.0


def iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def _phase(url: str) -> float:
    """A stable fraction in [0, 1) per URL: where in its period an article's turn falls."""
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) / 0x100000000


def mark_checked(article: KnownArticle, cfg: Any, now: dt.datetime, *, first: bool = False) -> None:
    """Record a check at ``now`` and schedule the next one (a first sighting gets its phase)."""
    article.checked = iso(now)
    article.first_seen = article.first_seen or iso(now)
    period = cfg.period_days(article.age_days(now))
    fraction = _phase(article.url) if first else 1.0
    article.due = iso(now + dt.timedelta(days=period * fraction))


def forget_validators(article: KnownArticle) -> None:
    """Make the next check a full fetch (what was fetched could not be stored)."""
    article.etag = article.last_modified = article.due = None
    for att in article.attachments.values():
        att["etag"] = att["last_modified"] = None


def due_now(article: KnownArticle, now: dt.datetime) -> bool:
    return article.due is None or dt.datetime.fromisoformat(article.due) <= now.replace(tzinfo=None)


@dataclass
class RecheckPlan:
    chosen: list[KnownArticle]
    due: int  # articles due (or forced) on this poll
    deferred: int  # due but over the budget: they go first on the next poll


def plan_rechecks(articles: list[KnownArticle], cfg: Any, now: dt.datetime, budget: "HostBudget", key: str,
                  *, limit: int | None = None, force: str | int | None = None) -> RecheckPlan:
    """The articles to re-check now.

    force=None: those due, most overdue first, within ``limit`` requests counted under ``key``
    in ``budget`` (default: cfg.budget_per_poll);
    force="all": every known article; force=N: every article published in the last N days
    (a forced cycle ignores the budget: the person asked for it).
    """
    if force == "all":
        return RecheckPlan(list(articles), len(articles), 0)
    if force is not None:
        chosen = [a for a in articles if a.age_days(now) <= int(force)]
        return RecheckPlan(chosen, len(chosen), 0)
    due = [a for a in articles if due_now(a, now)]
    # every-poll articles first, then by how long they have been due
    due.sort(key=lambda a: (cfg.period_days(a.age_days(now)) > 0, a.due or ""))
    chosen = []
    limit = cfg.budget_per_poll if limit is None else limit
    for article in due:
        if not budget.take(key, article.cost(), limit):
            break
        chosen.append(article)
    return RecheckPlan(chosen, len(due), len(due) - len(chosen))


def host_of(source: Any) -> str:
    return (urlsplit(source.base_url).hostname or "").lower()


def host_shares(sources: Iterable[Any]) -> dict[str, int]:
    """Each source's part of its host's re-check budget per poll, by source id.

    A host's budget is the smallest ``budget_per_poll`` among its sources; it is split evenly,
    the remainder going to the first ids in sorted order. Computed from the configuration alone,
    so every process (one Airflow task per source, in parallel) gets the same shares, and the
    shares of one host never add up to more than its budget.
    """
    by_host: dict[str, list[Any]] = {}
    for source in sources:
        by_host.setdefault(host_of(source), []).append(source)
    shares: dict[str, int] = {}
    for group in by_host.values():
        group.sort(key=lambda s: s.id)
        budget = min(int(s.poll.recheck.budget_per_poll) for s in group)
        base, extra = divmod(budget, len(group))
        for i, source in enumerate(group):
            shares[source.id] = base + (1 if i < extra else 0)
    return shares


class HostBudget:
    """Re-check requests per poll: each watched source gets its share of its host's budget
    (``host_shares`` of the watched sources); a source not among them, its own budget_per_poll.
    ``take`` counts what was used under a key (a source id) on this poll."""

    def __init__(self, watched: Iterable[Any] = ()) -> None:
        self.shares = host_shares(watched)
        self.used: dict[str, int] = {}

    def share(self, source: Any) -> int:
        return self.shares.get(source.id, int(source.poll.recheck.budget_per_poll))

    def take(self, key: str, cost: int, limit: int) -> bool:
        used = self.used.get(key, 0)
        if used + cost > limit:
            return False
        self.used[key] = used + cost
        return True


def cycle_complete(articles: list[KnownArticle], cycle_started: str | None) -> bool:
    """True when every known article was fetched after the current cycle began."""
    if cycle_started is None:
        return False
    return all(a.checked is not None and a.checked > cycle_started for a in articles)


def remember_validators(known: KnownArticle, res: Any, attachments: list[Any]) -> None:
    """Keep the validators of a page (``res``, a fetch answer) and of its attachments
    (FetchedAttachment) for the next conditional GET."""
    headers = {k.lower(): v for k, v in res.headers.items()}
    known.etag, known.last_modified = headers.get("etag"), headers.get("last-modified")
    before, known.attachments = known.attachments, {}
    for fa in attachments:
        if fa.status in ("ok", "not_modified"):
            prev = before.get(fa.link.url) or {}
            known.attachments[fa.link.url] = {
                "name": fa.link.name, "sha256": fa.sha256,
                "etag": fa.validators.get("ETag", prev.get("etag")),
                "last_modified": fa.validators.get("Last-Modified", prev.get("last_modified"))}
