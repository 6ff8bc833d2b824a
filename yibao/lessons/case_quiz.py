"""Situational quiz items: "遇到这种情况，该怎么做？".

A hospital-side conditional duty ("参保人员因特殊原因需要委托他人代为购药的，乙方应当核验委托人和受托人的身份
证明…") becomes a question on its situation, answered by its action; the wrong options are the actions the same
document requires of the hospital's side elsewhere, so each option is a real rule, only not this situation's.
"""
from __future__ import annotations

import re

from .model import QuizItem

_LABEL = r"^(?:（[一二三四五六七八九十]+）|\d+[.．、])?"
_MUST = r"(?:应当|(?<![相对适反供回效响])应(?![用急对该收受])|必须|(?<![必无])须)"   # 相应, 应用 are no duty
_CASE = re.compile(_LABEL + r"(?P<cond>[^。；：]{6,50}?的)，(?P<who>[^，。；]{0,16}?)" + _MUST + r"(?P<act>[^。；]{4,60})[。；]?$")
_DUTY = re.compile(_LABEL + r"(?P<who>[^，。；：]{1,16}?)" + _MUST + r"(?P<act>[^。；]{4,60})[。；]?$")
# a 的 that ends a noun phrase ("按照…的"), or a situation too vague to picture ("具备条件的")
_NOT_A_SITUATION = re.compile(r"(?:^|，)(?:对|按照|根据|依照)[^，]{0,8}的$|所称.*的$|(?:具备|符合|有)条件的$")
MIN_WRONG = 2


# lessons are for the hospital's side: a situation where the bureau or its inspectors act is not asked
_HOSPITAL_SIDE = re.compile(r"乙方|医疗机构|医药机构|零售药店|药店|医院|医务人员|医师|医生|药师|护士|收费|参保人员|参保人")
MIN_ACTION = 6   # "提出申请", "立即解除": a scrap, not an action one could mistake for the right one


def situation(sentence: str) -> tuple[str, str, str] | None:
    """(situation, who acts, the action) of a hospital-side conditional duty, or None."""
    m = _CASE.match(sentence.strip())
    if not m or _NOT_A_SITUATION.search(m["cond"]) or not _HOSPITAL_SIDE.search(m["who"]):
        return None
    return m["cond"], m["who"].strip(), m["act"].strip()


def actions_in(sentences: list[str]) -> list[tuple[str, str]]:
    """(situation, action) of every hospital-side duty among the sentences, once each; a duty
    without a situation has "" (its action is still a believable wrong option elsewhere)."""
    out: list[tuple[str, str]] = []
    for text in sentences:
        parts = situation(text)
        if parts is None:
            m = _DUTY.match(text.strip())
            parts = ("", m["who"], m["act"].strip()) if m and _HOSPITAL_SIDE.search(m["who"]) else None
        if parts and (parts[0], parts[2]) not in out:
            out.append((parts[0], parts[2]))
    return out


def case_item(ref: str, sentence: str, pool: list[tuple[str, str]], short: str) -> QuizItem | None:
    """"情境：符合立案标准的，应当怎么做？" with its action among other situations' actions."""
    parts = situation(sentence)
    if parts is None:
        return None
    cond, who, act = parts
    wrong: list[str] = []
    for other_cond, other_act in pool:
        if other_cond == cond or _overlap(other_act, act) or any(_overlap(other_act, w) for w in wrong) \
                or _about(other_act, cond) or not _comparable(other_act, act):
            continue
        wrong.append(other_act)
        if len(wrong) == 3:
            break
    if len(wrong) < MIN_WRONG:
        return None
    return QuizItem("choice", f"情境题：根据《{short}》{ref}，{cond}，{who}应当怎么做？", act, wrong, ref,
                    f"{ref}原文：{sentence}")


def _comparable(wrong: str, right: str) -> bool:
    """A wrong option of about the answer's length and a whole action: the right one is not the long one."""
    return len(wrong) >= MIN_ACTION and not wrong.endswith(("：", ":")) and 0.5 <= len(wrong) / len(right) <= 2.0


def _about(action: str, cond: str) -> bool:
    """An action on the situation's own subject ("门诊慢特病…认定" for "为门诊慢特病参保人员服务的")
    may be right there too: never a wrong option."""
    return any(action[i:i + 3] in cond for i in range(len(action) - 2) if "的" not in action[i:i + 3])


def _overlap(a: str, b: str) -> bool:
    """Two actions too alike to be told apart: they share a word ("记入笔录" / "在笔录上注明情况")."""
    pairs = {a[i:i + 2] for i in range(len(a) - 1)} - _FILLER
    return any(b[i:i + 2] in pairs for i in range(len(b) - 1))


_FILLER = {"并在", "应当", "及时", "按照", "规定", "相关", "进行", "有关", "做好"}
