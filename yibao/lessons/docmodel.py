"""The document model the lesson drafter reads: yibao.document (parse_document, iter_provisions)."""
from __future__ import annotations

try:
    from yibao.document import iter_provisions, parse_document
except ImportError:  # until branch issue-11doc is merged
    from ._interim_document import iter_provisions, parse_document

__all__ = ["parse_document", "iter_provisions"]


def actor_words() -> dict[str, list[str]]:
    """actor id → the words that signal it (config/actors.yaml)."""
    from .config import LessonConfigError, load_config

    try:
        actors = load_config("actors.yaml").get("actors") or {}
        return {a: list(spec.get("words") or []) for a, spec in actors.items()}
    except (LessonConfigError, FileNotFoundError, OSError):
        from ._interim_document import ACTOR_WORDS
        return dict(ACTOR_WORDS)
