"""Recall/precision against the labelled real version pairs (targets: recall ≥95%, precision ≥90%)."""
import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("quality_diff", REPO / "bench" / "quality_diff.py")
quality = importlib.util.module_from_spec(_spec)
sys.modules["quality_diff"] = quality
_spec.loader.exec_module(quality)
FIXTURES = quality.load_fixtures()


@pytest.mark.parametrize("suffix", [".normalized.txt", ".txt"])
@pytest.mark.parametrize("name,fx", FIXTURES, ids=[n for n, _ in FIXTURES])
def test_recall_and_precision(name, fx, suffix):
    s = quality.score_pair(name, fx, suffix)
    assert s.recall >= 0.95, f"missed {s.missed}"
    assert s.precision >= 0.90, f"extra {s.extra}"
