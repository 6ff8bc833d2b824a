"""Choose a scenario and a case/warning for a lesson from the curated library."""
from __future__ import annotations

import string

from .config import LessonConfigError, load_scenarios


class _Keep(dict):
    def __missing__(self, key: str) -> str:  # leave unknown placeholders visible
        return "{" + key + "}"


def fill(template: str, values: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Keep(values))
    except (ValueError, IndexError) as exc:
        raise LessonConfigError(f"bad placeholder in scenario text {template!r}: {exc}") from exc


def _score(entry: dict, role: str, topics: list[str], categories: list[str]) -> int | None:
    roles = entry.get("roles") or ["*"]
    if role not in roles and "*" not in roles:
        return None
    score = 4 if role in roles else 0
    want_topics = entry.get("topics") or []
    if want_topics:
        if not set(want_topics) & set(topics):
            return None
        score += 2
    want_cats = entry.get("categories") or []
    if want_cats:
        if not set(want_cats) & set(categories):
            return None
        score += 1
    return score


def pick(section: str, role: str, topics: list[str], categories: list[str], values: dict[str, str]) -> dict:
    best, best_score = None, -1
    for entry in load_scenarios():
        if entry["section"] != section:
            continue
        s = _score(entry, role, topics, categories)
        if s is not None and s > best_score:
            best, best_score = entry, s
    if best is None:
        raise LessonConfigError(f"scenarios.yaml has no {section} entry usable for role {role}")
    out = {"id": best["id"], "title": fill(best["title"], values), "text": fill(best["text"], values)}
    if section == "cases":
        kind = best.get("kind", "警示")
        if kind not in ("典型案例", "警示"):
            raise LessonConfigError(f"case {best['id']}: kind must be 典型案例 or 警示, got {kind!r}")
        out["kind"] = kind
    return out
