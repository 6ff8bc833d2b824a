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

PROHIBITION = re.compile(r"不得|禁止|严禁|不准|不允许|不可以|不应当?|杜绝|严防")
PENALTY = re.compile(
    r"罚款|处[^。；，]{0,14}?倍|没收|吊销|责令|追回|拒付|暂停(?:[^。；]{0,10}(?:支付|结算|拨付|协议|资格|服务|业务))|"
    r"解除(?:[^。；]{0,8})?(?:协议|资格)|中止(?:[^。；]{0,8})?(?:协议|资格|支付|结算)|取消[^。；]{0,8}资格|"
    r"行政处罚|处分|记分|扣减|扣除[^。；]{0,6}(?:费用|分值|点数)|通报批评|约谈|追究[^。；]{0,10}责任|移送|违约金")
OBLIGATION = re.compile(
    r"应当|必须|务必|严格|须(?!知)|负责|确保|(?<![相对供适响反回答效感])应(?![用急收付急届])|"
    r"(?<![主重需纪摘提必概只简纲])要(?![求素点件是闻害])|需(?=[经在要按由于向及将])")
PERMISSION = re.compile(r"可以|鼓励|支持|允许|有权|自愿|(?<![不许认即])可(?=[按在向由于经对将适根提申通予选自另凭直参结探纳酌视])")
_NEGATED_OBLIGATION = re.compile(r"无须|不须|无需|不需要?")


def split_sentences(text: str) -> list[str]:
    """Whole sentences: cut after 。！？； outside quotes and brackets; a trailing "：" lead stays whole."""
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


def modality_of(sentence: str) -> str:
    found = []
    if PROHIBITION.search(sentence):
        found.append("prohibition")
    if PENALTY.search(sentence):
        found.append("penalty")
    if OBLIGATION.search(_NEGATED_OBLIGATION.sub("", sentence)):
        found.append("obligation")
    if PERMISSION.search(sentence):
        found.append("permission")
    return strongest(found)


@lru_cache(maxsize=4)
def _actor_table(_key: str = "") -> tuple[tuple[str, str], ...]:
    """(word, actor id), longest word first."""
    from yibao.lessons.config import load_config
    cfg = load_config("actors.yaml")
    actors = cfg.get("actors") or {}
    pairs = [(w, aid) for aid, spec in actors.items() for w in (spec or {}).get("words", []) if w]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def actor_names() -> dict[str, str]:
    from yibao.lessons.config import load_config
    return {aid: (spec or {}).get("name", aid) for aid, spec in (load_config("actors.yaml").get("actors") or {}).items()}


def actors_of(sentence: str) -> tuple[str, ...]:
    """Actor ids signalled in a sentence, in order of first mention."""
    text = sentence
    found: dict[str, int] = {}
    for word, aid in _actor_table():
        start = text.find(word)
        while start >= 0:
            found.setdefault(aid, start)
            found[aid] = min(found[aid], start)
            text = text[:start] + "\u3000" * len(word) + text[start + len(word):]
            start = text.find(word, start + len(word))
    return tuple(sorted(found, key=found.get))
