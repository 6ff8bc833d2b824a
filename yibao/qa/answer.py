"""Answer a question from the indexed provisions: rank, check support, cite.

Ranking: FTS5 BM25 over jieba tokens, re-ranked by how much of the question's weight (idf)
the provision covers (question words such as 怎么处理 / 是否 stripped first), plus a character-pair
view that does not depend on jieba's cut (`bigrams.py`); provisions of documents in force rank
above superseded ones, and a role's own provisions above others.  Without a provision covering
enough of the question (`MIN_COVERAGE`, calibrated on questions the corpus cannot answer) and
holding the kind of answer asked for when it must (a rate, an amount, papers, a number of days:
intent.py) the answer is NO_BASIS; once one does, provisions holding less (`CITE_COVERAGE`) may be
cited after it, the supporting ones first.
"""
from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from yibao.delivery.tokens import LinkSecretMissing, link_secret, sign_link
from yibao.qa import synthesis
from yibao.qa.bigrams import bigram_scores, question_bigrams
from yibao.qa.index import ASK_ENCODE_LIMIT, Hit, QaIndex
from yibao.qa.intent import REQUIRED, holds, unit_asked, wanted
from yibao.qa.roles import actor_words, role_actors
from yibao.qa.segment import STOPWORDS, plain_question, query_words, strip_asking
from yibao.qa.synonyms import NEGATION_ASKED, NEGATION_WORDS, equivalents, pattern_words, phrases_in
from yibao.qa.status import change_ids, statuses
from yibao.settings import get_settings
from yibao.store import Document, Version
from yibao.store.db import open_session

NO_BASIS = "没有找到依据"
# words that say when, not what: never the subject a provision must hold ("每个月几号前报")
WHEN = re.compile(r"每(?:个)?(?:月|年|季度?|周|天|日)|[今明去前]年|本月|下个?月|上个?月|期限|时限|时间|日期|一年|年底|月底")
MIN_COVERAGE = 0.5       # share of the question's idf weight the best provision must hold
CITE_COVERAGE = 0.2      # … and, once one does, the share each other cited provision must hold
MIN_TERMS = 2            # … and at least this many distinct question terms (one when the question has one)
NOT_IN_FORCE = 0.6       # rank factor of a superseded / revised / expired provision
ROLE_BOOST = 1.25        # rank factor of a provision naming the role's own actors
TOP_K = 3
SHORTLIST = 24             # unique provisions ranked by the fusion (12–32 measured: ±1)
DIFF_LINK_TTL_S = 365 * 86400   # a cited 对照表's signed link: answers are re-read in chat for months
RELEVANCE_COVERAGE = 20.0  # rank: coverage of the question first, then BM25 and the kind of answer
UNSEEN_SHARE = 1.0       # a question word no provision holds weighs this share of the highest idf
BM25_SCALE = 10.0        # BM25 relative to the best candidate's, so one rare word cannot outweigh coverage
INTENT_BONUS = 4.0       # a provision holding what is asked for (conditions, a time limit, a number)
UNSEEN_VERB_SHARE = 0.5  # … a verb no provision holds ("交齐", "连累") much less: it is how staff talk
PART_CREDIT = 0.5        # a provision holding only a piece of a question word ("护理" of "护理部")
VERB_WEIGHT = 0.5        # verbs and adjectives weigh half a noun
DOC_EVIDENCE = 5.0      # rank: share of the question the provision's whole document covers (its topic)
TITLE_EVIDENCE = 10.0     # rank: share of the question the document's title holds
PAIR_WEIGHT = 6.0         # rank: share of the question's character pairs held
# sentence vectors (vectors.py), when on: a provision close in meaning supports an answer with
# fewer of the question's words, and the final order fuses the word ranking with the meaning one
SIMILAR = 0.905           # cosine at which a provision is close in meaning to the question
SIMILAR_COVERAGE = 0.2    # … and the share of the question's weight it must still hold,
SIMILAR_WHOLE = 2         # … or this many of its words whole (a long question full of staff context)
MIN_SIMILARITY = 0.89     # below this a provision supports no answer, whatever words it shares …
DETAIL_SLACK = 0.01       # … less for a provision holding the detail asked for and the topic
PLAIN_COVERAGE = 0.8      # … unless it holds this share of the question's weight, two words of it whole
TOPIC_SIMILARITY = 0.92   # at this cosine a provision holding the kind of answer asked for (a number of
                          # days, a date) needs not hold the question's weightiest noun
NEAREST = 6               # once the answer is supported, the provisions closest in meaning …
NEAREST_SIMILARITY = 0.91  # … at this cosine or above may be cited with few of the question's words
FUSION_K = 1.0            # reciprocal-rank fusion: 1 / (K + rank), ranks counted from 0
WORDS_SHARE = 1.5         # … the word ranking's weight (the meaning ranking's is 1)


@dataclass
class Citation:
    document: str
    doc_number: str | None
    clause: str
    text: str
    url: str
    in_force: bool
    date: str | None = None
    status: str = "现行有效"
    successor: dict | None = None          # {"title", "url"} of what replaced it
    diff_url: str | None = None            # the 对照表 that introduced this version
    document_id: int = 0
    version_id: int = 0
    score: float = 0.0


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    role: str | None = None
    synthesised: bool = False
    elapsed_ms: float = 0.0

    @property
    def found(self) -> bool:
        return bool(self.citations)

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer, "role": self.role,
                "synthesised": self.synthesised,
                "citations": [asdict(c) for c in self.citations]}


@dataclass
class _Scored:
    hit: Hit
    coverage: float
    matched: int
    relevance: float
    groups: int = 0
    held: tuple[str, ...] = ()
    pairs: float = 0.0        # share of the question's character pairs it holds
    whole: int = 0            # question words it holds whole (not only a piece of them)
    topic: bool = True        # it holds the question's weightiest noun the texts have
    similarity: float | None = None   # cosine of its sentence vector with the question's
    base_relevance: float = 0.0       # relevance before the role and in-force factors
    bm25: float = 0.0                 # BM25 relative to the best candidate's
    doc_cover: float = 0.0            # share of the question its document's candidates hold
    title_cover: float = 0.0          # share of the question its document's title holds
    intents: int = 0                  # kinds of answer asked for that it holds
    role: bool = False                # it names the role's own actors
    status: object = None             # statuses(): in force or not, successor
    supports: bool = False            # it supports an answer on its own
    fused: float = 0.0                # its place in the fused ranking


def ask(question: str, role: str | None = None, *, session: Session | None = None,
        index: QaIndex | None = None, top_k: int = TOP_K, synthesise: bool | None = None) -> Answer:
    """The answer with its citations, best first (or NO_BASIS with none).  `synthesise` (default:
    YIBAO_QA_LLM=1) lets the on-prem model word it from the cited provisions only."""
    if session is None:
        with open_session() as s:
            return ask(question, role, session=s, index=index, top_k=top_k, synthesise=synthesise)
    start = time.perf_counter()
    index = index or QaIndex()
    index.sync(session, encode_limit=ASK_ENCODE_LIMIT)
    words = actor_words(role) if role else ()
    citations = rank(session, index, question, words, top_k, role_actors(role) if role else ())
    if not citations:
        answer = Answer(question, NO_BASIS, [], role)
    else:
        answer = Answer(question, quote_answer(citations), citations, role)
        if synthesise or (synthesise is None and synthesis.enabled()):
            text = synthesis.synthesise_answer(question, citations)
            if text:
                answer.answer, answer.synthesised = text, True   # the quotes stay in the citations
    answer.elapsed_ms = (time.perf_counter() - start) * 1000
    return answer


def rank(session: Session, index: QaIndex, question: str, role_words: tuple[str, ...], top_k: int,
         actors: tuple[str, ...] = ()) -> list[Citation]:
    chosen = shortlist(session, index, question, role_words, actors, max(SHORTLIST, top_k))[:top_k]
    return _citations(session, chosen, {s.hit.version_id: s.status for s in chosen})


def shortlist(session: Session, index: QaIndex, question: str, role_words: tuple[str, ...],
              actors: tuple[str, ...] = (), size: int = SHORTLIST) -> list[_Scored]:
    """The unique provisions that may be cited, best first ([] when none supports an answer)."""
    question = plain_question(question)
    scored = score_hits(index, question)
    if not scored:
        return []
    need = Needs.of(question, scored)

    def supports(s: _Scored, plain_words: bool = False) -> bool:
        return not why_not(s, need, plain_words)
    if not any(supports(s, plain_words=True) for s in scored):
        return []   # no provision supports an answer
    # once one does, the provisions beside it may cite with less of the question's words, and
    # the ones closest in meaning with fewer still (staff paraphrase: 退到哪里去 / 退回…专户)
    nearest = {id(s) for s in sorted((s for s in scored if s.similarity is not None), key=lambda s: -s.similarity)
               [:NEAREST] if s.similarity >= NEAREST_SIMILARITY}
    scored = [s for s in scored if (s.coverage >= CITE_COVERAGE and s.matched >= need.terms) or id(s) in nearest]
    for s in scored:
        if (actors and set(actors) & set(s.hit.actors)) or (role_words and any(w in s.hit.quote for w in role_words)):
            s.relevance *= ROLE_BOOST
            s.role = True
    scored.sort(key=lambda s: (-s.relevance, s.hit.document_id))
    # the same words in several versions or documents are cited once: keep the unique provisions,
    # best first, each with every copy, then cite the copy in force (else the best-ranked one)
    copies: dict[str, list[_Scored]] = {}
    for s in scored:
        key = re.sub(r"\s+", "", s.hit.quote)
        if key not in copies and len(copies) == size:
            continue
        copies.setdefault(key, []).append(s)
    status = statuses(session, {s.hit.version_id for group in copies.values() for s in group})
    short = []
    for group in copies.values():
        best = next((s for s in group if status[s.hit.version_id].in_force), group[0])
        best.status = status[best.hit.version_id]
        if not best.status.in_force:
            best.relevance *= NOT_IN_FORCE
        best.supports = supports(best)
        short.append(best)
    order = _fused(short)
    for s in short:
        s.fused = order[id(s)]
    # provisions that support an answer on their own first (in force before the rest), then
    # the weaker ones beside them
    short.sort(key=lambda s: (not s.supports, not s.status.in_force, -s.fused, s.hit.document_id))
    return short


KIND_NAMES = {"frequency": "频次", "ratio": "比例", "money": "金额", "materials": "材料", "date": "日期",
              "procedure": "办理程序", "time_limit": "时限", "time": "时间", "number": "数字", "conditions": "条件",
              "definition": "定义", "list": "清单", "members": "具体名单", "calculation": "计算方法"}


@dataclass
class Needs:
    """What a provision must hold to support an answer to this question."""
    terms: int                       # distinct question words (MIN_TERMS, or one for a one-word question)
    kinds: tuple[str, ...]           # kinds of answer without which it cannot answer (intent.REQUIRED)
    unit: re.Pattern | None          # the number-with-unit asked ("几天" → a number of days)

    @classmethod
    def of(cls, question: str, scored: list[_Scored]) -> "Needs":
        return cls(min(MIN_TERMS, scored[0].groups) if scored else MIN_TERMS,
                   tuple(k for k in wanted(question) if k in REQUIRED), unit_asked(question))


def why_not(s: _Scored, need: Needs, plain_words: bool = False) -> list[str]:
    """Why the provision does not support an answer ([] when it does).

    It supports one when it covers enough of the question, holds at least one question word whole
    (not only pieces: 护士长 → 护士) and what is required (a rate, an amount, papers, a number of
    days …) — and then also the question's weightiest noun ("异地就医备案要什么手续" is not answered
    by a 手续 of 先行登记保存) — or when it is close in meaning and holds some of the question's words."""
    reasons = [f"不含{KIND_NAMES.get(k, k)}" for k in need.kinds if not holds(k, s.hit.quote)]
    if need.unit is not None and not need.unit.search(s.hit.quote):
        reasons.append("不含所问单位的数字")
    if (need.kinds or need.unit) and not s.topic and (s.similarity or 0.0) < TOPIC_SIMILARITY:
        reasons.append("不含问题的主题词")
    words = s.coverage >= MIN_COVERAGE and s.matched >= need.terms and s.whole >= 1
    if s.similarity is None:
        return reasons if words else reasons + [f"只含问题的词 {s.coverage:.0%}（需 {MIN_COVERAGE:.0%}）"]
    meaning = s.similarity >= SIMILAR and (s.coverage >= SIMILAR_COVERAGE or s.whole >= SIMILAR_WHOLE)
    # a short question scores low cosines: plain words holding most of it are not overruled (this
    # lets it be answered; it does not move such a provision ahead of the others)
    plain = plain_words and words and s.coverage >= PLAIN_COVERAGE and s.whole >= SIMILAR_WHOLE
    # a provision holding the question's topic and the very kind of answer it asks for (a rate, a
    # number of days) needs a little less closeness: short chat questions score low cosines
    detail = bool(need.kinds or need.unit) and not reasons
    if s.similarity < MIN_SIMILARITY - (DETAIL_SLACK if detail else 0.0) and not plain:
        reasons.append(f"语义不够接近（{s.similarity:.3f} < {MIN_SIMILARITY}）")
    if not (words or meaning):
        short = [f"词的权重 {s.coverage:.0%} < {MIN_COVERAGE:.0%}"] if s.coverage < MIN_COVERAGE else []
        short += [f"只含 {s.matched} 个问题词（需 {need.terms} 个）"] if s.matched < need.terms else []
        short += ["没有整词"] if s.whole < 1 else []
        reasons.append("词不够：" + "，".join(short) + f"；语义也不够（需 ≥ {SIMILAR} 且词 {SIMILAR_COVERAGE:.0%} "
                       f"或整词 {SIMILAR_WHOLE} 个）")
    return reasons


def _fused(shortlist: list[_Scored]) -> dict[int, float]:
    """Each provision's place: its relevance, or with sentence vectors the reciprocal-rank fusion
    of the word ranking (relevance) and the meaning ranking (cosine, with the same role and
    in-force factors)."""
    if not shortlist or shortlist[0].similarity is None:
        return {id(s): s.relevance for s in shortlist}
    by_words = sorted(shortlist, key=lambda s: (-s.relevance, s.hit.document_id))
    factor = {id(s): s.relevance / s.base_relevance if s.base_relevance else 1.0 for s in shortlist}
    by_meaning = sorted(shortlist, key=lambda s: (-(s.similarity or 0.0) * factor[id(s)], s.hit.document_id))
    order = {id(s): WORDS_SHARE / (FUSION_K + n) for n, s in enumerate(by_words)}
    for n, s in enumerate(by_meaning):
        order[id(s)] += 1.0 / (FUSION_K + n)
    return order


def weighted_groups(index: QaIndex, question: str) -> tuple[list[_Group], list[float], dict[str, float], int | None]:
    """The question's word groups, the weight of each (idf), the idf of every word searched, and
    which group is its topic (its weightiest noun the texts hold; None when it has none)."""
    groups = query_groups(question)
    if not groups:
        return [], [], {}, None
    idf = index.idf(sorted({x for g in groups for x in g.words + g.parts}))
    for g in groups:
        if not any(idf.get(x, 0) > 0 for x in g.words + g.parts):
            if _miscut(g.words[0]):
                g.parts = _verb_pieces(g)
            elif g.noun:
                g.parts = _head_words(g.words[0])
    idf = index.idf(sorted({x for g in groups for x in g.words + g.parts}))
    unseen = index.unseen_idf() * UNSEEN_SHARE
    weights = [_weight(g, idf, unseen) for g in groups]
    seen_nouns = [(w, i) for i, (g, w) in enumerate(zip(groups, weights))
                  if g.noun and not WHEN.fullmatch(g.words[0]) and any(idf.get(x, 0) > 0 for x in g.words)]
    return groups, weights, idf, (max(seen_nouns)[1] if seen_nouns else None)


def score_hits(index: QaIndex, question: str) -> list[_Scored]:
    """Every candidate provision with its coverage of the question and its relevance."""
    groups, weights, idf, topic = weighted_groups(index, question)
    if not groups:
        return []
    every = sorted({x for g in groups for x in g.words + g.parts})
    total = sum(weights)
    intents = wanted(question)
    scored = []
    hits = index.search(index.search_terms(every, idf))
    top_bm25 = max((h.bm25 for h in hits), default=1.0) or 1.0
    shares = [[_held(g, hit) for g in groups] for hit in hits]
    # document-level evidence: the question's words held anywhere in the document's candidate
    # provisions (a question about 举报 belongs to the 举报 rules, not to a 协议 that mentions it)
    in_doc: dict[int, list[float]] = {}
    for hit, share in zip(hits, shares):
        best = in_doc.setdefault(hit.document_id, [0.0] * len(groups))
        in_doc[hit.document_id] = [max(a, b) for a, b in zip(best, share)]
    doc_cover = {d: sum(w * h for w, h in zip(weights, held)) / total for d, held in in_doc.items()}
    title_cover: dict[int, float] = {}
    for hit in hits:
        if hit.document_id not in title_cover:
            title_cover[hit.document_id] = sum(w for w, g in zip(weights, groups)
                                               if any(x in hit.title_terms for x in g.words)) / total
    pairs = question_bigrams(question)
    by_pairs = bigram_scores(pairs, [f"{h.quote} {h.heading}" for h in hits])
    similar = index.similarities(question, hits) or [None] * len(hits)
    for hit, share, pair_share, similarity in zip(hits, shares, by_pairs, similar):
        coverage = sum(w * h for w, h in zip(weights, share)) / total
        held_kinds = sum(1 for kind in intents if holds(kind, hit.quote))
        bonus = INTENT_BONUS * held_kinds
        scored.append(_Scored(hit, coverage, sum(1 for h in share if h), coverage * RELEVANCE_COVERAGE
                              + BM25_SCALE * hit.bm25 / top_bm25 + bonus + DOC_EVIDENCE * doc_cover[hit.document_id]
                              + TITLE_EVIDENCE * title_cover[hit.document_id] + PAIR_WEIGHT * pair_share,
                              len(groups), tuple(g.words[0] for g, h in zip(groups, share) if h), pair_share,
                              sum(1 for h in share if h == 1.0), topic is None or share[topic] == 1.0,
                              similarity, bm25=hit.bm25 / top_bm25, doc_cover=doc_cover[hit.document_id],
                              title_cover=title_cover[hit.document_id], intents=held_kinds))
    for s in scored:
        s.base_relevance = s.relevance
    return scored


def _weight(g: _Group, idf: dict[str, float], unseen: float) -> float:
    """A group weighs what its most common word weighs (it matches wherever any of them is); a
    word no provision holds weighs `unseen` (a verb much less: it is how staff talk), or, when
    only its pieces are held ("医疗纠纷" → 医疗, 纠纷), what its rarest piece weighs."""
    seen = [idf[x] for x in g.words if idf[x] > 0]
    pieces = [idf[x] for x in g.parts if idf[x] > 0]
    if seen:
        weight = min(seen + pieces)
    elif pieces:
        weight = max(pieces)
    else:
        weight = unseen if g.noun else unseen * UNSEEN_VERB_SHARE
    return weight * (1.0 if g.noun else VERB_WEIGHT)


def _held(group: _Group, hit: Hit) -> float:
    """1 when the provision holds the word (or an equivalent), PART_CREDIT when only a piece of it."""
    def has(x: str) -> bool:
        return x in hit.terms or ((len(x) > 1 or not x.isalnum()) and x in hit.quote)   # "□": a symbol
    if any(has(x) for x in group.words):
        return 1.0
    return PART_CREDIT if any(has(x) for x in group.parts) else 0.0


@dataclass
class _Group:
    words: tuple[str, ...]        # the question word and its policy-language equivalents
    parts: tuple[str, ...] = ()   # pieces of it: holding only these counts half
    noun: bool = True


def query_groups(question: str) -> list[_Group]:
    """Each content word of the question with its equivalents and parts; a staff phrase
    ("不留名字") is one group; a "not" in the question adds the negation words."""
    groups: list[_Group] = []
    question = strip_asking(question)
    rest = question
    for phrase in phrases_in(question):
        groups.append(_Group(equivalents(phrase)))
        rest = rest.replace(phrase, "，")
    for w in query_words(rest):
        parts = tuple(dict.fromkeys(w.parts + tuple(x for p in w.parts for x in equivalents(p))))
        groups.append(_Group(equivalents(w.word), parts, w.noun))
    if NEGATION_ASKED.search(question):
        groups.append(_Group(NEGATION_WORDS, noun=False))
    for word in pattern_words(question):
        if not any(word in g.words for g in groups):
            groups.append(_Group(equivalents(word)))
    return groups


def _miscut(word: str) -> bool:
    """A "noun" jieba glued to a function character ("药能" = 药 + 能): every other character is a stopword."""
    return len(word) > 1 and all(c in STOPWORDS or len(equivalents(c)) > 1 for c in word) \
        and any(c in STOPWORDS for c in word)


# a noun the texts never use, read by its head: "降压药" is a 药品, and "多少分会被停" a 分 that jieba
# glued to 会; holding the head counts half, like any piece of a word (费 → 费用 and the like were
# measured: they answer "住宿费谁出")
_HEADS = {"药": ("药品", "药物")}
_GLUED = "会能要可就都也才还用"


def _head_words(word: str) -> tuple[str, ...]:
    if len(word) > 1 and word[-1] in _GLUED:
        return equivalents(word[:-1])
    return _HEADS.get(word[-1], ()) if len(word) > 2 else ()


def _verb_pieces(group: _Group) -> tuple[str, ...]:
    """A verb no provision holds ("要留", "代买"): the policy words for its characters ("保存", "购买");
    a bare character would match almost every provision."""
    chars = [c for c in group.words[0] if c not in STOPWORDS]
    return tuple(dict.fromkeys(x for c in chars for x in equivalents(c)[1:] if len(x) > 1))


def _citations(session: Session, chosen: list[_Scored], status: dict) -> list[Citation]:
    base = get_settings().public_url.rstrip("/")
    diffs = diff_links(base, change_ids(session, {s.hit.version_id for s in chosen}))
    out = []
    for s in chosen:
        version = session.get(Version, s.hit.version_id)
        doc: Document = version.document
        st = status[version.id]
        successor = ({"title": st.successor_title, "url": st.successor_url} if st.successor_title else None)
        date = doc.publish_date or doc.effective_date
        out.append(Citation(
            document=version.title or doc.title, doc_number=doc.doc_number, clause=s.hit.clause,
            text=s.hit.quote, url=_public(version.url or doc.url), in_force=st.in_force,
            date=date.isoformat() if date else None, status=st.note, successor=successor,
            diff_url=diffs.get(version.id),
            document_id=doc.id, version_id=version.id, score=round(s.relevance, 3)))
    return out


def diff_links(base: str, changes: dict[int, int]) -> dict[int, str]:
    """version id → the link to the 对照表 that brought it: signed (/d/<token>), so staff without an
    Airflow login open it from 问一问 and the group chat; behind the login (/qa/diff/<id>) when no
    link secret is configured."""
    if not changes:
        return {}
    try:
        secret = link_secret()
    except LinkSecretMissing:
        return {v: f"{base}/qa/diff/{c}" for v, c in changes.items()}
    return {v: sign_link(base, "diff", str(c), secret=secret, ttl_s=DIFF_LINK_TTL_S) for v, c in changes.items()}


def _public(url: str | None) -> str:
    """The source's web address; "" for a text loaded from a local file (no file:// path to staff)."""
    return url if url and url.startswith(("http://", "https://")) else ""


def quote_answer(citations: list[Citation]) -> str:
    """The answer without a model: the provisions themselves, numbered like the citations."""
    lines = ["依据以下条款："]
    for n, c in enumerate(citations, 1):
        number = f"（{c.doc_number}）" if c.doc_number else ""
        mark = "" if c.in_force else f"〔{c.status}〕"
        lines.append(f"[{n}] 《{c.document}》{number}{c.clause}{mark}：{c.text}")
    return "\n".join(lines)
