"""Why a question got the answer it got: `yibao ask --explain "问题"`.

For a person who wants to see what happened (a trainer adding a staff word to synonyms.py, the
医保办 wondering why 没有找到依据): the question's words and their weights, the kind of answer
it asks for, and the best candidate provisions with what each holds and why it does or does not
support an answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from yibao.qa.answer import KIND_NAMES, Needs, _Scored, score_hits, weighted_groups, why_not
from yibao.qa.index import QaIndex
from yibao.qa.intent import wanted
from yibao.qa.segment import plain_question

SHOWN = 5   # candidates shown from each ranking (by words, by meaning)


@dataclass
class Candidate:
    document_id: int
    clause: str
    quote: str
    coverage: float
    whole: int
    similarity: float | None
    held: tuple[str, ...]
    reasons: list[str]           # [] when it supports an answer

    @property
    def supports(self) -> bool:
        return not self.reasons


@dataclass
class Explanation:
    question: str
    words: list[dict] = field(default_factory=list)      # {"word", "equivalents", "share", "noun", "known", "topic"}
    kinds: tuple[str, ...] = ()                         # kinds of answer the question wants
    needs: tuple[str, ...] = ()                         # … of which it cannot be answered without
    unit: bool = False                                  # it asks for a number with a unit
    by_words: list[Candidate] = field(default_factory=list)
    by_meaning: list[Candidate] = field(default_factory=list)
    supported: bool = False                             # some candidate supports an answer


def explain(index: QaIndex, question: str, shown: int = SHOWN) -> Explanation:
    out = Explanation(question)
    question = plain_question(question)
    out.kinds = wanted(question)
    groups, weights, idf, topic = weighted_groups(index, question)
    total = sum(weights) or 1.0
    for n, (g, w) in enumerate(zip(groups, weights)):
        out.words.append({"word": g.words[0], "equivalents": list(g.words[1:]), "share": w / total, "noun": g.noun,
                          "known": any(idf.get(x, 0) > 0 for x in g.words + g.parts), "topic": n == topic})
    scored = score_hits(index, question)
    need = Needs.of(question, scored)
    out.needs, out.unit = need.kinds, need.unit is not None

    def candidate(s: _Scored) -> Candidate:
        return Candidate(s.hit.document_id, s.hit.clause, s.hit.quote, s.coverage, s.whole, s.similarity,
                         s.held, why_not(s, need, plain_words=True))
    out.by_words = [candidate(s) for s in sorted(scored, key=lambda s: -s.relevance)[:shown]]
    with_meaning = [s for s in scored if s.similarity is not None]
    out.by_meaning = [candidate(s) for s in sorted(with_meaning, key=lambda s: -(s.similarity or 0.0))[:shown]]
    out.supported = any(not why_not(s, need, plain_words=True) for s in scored)
    return out


def render(e: Explanation, titles: dict[int, str]) -> str:
    """The explanation as plain text for the terminal."""
    lines = [f"问题: {e.question}", "词 (占问题权重; * = 主题词; ? = 文本中没有):"]
    for w in e.words:
        mark = ("*" if w["topic"] else "") + ("" if w["known"] else "?")
        same = f" = {' / '.join(w['equivalents'])}" if w["equivalents"] else ""
        lines.append(f"  {w['word']}{mark} {w['share']:.0%}{'' if w['noun'] else ' (动词)'}{same}")
    names = lambda kinds: "、".join(KIND_NAMES.get(k, k) for k in kinds) or "—"   # noqa: E731
    lines.append(f"想要的答案: {names(e.kinds)}; 必须含有: {names(e.needs)}"
                 f"{'; 带单位的数字' if e.unit else ''}")
    for name, cands in (("按词排序", e.by_words), ("按语义排序", e.by_meaning)):
        lines.append(f"{name}:")
        for c in cands:
            cos = f"{c.similarity:.3f}" if c.similarity is not None else "—"
            verdict = "支持回答" if c.supports else "不支持: " + "; ".join(c.reasons)
            lines.append(f"  《{titles.get(c.document_id, c.document_id)}》{c.clause} 词 {c.coverage:.0%} "
                         f"(整词 {c.whole}) 语义 {cos} — {verdict}")
            lines.append(f"      {c.quote[:60]}{'…' if len(c.quote) > 60 else ''}")
    lines.append("结论: " + ("有条款支持回答" if e.supported else "没有条款支持回答 → 没有找到依据"))
    return "\n".join(lines)
