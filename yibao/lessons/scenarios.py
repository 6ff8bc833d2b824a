"""Fill the placeholders of curated scenario/case texts (config/scenarios.yaml); matching lives in stories.py."""
from __future__ import annotations

import string

from .config import LessonConfigError


class _Keep(dict):
    def __missing__(self, key: str) -> str:  # leave unknown placeholders visible
        return "{" + key + "}"


def fill(template: str, values: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Keep(values))
    except (ValueError, IndexError) as exc:
        raise LessonConfigError(f"bad placeholder in scenario text {template!r}: {exc}") from exc
