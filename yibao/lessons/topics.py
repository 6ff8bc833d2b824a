"""Tag documents and single changes with topics from config/topics.yaml."""
from __future__ import annotations

import re

from .config import LessonConfigError, load_config


def _topic_table() -> tuple[dict[str, dict], int]:
    topics, min_score, _ = _topic_config()
    return topics, min_score


def _topic_config() -> tuple[dict[str, dict], int, float]:
    cfg = load_config("topics.yaml")
    topics = cfg.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise LessonConfigError("topics.yaml: 'topics' must be a non-empty mapping")
    return topics, int(cfg.get("min_score", 2)), float(cfg.get("relative_min", 0.0))


def _hits(spec: dict, text: str) -> set[str]:
    """Keywords of one topic found in text, with ambiguous words resolved by context."""
    for phrase in spec.get("mask") or []:
        text = text.replace(phrase, "　")
    found = {kw for kw in spec.get("keywords", []) if kw and kw in text}
    for kw in spec.get("ambiguous", []) or []:
        if kw not in found:
            continue
        ctx_ok = any(w in text for w in spec.get("require_any", []) or []) if spec.get("require_any") else True
        ctx_bad = any(w in text for w in spec.get("exclude_if_any", []) or [])
        if not ctx_ok or ctx_bad:
            found.discard(kw)
    return found


def topic_scores(title: str, text: str) -> dict[str, int]:
    topics, _ = _topic_table()
    return _scores(topics, title, text)


def _scores(topics: dict[str, dict], title: str, text: str) -> dict[str, int]:
    scores: dict[str, int] = {}
    for tid, spec in topics.items():
        title_hits = _hits(spec, title or "")
        body_hits = _hits(spec, text or "") - title_hits
        score = 3 * len(title_hits) + len(body_hits)
        if score:
            scores[tid] = score
    return scores


def classify_text(title: str, text: str) -> list[str]:
    """Topic ids reaching min_score, best first (the best one always, if any keyword hit)."""
    return text_classifier()(title, text)


def change_topics(change: dict, doc_topics: list[str]) -> list[str]:
    """Topics of one change: the document's topics its own text mentions, else all the document's topics."""
    text = f"{change.get('old_text') or ''}\n{change.get('new_text') or ''}"
    topics, _ = _topic_table()
    own = [tid for tid in doc_topics if tid in topics and _hits(topics[tid], text)]
    return own or list(doc_topics)


def topic_name(tid: str) -> str:
    topics, _ = _topic_table()
    return (topics.get(tid) or {}).get("name", tid)


def text_classifier():
    """classify_text with topics.yaml read once: for tagging many provisions of one document."""
    topics, min_score, relative = _topic_config()
    words = {w for spec in topics.values() for w in (spec.get("keywords") or []) + (spec.get("ambiguous") or []) if w}
    any_word = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")

    def classify(title: str, text: str) -> list[str]:
        if not any_word.search(text or "") and not any_word.search(title or ""):
            return []
        scores = _scores(topics, title, text)
        ranked = sorted(scores, key=lambda t: (-scores[t], t))
        floor = max(min_score, relative * scores[ranked[0]]) if ranked else min_score
        return [t for t in ranked if scores[t] >= floor] or ranked[:1]

    return classify
