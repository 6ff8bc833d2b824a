from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def corpus_texts() -> list[Path]:
    """Every real plain text in the shared corpus (the .normalized copies are derived, not real)."""
    found = sorted(CORPUS.glob("*-texts/*.txt"))
    return [p for p in found if not p.name.endswith(".normalized.txt")]


def corpus_pages() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.html"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS
