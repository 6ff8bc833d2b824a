"""The role's own to-dos in a lesson: whole sentences whose subject is on the role's side.

A hospital role acts on what binds the hospital (定点医疗机构, 医务人员, 药师, 护士, 收费窗口); a
bureau's or an inspector's duty is never its to-do. When such a duty reaches the hospital it is shown
as context ("医保部门将…（与我院相关）"). Lines quote the whole sentence (a list's lead-in with its
items), never a comma-clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .selection import Chosen, benefit_rule, duty_modality, subject_of

HOSPITAL = frozenset({"medical_institution", "medical_staff", "pharmacy", "nursing", "billing"})
# the subjects whose duties are each audience's own to-dos (the hospital roles get HOSPITAL)
OWN_SIDE = {"insured": frozenset({"insured"}), "employer_hr": frozenset({"employer"}),
            "agency": frozenset({"agency", "admin_dept"})}
BUREAU = frozenset({"agency", "admin_dept"})
VERB = {"prohibition": "守住红线", "penalty": "知晓后果", "obligation": "照此办理", "permission": "可以这样做",
        "benefit": "按此结算"}
RANK = {"prohibition": 0, "penalty": 1, "obligation": 2, "benefit": 3, "permission": 4}
MAX_ACTIONS = 8
MAX_CONTEXT = 2
MAX_LINE = 260          # a lead-in with its items is cut after whole items past this length


@dataclass
class Duty:
    ref: str
    modality: str
    text: str             # whole sentence(s) as printed
    own: bool             # binds the role's own actors (not just the hospital in general)
    has_fact: bool
    order: int
    by_bureau: bool = False   # a penalty the bureau imposes on the hospital: known, never the lead duty
    source: Chosen | None = None   # the provision it comes from
    sentence: object = None        # its document-model Sentence (facts, modality)

    @property
    def line(self) -> str:
        verb = "您的待遇" if self.modality == "benefit" and self.own and "insured" in self.text else VERB[self.modality]
        return f"{verb}（{self.ref}）：{self.text}"


def side_of(role: str) -> frozenset:
    return OWN_SIDE.get(role, HOSPITAL)


def is_fragment(text: str) -> bool:
    """A sentence a lesson cannot quote on its own: a heading without a verb, a list lead ending in
    "：", a clause cut by the PDF ("…可将相关人员医保支付资格。"), a stray closing bracket."""
    t = text.strip()
    if len(t) < 8 or t[0] in "）)、，；。" or t.startswith(("下同", "含", "以及", "或者", "并")):
        return True
    if t.endswith(("：", ":", "，", "、")):
        return True
    # a modal + preposition whose verb never comes: "可将相关人员医保支付资格。", "应当按照管理权限。"
    tail = re.search(r"(?:应当|应|可以|可|要|须)(?:将|把|按照|根据|依据)([^，。；]{0,20})[。；]$", t)
    if tail and not re.search(r"(?:执行|办理|处理|支付|结算|报销|管理|确定|处罚|认定|实施)$", tail.group(1)):
        return True
    return False


def _whole(c: Chosen, i: int) -> str:
    """Sentence i with what completes it: a lead-in "…：" gets its items, an item gets its lead-in."""
    u = c.unit
    s = u.sentences[i]
    label = u.labels[i]
    text = f"{label}{s.text}" if label and not s.text.startswith(label) else s.text
    if s.text.rstrip().endswith(("：", ":")):
        parts = [text]
        for j in range(i + 1, len(u.sentences)):
            if not u.labels[j] and j > i + 1:
                break
            lab = u.labels[j]
            item = f"{lab}{u.sentences[j].text}" if lab and not u.sentences[j].text.startswith(lab) else u.sentences[j].text
            if len("".join(parts)) + len(item) > MAX_LINE and len(parts) > 1:
                parts.append("……")
                break
            parts.append(item)
        return "".join(parts)
    if label and i > 0:
        lead = next((u.sentences[j].text for j in range(i - 1, -1, -1)
                     if not u.labels[j] and u.sentences[j].text.rstrip().endswith(("：", ":"))), "")
        if lead:
            return f"{lead}……{text}"
    return text


_PAYS = re.compile(r"自付|报付|报销|起付|支付范围|支付标准|结算范围|个人负担|待遇|全额支付")


def _is_benefit(s) -> bool:
    """A rule on what the patient's care costs or how it is settled ("参保人员…按住院政策报付，不设起付线")."""
    if subject_of(s) & (HOSPITAL - {"billing"}) and not re.search(r"由[^，。]{0,12}基金", s.text):
        return False   # the hospital's own duty about payment ("医疗机构应当…结算") stays a duty
    return bool(benefit_rule(s)) or (("insured" in s.actors or "参保" in s.text) and bool(_PAYS.search(s.text)))


_REGION = re.compile(r"地区|各地|各省|统筹区|省级|市级")
_HEAD_END = re.compile(r"应当|必须|不得|禁止|严禁|须|应|要|可以|可")


def _head(text: str) -> str:
    m = _HEAD_END.search(text)
    return text[:m.start()] if m else ""


def _subject(c: Chosen, s) -> set[str]:
    """Who must act: the bound actors for a duty, the named subject for a permission."""
    if duty_modality(s) == "permission":
        return subject_of(s)
    return set(c.unit.bound_of(s))


def role_duties(chosen: list[Chosen], role: str, actors: tuple[str, ...]) -> list[Duty]:
    """Every duty in the chosen units whose subject is on the role's side, best first:
    the role's own before the hospital's, prohibitions and penalties before obligations, numbers first."""
    side, mine = side_of(role), set(actors)
    out: list[Duty] = []
    seen: set[str] = set()
    for c in chosen:
        u = c.unit
        for i, s in enumerate(u.sentences):
            m = duty_modality(s)
            if m in ("statement", "obligation") and _is_benefit(s):
                m = "benefit"   # "参保人员…按住院政策报付，不设起付线": what the window settles, what the patient gets
            if m not in VERB or u.is_purpose or _REGION.search(_head(s.text)):
                continue   # "具备条件的地区可…": a region's option, nobody's to-do in the hospital
            subject = {"insured", "billing"} if m == "benefit" else _subject(c, s)
            if m == "penalty" and not subject & BUREAU:   # the hospital's own duty in a penalty chapter
                m = "prohibition" if re.search(r"不得|禁止|严禁", s.text) else "obligation"
            if not subject & side:
                continue
            if role not in OWN_SIDE and subject & BUREAU and not subject_of(s) & side and m != "penalty":
                continue   # a bureau's duty (carried subject) stays context
            text = _whole(c, i)
            if text in seen or is_fragment(s.text if not s.text.rstrip().endswith("：") else text):
                continue
            seen.add(text)
            named = subject_of(s)   # own: the role is who acts, not just whose work (病历, 收费) is named
            own = bool((named or subject) & mine) if m != "benefit" else bool(subject & mine)
            out.append(Duty(c.unit.ref.replace("/", ""), m, text, own, bool(s.facts), u.order,
                            bool(subject & BUREAU), c, s))
    out.sort(key=lambda d: (not d.own, d.by_bureau, RANK[d.modality], not d.has_fact, d.order))
    return out


def quote_duties(duties: list[Duty]) -> None:
    """A duty's sentence is quoted in the lesson's 条文 too (a long provision quotes only some sentences)."""
    for d in duties:
        c = d.source
        if c is not None and d.sentence not in c.sentences:
            keep = set(map(id, c.sentences)) | {id(d.sentence)}
            c.sentences = [x for x in c.unit.sentences if id(x) in keep]


def lead_duty(chosen: list[Chosen], duties: list[Duty]) -> Duty | None:
    """The 要点: selection ranks the provisions, the duty order ranks inside one. The role's own duty
    comes first, then the hospital's; a penalty the bureau imposes leads only when nothing else does."""
    for wanted in (lambda d: d.own and not d.by_bureau, lambda d: not d.by_bureau, lambda d: True):
        for c in chosen:
            ref = c.unit.ref.replace("/", "")
            best = next((d for d in duties if d.ref == ref and wanted(d)), None)
            if best:
                return best
    return None


def bureau_context(chosen: list[Chosen], role: str, actors: tuple[str, ...]) -> list[tuple[str, str]]:
    """Bureau duties that name the role's side: what the 医保部门 will do that reaches the hospital,
    as (ref, whole sentence)."""
    if role in OWN_SIDE:
        return []
    side = side_of(role) | {"insured"}
    out: list[str] = []
    for c in chosen:
        u = c.unit
        for i, s in enumerate(u.sentences):
            if duty_modality(s) not in ("obligation", "penalty", "prohibition") or u.is_purpose:
                continue
            subject = subject_of(s)   # the bureau named as the one who acts
            if not (subject & BUREAU) or subject & side or not (set(s.actors) & side) or is_fragment(s.text):
                continue
            out.append((u.ref.replace("/", ""), _whole(c, i)))
            break
        if len(out) >= MAX_CONTEXT:
            break
    return out


_PREP = re.compile(r"^(?:按照|根据|依据|对|在|于|为|经|由|将|把|以|与|向)")
_MODAL = re.compile(r"应当|必须|不得|禁止|严禁|须|应|要|可以")


def context_line(ref: str, text: str) -> str:
    return f"医保部门将（{ref}，与我院相关）：{text}"


def gist(duty_text: str) -> str | None:
    """A clean phrase for a headline from a duty: the sentence itself when short, else its first clause
    that carries the modal verb and its object ("不得分解住院、挂床住院"); None when no clause reads whole."""
    t = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", duty_text.split("……")[0]).strip()
    if t.endswith(("：", ":")):
        return None
    body = t.rstrip("。；")
    if 6 <= len(body) <= 36 and "，" not in body:
        return body
    for clause in re.split(r"[，；。：]", body):
        m = _MODAL.search(clause)
        if not m:
            continue
        after = clause[m.end():]
        if 8 <= len(clause) <= 36 and len(after) >= 4 and not _PREP.match(after) and not clause.endswith("的"):
            return clause
        return None
    return None
