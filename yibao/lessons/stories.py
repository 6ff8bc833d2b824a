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
from .binding import HOSPITAL_SIDE, subject_of

_BUREAU = {"agency", "admin_dept"}   # a bureau's own procedure ("…处理时，要及时报告") is no consequence

# where each role meets a provision (short: the provision's own words carry the scene)
PLACES = {"yibaoban": "医保办自查时", "doctor": "门诊接诊时", "nurse": "病区护理时", "cashier": "在收费结算窗口",
          "pharmacy": "药房调剂发药时", "finance": "月度医保对账时", "management": "院周会上",
          "agency": "审核结算单据时", "employer_hr": "办理职工参保时", "insured": "看病结算时"}
_PROHIBITED = re.compile(r"不得|禁止|严禁")
_ACT_AFTER = re.compile(r"(?:不得|禁止|严禁)([^。；，]{4,40})")


def scene(role: str, duties: list, *, avoid: str = "") -> dict | None:
    """The role in the situation of one of its own duties (a prohibition first), quoted whole. The
    role's workplace sets the scene only when the duty names the role itself; a duty of the hospital
    as a whole is met at the department's self-check."""
    from . import scenes

    def prefer(d) -> tuple:
        first = {"benefit": 0, "right": 0, "prohibition": 1} if role in ("cashier", "insured") else {"prohibition": 0}
        # a forbidden act of the role's own work (scenes.build checks the act) beats the hospital's paperwork
        return (first.get(d.modality, 1 if d.has_fact else 2), not d.own, not d.named)

    for loose in (False, True):   # a situation of the role's own work first, then any duty it carries out
        for d in sorted(duties, key=prefer):
            s = d.sentence
            if s is None or s.text == avoid or len(d.text) < 12 or d.modality == "permission":
                continue
            built = scenes.build(role, d, loose=loose)
            if built:
                return {"id": f"doc:{d.ref}", **built, "ref": d.ref}
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


# a consequence imposed on whoever violates: never "处罚" inside "报送行政处罚相关信息"
_CONSEQUENCE = re.compile(r"罚款|解除(?:医保|服务)?协议|中止(?:医保|服务)?协议|终止|暂停|追回|扣除|扣减|拒付|"
                          r"不予(?:支付|拨付|结算)|移交|移送|记分|约谈|通报|责令|退回|没收|吊销|"
                          r"(?:给予|予以|依法)[^，。；]{0,10}处罚|处置|追究")


def consequence_at(text: str) -> int:
    """Where the consequence starts in "<violation>…的，<consequence>", or -1."""
    for m in re.finditer(r"的[，,]", text):
        if _CONSEQUENCE.search(text[m.end():]) and not re.search(r"报送|报告|告知", text[m.end():][:30]):
            return m.end()
    return -1


def case(role: str, chosen: list, units: list, actors: tuple[str, ...]) -> dict | None:
    """A warning quotes a consequence the document states ("…的，经办机构应解除医保协议"): the violation
    names the role's people (in its lesson first, then anywhere in the document), else the hospital's side.
    A document that states no consequence gets no warning (a prohibition alone is in the to-do list)."""
    from .binding import _actors_in

    def fits(u, s, who) -> bool:
        at = consequence_at(s.text)
        if "是指" in s.text or len(s.text) < 12:
            return False
        if at < 0:   # "对定点医药机构相关人员…予以记分，暂停、终止医保支付资格": the bureau acts on them
            opening = re.match(r"对([^，。；]{2,24})[，,]?", s.text)
            return bool(opening and _CONSEQUENCE.search(s.text[opening.end():]) and _actors_in(opening.group(1)) & who
                        and s.modality == "penalty")
        violator = _actors_in(s.text[:at]) | (set(u.bound_of(s)) if s.text[:at].startswith(("有", "存在")) else set())
        return bool(violator & who)

    def lead_in(u, s) -> str:
        at = next((i for i, x in enumerate(u.sentences) if x is s), 0)
        lead = next((x.text for x in reversed(u.sentences[:at]) if x.text.endswith(("：", ":"))), "")
        return lead if lead and not re.search(r"享有|权利", lead) and consequence_at(lead) >= 0 else ""

    def lead_fits(u, s, who) -> bool:   # "有下列情形之一的，…解除医保协议：" over items that are the violations
        if not s.text.rstrip().endswith(("：", ":")) or consequence_at(s.text) < 0:
            return False
        return bool((_actors_in(s.text) | set(u.bound_of(s))) & who)

    groups = [set(actors)]
    if role not in ("insured", "employer_hr"):   # a patient is not warned with the hospital's penalties
        groups.append(HOSPITAL_SIDE - {"insured", "employer"})
    in_lesson = {id(c.unit) for c in chosen}
    pool = [c.unit for c in chosen] + [u for u in units if id(u) not in in_lesson]
    for who in groups:
        for u in pool:
            for s in u.sentences:
                if fits(u, s, who) or lead_fits(u, s, who):
                    return _warning(u, s, lead_in(u, s))
    return None


# "参保人员在转出地存在欠缴费用的，应当补缴后再办理转出手续": a situation the text itself settles
_CONDITION = re.compile(r"^(?P<cond>[^。；]{6,60}?)的[，,](?P<then>[^。]{6,120}。?)")
_NOT_A_SITUATION = re.compile(r"^(?:对|为|根据|按照|依照|依据|本)|是指|包括|应|须|不得")   # a duty is no situation


def situation_case(duties: list, *, avoid_ref: str = "") -> dict | None:
    """A case when the document states no consequence: one of the role's own rules that settles a situation
    ("…的，应当…"), told as 情况 → 怎么办, in the text's own words (another rule than the scene's when it can)."""
    found = []
    for d in duties:
        s = d.sentence
        m = _CONDITION.match(s.text) if s is not None else None
        last_clause = re.split(r"[，,]", m["cond"])[-1] if m else ""
        if m and not _NOT_A_SITUATION.search(m["cond"]) and not _NOT_A_SITUATION.search(last_clause) \
                and d.modality != "permission":
            found.append((d.ref == avoid_ref, d, m))
    if not found:
        return None
    _, d, m = min(found, key=lambda t: t[0])
    ref = d.ref.rstrip(".")
    then = m["then"].rstrip("；;。") + "。"
    return {"id": f"doc:{d.ref}", "kind": "案例", "title": f"{ref}：遇到这种情况怎么办",
            "text": f"情况：{m['cond']}。怎么办：按{ref}，{then}", "ref": d.ref}


def _warning(unit, s, lead: str) -> dict:
    ref = unit.ref.replace("/", "")
    at = next((i for i, x in enumerate(unit.sentences) if x is s), 0)
    quote = f"{lead}……{s.text}" if lead else s.text
    if s.text.rstrip().endswith(("：", ":")):   # a lead-in "有下列情形之一的，…中止医保协议：" with its items
        from .duties import _whole
        from .selection import Chosen
        quote = _whole(Chosen(unit, 0.0, []), at)
    return {"id": f"doc:{ref}", "kind": "警示", "title": f"{ref}：违反的后果",
            "text": f"{ref}写明了后果：“{quote}”", "ref": ref, "sentence": s.text}


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
