"""政策智能问答: answer staff questions from the provisions of every stored document version.

`ask(question, role=None)` → `Answer` (quotes with citations, or "没有找到依据").
The provision index lives in its own SQLite file (FTS5) beside the store and is brought up to
date incrementally before each question (`index.QaIndex.sync`).
"""
from yibao.qa.answer import NO_BASIS, Answer, Citation, ask

__all__ = ["NO_BASIS", "Answer", "Citation", "ask"]
