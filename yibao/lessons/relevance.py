"""Which role gets which change: topic × change category → roles (config/roles.yaml)."""
from __future__ import annotations

from .config import LessonConfigError, load_config
from .roles import ROLES
from .topics import change_topics

CATEGORIES = ("number", "date", "obligation", "scope", "penalty", "wording", "other")


def roles_config() -> dict:
    cfg = load_config("roles.yaml")
    for key in ("matrix", "level_receives", "roles"):
        if not isinstance(cfg.get(key), dict):
            raise LessonConfigError(f"roles.yaml: '{key}' must be a mapping")
    unknown = [r for r in cfg["roles"] if r not in ROLES]
    if unknown:
        raise LessonConfigError(f"roles.yaml: unknown role ids {unknown}; valid: {list(ROLES)}")
    return cfg


def change_categories(change: dict) -> list[str]:
    cats = list(change.get("categories") or [])
    main = change.get("category")
    if main and main not in cats:
        cats.insert(0, main)
    return cats or ["other"]


def is_teachable(change: dict) -> bool:
    """Material changes, or structural ones (added/removed) that carry text."""
    if change.get("material"):
        return True
    cats = change_categories(change)
    return change.get("kind") in ("added", "removed") and cats != ["wording"]


def roles_for_change(change: dict, topics: list[str], cfg: dict | None = None) -> set[str]:
    cfg = cfg or roles_config()
    matrix, receives, overrides = cfg["matrix"], cfg["level_receives"], cfg.get("overrides") or {}
    cats = [c for c in change_categories(change) if c != "wording"] or ["other"]
    roles: set[str] = set()
    for topic in topics:  # per topic: matrix levels, then that topic's overrides
        levels = matrix.get(topic) or {}
        mine = {role for role, level in levels.items() if any(c in (receives.get(level) or []) for c in cats)}
        for c in cats:
            rule = (overrides.get(topic) or {}).get(c) or {}
            mine.update(rule.get("add") or [])
            mine.difference_update(rule.get("drop") or [])
        roles |= mine
    # role keywords: text that names a role's work makes the change concern it
    text = f"{change.get('old_text') or ''}{change.get('new_text') or ''}"
    for role, words in (cfg.get("keywords") or {}).items():
        if any(w in text for w in words or []):
            roles.add(role)
    return {r for r in roles if r in ROLES}


def relevant_roles(topics: list[str], diff: dict | None) -> dict[str, list[int]]:
    """role id → indices (into diff['changes']) of the changes that concern it.

    Without a diff (a new document) every role with a matrix entry for the topics
    is relevant, with no change indices.
    """
    cfg = roles_config()
    if diff is None:
        out: dict[str, list[int]] = {}
        for topic in topics:
            for role, level in (cfg["matrix"].get(topic) or {}).items():
                if level in ("H", "M"):
                    out.setdefault(role, [])
        return {r: out[r] for r in ROLES if r in out}
    changes = diff.get("changes")
    if not isinstance(changes, list):
        raise LessonConfigError("diff must have a 'changes' list")
    result: dict[str, list[int]] = {}
    for i, change in enumerate(changes):
        if not is_teachable(change):
            continue
        for role in roles_for_change(change, change_topics(change, topics), cfg):
            result.setdefault(role, []).append(i)
    return {r: result[r] for r in ROLES if r in result}
