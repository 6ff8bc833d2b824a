"""What a crawl keeps between polls of one source: per column the validators of its list page,
the list-row signature of every article seen, and the re-check bookkeeping of known articles
(stored as JSON in ``sources.crawl_state``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scrapers.recheck import KnownArticle


@dataclass
class ColumnState:
    etag: str | None = None
    last_modified: str | None = None
    last_count: int = 0  # records on page 0 at the last successful read
    last_total: int | None = None


@dataclass
class CrawlState:
    source_id: str = ""
    columns: dict[str, ColumnState] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # article url -> list-row signature
    known: dict[str, KnownArticle] = field(default_factory=dict)  # article url -> re-check bookkeeping
    cycle_started: str | None = None  # the current re-check cycle began (ISO)
    last_full_cycle: str | None = None  # every known article had been re-checked by then (ISO)

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "columns": {k: asdict(v) for k, v in self.columns.items()},
                "seen": dict(self.seen), "known": {k: v.to_dict() for k, v in self.known.items()},
                "cycle_started": self.cycle_started, "last_full_cycle": self.last_full_cycle}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "CrawlState":
        d = d or {}
        return cls(source_id=d.get("source_id", ""),
                   columns={k: ColumnState(**v) for k, v in (d.get("columns") or {}).items()},
                   seen=dict(d.get("seen") or {}),
                   known={k: KnownArticle.from_dict(v) for k, v in (d.get("known") or {}).items()},
                   cycle_started=d.get("cycle_started"), last_full_cycle=d.get("last_full_cycle"))
