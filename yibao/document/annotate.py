"""Sentences of a provision and what each one says: modality and actors.

Signal words are general 公文 vocabulary: 不得/禁止/严禁 (prohibition); 罚款/暂停/解除/追回/
责令/处…倍 (penalty); 应当/须/必须/要/严格 (obligation); 可以/鼓励/支持 (permission).
Actors come from config/actors.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .model import strongest

_OPEN, _CLOSE = "“‘《（(「『〔[【", "”’》）)」』〕]】"
_ENDS = "。！？；!?;"

PROHIBITION = re.compile(r"不得|禁止|严禁|不准|不允许|不可以|不应当?|杜绝|严防|"
                         # a benefit exclusion: the fund must not pay for it ("…统筹基金不予支付")
                         r"不予(?:支付|报销|结算|纳入)|不纳入[^。；，]{0,16}(?:支付|报销)范围")
PENALTY = re.compile(
    r"罚款|处[^。；，]{0,14}?倍|没收|吊销|责令|追回|拒付|暂停(?:[^。；]{0,10}(?:支付|结算|拨付|协议|资格|服务|业务))|"
    r"解除(?:[^。；]{0,8})?(?:协议|资格)|中止(?:[^。；]{0,8})?(?:协议|资格|支付|结算)|取消[^。；]{0,8}资格|"
    r"行政处罚|采取[^。；，]{0,6}处理措施|按(?:照)?(?:协议|规定)(?:约定)?处理|依法(?:依规)?(?:处理|查处)|处分|记分|扣减|扣除[^。；]{0,6}(?:费用|分值|点数)|通报批评|约谈|追究[^。；]{0,10}责任|移送|违约金")
OBLIGATION = re.compile(
    r"应当|必须|务必|严格|须(?!知)|负责|确保|(?<![相对供适响反回答效感])应(?![用急收付急届])|"
    r"(?<![主重需纪摘提必概只简纲])要(?![求素点件是闻害])|需(?=[经在要按由于向及将])")
PERMISSION = re.compile(
    r"可以|鼓励|支持|允许|有权|享有|自愿|(?<![不许认即宁])可(?!能|行|靠|控|见|知|观|信|疑|口|爱|持续|及|视|追溯|比|用性|复制|推广|操作|量化|"
    r"负担|衡量|预期|核查|替代|供|谓|惜|怜|恶|是)")
_NEGATED_OBLIGATION = re.compile(r"无须|不须|无需|不需要?")
# a cap or floor on a quantity binds: "原则上不超过出院总病例的5%", "控制在10%以内", "不低于90%"
CAP = re.compile(r"(?:不超过|不高于|不低于|不少于|不多于|不大于|不小于|控制在|上限为|下限为)"
                 r"[^，,。；;]{0,24}?(?:\d|百分之|[一二三四五六七八九十百]+(?:个|倍|%|年|月|日|天|家|人|元|项|种))")
# a 公文 instructs by a bare verb too: "加强数据筛查分析。", "推进智能审核全覆盖…", "将考核结果与…挂钩"
DIRECTIVE = re.compile(r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,])?(?:进一步|切实|全面|持续|积极|认真|统一)?"
                       r"(?:加强|做好|推进|推动|完善|建立|健全|落实|强化|规范|开展|严格|确保|指导|督促|组织|"
                       r"提高|提升|用好|发挥|探索|依托|实行|实施|执行|遵守|配合|按时|及时|定期|引导|聚焦|将(?!于|会|来|近))")
# statutes (法, 条例) speak with 应当/不得; a bare-verb sentence there describes rather than instructs
_STATUTE_TITLE = re.compile(r"条例|(?<!办)法(?:（[^）]*）)?$")


def is_directive_document(title: str | None) -> bool:
    """通知/意见/办法/方案…instruct their addressees; a 法 or 条例 does not instruct by bare verbs."""
    return not (title and _STATUTE_TITLE.search(title.strip()))


def is_directive(sentence: str) -> bool:
    """An imperative sentence: without a subject (the addressee, or the heading's subject, must do it), or
    with a party right before the verb ("医疗机构加强病案质量控制…")."""
    text = sentence.lstrip("“\" ")
    if DIRECTIVE.match(text):
        return True
    lead = re.match(r"(?:各级|各)?", text).end()
    actor = _actor_matcher(_config_key())[0].match(text, lead)
    return bool(actor) and bool(DIRECTIVE.match(text[actor.end():]))


_PLAIN_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*|[。！？；!?;]+")
_HAS_OPEN = re.compile("[" + re.escape(_OPEN) + "]")


def split_sentences(text: str) -> list[str]:
    """Whole sentences: cut after 。！？； outside quotes and brackets; a trailing "：" lead stays whole."""
    if not _HAS_OPEN.search(text):   # no quotes or brackets: one regex pass
        return [s.strip() for s in _PLAIN_SENTENCE.findall(text) if s.strip()]
    out, buf, depth = [], [], 0
    for ch in text:
        buf.append(ch)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _ENDS and depth == 0:
            s = "".join(buf).strip()
            if s:
                out.append(s)
            buf = []
    rest = "".join(buf).strip()
    if rest:
        if out and len(rest) <= 2 and not re.search(r"[\u4e00-\u9fff]", rest):
            out[-1] += rest   # a stray closing quote or bracket
        else:
            out.append(rest)
    return out


_MODAL_WORD = re.compile(PROHIBITION.pattern + "|" + OBLIGATION.pattern + "|" + PERMISSION.pattern + "|由|对")


def subjects_of(sentence: str, parties: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Actors named before the first modal word ("定点医疗机构应当…" → medical_institution); () when the
    sentence names none there (an item under a lead, a passive rule).  `parties`: an agreement's 甲方/乙方."""
    m = _MODAL_WORD.search(sentence)
    if not m or m.start() == 0:
        return ()
    head = sentence[:m.start()]
    found = actors_of(head)
    if parties:
        found = with_parties(found, head, parties)
    return found


def modality_of(sentence: str) -> str:
    found = []
    if PROHIBITION.search(sentence):
        found.append("prohibition")
    if PENALTY.search(sentence):
        found.append("penalty")
    if OBLIGATION.search(_NEGATED_OBLIGATION.sub("", sentence)) or CAP.search(sentence):
        found.append("obligation")
    if PERMISSION.search(sentence):
        found.append("permission")
    return strongest(found)


@lru_cache(maxsize=4)
def _actor_matcher(_key: str = "") -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every signal word, longest first, so "定点零售药店" wins over "医疗机构"-style
    shorter words at the same place; and word → actor id."""
    from yibao.lessons.config import load_config
    cfg = load_config("actors.yaml")
    word_actor: dict[str, str] = {}
    for aid, spec in (cfg.get("actors") or {}).items():
        for w in (spec or {}).get("words", []):
            if w:
                word_actor.setdefault(w, aid)
    words = sorted(word_actor, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words) or "(?!)"), word_actor


# a common word whose tail and the next character read as a signal word: "公开药品…" is not "开药",
# "使用工作要求" is not "用工"
_FALSE_JOIN = re.compile(r"(?:公|展|召|离|打|分)开(?=药)|使用(?=工作)")


def mask_false_joins(text: str) -> str:
    """The text with such words blanked (same length), for actor matching only."""
    return _FALSE_JOIN.sub(lambda m: "　" * len(m.group(0)), text)


def actors_of(sentence: str) -> tuple[str, ...]:
    """Actor ids signalled in a sentence, in order of first mention."""
    pattern, word_actor = _actor_matcher(_config_key())
    return tuple(dict.fromkeys(word_actor[m.group(0)] for m in pattern.finditer(mask_false_joins(sentence))))


def _config_key() -> str:
    """Cache key: the config dirs in force (a trainer override directory changes the table)."""
    from yibao.lessons.config import config_dirs
    return "|".join(map(str, config_dirs()))


_PARTY_DEFINED = re.compile(r"(?P<party>甲方|乙方|丙方)(?:[（(](?P<paren>[^（()）]{2,24})[）)]|为(?P<is>[^，,。；;]{2,24}))")


def party_actors(text: str) -> dict[str, tuple[str, ...]]:
    """An agreement names its parties: "乙方（医疗保障定点零售药店）", "乙方为定点医疗机构" → 乙方 → pharmacy /
    medical_institution, so "乙方应当…" binds them.  First definition of each party wins."""
    out: dict[str, tuple[str, ...]] = {}
    for m in _PARTY_DEFINED.finditer(text):
        actors = actors_of(m["paren"] or m["is"])
        if actors and m["party"] not in out:
            out[m["party"]] = actors
    return out


def with_parties(sentence_actors: tuple[str, ...], text: str, parties: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    extra = [a for party, actors in parties.items() if party in text for a in actors]
    return tuple(dict.fromkeys(sentence_actors + tuple(extra))) if extra else sentence_actors
