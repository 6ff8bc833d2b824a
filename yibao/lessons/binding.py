"""Who a sentence binds: its grammatical subject (an agreement's 甲方/乙方 included), its modality read as a
duty, and the actors the duty reaches (the activities after its verb, the patient whose consent it needs, the
hospital a bureau pays, guides or watches). The document model (yibao.document) supplies the sentences, their
modality and the actors they name; config/actors.yaml the words.
"""
from __future__ import annotations

import re
from functools import lru_cache

from yibao.document.annotate import is_directive

from .docmodel import actor_words

STRONG = ("prohibition", "obligation", "penalty")
# actors on the hospital's side: what binds them reaches the words named with them
HOSPITAL_SIDE = {"medical_institution", "medical_staff", "pharmacy", "nursing", "billing", "insured", "employer"}
# 要 as a modal, not inside a noun (要求, 要点, 要素; 主要, 重要, 需要)
YAO = r"(?<![主重需纲摘概])要(?![求点素件])"
_MODAL = re.compile(rf"应当|必须|不得|禁止|严禁|须|应|{YAO}|需(?=[经在要按由于向及将])|可以|鼓励|负责|予以|给予|处")


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, str], ...]:
    pairs = [(w, a) for a, words in actor_words().items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


# words that name a party (a person or a body) rather than an activity (收费, 开药, 处方 …)
_PARTY = re.compile(r"(?:人员|医师|医生|护士|患者|参保人|群众|机构|单位|部门|药店|医院|局|诊所|卫生院|[甲乙丙]方)$")


def _actors_in(text: str, *, activities_only: bool = False) -> set[str]:
    from yibao.document.annotate import mask_false_joins
    found, text = set(), mask_false_joins(text)
    for w, a in _words():
        if w in text:
            if not (activities_only and _PARTY.search(w)):
                found.add(a)
            text = text.replace(w, "　")
    return found


# "应由定点医疗机构…提出申请", "由经办机构负责": the party after 由 is the agent of the duty
_AGENT = re.compile(r"^(?:应当|必须|须|应|要)?(?:由|经)([^，。；：]{2,30}?)(?:于|在|向|对|按|负责|提出|组织|开展|进行|办理|确定|承担|报|自行|统一|及时)")


def _subject_text(sentence) -> str:
    """The words before the modal verb, or the agent a "应由X…" names right after it, or whom a permission
    lets act ("允许医疗机构按规定自主备案采购")."""
    allowed = _PERMITTED.search(sentence.text) if sentence.modality == "permission" else None
    if allowed:
        return allowed.group(1)
    m = _MODAL.search(sentence.text)
    if not m and getattr(sentence, "parties", ()) and _PARTY_UNDERTAKES.match(sentence.text):
        return _PARTY_UNDERTAKES.match(sentence.text).group(0)
    if not m and is_directive(sentence.text):   # "医疗机构加强病案质量控制…": the party before the verb
        return _leading_party(sentence.text)
    if not m:
        agent = _AGENT_NO_MODAL.search(sentence.text)
        return agent.group(1) if agent else ""   # "新增病种由各定点医疗机构…向…提出申请": the agent acts
    head = _OBJECT_CLAUSE.sub("", sentence.text[:m.start()])
    if _subjectless_condition(head):
        return ""
    lead = _condition_subject(head)
    if lead:
        return lead
    by_clause = _subject_by_clause(sentence, head)
    if by_clause is not None:
        return by_clause
    if _actors_in(head) or _party_actors(sentence, head):
        return head
    agent = _AGENT.match(sentence.text[m.start():])
    return agent.group(1) if agent else ""


def _subject_by_clause(sentence, head: str) -> str | None:
    """What the clauses before the modal say of the subject: "" when the first one defines a thing ("主要诊断一般是
    患者住院的理由，原则上应…": the 患者 in it acts on nothing), the party that opens the last one ("全面落实…要求，
    将中选药品纳入…范围，定点医疗机构要…"), or None when neither tells (then the whole head counts)."""
    clauses = re.split(r"[，,；;]", head)
    copula = re.match(r"^(?:\d+[.．、])?([^，。是]{1,16}?)(?:一般|通常|原则上)?是", clauses[0])
    if copula and not re.fullmatch(r"[一二三四五六七八九十]+", copula.group(1)) \
            and not (_names_party(copula.group(1)) or _party_actors(sentence, copula.group(1))):   # not "一是…"
        return ""
    conditional = any(c.rstrip().endswith("的") for c in clauses[:-1])   # "X有下列情形之一的，Y应…" binds both
    last = _leading_party(clauses[-1].strip()) if len(clauses) > 1 and not conditional else ""
    return last or None


# "落实分类资助参保政策，对特困人员给予全额资助": a clause opened by 对/向/为/给 names whom the act is for
_OBJECT_CLAUSE = re.compile(r"(?:^|(?<=[，,]))\s*(?:对|向|为|给)[^，,]*$")


def _subjectless_condition(head: str) -> bool:
    """"（除…外，）提供医疗保障基金支付范围以外的医药服务的，应当…": the words before the modal are a
    condition that opens with a verb; what it names (基金, 参保人员) is its object, the subject is carried over."""
    if not re.search(r"的[，,]\s*$", head):
        return False
    cond = re.sub(r"^除[^，,]*外[，,]", "", head)
    opens_with_actor = any(cond.find(w) in (0, 1, 2) for w in [w for w, _ in _words()] + ["乙方", "丙方"])
    return not opens_with_actor and not re.match(r"(?:对|凡|如|若|因|经|在)", cond)


_JOINED = re.compile(r"及其|以及|和|与|、|或者|或")


def _condition_subject(head: str) -> str:
    """"乙方提供医疗保障基金支付范围以外的医药服务的，应当…": a condition that opens with a party names the
    subject; the parties and activities after its verb (基金, 支付) are its objects.  "" otherwise."""
    if not re.search(r"的[，,]\s*$", head):
        return ""
    return _leading_party(re.sub(r"^除[^，,]*外[，,]", "", head))


def _leading_party(text: str) -> str:
    """The parties a clause opens with ("各定点医疗机构及其工作人员…" → "各定点医疗机构及其工作人员"), or ""."""
    words = [w for w, _ in _words() if _PARTY.search(w)] + ["甲方", "乙方", "丙方"]
    end, at = 0, 0
    while True:
        found = next((w for w in words if text.startswith(w, at)), None)
        if found is None and end == 0 and at == 0:   # "各定点医疗机构", "本乙方": one prefix character
            at = 1
            found = next((w for w in words if text.startswith(w, at)), None)
        if found is None:
            break
        end = at + len(found)
        joined = _JOINED.match(text, end)
        if not joined:
            break
        at = joined.end()
    return text[:end]


def _names_party(text: str) -> bool:
    """A person or body is named (医疗机构, 参保人员), not only an activity (诊断, 收费)."""
    return any(w in text for w, _ in _words() if _PARTY.search(w))


def _party_actors(sentence, text: str) -> set[str]:
    """Whom an agreement's party labels in `text` stand for (乙方 → the hospital, or a 药店)."""
    return {a for label, actors in getattr(sentence, "parties", ()) if label in text or "甲乙双方" in text for a in actors}


def subject_of(sentence) -> set[str]:
    """Actors named before the sentence's modal verb (its grammatical subject), or the agent a
    "应由X…" names right after it; empty when the sentence has neither."""
    head = _subject_text(sentence)
    for w, _ in _words():   # "医保支付的药品、耗材应当…": an activity before 的 qualifies the subject, it is not it
        if not _PARTY.search(w) and w + "的" in head:
            head = head.replace(w + "的", "　" * (len(w) + 1))
    return _actors_in(head) | _party_actors(sentence, head)


# bodies outside the hospital that carry out the same activities (a 零售药店 settles its own sales):
# what they must do binds them, not the hospital's window or wards
_OUTSIDE_BODY = re.compile(r"药店|经办机构|医疗保障|医保部门|医保局")


def outside_subject(sentence) -> bool | None:
    """True/False when the sentence names its subject, None when it has none of its own."""
    text = _subject_text(sentence)
    return bool(_OUTSIDE_BODY.search(text)) if text else None


# "引导医疗机构…加强成本核算", "督促定点医疗机构…": a bureau's duty whose work the hospital does
_GUIDED = re.compile(r"(?:引导|督促|指导|推动|要求)((?:各级|各|公立)?(?:定点医疗机构|定点医药机构|医疗机构|医务人员|医师|药师))")


def guided_party(sentence) -> set[str]:
    """The hospital-side party a bureau guides or urges to act (its work follows in the sentence)."""
    return {a for m in _GUIDED.finditer(sentence.text) for a in _actors_in(m.group(1))}


# "重点监控高套分组、分解住院、推诿患者…等违规行为": what a bureau watches for is the red line of whoever does it
_TARGETED = re.compile(r"(?:监控|监测|查处|打击|整治|治理|惩处|严查|筛查|核查)([^。；]{4,80}?)等(?:违法|违规|欺诈|骗保|不合理)")


def targeted_conduct(sentence) -> set[str]:
    """The hospital's people whose conduct a bureau's duty names as what it watches for or punishes."""
    m = _TARGETED.search(sentence.text)
    return _actors_in(m.group(1)) & (HOSPITAL_SIDE - {"insured", "employer"}) if m else set()


_PERMITTED = re.compile(r"(?:允许|鼓励)((?:各级|公立)?(?:定点医疗机构|定点医药机构|医疗机构|医务人员|药师|参保人员|参保人))")
# "…由各定点医疗机构结合自身实际，向属地医保经办机构提出申请": a procedure naming who files it, without a modal
_AGENT_NO_MODAL = re.compile(r"由((?:各|本)?(?:定点医疗机构|定点医药机构|医疗机构|乙方|参保人员|参保人|用人单位))"
                             r"[^。；]{0,20}?(?:提出|申请|报送|上报|办理|负责|提交|备案)")


# an agreement's party as the subject of a plain statement, not its definition ("甲方为医疗保障经办机构")
_PARTY_UNDERTAKES = re.compile(r"(?:甲乙双方|[甲乙丙]方(?:[与和、][甲乙丙]方)*)(?![为是指（(：:])")


# a way the fund pays the hospital: the 医保办, the finance office and the management work by it
_PAYMENT_METHOD = re.compile(r"按(?:人头|病种|床日|项目|服务单元|疾病诊断相关分组|病种分值|病组)[^。；，]{0,6}付费|(?:DRG|DIP)付费")


def duty_modality(sentence) -> str:
    """The sentence's modality (the document model reads a bare-verb directive, "推进智能审核全覆盖。",
    as an obligation), with a payment rule between the fund and the hospital read as one too, and a
    procedure that names who files it ("由各定点医疗机构…向…提出申请") as that party's duty."""
    if sentence.modality in ("statement", "permission") and _PAYMENT_METHOD.search(sentence.text) \
            and not _DEFINES.search(sentence.text) and "付费是" not in sentence.text:
        return "obligation"   # "对基层医疗服务可按人头付费…": how the hospital is paid
    if sentence.modality != "statement":
        return sentence.modality
    if _AGENT_NO_MODAL.search(sentence.text):
        return "obligation"
    if getattr(sentence, "parties", ()) and _PARTY_UNDERTAKES.match(sentence.text):
        return "obligation"   # "甲方根据…开展总额预算管理": in an agreement, what a party says it does is an undertaking
    if _PAYS.search(sentence.text) and {"finance", "medical_institution"} <= set(sentence.actors):
        return "obligation"   # how the fund pays the hospital: a rule its finance office works by
    return sentence.modality


# a benefit rule: the patient is the subject and the sentence says what is paid ("参保人使用乙类药品…先由
# 参保人自付一定比例"): it concerns the insured and the window that settles and explains it
_PAYS = re.compile(r"自付|支付|报销|报付|分担|个人负担|起付|待遇|结算范围")


def opens_with_insured(text: str) -> bool:
    """The sentence opens with the patient as its subject ("参保人使用…", or a first clause naming only
    them: "全省…医疗保险参保人员，在…")."""
    text = text.lstrip("“”\"")
    first = re.split(r"[，,：:]", text, maxsplit=1)[0]
    return _actors_in(text[:5]) == {"insured"} or (len(first) <= 30 and _actors_in(first) == {"insured"}
                                                   and first.endswith(_INSURED_END))


def benefit_rule(sentence) -> set[str]:
    found = _benefit_rule(sentence.text)
    if found and _FIELD_DEFINITION.match(sentence.text):
        return found - {"insured"}   # "个人自付：指…由参保人员个人承担的费用": what the window must know a term means
    return found


# a term defined for a form or a settlement list ("个人自付：指…", "医保编号：指…")
_FIELD_DEFINITION = re.compile(r"^(?:\d+[.．、])?[^，。：:]{2,16}[：:]\s*(?:指|是指)")


def _benefit_rule(text: str) -> set[str]:
    if opens_with_insured(text) and _PAYS.search(text):
        return {"insured", "billing"}
    if _PATIENT_PAYS.search(text):   # "…超出支付标准的，超出部分由参保人员承担"
        return {"insured", "billing"}
    if _PAYMENT_TERMS.search(text):  # "…医疗费用，原则上执行就医地规定的支付范围…起付标准、支付比例…执行参保地"
        return {"insured", "billing"}
    if _COVERED.search(text):        # "普通门诊费用按规定纳入统筹基金支付", "实行单独支付"
        return {"insured", "billing"}
    if _ENTITLED.search(text):       # "经评估认定的，方可享受待遇": who qualifies, not how the window settles
        return {"insured"}
    if _BENEFIT_TERMS.search(text) and _INSURED_GROUP.search(text):
        return {"insured", "billing"}   # "对低保对象、特困人员原则上取消起付标准，救助比例不低于70%"
    return set()


# a benefit parameter the window applies, set for a group of patients
_BENEFIT_TERMS = re.compile(r"起付标准|起付线|支付比例|报销比例|救助比例|报销水平|最高支付限额|救助限额|自付比例")
_INSURED_GROUP = re.compile(r"参保人|参保患者|患者|救助对象|低保|特困|困难群众|退休人员|在职职工|居民|职工|新生儿|儿童|老年人")


# what the fund pays for: the patient's benefit and the window's settlement, whoever brings it about
_COVERED = re.compile(r"纳入[^。；，]{0,12}(?:基金|医保)支付|由(?:统筹)?基金[^。；，]{0,6}支付|实行单独支付")
_ENTITLED = re.compile(r"享受[^。；，]{0,16}(?:待遇|结算服务)")


# "新生儿入院的，填写新生儿入院类型…": how a form is filled in is the work of whoever fills it, not the patient's
_FILLS_IN = re.compile(r"填写|填报|录入|按实足")
_DEFINES = re.compile(r"是指|指的是|[：:]\s*指|^[^，。]{0,20}(?:包括|分为)")
# what happens when the patient breaks the rules (管辖, 调查) is the bureau's procedure, not theirs to learn
_WRONGDOING = re.compile(r"违法|违规|违反|欺诈|骗取|处罚|调查|管辖")


_PAYMENT_TERMS = re.compile(r"执行[^。；]{0,12}(?:规定的)?(?:医保|基金)?(?:支付范围|起付标准|支付比例|最高支付限额)")


_PATIENT_PAYS = re.compile(r"(?:由|部分|费用)(?:参保人员|参保人|参保患者|患者|个人)(?:自行)?(?:自付|承担|负担)|"
                           r"(?:只|仅)需(?:支付|承担|缴纳)个人(?:自付|负担)")


_INSURED_END = ("参保人员", "参保人", "参保患者", "患者", "参保群众")


def bound_actors(sentence, implied: set[str] | None = None, outside: bool = False) -> set[str]:
    """Actors a sentence binds: the subject before its modal verb (or `implied`, the subject carried
    from the previous sentence); when the subject is the hospital's side, the actors it names after
    the verb too (收费, 处方, 患者 …). outside: the carried subject is a body outside the hospital."""
    if duty_modality(sentence) not in STRONG:
        own = set(sentence.subjects) if sentence.modality == "permission" else set()
        if own and own <= {"insured"}:   # "参保人员…可通过…办理备案": an entitlement binds the insured
            return own | benefit_rule(sentence)
        if sentence.modality == "statement" and opens_with_insured(sentence.text) and not _FILLS_IN.search(sentence.text) \
                and not _DEFINES.search(sentence.text) and not _WRONGDOING.search(sentence.text):
            return {"insured"} | benefit_rule(sentence)   # "参保人员申请转移接续时，原则上只需提供有效身份证件"
        return benefit_rule(sentence)
    own = subject_of(sentence)
    subject = own or set(implied or ())
    if own:
        outside = bool(outside_subject(sentence))
    paid = {"medical_institution", "finance"} if _PAYMENT_METHOD.search(sentence.text) else set()
    if outside:   # a bureau's duty; one that opens with the patient says what they get ("…由转出地按规定支付")
        patient = opens_with_insured(sentence.text) or _PATIENT_PAYS.search(sentence.text) \
            or _COVERED.search(sentence.text) or _ENTITLED.search(sentence.text)
        # …and the party it guides or urges to act ("引导医疗机构…加强成本核算") is bound too
        return subject | (benefit_rule(sentence) if patient else set()) | paid | guided_party(sentence) \
            | targeted_conduct(sentence)
    if not subject and paid:
        return paid   # its 结算 is the fund's with the hospital, not the window's
    if not subject or subject <= HOSPITAL_SIDE:
        # after the verb only activities bind (收费, 开药); a party named there (医师, 患者) is its object
        m = _MODAL.search(sentence.text) if own else None
        rest = _EXCUSE.sub("", sentence.text[m.start():] if m else sentence.text)
        return subject | (_actors_in(rest, activities_only=True) & set(sentence.actors)) | checked_by(subject, sentence) \
            | ({"insured"} if _PATIENT_CONSENTS.search(sentence.text) else set()) | _clinical_condition(sentence)
    # a bureau's way of paying the hospital is the hospital's too, what it watches for our red line
    return subject | _clinical_condition(sentence) | paid | targeted_conduct(sentence)


# the fund pays only when a clinical condition is on record ("需经营养风险筛查…方予支付", "支付时应有使用一线
# 药品无效或不能耐受的证据"): the doctors who assess and document it are bound
_PAID_IF_RECORDED = re.compile(r"[方才]予(?:以)?支付|[方才]可(?:由基金)?支付|支付时(?:应|须)有|无效或不能耐受|(?:筛查|评估|诊断)[^。；]{0,20}方予")


def _clinical_condition(sentence) -> set[str]:
    return {"medical_staff"} if _PAID_IF_RECORDED.search(sentence.text) else set()


# "不得以医保总额预算、药占比等为由…": the excuse names no one's work
_EXCUSE = re.compile(r"以[^。；]{1,40}?为(?:由|借口|理由)")


# "…医药服务的，应当经参保人员或其近亲属、监护人签字同意": the hospital's duty is the patient's right to consent
_PATIENT_CONSENTS = re.compile(r"经(?:参保人员|参保人|参保患者|患者)[^。；]{0,16}同意")


_SHOWN = re.compile(r"出示|接受查验|身份证明|医保凭证|医疗保障凭证|有效身份凭证")
_BUYS_DRUGS = re.compile(r"购药|取药|代购|代为购药|配药")


def checked_by(subject: set[str], sentence) -> set[str]:
    """What the insured must show ("持本人医疗保障凭证就医…主动出示接受查验", 委托代购药的身份证明) is checked at
    the window, and at the dispensary when drugs are bought: their duty reaches those who check it."""
    if subject != {"insured"} or not _SHOWN.search(sentence.text):
        return set()
    return {"billing"} | ({"pharmacy"} if _BUYS_DRUGS.search(sentence.text) else set())


def affected_actors(sentence) -> set[str]:
    """Actors a strong sentence names at all (a bureau's duty that reaches the hospital)."""
    return set(sentence.actors) if duty_modality(sentence) in STRONG else set()
