"""Character bigrams: a second view of a question that does not depend on jieba's cut.

Word matching misses what segmentation splits differently in the question and the text
("没通过" / "不通过", "全覆盖" / "覆盖全", "混着摆" / "分区"): overlapping character pairs still
meet.  The re-ranker fuses this view with the word view (reciprocal rank fusion); the pairs are
weighted by how rare they are among the candidate provisions, so "医保" counts for little.
"""
from __future__ import annotations

import math
import re

from yibao.qa.segment import STOPWORDS, strip_asking

_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


def question_bigrams(question: str) -> tuple[str, ...]:
    """The character pairs of the question's content (question words stripped), each once;
    a pair of two function characters ("要在") is left out."""
    out: dict[str, None] = {}
    for run in _RUN.findall(strip_asking(question).lower()):
        if run.isascii():
            out.setdefault(run, None)
            continue
        for a, b in zip(run, run[1:]):
            if not (a in STOPWORDS and b in STOPWORDS):
                out.setdefault(a + b, None)
    return tuple(out)


def bigram_scores(bigrams: tuple[str, ...], texts: list[str]) -> list[float]:
    """Per text, the idf-weighted share of the question's pairs it holds (idf over these texts)."""
    if not bigrams or not texts:
        return [0.0] * len(texts)
    lowered = [t.lower() for t in texts]
    n = len(lowered)
    df = {b: sum(1 for t in lowered if b in t) for b in bigrams}
    weight = {b: math.log(1 + (n - df[b] + 0.5) / (df[b] + 0.5)) for b in bigrams if df[b]}
    total = sum(weight.values()) or 1.0
    return [sum(w for b, w in weight.items() if b in t) / total for t in lowered]
