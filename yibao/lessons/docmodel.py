"""The document model the lesson drafter reads (yibao.document) and its actor vocabulary."""
from __future__ import annotations

from yibao.document import iter_provisions, parse_document

__all__ = ["parse_document", "iter_provisions", "actor_words"]


def actor_words() -> dict[str, list[str]]:
    """actor id → the words that signal it (config/actors.yaml)."""
    from .config import load_config

    actors = load_config("actors.yaml").get("actors") or {}
    return {a: list((spec or {}).get("words") or []) for a, spec in actors.items()}
