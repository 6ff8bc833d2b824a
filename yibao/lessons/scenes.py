"""A scene from one of the role's duties: who acts, on what occasion, with which facts.

    scene = build(role, duty)     # {"title", "text"} or None

The occasion is the duty's own condition clause ("定点医疗机构请求解除医保协议的，应提前3个月…" → "本院打算
解除医保协议"), the act is what the duty commands or forbids, the facts are its numbers and time limits; the
setting is where the role meets that act (a doctor at the prescription, the window at settlement, finance at
the accounts — never a patient at the finance office). Nothing is invented: every number comes from the duty.
"""
from __future__ import annotations

import re

# where the role meets the act: (words of the act, {role: setting}); first match wins, else the role's default
_SETTINGS: list[tuple[re.Pattern, dict[str, str]]] = [
    (re.compile(r"检查组|飞行检查|现场检查|执法|监督检查|稽核|询问"),
     {"*": "检查组到院检查时"}),
    (re.compile(r"处方|开药|用药|配药|调剂"),
     {"doctor": "开具处方时", "pharmacy": "审核调剂处方时", "nurse": "执行医嘱时", "*": "处理处方时"}),
    (re.compile(r"进销存|进、销、存|采购|追溯码|入库|耗材"),
     {"pharmacy": "药品耗材入库核对时", "finance": "核对药品耗材账目时", "*": "核对药品耗材时"}),
    (re.compile(r"收费|计费|费用清单|票据|结算|起付|报付|报销|自费|支付范围以外"),
     {"cashier": "在收费结算窗口", "nurse": "病区计费时", "finance": "月度医保对账时", "doctor": "向患者交代费用时",
      "insured": "在医院结算时", "*": "处理结算事务时"}),
    (re.compile(r"住院|出院|入院|病房|床位"),
     {"doctor": "病区查房时", "nurse": "办理出入院时", "cashier": "办理出入院结算时", "*": "处理住院事务时"}),
    (re.compile(r"病历|病案|诊断|手术|诊疗"),
     {"doctor": "诊疗和书写病历时", "nurse": "整理病历时", "*": "处理诊疗事务时"}),
    (re.compile(r"协议|变更|续签|申请|报送|上传|备案"),
     {"yibaoban": "办理医保协议和报送事务时", "management": "院长办公会讨论时", "finance": "办理账户和报送事务时",
      "*": "办理医保事务时"}),
]
_DEFAULT = {"yibaoban": "医保办日常管理中", "doctor": "诊疗工作中", "nurse": "病区工作中", "cashier": "在收费结算窗口",
            "pharmacy": "药房工作中", "finance": "月度医保对账时", "management": "院周会上", "agency": "审核结算单据时",
            "employer_hr": "办理职工参保时", "insured": "看病结算时"}
PATIENT_FACING = frozenset({"cashier", "doctor", "nurse", "pharmacy", "insured"})

_HOSPITAL_SUBJECT = re.compile(r"^(?:定点医疗机构|定点医药机构|医疗机构|乙方|公立医疗机构|定点医院)(?:及其工作人员)?")
# the condition a duty opens with: "…的，" or "…时，" (never a whole sentence)
_CONDITION = re.compile(r"^(?P<cond>[^。；]{4,60}?(?:的|时|后))[，,]")
_TIME = r"(?<!\d)\d{1,3}(?:个工作日|个自然日|工作日|日|天|小时|个月|年)(?:内|以内|前)?"
_LIMIT = re.compile(r"提前\d{1,3}个?月|(?:不超过|至少|不少于|不得超过|超过)?" + _TIME +
                    r"|(?<!\d)\d{1,3}(?:\.\d+)?[%‰]|(?:不超过|至少|不少于|不得超过)\d{1,4}[^，。；、\d]{1,3}")
# the forbidden act each role meets at work, best first
_ROLE_ACTS = {"doctor": r"住院|诊疗|检查|处方|开药|病历|诊断|手术|限额|推诿",
              "nurse": r"计费|收费|护理|挂床|住院",
              "cashier": r"收费|结算|冒名|身份|票据|单据",
              "pharmacy": r"药品|串换|处方|耗材|进销存|进、销、存|开药",
              "finance": r"结算|费用|账|票据|欠费|违约金",
              "insured": r"冒名|就医|购药|倒卖|转卖"}


def setting(role: str, text: str) -> str:
    if role == "insured":   # a patient meets every rule as a patient
        return "在医院结算时" if re.search(r"结算|报销|报付|起付|收费", text) else "在医院看病时"
    for words, places in _SETTINGS:
        if words.search(text):
            place = places.get(role) or places.get("*")
            if role == "finance" and place and "患者" in place:
                continue
            return place or _DEFAULT.get(role, "工作中")
    return _DEFAULT.get(role, "工作中")


def occasion(text: str, role: str) -> str | None:
    """The duty's condition as an event at this hospital: "定点医疗机构请求中止…协议的" → "本院请求中止…协议"."""
    body = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", text)
    unless = re.match(r"^除([^，,。]{2,24})外[，,]", body)
    if unless:
        body = body[unless.end():]
    m = _CONDITION.match(body)
    if not m:
        return None
    cond = re.sub(r"(?:的|时|后)$", "", m.group("cond"))
    if re.search(r"应当|不得|必须|可以|须", cond) or cond.startswith(("对", "经", "凡")) or \
            re.match(r"(?:定点医疗机构|医疗机构|乙方|本院)(?:为|是|属于)", cond):
        return None   # the "condition" holds a duty of its own, or names what a bureau acts on
    if _HOSPITAL_SUBJECT.match(cond):
        cond = _HOSPITAL_SUBJECT.sub("本院", cond, count=1)
    elif role == "insured" and cond.startswith(("参保人员", "参保人", "患者")):
        cond = re.sub(r"^(?:参保人员|参保人|患者)", "您", cond)
    elif re.match(r"(?:提供|开具|使用|收取|开展|实施|办理|发生|需要|申请)", cond):
        if role == "insured":
            cond = "医院要为您" + cond
        else:
            cond = ("您" if role in PATIENT_FACING else "本院") + "要" + cond
    else:
        return None   # a condition on someone else ("被检地医疗保障行政部门的处理结果…")
    if unless:
        cond += f"（{unless.group(1)}除外）"
    return cond


def _limits(text: str) -> list[str]:
    """Numbers and time limits as printed, one per value ("不得超过180日…超过180日" → 不得超过180日)."""
    out: dict[str, str] = {}
    for m in _LIMIT.finditer(text):
        out.setdefault(re.search(r"\d+(?:\.\d+)?", m.group(0)).group(0), m.group(0))
    return list(out.values())


def _acts(text: str) -> list[str]:
    """The forbidden acts, one list item each: "不得分解住院、挂床住院" → 分解住院, 挂床住院."""
    out = []
    for m in re.finditer(r"(?:不得|禁止|严禁)([^。；，]{2,60})", text):
        phrase = m.group(1).strip("，、；。 ")
        if re.match(r"(?:超过|低于|少于|多于|高于)", phrase):
            continue   # "不得超过180日": a limit, not an act
        if re.match(r"[受被]|作为|视为|列为|计入|用于|影响|妨碍|损害|造成|导致", phrase):
            continue   # "不得受…限制" (a passive), "…不得作为医保欠费处理" (its object came before), "不得影响…"
            #           (an outcome): nobody proposes it
        if re.match(r"[以因将把对向为]", phrase):   # "不得以…为由，要求患者…": the act runs past the comma
            whole = re.match(r"[^。；]{2,70}", text[m.start(1):])
            if whole and not whole.group(0).endswith(("，", "、")) and len(whole.group(0)) < 70:
                out.append(whole.group(0).strip("，、 "))
            continue
        out += [x for x in phrase.split("、") if len(x) >= 3] if len(phrase) > 14 else [phrase]
    return out


def _with_condition(text: str, act: str) -> str:
    """The proposal keeps what the ban depends on: "未作出服务承诺的相关人员，不得开展…医药服务" is no ban on
    开展医药服务 → "让未作出服务承诺的相关人员开展…"; "人证不符的，不得进行医保结算" → "人证不符的，照常进行医保结算"."""
    at = text.find(act)
    head = re.sub(r"(?:不得|禁止|严禁)$", "", text[:at]).rstrip("，, ") if at > 0 else ""
    clause = re.split(r"[，,；;。：:]", head)[-1].strip() if head else ""
    if not clause or "的" not in clause or len(clause) > 30:
        return act
    if clause.endswith("的"):
        return f"{clause}，照常{act}"
    if re.search(r"^(?:对|按|依)", clause):
        return act
    return f"让{clause}{act}"


def _act_for_role(acts: list[str], role: str) -> str:
    """Of the forbidden acts, the one this role would meet at work."""
    words = _ROLE_ACTS.get(role)
    if words:
        hit = next((a for a in acts if re.search(words, a)), None)
        if hit:
            return hit
    return acts[0]


def _scene(title: str, body: str, ref: str, text: str) -> dict:
    """One sentence of situation and question, run straight into the quoted duty: no sentence of a scene
    is template words alone (lessons on different documents never share a scene sentence)."""
    body = re.sub(r"[。？！；]+", "，", body).strip("，")
    return {"title": title, "text": f"{body}——原文（{ref}）：“{text}”"}


_MONEY = re.compile(r"自付|报销|报付|起付|支付(?:比例|标准|范围)|费用|\d+(?:\.\d+)?(?:元|%)")


def build(role: str, duty, *, loose: bool = False) -> dict | None:
    """The scene for one duty (duties.Duty), or None when it gives no situation. Strict (the default):
    only a forbidden act of the role's own work, a payment question, an occasion or a time limit;
    loose: any forbidden act, or a duty to carry out."""
    text, ref = duty.text, duty.ref
    if duty.modality == "prohibition":
        acts = _acts(text)
        words = _ROLE_ACTS.get(role)
        if acts and (loose or not words or any(re.search(words, a) for a in acts)):
            act = _with_condition(text, _act_for_role(acts, role))
            where = setting(role, act)
            who = "有人劝您" if role == "insured" else "有同事提议"
            return _scene(f"{ref}：有人提议“{act}”", f"{where}，{who}“{act}”，说以前一直这么做；按{ref}这是明令禁止的，"
                            f"请说出您怎么回应、接下来做什么", ref, text)
    limits = _limits(text)
    event = occasion(text, role)
    if duty.modality == "benefit":
        if role in ("cashier", "insured"):
            asker = "您" if role == "insured" else "一位参保患者"
            money = _MONEY.search(text)   # "不设待遇享受等待期" is no question of what to pay
            ask = ("想知道这次自己要付多少、怎么报销" if money else "想知道这条规定对自己有什么影响") if role == "insured" \
                else ("问这次医保怎么报、自己要付哪些钱" if money else "问这条规定对自己有什么影响")
            return _scene(f"{ref}：患者问怎么结算" if money else f"{ref}：患者问待遇",
                          f"{setting(role, '结算' if money else text)}，{asker}{ask}。" +
                        (f"看看{ref}是怎么规定的。" if role == "insured" else f"请按{ref}说明。"), ref, text)
        if role in ("finance", "yibaoban", "management", "agency"):
            return _scene(f"{ref}：核对结算", f"{setting(role, '结算')}，抽查到一笔按{ref}应当这样结算的费用，系统仍按原办法结算。"
                            f"请说出应当怎样结算、由谁更正、怎样防止再发生。", ref, text)
        return None   # a doctor or a nurse is not the one who answers payment questions
    where = setting(role, text)
    if duty.modality == "right":
        lead = f"{where}，{event}。" if event else f"{where}，您觉得医院的做法不对。"
        return _scene(f"{ref}：您的权利", lead + f"按{ref}，医院应当怎么做？如果没做到，您可以怎么办（问医保窗口、打医保服务热线）？"
                       , ref, text)
    if event and role == "finance" and re.search(r"患者|参保人员|医药服务", event):
        event = None   # finance does not meet patients
    if event:
        ask = f"期限（{'、'.join(limits)}）怎么算、" if limits else ""
        return _scene(f"{ref}：{event}", f"{where}，{event}；请按{ref}说出{ask}由谁、向谁、办什么", ref, text)
    if limits:
        timed = any(re.search(_TIME, x) or "提前" in x for x in limits)
        ask = "从哪天起算、最晚到哪天、逾期会怎样" if timed else "指的是什么、达不到或超出时怎么办"
        return _scene(f"{ref}：记住“{limits[0]}”", f"{where}，同事问{ref}里的“{'、'.join(limits)}”{ask}，请回答", ref, text)
    if not loose:
        return None
    if duty.modality == "obligation" and re.search(r"检查组|检查人员|执法", text):
        return _scene(f"{ref}：检查组到院", f"{where}，检查组出示证件，要求调取材料、询问有关人员。按{ref}，本岗位要做哪几件事？"
                        f"先做哪一件？", ref, text)
    if duty.modality == "obligation":
        heading = duty.source.unit.heading if duty.source is not None else None
        topic = f"{ref}（{heading}）" if heading and heading != ref else ref
        return _scene(f"{ref}：落到本岗位", f"{where}，科室要落实{topic}。请说出本岗位具体要改的一个做法、由谁负责、"
                        f"什么时候完成。", ref, text)
    return None
