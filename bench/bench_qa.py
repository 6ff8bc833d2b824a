"""`make bench` row source for 政策智能问答: runs bench/quality_qa.py (hit rate, 没有找到依据, latency)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> list[dict]:
    path = Path(__file__).with_name("quality_qa.py")
    spec = importlib.util.spec_from_file_location("quality_qa", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.main()
