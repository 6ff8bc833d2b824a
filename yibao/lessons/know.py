"""What a role must know from its provisions that its to-dos do not say.

The to-do list holds the role's own duties. A trainer also teaches what the role's provisions say
about it without asking it to act: the consequence it faces ("…暂停或终止期间…医保基金不予结算"), what
the bureau will do to the hospital ("…纳入协议管理和绩效考核"), how the scheme works ("目录实行通用名管理").
Those sentences sat only in the 条文 appendix; here the role's best-ranked provisions that no line of the
top section quotes give one sentence each: the one that speaks most of the role.
"""
from __future__ import annotations

import re

from .binding import duty_modality, subject_of, targeted_conduct
from .duties import BUREAU, DEFINITION, MAX_LINE, RIGHT, _NOT_A_DUTY, _TIMETABLE, _head, _lead_of, _whole, is_fragment, other_party
from .selection import Chosen, says_something

# what happens to the hospital or its people: a trainer's first warning
CONSEQUENCE = re.compile(r"不予支付|不予结算|拒付|追回|扣减|扣除|记分|暂停|终止|中止|解除|挂钩|处罚|罚款|约谈|通报|"
                         r"公开|公告|曝光|移送|纳入[^，。；]{0,10}考核")
# a guiding-thought paragraph ("以…为指导，全面贯彻…") is nobody's to know
_GUIDING = re.compile(r"为指导|全面贯彻|深入贯彻|坚持以人民为中心")
LIMIT = {"core": 5, "brief": 2}


def to_know(chosen: list[Chosen], shown: str, actors: tuple[str, ...], keywords: tuple[str, ...],
            level: str, *, plain: bool = False, hospital: bool = True) -> list[str]:
    """Lines "知晓后果（ref）：…" / "可以这样做（ref）：…" / "医保部门将（ref，与我院相关）：…" / "须知（ref）：…",
    one per provision the top section (`shown`, its text) does not quote yet, best-ranked provision first.
    hospital: the reader works in the hospital (the bureau's step is "与我院相关"; not for the 医保经办)."""
    out: list[str] = []
    for c in chosen:
        if len(out) >= LIMIT.get(level, 1):
            break
        u = c.unit
        ref = u.ref.replace("/", "")
        if u.is_purpose or f"（{ref}" in shown:
            continue
        best = _best_sentence(c, actors, keywords)
        if best is None:
            continue
        text, sentence = best
        if text in shown:
            continue
        # the role's own duty past the to-do list is a duty (for the hospital's people; the 医保经办 and the
        # patient keep their to-dos to the lines the scene and case are built from)
        own = hospital and not plain and bool(u.bound_of(sentence) & set(actors)) and not _bureau(sentence)
        label = _label(sentence, plain, own=own, whole=text)
        if hospital and _bureau(sentence) and targeted_conduct(sentence) & set(actors):
            label = "守住红线"   # "医疗保障部门要…严厉打击虚开药品…等欺诈骗保行为": what the bureau hunts is our red line
        ours = label == "医保部门将" and not plain and hospital
        out.append(f"{label}（{ref}{'，与我院相关' if ours else ''}）：{text}")
    return out


def _best_sentence(c: Chosen, actors: tuple[str, ...], keywords: tuple[str, ...]):
    """(whole sentence, Sentence) that speaks most of the role, or None when none does."""
    u, mine = c.unit, set(actors)
    best, best_score = None, 1.5
    for i, s in enumerate(u.sentences):
        if not says_something(s.text) or is_fragment(s.text) or _GUIDING.search(s.text) or _TIMETABLE.search(s.text) \
                or (_NOT_A_DUTY.search(s.text) and "有权" not in s.text):
            continue   # a definition (是指) or a guiding thought is no point; a right (有权) is
        lead = _lead_of(u, i) if u.labels[i] else None
        if lead is not None and other_party(lead.text):
            continue   # "甲方履行以下义务：（一）…": an item of the other party's list
        if _bureau(s) and re.search(r"时[，,]", _head(s.text) or ""):
            continue   # "经办机构…作出记分处理时，应核对…": the bureau's own procedure
        about = bool(u.bound_of(s) & mine or set(s.actors) & mine or any(k in s.text for k in keywords))
        if not about:
            continue   # a consequence or a bureau's step that never names the role's people or work
        text = _whole(c, i)
        if len(text) > MAX_LINE:
            continue
        score = 4.0 * bool(u.bound_of(s) & mine) + 2.0 * bool(set(s.actors) & mine) \
            + 2.0 * bool(CONSEQUENCE.search(s.text)) + 1.0 * bool(s.facts) \
            + 1.0 * any(k in s.text for k in keywords) + 0.5 * (duty_modality(s) in ("obligation", "prohibition", "penalty"))
        if score > best_score:
            best, best_score = (text, s), score
    return best


def _bureau(sentence) -> bool:
    return bool(subject_of(sentence) & BUREAU)


def _label(sentence, plain: bool, *, own: bool = False, whole: str = "") -> str:
    """own: the sentence binds the role (its own duty past the to-do list's length is a duty, not a consequence);
    whole: the line as quoted (an item with its lead-in)."""
    if RIGHT.search(sentence.text):
        return "可以这样做"
    if DEFINITION.search(whole or sentence.text):
        return "您需要知道" if plain else "须知"   # "…管理的对象是…，主要包括两类": what a thing is, no duty
    modality = duty_modality(sentence)
    if own and modality == "penalty" and not _bureau(sentence):   # "定点医药机构要…将记分情况与考核挂钩": its own duty
        modality = "prohibition" if re.search(r"不得|禁止|严禁", sentence.text) else "obligation"
    if own and modality in ("obligation", "prohibition"):
        return ("您要做到" if modality == "obligation" else "不能这样做") if plain else \
            ("照此办理" if modality == "obligation" else "守住红线")
    if CONSEQUENCE.search(sentence.text) or modality == "penalty":
        return "要知道的后果" if plain else "知晓后果"
    if _bureau(sentence):
        return "医保部门将"
    return "您需要知道" if plain else "须知"
