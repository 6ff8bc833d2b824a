"""Scenes and cases built from the document's own provisions.

A scene puts the role in the situation a chosen provision governs; a case/warning is built from a
prohibition or penalty the document states. Both quote the document's sentences whole, so lessons
on different documents never share them. The curated library (config/scenarios.yaml) is only a
fallback, matched by topic AND actor.
"""
from __future__ import annotations

import re

from .config import load_scenarios
from .scenarios import fill
from .selection import HOSPITAL_SIDE, subject_of

_BUREAU = {"agency", "admin_dept"}   # a bureau's own procedure ("…处理时，要及时报告") is no consequence

# where each role meets a provision (short: the provision's own words carry the scene)
PLACES = {"yibaoban": "医保办自查时", "doctor": "门诊接诊时", "nurse": "病区护理时", "cashier": "在收费结算窗口",
          "pharmacy": "药房调剂发药时", "finance": "月度医保对账时", "management": "院周会上",
          "agency": "审核结算单据时", "employer_hr": "办理职工参保时", "insured": "看病结算时"}
_PROHIBITED = re.compile(r"不得|禁止|严禁")
_ACT_AFTER = re.compile(r"(?:不得|禁止|严禁)([^。；，]{4,40})")


def _strong(chosen, kinds) -> list[tuple[object, object]]:
    """(chosen unit, sentence) pairs whose sentence has one of the modalities, best unit first."""
    return [(c, s) for c in chosen for s in c.sentences if s.modality in kinds]


def scene(role: str, duties: list, *, avoid: str = "") -> dict | None:
    """The role in the situation of one of its own duties (a prohibition first), quoted whole. The
    role's workplace sets the scene only when the duty names the role itself; a duty of the hospital
    as a whole is met at the department's self-check."""
    for d in sorted(duties, key=lambda d: (not d.own, {"prohibition": 0, "obligation": 1}.get(d.modality, 2))):
        s = d.sentence
        if s is None or d.modality not in ("prohibition", "obligation", "benefit") or s.text == avoid or len(s.text) < 12:
            continue
        place = PLACES.get(role, "工作中") if d.own and role not in ("yibaoban", "management") else \
            PLACES.get(role, "科室自查时") if role in ("yibaoban", "management", "insured") else "科室自查时"
        heading = d.source.unit.heading if d.source is not None else None
        act = _ACT_AFTER.search(s.text) if d.modality == "prohibition" else None
        if d.modality == "benefit":   # a payment rule: the patient asks, the role explains and settles
            text = f"{place}，患者问起{d.ref}的规定，请向患者说明并照此结算：“{d.text}”"
            title = f"{heading or d.ref}：向患者说明"
        elif act:
            text = f"{place}，有人提出“{act.group(1).strip('，、 ')}”。{d.ref}规定：“{d.text}”您怎么回应？"
            title = f"{heading or d.ref}：遇到被禁止的做法"
        else:
            text = f"{place}，遇到{d.ref}管到的事：“{d.text}”请说出您要做的第一步。"
            title = f"{heading or d.ref}：照章办事"
        return {"id": f"doc:{d.ref}", "title": title, "text": text, "ref": d.ref}
    return None


def case(role: str, chosen: list, units: list, actors: tuple[str, ...]) -> dict | None:
    """A warning from a penalty or prohibition the document states: one that binds the role's actors
    (in its lesson first, then anywhere in the document), else one that binds the hospital's side."""
    from .duties import other_party

    def fits(u, s, who) -> bool:   # a consequence or a prohibition stated in the sentence itself
        return s.modality in ("penalty", "prohibition") and bool(u.bound_of(s) & who) and len(s.text) >= 12 \
            and (s.modality == "penalty" or not other_party(s.text)) \
            and (not subject_of(s) <= _BUREAU or bool(_VIOLATION.search(s.text))) \
            and bool(_PENALTY.search(s.text) or _PROHIBITED.search(s.text))

    pairs = [(c.unit, s) for c in chosen for s in c.sentences if fits(c.unit, s, set(actors))]
    pairs += [(u, s) for u in units for s in u.sentences if fits(u, s, set(actors))]
    if role not in ("insured", "employer_hr"):   # a patient is not warned with the hospital's penalties
        pairs += [(u, s) for u in units for s in u.sentences if fits(u, s, HOSPITAL_SIDE - {"insured", "employer"})]
    if not pairs:
        return None
    pairs = [(u, s) for u, s in pairs if "是指" not in s.text]   # a definition is no warning
    if not pairs:
        return None
    # a violation and its consequence ("…的，…解除医保协议") first, then other penalties, then prohibitions
    unit, s = sorted(pairs[:12], key=lambda us: (us[1].modality != "penalty",
                                                 not _VIOLATION.search(us[1].text)))[0]
    ref = unit.ref.replace("/", "")
    at = next((i for i, x in enumerate(unit.sentences) if x is s), 0)
    lead = next((x.text for x in reversed(unit.sentences[:at]) if x.text.endswith(("：", ":"))), "")
    if re.search(r"享有|权利", lead):
        return None   # "甲方享有以下权利：……" lists what the other party may do, not a consequence
    if lead and not (_PENALTY.search(lead) or _PROHIBITED.search(lead) or "下列" in lead):
        lead = ""   # "甲方享有以下权利：" is no part of the consequence
    quote = f"{lead}……{s.text}" if lead else s.text  # a list item with its lead-in
    if s.text.rstrip().endswith(("：", ":")):   # a lead-in "有下列情形之一的，…中止医保协议：" with its items
        from .duties import _whole
        from .selection import Chosen
        quote = _whole(Chosen(unit, 0.0, []), at)
    if s.modality == "penalty":
        text, title = f"{ref}写明了后果：“{quote}”", f"{unit.heading or ref}的处理后果"
    else:
        text, title = f"{ref}明令禁止：“{quote}”", f"{unit.heading or ref}的红线"
    return {"id": f"doc:{ref}", "kind": "警示", "title": title, "text": text, "ref": ref, "sentence": s.text}


def curated(section: str, role: str, topics: list[str], actors: set[str], values: dict,
            *, origin: str | None = None) -> dict | None:
    """A library entry whose topics match the document AND whose actors are named in it, or None.
    An entry without `actors` stands for its roles' actors (config/roles.yaml concern)."""
    from .concern import concern_config

    role_actors = concern_config()["roles"]
    for entry in load_scenarios():
        if origin and entry.get("origin") != origin:
            continue
        if entry["section"] != section:
            continue
        roles = entry.get("roles") or ["*"]
        if role not in roles and "*" not in roles:
            continue
        want_topics, want_actors = set(entry.get("topics") or []), set(entry.get("actors") or [])
        if not want_actors:
            want_actors = {a for r in (roles if "*" not in roles else [role])
                           for a in ((role_actors.get(r) or {}).get("core") or [])}
        if not (want_topics & set(topics)) or not (want_actors & actors):
            continue
        out = {"id": entry["id"], "title": fill(entry["title"], values), "text": fill(entry["text"], values)}
        if entry.get("origin") == "packaged" and re.search(r"\d", entry["text"]):
            continue  # a packaged text's own numbers would be facts the document never states
        if section == "cases":
            out["kind"] = entry.get("kind", "警示")
        if "{" in out["text"]:
            continue  # a placeholder this document cannot fill
        return out
    return None


_DUTY = re.compile(r"不得|禁止|严禁|应当|必须|须|应|要")
_VIOLATION = re.compile(r"的[，,][^。]*(?:违约|处罚|罚款|扣除|扣减|追回|拒付|暂停|中止|解除|终止|记分)")
_PENALTY = re.compile(r"违约|处罚|罚款|扣除|扣减|追回|拒付|暂停|中止|解除|终止|记分")


def _sentences(text: str) -> list[str]:
    return [x for x in re.findall(r"[^。；！？\n]+[。；！？]?", text or "") if len(x.strip()) >= 12]


def change_scene(role: str, changes: list[dict]) -> dict | None:
    """Revisions: the role meeting the first changed duty, quoted from the new text."""
    place = PLACES.get(role, "工作中")
    for ch in changes:
        for sent in _sentences(ch.get("new_text") or ""):
            if _DUTY.search(sent):
                sent = re.sub(r"^(?:第[一二三四五六七八九十百零〇]+条|[（(][一二三四五六七八九十\d]+[）)])\s*", "", sent.strip())
                return {"id": f"doc:{ch['ref']}", "title": f"{ch['ref']}的新规定",
                        "text": f"{place}，碰上{ch['ref']}修订后管到的事：“{sent}”请说出您要改变的第一个做法。"}
    return None


def change_case(role: str, changes: list[dict]) -> dict | None:
    """Revisions: a warning from a changed penalty or prohibition, quoted from the new text."""
    for ch in changes:
        for sent in _sentences(ch.get("new_text") or ""):
            if _PENALTY.search(sent) or _PROHIBITED.search(sent):
                return {"id": f"doc:{ch['ref']}", "kind": "警示", "title": f"{ch['ref']}的红线",
                        "text": f"{ch['ref']}（修订后）写明：“{sent.strip()}”"}
    return None
