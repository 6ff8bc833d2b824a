"""Choose a role's provisions from the document model and quote them by whole sentences.

A *unit* is a provision that says something of its own (an article, or an item of a notice whose
parent is only a heading) together with its sub-items. Units are ranked for a role by
  1. whether they bind the role's actors (an obligation/prohibition/penalty naming them),
  2. modality (prohibition, penalty, obligation first),
  3. facts (numbers with units, time limits, lists).
Purpose/background paragraphs rank last; header, 主送, signature and date lines are never
provisions in the document model, so they are never chosen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from yibao.document.annotate import is_directive

from .binding import (HOSPITAL_SIDE, STRONG, _OUTSIDE_BODY, _PARTY, _actors_in, bound_actors, duty_modality, outside_subject,
                      subject_of)
from .docmodel import iter_provisions

MODALITY_WEIGHT = {"prohibition": 3, "penalty": 3, "obligation": 2, "permission": 1, "statement": 0}
QUOTE_LIMIT = 400          # characters of whole sentences quoted per provision
_BOILERPLATE = re.compile(r"负责解释|自.{0,16}(?:起|之日起)(?:正式)?(?:施行|实施|执行)|同时废止|以本.{1,4}为准|从其规定|参照本.{1,3}执行"
                          # a notice's closing "…过程中遇有重大问题，请及时向省医保局报告"
                          r"|(?:遇有|遇到|如有)(?:重大|重要|新的)?(?:问题|情况)[^。]{0,12}?及时[^。]{0,40}?(?:报告|反馈)")


@dataclass
class Unit:
    ref: str
    heading: str | None
    sentences: list            # document-model Sentence objects, own text first, then sub-items
    labels: list[str]          # the sub-item label each sentence starts (or "")
    is_purpose: bool
    topic: str | None
    bound: list = field(default_factory=list)   # per sentence: the actors it binds (subject carried over)
    implied: frozenset = frozenset()  # actors the enclosing chapter/section heading names ("定点医疗机构运行管理")
    implied_outside: bool = False  # that heading names a body outside the hospital ("定点零售药店运行管理")
    part: str = ""             # the top-level provision it sits in (a 章, or a notice's 一、): its theme
    theme: str = ""            # that part's title as printed: "第三章 定点医疗机构运行管理", "二、提升…水平"
    order: int = 0             # position in reading order

    def finish(self, party: frozenset = frozenset()) -> "Unit":
        """Bind each sentence (a sentence without a subject of its own keeps the previous one's, the
        first one the heading's actors) and keep what ranking needs per sentence:
        (bound actors, named actors, strong?, modality).  party: the actors of an agreement's 乙方 when it
        is a body outside the hospital (a 定点零售药店): its 收费, 药师, 处方 … are that body's, not the hospital's."""
        self.bound, carried, outside = [], set(self.implied), self.implied_outside
        for s in self.sentences:
            own = subject_of(s)
            if own:
                carried, outside = own, bool(outside_subject(s))
            elif self.implied_outside and is_directive(s.text):   # "探索…", "健全…": the addressed bureaus
                carried, outside = set(self.implied), True
            b = bound_actors(s, carried, outside)
            if party and b & _PARTY_ACTIVITIES:
                b = (b - _PARTY_ACTIVITIES) | set(party)
            self.bound.append(b)
        self.per_sentence = [(b, _named(s, party), duty_modality(s) in STRONG, duty_modality(s))
                             for s, b in zip(self.sentences, self.bound)]
        strong = [s for s, ps in zip(self.sentences, self.per_sentence) if ps[2]]
        generic = bool(strong) and all(_GENERIC_DUTY.search(s.text) for s in strong)
        self.base = _fact_weight(self) - (8 if self.is_purpose else 0) - \
            (6 if (_BOILERPLATE.search(self.text) and len(self.text) < 80) or generic else 0)
        return self

    def bound_of(self, sentence) -> set[str]:
        for s, b in zip(self.sentences, self.bound):
            if s is sentence:
                return b
        return bound_actors(sentence)

    @property
    def modality(self) -> str:
        return max((s.modality for s in self.sentences), key=MODALITY_WEIGHT.get, default="statement")

    @property
    def facts(self) -> list:
        return [f for s in self.sentences for f in s.facts]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


@dataclass
class Chosen:
    unit: Unit
    score: float
    sentences: list = field(default_factory=list)   # the quoted sentences, in reading order

    @property
    def quote(self) -> str:
        return "".join(self.sentences_text())

    def sentences_text(self) -> list[str]:
        out = []
        for s in self.sentences:
            i = self.unit.sentences.index(s)
            label = self.unit.labels[i]
            out.append(f"{label}{s.text}" if label and not s.text.startswith(label) else s.text)
        return out


def _named(sentence, party: frozenset) -> set[str]:
    """The actors a sentence names; in an agreement with a body outside the hospital its 收费, 药师, 护理 …
    are that body's."""
    named = set(sentence.actors)
    return (named - _PARTY_ACTIVITIES) | set(party) if party and named & _PARTY_ACTIVITIES else named


def says_something(sentence: str) -> bool:
    """Not 施行/解释 boilerplate, and a sentence rather than a list entry ("西药部分", "（2024年）" of an
    attachment list the text prints under its last section)."""
    text = sentence.strip()
    return not _BOILERPLATE.search(text) and len(text) >= 8 and (text[-1] in "。；;！？：:" or len(text) >= 20)

# a duty true of every rule ("甲乙双方应当严格执行国家…相关法律、法规、规章及相关政策规定"): no point of its own
_GENERIC_DUTY = re.compile(r"(?:执行|遵守|遵循)[^。；，]{0,16}(?:法律|法规)[^。；，]{0,20}(?:规定|政策|要求)")


def is_boilerplate(sentence: str) -> bool:
    """施行/解释/废止 sentences: true of every regulation, never a lesson's point."""
    return bool(_BOILERPLATE.search(sentence))


def _ref(p) -> str:
    """Citation as readers write it: "第四条（二）", "二（三）" (not "二、（三）")."""
    return (getattr(p, "ref", "") or p.id).replace("/", "").replace("、", "")


def _own_sentences(p) -> list:
    return [s for s in p.sentences if len(s.text.strip("。；，：: ")) >= 4]


def _without_run_in_title(p, own: list) -> list:
    """Its sentences without its run-in title ("二、提高部分职工生育门诊手术支付标准。将…": the title is
    the part's heading, never a duty, a 要点 or a quiz statement), when others remain."""
    title = (p.heading or "").strip().rstrip("。；;：: ")
    if not title or _ref(p).startswith("第") or len(title) > 20 or re.search(r"\d", title) or _PARTY.search(title):
        # an article's item ("第六条（三）主要负责人负责医保工作…"), a long or numbered lead ("2025年底前…均需开展
        # 即时结算"), or who the item is about ("（一）定点医疗机构。为参保人提供…"): content, not a title
        return own
    body = [s for s in own if s.text.strip().rstrip("。；;：: ") != title]
    return body or own


def _leads_into_list(p, own: list) -> bool:
    """"…有下列情形之一的：" — the sub-items complete the provision's own sentence."""
    return bool(own) and (own[-1].text.rstrip().endswith(("：", ":")) or "下列" in own[-1].text)


def _theme(p) -> str:
    """A part's printed title: "第三章 定点医疗机构运行管理", "二、提升医保基金结算清算水平"."""
    title = (p.heading or "").strip()
    label = (p.label or "").strip()
    if not title:
        return ""
    return f"{label} {title}" if label.startswith("第") else f"{label}{title}"


_POINT = re.compile(r"[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}")


def _point_item(c) -> bool:
    """An enumerated point of one sentence ("一是…重点药品；"): an item of its lead, not a unit of its own."""
    return bool(_POINT.fullmatch(c.label or "")) and len(_own_sentences(c)) == 1


def _heading_only(p, own: list) -> bool:
    """"二、提升医保基金结算清算水平" over its items, or "做好三方面重点工作。" over its 一是/二是 points:
    a title, not a sentence a lesson can quote."""
    if bool(p.children) and len(own) == 1 and len(own[0].text) <= 20 and \
            all(_POINT.fullmatch(c.label or "") and not _point_item(c) for c in p.children):
        return True
    return bool(p.children) and len(own) == 1 and not own[0].text.rstrip().endswith(tuple("。；！？：:"))


def teachable_units(doc) -> list[Unit]:
    """Units in reading order. Sub-items that complete their parent's sentence (a list after "：")
    belong to the parent's unit; other sub-items (a notice's （一）（二） under 一、) are units of their own."""
    units: list[Unit] = []

    def visit(p, into: Unit | None, implied: frozenset = frozenset(), part: str = "", theme: str = "",
              outside: bool = False) -> None:
        own = _own_sentences(p)
        if into is not None:
            for k, s in enumerate(own):
                into.sentences.append(s)
                into.labels.append(p.label if k == 0 and p.level != "paragraph" else "")
            for c in p.children:
                visit(c, into)
            return
        if own and p.level not in ("chapter", "section") and not _heading_only(p, own):
            body = _without_run_in_title(p, own)
            u = Unit(_ref(p), p.heading, list(body), [""] * len(body), bool(p.is_purpose), p.topic,
                     implied=implied, implied_outside=outside, part=part or p.id,
                     theme=theme if part else _theme(p))   # a top-level unit (a notice's 一、) is its own part
            units.append(u)
            fold = _leads_into_list(p, own)
            for c in p.children:  # an article's 款 are the article; a list after "：" completes it
                visit(c, u if fold or c.level == "paragraph" or _point_item(c) else None, implied, u.part, u.theme,
                      outside)
                if c.level == "paragraph":   # "…有下列情形之一的，应中止医保协议：" in a later 款 leads the items after it
                    fold = _leads_into_list(c, _own_sentences(c))
        else:
            named = frozenset(_actors_in(p.heading or "")) if p.level in ("chapter", "section") or own else frozenset()
            for c in p.children:
                visit(c, None, named or implied, part or p.id, theme or _theme(p),
                      bool(_OUTSIDE_BODY.search(p.heading or "")) if named else outside)

    # a notice to the bureaus (各省医保局) instructs them where a sentence names no one
    addressed = frozenset(a for line in (getattr(doc, "addressees", None) or []) for a in _actors_in(line))
    party = outside_party(doc)
    for top in doc.provisions:
        if party:   # an agreement with a 药店: a sentence that names no one speaks of 甲方 or 乙方, never the hospital
            visit(top, None, party, outside=True)
        else:
            visit(top, None, addressed if "admin_dept" in addressed else frozenset(), outside="admin_dept" in addressed)
    for k, u in enumerate(units):
        u.order = k
    return [u.finish(party) for u in units]


# the hospital's own activities and staff words (收费, 药师, 护理): in an agreement whose 乙方 is a body
# outside the hospital they are that body's
_PARTY_ACTIVITIES = frozenset({"pharmacy", "nursing", "billing"})


def outside_party(doc) -> frozenset:
    """The actors of an agreement's 乙方 (or 丙方) when the text defines it as a body outside the hospital:
    "乙方（医疗保障定点零售药店）", "乙方为定点零售药店" → {retail_pharmacy}; empty for an agreement whose 乙方
    is the hospital ("乙方（医疗保障定点医疗机构）") and for any other 公文."""
    from yibao.document.annotate import party_actors
    head = "\n".join(z.text for z in (getattr(doc, "zones", None) or []))[:6000]
    found: set[str] = set()
    for label, actors in party_actors(head).items():
        if label != "甲方" and not set(actors) & (HOSPITAL_SIDE | {"agency", "admin_dept", "finance"}):
            found |= set(actors)
    return frozenset(found)


def _fact_weight(unit: Unit) -> float:
    kinds = {f.kind for f in unit.facts}
    return min(2.0, 0.75 * len(kinds & {"number", "time_limit", "frequency", "list", "date"}) + 0.25 * min(len(unit.facts), 4))


def score(unit: Unit, actors: tuple[str, ...], brief_actors: tuple[str, ...] = (), *,
          affected_binds: bool = False, keywords: tuple[str, ...] = ()) -> float:
    """bind (4–6 bound, 2.5 named, 1 a brief actor bound) + modality + facts + the role's work (3.5).
    affected_binds: a duty that names the role's actors counts as binding them (money paid to the
    hospital concerns its finance office even when the bureau is the one that must pay).
    keywords: words of the role's work (config/roles.yaml `keywords`: 清算 for 财务科, 考核 for 管理层);
    a provision using them is about that work whoever must act."""
    mine, brief = set(actors), set(brief_actors)
    bound = [m for b, a, strong, m in unit.per_sentence if (b if not affected_binds else (a if strong else set())) & mine]
    named = [m for _, a, _, m in unit.per_sentence if a & mine]
    bind = 0.0
    if bound:
        bind = 4.0 + min(2.0, 0.5 * (len(bound) - 1))
    elif named:
        bind = 2.5
    elif any(b & brief for b, _, _, _ in unit.per_sentence):
        bind = 1.0
    if bound or named:
        weight = max(MODALITY_WEIGHT[m] for m in (bound or named))
    else:
        weight = MODALITY_WEIGHT[unit.modality] / 2
    work = 3.5 if keywords and any(k in unit.text for k in keywords) else 0.0
    return bind + weight + unit.base + work


MIN_CHOSEN = 3       # a lesson quotes at least this many provisions


def quote_sentences(unit: Unit, actors: tuple[str, ...], limit: int = QUOTE_LIMIT) -> list:
    """Whole sentences: those binding the actors or carrying facts first, kept in reading order."""
    bound = {id(s): b for s, b in zip(unit.sentences, unit.bound)}

    def weight(s) -> float:
        w = MODALITY_WEIGHT[s.modality] + (1 if s.facts else 0)
        w += 4 if bound.get(id(s), set()) & set(actors) else 2 if set(s.actors) & set(actors) else 0
        return w - (6 if _BOILERPLATE.search(s.text) else 0)

    if sum(1 for l in unit.labels if l) >= 3:
        limit *= 2   # "有下列情形之一的：（一）…（十）": the items are the provision; quote more of them
    # the closing 施行/解释/以本通知为准 sentences a notice's last section carries are never quoted
    # (the start date is stated at the top of the lesson)
    substantive = [i for i, s in enumerate(unit.sentences) if says_something(s.text)]
    if len(substantive) < len(unit.sentences) and substantive:
        if sum(len(unit.sentences[i].text) for i in substantive) <= limit:
            return [unit.sentences[i] for i in substantive]
    elif len(unit.text) <= limit:
        return list(unit.sentences)
    order = sorted(range(len(unit.sentences)), key=lambda i: (-weight(unit.sentences[i]), i))
    keep, used = set(), 0
    for i in order:
        n = len(unit.sentences[i].text)
        if keep and used + n > limit:
            continue
        keep.add(i)
        used += n
    # a sub-item list reads better with its lead-in sentence
    if keep and 0 not in keep and unit.labels[min(keep)] and len(unit.sentences[0].text) <= 60:
        keep.add(0)
    return [unit.sentences[i] for i in sorted(_to_full_stop(unit, keep))]


def to_full_stop(unit: Unit, sentences: list) -> list:
    """The sentences with the rest of each one cut at "；" (see `_to_full_stop`), in reading order."""
    keep = {i for i, s in enumerate(unit.sentences) if any(s is x for x in sentences)}
    return [unit.sentences[i] for i in sorted(_to_full_stop(unit, keep))]


def _to_full_stop(unit: Unit, keep: set[int]) -> set[int]:
    """A clause ending in "；" is quoted with the rest of its sentence up to "。": half a sentence can
    say the opposite ("…的支付范围执行新目录的规定；" without "其余18种…继续沿用原支付标准。").
    Labelled list items ("（一）…；（二）…") are separate points, not halves."""
    out = set(keep)
    for i in sorted(keep):
        j = i
        while unit.sentences[j].text.rstrip().endswith(("；", ";")) and j + 1 < len(unit.sentences) \
                and not unit.labels[j + 1]:
            j += 1
            out.add(j)
    return out


def touches(unit: Unit, actors: tuple[str, ...], keywords: tuple[str, ...] = ()) -> bool:
    """The unit names the role's actors in a duty, or speaks of the role's work (its keywords)."""
    mine = set(actors)
    return any((a & mine) and strong for _, a, strong, _ in unit.per_sentence) or \
        any(k in unit.text for k in keywords)


def choose(units: list[Unit], actors: tuple[str, ...], brief_actors: tuple[str, ...], limit: int, *,
           affected_binds: bool = False, keywords: tuple[str, ...] = (), open_places: int | None = None,
           reach: tuple[str, ...] = ()) -> list[Chosen]:
    """The role's top units, best first (the first one is the lesson's 要点).
    open_places: after this many, a unit gets in only when it touches the role (see `touches`, with the
    words of `reach` too: the 医保办's reach is the work of the departments it oversees): a long lesson
    grows with the provisions about the role, never with filler."""
    ranked = sorted(((score(u, actors, brief_actors, affected_binds=affected_binds, keywords=keywords), i, u)
                     for i, u in enumerate(units)),
                    key=lambda t: (-t[0], t[1]))
    if open_places is not None:
        ranked = ranked[:open_places] + [t for t in ranked[open_places:]
                                         if touches(t[2], actors + brief_actors, keywords + reach)
                                         or any(b & set(actors) for b in t[2].bound)]
    ranked = [t for t in ranked if any(says_something(x.text) for x in t[2].sentences)]   # a section of 施行 lines
    picked = ranked[:limit]
    out = []
    for value, _, unit in picked:
        if value <= 0 and len(out) >= MIN_CHOSEN:
            break
        out.append(Chosen(unit, value, quote_sentences(unit, actors)))
    return out



def all_facts(doc) -> list:
    return [f for p in iter_provisions(doc) for s in p.sentences for f in s.facts]
