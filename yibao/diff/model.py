"""Data classes of a clause-aware comparison and their JSON forms."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("modified", "added", "removed", "renumbered", "moved", "merged", "split")
CATEGORIES = ("number", "date", "obligation", "scope", "penalty", "wording", "other")


class DiffInputError(ValueError):
    """Raised for input a comparison cannot use (wrong type, malformed dict)."""


@dataclass
class Span:
    op: str  # "equal" | "delete" | "insert"
    text: str


@dataclass
class ClauseChange:
    kind: str
    old_ref: str | None
    new_ref: str | None
    old_path: list[str]
    new_path: list[str]
    old_text: str  # exact slice of the normalized old text (marker included)
    new_text: str
    spans: list[Span]
    category: str
    categories: list[str]
    material: bool
    old_values: list[str] = field(default_factory=list)
    new_values: list[str] = field(default_factory=list)
    # where the change sits in the normalized texts: enables apply_changes()
    old_span: list[int] = field(default_factory=lambda: [0, 0])
    new_span: list[int] = field(default_factory=lambda: [0, 0])
    at: int = 0  # old offset where new_text is inserted (differs from old_span[0] for moves)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["spans"] = [{"op": s.op, "text": s.text} for s in self.spans]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ClauseChange":
        try:
            if d["kind"] not in KINDS:
                raise DiffInputError(f"unknown change kind {d['kind']!r}")
            spans = [Span(s["op"], s["text"]) for s in d.get("spans", [])]
            return cls(kind=d["kind"], old_ref=d.get("old_ref"), new_ref=d.get("new_ref"),
                       old_path=list(d.get("old_path") or []), new_path=list(d.get("new_path") or []),
                       old_text=d.get("old_text", ""), new_text=d.get("new_text", ""), spans=spans,
                       category=d.get("category", "other"), categories=list(d.get("categories") or []),
                       material=bool(d.get("material", True)),
                       old_values=list(d.get("old_values") or []), new_values=list(d.get("new_values") or []),
                       old_span=list(d.get("old_span") or [0, 0]), new_span=list(d.get("new_span") or [0, 0]),
                       at=int(d.get("at", 0)))
        except KeyError as exc:
            raise DiffInputError(f"change dict lacks required key {exc}") from None


@dataclass
class DiffResult:
    changes: list[ClauseChange]
    hidden_wording: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def material_changes(self) -> list[ClauseChange]:
        return [c for c in self.changes if c.material]

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [c.to_dict() for c in self.changes], "hidden_wording": self.hidden_wording,
                "stats": dict(self.stats)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DiffResult":
        if not isinstance(d, dict) or "changes" not in d:
            raise DiffInputError("DiffResult dict needs a 'changes' list")
        return cls(changes=[ClauseChange.from_dict(c) for c in d["changes"]],
                   hidden_wording=int(d.get("hidden_wording", 0)), stats=dict(d.get("stats") or {}))


@dataclass
class RowChange:
    key: Any
    columns: dict[str, list[Any]]


@dataclass
class TableDiff:
    key: list[str]
    added: list[dict]
    removed: list[dict]
    changed: list[RowChange]
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": list(self.key), "added": list(self.added), "removed": list(self.removed),
                "changed": [{"key": c.key, "columns": {k: list(v) for k, v in c.columns.items()}} for c in self.changed],
                "stats": dict(self.stats)}
