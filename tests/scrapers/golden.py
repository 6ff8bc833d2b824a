"""Golden files of the scraper tests: tests/fixtures/scrapers/<family>/<name>.json."""
from __future__ import annotations

import json
import os
from pathlib import Path

GOLDEN_ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers"


def golden_compare(family: str, actual: dict, name: str) -> None:
    """Compare with tests/fixtures/scrapers/<family>/<name>.json (YIBAO_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN_ROOT / family / f"{name}.json"
    if os.environ.get("YIBAO_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(path.read_text(encoding="utf-8"))
