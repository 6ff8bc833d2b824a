"""Load the lesson YAML config (topics, roles, scenarios) and find templates.

Trainers override without touching code: files in ``$YIBAO_CONFIG_DIR`` are read
before the packaged ``config/`` (scenarios are merged by id, other files replace
the packaged one), and ``$YIBAO_TEMPLATES_OVERRIDE`` is searched before the
packaged ``templates/``.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_CONFIG = REPO_ROOT / "config"
PACKAGED_TEMPLATES = REPO_ROOT / "templates"


class LessonConfigError(ValueError):
    """A config file is missing or malformed."""


def config_dirs() -> list[Path]:
    dirs = []
    override = os.environ.get("YIBAO_CONFIG_DIR")
    if override:
        dirs.append(Path(override))
    dirs.append(PACKAGED_CONFIG)
    return dirs


def template_dirs() -> list[Path]:
    dirs = []
    override = os.environ.get("YIBAO_TEMPLATES_OVERRIDE")
    if override:
        dirs.append(Path(override))
    dirs.append(PACKAGED_TEMPLATES)
    return dirs


@lru_cache(maxsize=32)
def _read_yaml(path: str, mtime: float) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise LessonConfigError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise LessonConfigError(f"{path}: top level must be a mapping")
    return data


def _load(path: Path) -> dict:
    return _read_yaml(str(path), path.stat().st_mtime)


def load_config(name: str) -> dict:
    """First ``name`` found in the config dirs (override first)."""
    for d in config_dirs():
        p = d / name
        if p.is_file():
            return _load(p)
    raise LessonConfigError(f"config file {name} not found in {', '.join(map(str, config_dirs()))}")


def load_scenarios() -> list[dict]:
    """Packaged scenario library plus trainer additions; an override entry with the same id replaces it."""
    by_id: dict[str, dict] = {}
    for d in reversed(config_dirs()):
        p = d / "scenarios.yaml"
        if not p.is_file():
            continue
        data = _load(p)
        for section in ("scenarios", "cases"):
            for entry in data.get(section) or []:
                if not isinstance(entry, dict) or "id" not in entry or "title" not in entry or "text" not in entry:
                    raise LessonConfigError(f"{p}: every {section} entry needs id, title and text: {entry!r}")
                by_id[entry["id"]] = {**entry, "section": section,
                                      "origin": "packaged" if d == PACKAGED_CONFIG else "trainer"}
    return list(by_id.values())
