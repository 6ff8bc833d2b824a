"""The role's own to-dos in a lesson: whole sentences whose subject is on the role's side.

A hospital role acts on what binds the hospital (定点医疗机构, 医务人员, 药师, 护士, 收费窗口); a
bureau's or an inspector's duty is never its to-do. When such a duty reaches the hospital it is shown
as context ("医保部门将…（与我院相关）"). Lines quote the whole sentence (a list's lead-in with its
items), never a comma-clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .binding import _PARTY as _PARTY_WORD
from .binding import (_PERMITTED, STRONG, YAO, _words, benefit_rule, duty_modality, guided_party, subject_of,
                      targeted_conduct)
from .selection import Chosen, is_boilerplate, to_full_stop

HOSPITAL = frozenset({"medical_institution", "medical_staff", "pharmacy", "nursing", "billing"})
# the subjects whose duties are each audience's own to-dos (the hospital roles get HOSPITAL)
OWN_SIDE = {"insured": frozenset({"insured"}), "employer_hr": frozenset({"employer"}),
            "agency": frozenset({"agency", "admin_dept"})}
BUREAU = frozenset({"agency", "admin_dept"})
VERB = {"safeguard": "检查方须做到", "fact": "记住这个数", "right": "医院须做到", "prohibition": "守住红线", "penalty": "知晓后果", "obligation": "照此办理", "permission": "可以这样做",
        "benefit": "按此结算"}
RANK = {"safeguard": 5, "fact": 5, "right": 0, "prohibition": 0, "penalty": 1, "obligation": 2, "benefit": 3, "permission": 4}
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
    named: bool = False            # the role's own actor is the subject ("医务人员不得…")
    for_insured: bool = False      # drafted for the 参保人 (a payment rule is "您的待遇")
    second_party: str = "医院"      # who an agreement's 乙方 is, in the 参保人's words
    at_bedside: bool = False       # drafted for a ward or pharmacy role: a payment rule is to know, not to settle
    regional: bool = False         # in a notice to the bureaus: a payment rule is the regions' standard to set

    @property
    def line(self) -> str:
        verb = "您的待遇" if self.modality == "benefit" and self.for_insured else \
            "医保这样支付" if self.modality == "benefit" and self.at_bedside else VERB[self.modality]
        if self.modality == "benefit" and self.regional and not self.for_insured:
            verb = "政策标准"   # "…救助比例不低于70%" in a 国办 意见: the regions set the rate (the intro says so)
        if self.modality == "benefit" and _DIRECTION.search(self.text):
            verb = "政策方向"   # "逐步将…普通门诊费用纳入统筹基金支付范围": where the bureaus are going, not a rule to settle by
        if self.modality == "obligation" and not _STRONG_MODAL.search(self.text) and _MAY.search(self.text):
            verb = "可以这样做"   # "…的患者，可按规定适当延长处方用量": what one may do
        if self.modality == "obligation" and DEFINITION.search(self.text):
            verb = "须知"   # "…管理的对象是…，主要包括两类：": what a thing is, no duty
        if self.modality in ("penalty", "obligation") and RIGHT.search(self.text) and not _STRONG_MODAL.search(self.text):
            verb = "可以这样做"   # "…的，可以按规定申请记分修复" in a penalty section: a right, not a sanction
        if self.for_insured and self.modality in ("obligation", "prohibition") and verb not in ("可以这样做", "须知"):
            verb = _who_must(self.text, self.second_party)   # never "守住红线" of the hospital's to a patient
            if verb == "医院须做到":   # the words name no one: whom the sentence binds decides
                verb = self._who_is_bound() or verb
        return f"{verb}（{self.ref}）：{self.text}"

    def _who_is_bound(self) -> str | None:
        bound = self.source.unit.bound_of(self.sentence) if self.source is not None and self.sentence is not None else set()
        if bound and bound <= BUREAU | {"finance"}:
            return "医保部门须做到"   # "健全完善个人账户使用管理办法" in a notice to the bureaus
        if "insured" in bound and bound <= {"insured", "billing"}:
            return "您要做到"          # "个人账户不得用于公共卫生费用…"
        return None


# a dated target: "到2024年底", "2025年底前", "从2022到2024年", "2022—2024年"
_TARGET = re.compile(r"到\s*20\d\d|20\d\d\s*年(?:底|末)?(?:前|以前|之前)|从\s*20\d\d\s*年?\s*到|20\d\d\s*[—－-]\s*20\d\d")
_YEAR = re.compile(r"(20\d\d)\s*(?=年|[—－-]|到)")
_STANDING = ("守住红线", "知晓后果")


def past_target(line: str, year_now: int) -> str:
    """A to-do whose dated targets have all passed ("照此办理：到2024年底实现全覆盖", taught in 2026) is
    background, not work to do: its label says so."""
    label, sep, text = line.partition("：")
    if not sep or "（" not in label or label.startswith(_STANDING) or not _TARGET.search(text):
        return line
    years = [int(y) for y in _YEAR.findall(text)]
    if not years or max(years) >= year_now:
        return line
    return f"已到期的阶段目标{label[label.index('（'):]}：{text}"


_MAY = re.compile(r"可以|(?<![认许不])可(?=按|在|适当|根据|将|对|由|自|先|直接|延长|申请)")


def _work_after_modal(text: str, keywords: tuple[str, ...]) -> bool:
    """What the sentence lets or asks someone do is the role's work ("对…患者，可按规定适当延长处方用量": 处方),
    though it opens with 对 as a bureau's instruction does."""
    m = _HEAD_END.search(text)
    return bool(m) and any(k in text[m.end():] for k in keywords)


# a sentence that says what a thing is ("…管理的对象是…", "主要包括两类：")
DEFINITION = re.compile(r"^[^，。；]{2,24}?(?:对象|范围|内容)(?:一般|主要)?是|是指|主要包括[^。；]{0,6}[：:]")
_STRONG_MODAL = re.compile(r"应当|必须|不得|(?<![必无])须|(?<![相对适反供回效响])应(?![用急对该收受])")
# a right one may use: "…可以按规定申请记分修复", "…可以向…提出申诉"
RIGHT = re.compile(r"(?:可以|可|有权)[^，。；]{0,12}(?:申请|申诉|提出|要求|复议|诉讼|陈述|申辩)")
_DIRECTION = re.compile(r"逐步|探索|积极推进|稳步推进|有条件的地区|鼓励|力争")


# who must act, for the 参保人's lesson: the party named last before the first modal verb of its clause
# ("参保人员…的，乙方应当核验…" → 乙方: the pharmacy or hospital of the agreement, not the patient)
_MODAL_CLAUSE = re.compile(r"([^，,；;。：:]*?)(?:应当|应|须|必须|不得|严禁)")
_PARTY_WORDS = (("乙方", "{}须做到"), ("丙方", "丙方须做到"), ("甲方", "医保部门须做到"),
                ("经办机构", "医保部门须做到"), ("医疗保障", "医保部门须做到"), ("医保部门", "医保部门须做到"),
                ("零售药店", "药店须做到"), ("药店", "药店须做到"), ("参保人", "您要做到"), ("患者", "您要做到"),
                ("就医人员", "您要做到"))


def _who_must(text: str, second_party: str = "医院") -> str:
    m = _MODAL_CLAUSE.search(text)
    before = m.group(1) if m else ""
    found = [(before.rfind(word), label) for word, label in _PARTY_WORDS if word in before]
    if found:
        return max(found)[1].format(second_party)
    if not m:   # no modal verb: a clause that opens with a party ("…的，乙方核验调剂后按规定留存处方")
        for clause in re.split(r"[，,；;]", text)[1:]:
            for word, label in _PARTY_WORDS:
                if clause.startswith(word):
                    return label.format(second_party)
    if m and not before.strip() and _PATIENT_OPENS.match(text) and not text[m.end():].startswith(("由", "经")):
        return "您要做到"   # "参保人员…欠缴费用的，应当补缴后再办理": the modal's clause has no subject but the patient
    return "您要做到" if _PATIENT_SUBJECT.match(_head(text) or text) else "医院须做到"


_PATIENT_OPENS = re.compile(r"^\s*(?:参保人员|参保人|参保患者|患者|就医人员)")


_PATIENT_SUBJECT = re.compile(r"^\s*(?:参保人员|参保人|参保患者|患者|就医人员)(?![^，。]{0,30}的[，,])")


def side_of(role: str) -> frozenset:
    return OWN_SIDE.get(role, HOSPITAL)


def is_fragment(text: str) -> bool:
    """A sentence a lesson cannot quote on its own: a heading without a verb, a list lead ending in
    "：", a clause cut by the PDF ("…可将相关人员医保支付资格。"), a stray closing bracket."""
    t = text.strip()
    if len(t) < 8 or t[0] in "）)、，；。" or t.startswith(("下同", "含", "以及", "或者", "并")):
        return True
    if t.endswith(("：", ":", "，", "、")) or (t.endswith("；") and len(t) < 20):
        return True   # a list lead, or a short list item without its lead ("正式运营至少3个月；")
    bare = re.sub(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)])", "", t)
    if len(bare) <= 14 and not re.search(r"应当|必须|不得|禁止|严禁|须|应|可以|\d", bare):
        return True   # a heading: "三是加强查处惩治曝光。", "紧盯三类重点医保药品。"
    # a bare verb with no object: "有关单位和个人应当配合。" (what to do is in the sentence before)
    if re.search(r"(?:应当|应|必须|须|可以|不得)[\u4e00-\u9fff]{1,2}[。；]$", t) and len(t) <= 20:
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
    if i > 0 and _MODAL_FIRST.match(s.text) and u.sentences[i - 1].text.rstrip().endswith(("；", ";")):
        # "乙方开展"互联网+"医疗服务的，应…；应为参保人员提供电子票据…": the clause keeps the subject of its chain
        j = i - 1
        while j > 0 and u.sentences[j - 1].text.rstrip().endswith(("；", ";")):
            j -= 1
        m = _MODAL_ANY.search(u.sentences[j].text)
        if m and m.start() > 0:
            return f"{u.sentences[j].text[:m.start()]}……{text}"
    return _with_other_case(u, i, _with_rest(u, i, text))


# "中断缴费时间在3个月（含）以内的，…不设等待期。" is half a rule without "中断缴费时间超过3个月的，…可设置…等待期。"
_WITHIN = re.compile(r"(?:以内|以下|之内|不足|未满|未超过)[^，。；]{0,4}的[，,]")
_BEYOND = re.compile(r"^[^，。；]{0,30}(?:超过|以上|超出|满)[^，。；]{0,10}的[，,]")


def _with_other_case(u, i: int, text: str) -> str:
    """A rule for the case under a threshold goes on with the next sentence's rule for the case above it."""
    if i + 1 >= len(u.sentences) or u.labels[i + 1] or not _WITHIN.search(u.sentences[i].text):
        return text
    other = u.sentences[i + 1].text
    if not _BEYOND.match(other) or other in text or len(text) + len(other) > MAX_LINE:
        return text
    return text + other


def _with_rest(u, i: int, text: str) -> str:
    """"…执行新目录的规定；" goes on to its full stop ("其余18种…继续沿用原支付标准。"), or says it goes on."""
    rest = "".join(s.text for s in to_full_stop(u, [u.sentences[i]])[1:])
    if not rest:
        return text
    return text + rest if len(text) + len(rest) <= MAX_LINE else text + "……"


_MODAL_FIRST = re.compile(r"^(?:应当|应|须|必须|不得|严禁|禁止|可以)")
_MODAL_ANY = re.compile(r"应当|应|须|必须|不得|严禁|禁止|可以")


_PAYS = re.compile(r"自付|报付|报销|起付|支付范围|支付标准|结算范围|个人负担|全额支付")


def _is_benefit(s) -> bool:
    """A rule on what the patient's care costs or how it is settled ("参保人员…按住院政策报付，不设起付线")."""
    if subject_of(s) & (HOSPITAL - {"billing"}) and not re.search(r"由[^，。]{0,12}基金", s.text):
        return False   # the hospital's own duty about payment ("医疗机构应当…结算") stays a duty
    return bool(benefit_rule(s)) or (("insured" in s.actors or "参保" in s.text) and bool(_PAYS.search(s.text)))


# a definition ("…是指…", "纳入目录的药品应当是…"), a right (有权), a purpose clause ("为…，根据…，制定本办法")
_NOT_A_DUTY = re.compile(r"是指|有权|应当是|应是|^为[^。]*(?:制定本|特制定|现就|现将)")
_APPLICANT = re.compile(r"^申请|申请[^，。；]{0,12}(?:医疗机构|药店|机构)")
_DESIGNATION = re.compile(r"定点申请|申请定点|申请医保定点")   # conditions to become 定点, not duties once 定点


def _lead_of(u, i: int):
    """The nearest earlier sentence of the unit ending in "：" (the list lead a sentence sits under), or None."""
    return next((u.sentences[j] for j in range(i - 1, -1, -1) if u.sentences[j].text.rstrip().endswith(("：", ":"))),
                None)


_REGION = re.compile(r"地区|各地|各省|统筹区|省级|市级")
_HEAD_END = re.compile(rf"应当|必须|不得|禁止|严禁|须|应|{YAO}|可以|可")


def _head(text: str) -> str:
    m = _HEAD_END.search(text)
    return text[:m.start()] if m else ""


# parties outside the hospital that config/actors.yaml may not list: inspection teams, bureaus, firms,
# and the inspector's own procedures (现场检查应当制作笔录)
_PARTY = r"(?:采购机构|检查组|工作组|专家组|评估小组|检查人员|执法人员|办案人员|部门|医保局|医疗保障局|中心|委员会|人民政府|政府|企业|经营者|公司|甲方|机关|平台|现场检查|飞行检查|检查|核查|稽核|评估)"
_PARTY_HEAD = re.compile(_PARTY + r"$")
_PARTY_LEAD = re.compile(r"^[^，。；]{0,8}?(?<!被)" + _PARTY + r"(?!对象)")


def _names_party(head: str, side: frozenset) -> bool:
    """The head names a party of the role's side (定点医疗机构, 医务人员), not just its work (药品, 收费)."""
    return any(w in head for w, a in _words() if a in side and _PARTY_WORD.search(w))


def _hospital_only_as_object(text: str) -> bool:
    """Every hospital party the sentence names comes after 向/对/给/为/与 (it is the object or recipient)."""
    spots, rest = [], text
    for w, a in _words():   # longest words first; a match is blanked so "医疗机构" inside "定点医疗机构" is not seen again
        for m in re.finditer(re.escape(w), rest):
            if a in HOSPITAL and _PARTY_WORD.search(w):
                spots.append(m.start())
        rest = rest.replace(w, "　" * len(w))
    return bool(spots) and all(text[max(0, i - 1):i] in ("向", "对", "给", "为", "与") for i in spots)


def other_party(text: str, *, named_hospital: bool = False) -> bool:
    """The sentence's subject is a party outside the hospital: the words right before its modal verb
    end with one ("飞行检查组应当", "…所在地医疗保障部门应"), or — when no hospital actor is named as
    the subject — its first clause opens with one ("飞行检查组到达现场后，应当…")."""
    if _PARTY_HEAD.search(_head(text).split("，")[-1].strip()):
        return True
    lead = _PARTY_LEAD.search(text)
    if not lead:
        return False
    if not named_hospital:
        return True
    # "飞行检查组对被检查对象不配合…的，应当如实记录": the party comes first, the hospital is its object
    hospital_at = [text.find(w) for w, a in _words() if a in HOSPITAL and w in text]
    return lead.start() < min(hospital_at, default=len(text)) and "对" in text[lead.end():lead.end() + 2]


def _bureau_acts_on_object(u, s) -> bool:
    """In a notice addressed to the bureaus, a sentence that does not open with the hospital as its
    subject is the bureau's instruction ("对定点医药机构相关人员…予以记分", "建设预警模块，推送至定点医药机构")."""
    if not (u.implied_outside and set(u.implied) & BUREAU):
        return False
    if s.modality == "permission" and _PERMITTED.search(s.text):
        return False   # "…允许医疗机构按规定自主备案采购": the hospital is who may act
    opening = re.sub(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)])", "", s.text)[:12]
    return opening.startswith("对") or not any(w in opening for w, a in _words() if a in HOSPITAL | {"insured"})


def _lead_names_bureau(u, i: int) -> bool:
    lead = next((u.sentences[j] for j in range(i - 1, -1, -1) if not u.labels[j]), None)
    return lead is not None and bool(subject_of(lead) & BUREAU)


_BUREAU_WORD = re.compile(r"经办机构|医疗保障|医保部门|医保局")


def _consequence_for(text: str, mine: set) -> bool:
    """"<the role's people> … 的，<bureau> …": a consequence the bureau imposes when the role's people violate."""
    m = _BUREAU_WORD.search(text)
    pre = text[:m.start()] if m else ""
    return "的，" in pre and any(w in pre for w, a in _words() if a in mine and _PARTY_WORD.search(w))


def _subject(c: Chosen, s) -> set[str]:
    """Who must act: the bound actors for a duty, the named subject for a permission."""
    if duty_modality(s) == "permission":
        return subject_of(s)
    return set(c.unit.bound_of(s))


def role_duties(chosen: list[Chosen], role: str, actors: tuple[str, ...], *, to_bureaus: bool = False,
                keywords: tuple[str, ...] = ()) -> list[Duty]:
    """Every duty in the chosen units whose subject is on the role's side, best first:
    the role's own before the hospital's, prohibitions and penalties before obligations, numbers first.
    In a notice addressed to the bureaus a sentence without a named subject is the bureau's
    ("探索将…纳入…管理"): a hospital role takes only what names its side as who acts."""
    side, mine = side_of(role), set(actors)
    out: list[Duty] = []
    seen: set[str] = set()
    for c in chosen:
        u = c.unit
        for i, s in enumerate(u.sentences):
            m = duty_modality(s)
            carried_duty = s.modality == "obligation" and bool(set(u.bound_of(s)) & (HOSPITAL - {"billing"}))
            # …but what the fund pays for the patient is the patient's benefit, whoever else the sentence names
            paid_by_fund = role == "insured" and bool(re.search(r"由[^，。]{0,12}基金[^，。]{0,6}支付", s.text))
            if m in ("statement", "obligation") and _is_benefit(s) and (not carried_duty or paid_by_fund):
                m = "benefit"   # "参保人员…按住院政策报付，不设起付线": what the window settles, what the patient gets
            # "重点监控高套分组、分解住院…等违规行为": what the bureau watches for is the red line of whoever does it
            watched = role not in OWN_SIDE and m in STRONG and bool(targeted_conduct(s) & mine)   # their own conduct
            if m not in VERB or u.is_purpose or (_REGION.search(_head(s.text)) and not watched):
                continue   # "具备条件的地区可…": a region's option, nobody's to-do in the hospital
            lead = _lead_of(u, i)
            if _NOT_A_DUTY.search(s.text) or is_boilerplate(s.text) or _APPLICANT.search(_head(_whole(c, i))) or \
                    (lead is not None and (_APPLICANT.search(_head(lead.text)) or _DESIGNATION.search(lead.text))):
                continue   # a definition ("…是指…"), a bureau's right ("有权"), a condition to apply for 定点
            if i > 0 and u.labels[i] and any(x.text.rstrip().endswith(("：", ":")) and duty_modality(x) in VERB
                                             for x in u.sentences[:i]):
                continue   # a list item: its lead-in already quotes it with the list
            if m != "benefit" and _bureau_acts_on_object(u, s) and role not in OWN_SIDE and not watched \
                    and not _work_after_modal(s.text, keywords):
                continue   # "对定点医药机构相关人员…予以记分" in a notice to the bureaus: the bureau acts
            if m != "benefit" and _hospital_only_as_object(_head(s.text) or s.text):
                continue   # "按协议约定及时足额向定点医疗机构拨付医保费用": the hospital receives, someone else acts
            permitted = m == "permission" and bool(_PERMITTED.search(s.text))   # "…允许医疗机构…"
            bureau_is_mine = bool(side & BUREAU and subject_of(s) & side)   # "医疗保障部门要…" for the agency
            if m != "benefit" and not permitted and not bureau_is_mine and \
                    other_party(s.text, named_hospital=_names_party(_head(s.text), side)):
                continue   # "飞行检查组应当…", "现场检查应当…": a party the actor list does not know
            if u.labels[i] and lead is not None and not _names_party(_head(lead.text) or lead.text, side) and \
                    other_party(lead.text):
                continue   # "甲方履行以下义务：……（十）遵守个人信息保护…": an item of the other party's list
            if m == "permission" and not permitted and _first_party(_head(s.text)) in BUREAU:
                continue   # "经办机构发现定点医疗机构…的，可按协议…处理": what the bureau may do to us
            subject = {"insured", "billing"} if m == "benefit" else _subject(c, s)
            if m == "penalty" and not subject & BUREAU:   # the hospital's own duty in a penalty chapter
                m = "prohibition" if re.search(r"不得|禁止|严禁", s.text) else "obligation"
            if role == "insured" and m in ("obligation", "prohibition") and subject & HOSPITAL and \
                    "insured" in s.actors and (_hospital_acts(u, s) or "insured" in _actors_after_modal(s.text)) \
                    and not is_generic(s.text):
                m, subject = "right", {"insured"}   # "…应当经参保人员或者其近亲属同意": the patient's right
            if not subject & side:
                continue
            if watched:
                m = "prohibition"
            if to_bureaus and role not in OWN_SIDE and m != "benefit" and not watched and \
                    not _names_party(_head(s.text) or s.text, side) and not _work_after_modal(s.text, keywords) and \
                    not (lead is not None and _names_party(_head(lead.text) or lead.text, side)):
                continue   # the addressee (a bureau) is the one who acts
            if role not in OWN_SIDE and subject & BUREAU and not (subject_of(s) | guided_party(s)) & side \
                    and m != "penalty" and not watched:
                continue   # a bureau's duty (carried subject) stays context, unless it guides us to act
            if role not in OWN_SIDE and m == "penalty" and subject & BUREAU and \
                    not _consequence_for(_whole(c, i), side):
                continue   # the bureau's own procedure ("经办机构对医务人员作出记分处理时，应核对…")
            text = _whole(c, i)
            if any(text in t for t in seen) or is_fragment(s.text if not s.text.rstrip().endswith("：") else text):
                continue   # quoted already, or inside a sentence quoted whole ("…；对不宜打包付费的…")
            out = [d for d in out if d.text not in text]   # a part quoted before, now quoted whole
            seen.add(text)
            # the role is named as who acts (not just its work: 病历, 收费), or as who violates and bears the consequence
            named = bool(subject_of(s) & mine) or (m == "penalty" and _consequence_for(s.text, mine))
            out.append(Duty(c.unit.ref.replace("/", ""), m, text, bool(subject & mine), _counts(s), u.order,
                            bool(subject & BUREAU), c, s, named, role == "insured",
                            at_bedside=role in ("doctor", "nurse", "pharmacy"), regional=to_bureaus))
    # a penalty the bureau imposes on the role's own people ("相关责任人员…达到9分，未达12分的，医保经办机构…暂停")
    # binds the role like a red line; the bureau's procedures ("经办机构对相关人员作出记分时，应核对…") do not.
    # A duty with a number or time limit the role must keep ("30个工作日内", "提前3个月") ranks with the
    # penalties: it is what staff forget; a duty that only says "obey the rules" comes last.
    # a duty in the words of the role's work (实名/身份 at the window) before the hospital's other duties
    out.sort(key=lambda d: (is_generic(d.text), d.by_bureau and not d.named and not _consequence_for(d.text, mine),
                            not d.own, not d.named, not any(k in d.text for k in keywords), _rank(d), not d.has_fact,
                            d.order))
    return out


def _rank(d: Duty) -> int:
    if d.modality in ("obligation", "benefit") and d.has_fact:
        return RANK["penalty"]
    return RANK[d.modality]


_GENERIC_CLAUSE = re.compile(
    r"^(?:应当|应|必须|须|要)?(?:严格|认真|自觉|切实)?(?:遵守|执行|遵循|贯彻|落实|坚持|按照规定|按规定|依法)"
    r"[^，。；]{0,24}?(?:法律|法规|规章|政策|规定|约定|原则|要求|规范|制度)[^，。；]{0,6}$")


def is_generic(text: str) -> bool:
    """A duty that says only "obey the law / the agreement / the principles" ("定点医疗机构应当遵守医疗保障法律、
    法规、规章及有关政策，按照规定向参保人员提供医疗服务。"): true of every document, nothing to act on."""
    m = _MODAL.search(text)
    if not m or re.search(r"\d", text):
        return False
    if re.search(r"(?:坚持|遵循)[^。]{0,40}原则", text) and not re.search(r"不得|禁止|严禁", text):
        return True   # "…应坚持以人民健康为中心，遵循保障基本…的原则": a principle, not a task
    rest = text[m.start():].rstrip("。；")
    clauses = [c for c in re.split(r"[，；]", rest) if c]
    first = re.sub(r"^(?:应当|应|必须|须|要)", "", clauses[0]) if clauses else ""
    return bool(clauses) and all(_GENERIC_CLAUSE.search(c) or re.fullmatch(r"按照?规定[^，。；]{0,16}", c)
                                 for c in [first] + clauses[1:])


def _first_party(head: str) -> str | None:
    """The actor of the first party word in the head ("经办机构发现定点医疗机构…" → agency)."""
    at = [(head.find(w), a) for w, a in _words() if _PARTY_WORD.search(w) and w in head]
    return min(at)[1] if at else None


def _hospital_acts(u, s) -> bool:
    """The hospital is who acts ("乙方应当核验委托人的身份证明"), not what a bureau acts on ("对定点医疗机构…予以记分")."""
    head = _head(s.text)
    return bool(subject_of(s) & HOSPITAL) and not re.match(r"\s*对", head) and not _bureau_acts_on_object(u, s) \
        and not _hospital_only_as_object(head or s.text)


def _actors_after_modal(text: str) -> set[str]:
    from .binding import _actors_in
    m = _MODAL.search(text)
    return _actors_in(text[m.start():]) if m else set()


def _counts(s) -> bool:
    """The sentence carries a number, date or time limit (a list of items is not what staff forget)."""
    return any(f.kind != "list" for f in s.facts)


def not_bureau_work(s, role: str = "", to_bureaus: bool = False) -> bool:
    """A sentence that is not a bureau's, inspector's or firm's own duty (a quiz's fallback may ask it). In a
    notice to the bureaus a sentence without the role's side as its subject is the bureau's ("基金预付要向…")."""
    if subject_of(s) & BUREAU or other_party(s.text):
        return False
    if to_bureaus and role not in OWN_SIDE:
        return _names_party(_head(s.text) or s.text[:20], side_of(role))
    return True


def quoted_duties(chosen: list[Chosen], role: str = "", to_bureaus: bool = False) -> list[Duty]:
    """Every strong sentence the lesson quotes (a quiz's fallback); for a hospital-side role, not the bureau's."""
    return [Duty(c.unit.ref.replace("/", ""), duty_modality(s), s.text, False, bool(s.facts), c.unit.order,
                 False, c, s) for c in chosen for s in c.sentences
            if duty_modality(s) in VERB and not is_boilerplate(s.text)
            and (role in ("agency",) or not_bureau_work(s, role, to_bureaus))]


def quote_duties(duties: list[Duty]) -> None:
    """A duty's sentence is quoted in the lesson's 条文 too (a long provision quotes only some sentences)."""
    for d in duties:
        c = d.source
        if c is not None and d.sentence not in c.sentences:
            keep = set(map(id, c.sentences)) | {id(d.sentence)}
            c.sentences = to_full_stop(c.unit, [x for x in c.unit.sentences if id(x) in keep])


# a side note, never a lesson's 要点 while a rule is there: what a measure does not affect, a handover
_SIDE_NOTE = re.compile(r"不影响|不受[^，。]{0,10}影响|做好[^，。]{0,8}交接|妥善做好|(?<!不)得[^，。]{0,4}继续")


def lead_duty(chosen: list[Chosen], duties: list[Duty], keywords: tuple[str, ...] = ()) -> Duty | None:
    """The 要点: selection ranks the provisions, the duty order ranks inside one. The role's own duty
    comes first, one in the words of its work before the others (so the 医保办 and the 管理层, bound by the
    same hospital duties, do not lead with the same one), then the hospital's; a penalty the bureau imposes
    leads only when nothing else does."""
    def worded(d: Duty) -> bool:
        return any(k in d.text for k in keywords)

    def rule(d: Duty) -> bool:   # a side note leads only when nothing else does
        return not _SIDE_NOTE.search(d.text)

    for wanted in (lambda d: d.named and not d.by_bureau and d.modality != "permission" and rule(d),
                   lambda d: d.own and not d.by_bureau and d.modality != "permission" and worded(d) and rule(d),
                   lambda d: d.own and not d.by_bureau and d.modality != "permission" and rule(d),
                   lambda d: not d.by_bureau and worded(d) and rule(d), lambda d: not d.by_bureau and rule(d),
                   lambda d: not d.by_bureau, lambda d: True):
        for c in chosen:
            ref = c.unit.ref.replace("/", "")
            best = next((d for d in duties if d.ref == ref and wanted(d)), None)
            if best:
                return best
    return None


def bureau_context(chosen: list[Chosen], role: str, actors: tuple[str, ...]) -> list[tuple[str, str]]:
    """Bureau duties that name the role's side: what the 医保部门 will do that reaches the hospital (or,
    for the 参保人, the patient), as (ref, whole sentence), the ones about the role's own people and
    the relief they get first; a bureau's own timetable ("2025年12月底前…纳入…") last."""
    if role in OWN_SIDE and role != "insured":
        return []
    side = frozenset({"insured"}) if role == "insured" else side_of(role) | {"insured"}
    found: list[tuple[float, int, str, str]] = []
    for c in chosen:
        u = c.unit
        for i, s in enumerate(u.sentences):
            if duty_modality(s) not in ("obligation", "penalty", "prohibition") or u.is_purpose:
                continue
            subject = subject_of(s) if not _bureau_acts_on_object(u, s) else set(u.implied)
            if u.labels[i] and not _lead_names_bureau(u, i):
                continue   # "乙方履行以下义务：……（三）根据甲方要求…": the lead's party acts
            if not (subject & BUREAU) or subject & side or BUREAU <= subject:   # (a bureau acting on a bureau)
                continue
            reach = HOSPITAL if role != "insured" else {"insured"}
            relief_for_patients = role == "insured" and bool(_EASED.search(s.text))   # "合理备药需求…放宽限制"
            if not (set(s.actors) & reach or relief_for_patients) or is_fragment(s.text) or _NOT_A_DUTY.search(s.text) \
                    or _APPLICANT.search(_head(_whole(c, i))):
                continue
            if len(s.text) < 24 and not s.actors:
                continue   # "通过函询约谈等手段加强日常管理。": who and what are in the sentence before
            if _FIRM.search(_head(s.text)):
                continue   # "经营者应按医疗保障部门要求…": a firm's duty, neither the bureau's work nor ours
            weight = 2.0 * bool(set(s.actors) & set(actors)) + (3.0 if relief_for_patients else bool(_RELIEF.search(s.text))) \
                - 2.0 * bool(_TIMETABLE.search(s.text))
            if role == "insured" and not (_RELIEF.search(s.text) or duty_modality(s) == "penalty"
                                          or re.search(r"参保人员|参保人|患者", s.text[:40])):
                continue   # a bureau's procedure the patient never meets
            found.append((-weight, len(found), u.ref.replace("/", ""), _whole(c, i)))
    return [(ref, text) for _, _, ref, text in sorted(found)][:MAX_CONTEXT]


_FIRM = re.compile(r"经营者|企业|公司|厂家|厂商")
_EASED = re.compile(r"放宽|不作限制|不受|从轻|从宽|减轻|免予")
# what the bureau's work means for people: relief ("放宽限制", "不作限制", "从轻") or a check they will meet
_RELIEF = re.compile(r"放宽|不作限制|不受|从轻|从宽|减轻|免予|提醒|推送|告知")
_TIMETABLE = re.compile(r"\d{4}年[^，。]{0,8}(?:底|前)|试点地区|全覆盖|覆盖范围")


_PREP = re.compile(r"^(?:按照|根据|依据|对|在|于|为|经|由|将|把|以|与|向)")
_MODAL = re.compile(rf"应当|必须|不得|禁止|严禁|须|应|{YAO}|可以")


def context_line(ref: str, text: str, *, plain: bool = False) -> str:
    return f"医保部门将（{ref}）：{text}" if plain else f"医保部门将（{ref}，与我院相关）：{text}"


def gist(duty_text: str) -> str | None:
    """A clean phrase for a headline from a duty: the sentence itself when short, else its first clause
    that carries the modal verb and its object ("不得分解住院、挂床住院"); None when no clause reads whole."""
    t = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", duty_text.split("……")[0]).strip()
    t = re.sub(r"（[^）]*）|\([^)]*\)", "", t)   # a parenthesis never cut in half in a headline
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


MAX_FACTS = 3
_NUMBERED = ("number", "time_limit", "frequency")


def key_facts(chosen: list[Chosen], shown: list[Duty], role: str, actors: tuple[str, ...] = (),
              keywords: tuple[str, ...] = (), *, limit: int = MAX_FACTS) -> list[Duty]:
    """Numbers and time limits the role must know that its to-dos do not already quote: a sentence of the
    lesson's provisions naming the hospital's side or the patients ("出院48小时以内完成的手术（不含门诊手术）
    属日间手术范围", "特例单议病例…原则上不超过出院病例的5%"). Never a bureau's timetable or a firm's duty."""
    reach = frozenset({"insured"}) if role == "insured" else HOSPITAL | {"insured"}
    quoted = " ".join(d.text for d in shown)
    out: list[Duty] = []
    for c in chosen:
        u = c.unit
        if u.is_purpose:
            continue
        for i, s in enumerate(u.sentences):
            if not any(f.kind in _NUMBERED and re.search(r"\d", f.text) and not re.search(r"版|号", f.text)
                       for f in s.facts) or (duty_modality(s) == "penalty" and
                                             not re.search(r"(?:应当|应|须)在[^，。]{0,6}\d", s.text)):
                continue   # a version ("2.0版") is no number to remember; a penalty is the warning's
            text = _whole(c, i)
            if _DESIGNATION.search(text) or _APPLICANT.search(_head(text)) or "申请材料" in text or \
                    ("评估" in text and "申请" in text) or \
                    re.search(r"申请|评估", u.theme or "") and not u.bound_of(s) & HOSPITAL:
                continue   # the conditions and procedure to become 定点: past for a 定点 hospital
            if keywords and not (set(s.actors) & set(actors) or any(k in s.text for k in keywords)):
                continue   # the window's 对账 deadline is not the doctor's number
            if s.text in quoted or text in quoted or any(text == d.text for d in out) or is_fragment(s.text):
                continue
            if _TIMETABLE.search(s.text) or _FIRM.search(_head(s.text)) or _NOT_A_DUTY.search(s.text) and "是指" in s.text:
                continue
            if not set(s.actors) & reach and not set(u.bound_of(s)) & reach:
                continue
            if role != "insured" and "retail_pharmacy" in u.bound_of(s) and not u.bound_of(s) & HOSPITAL:
                continue   # "纸质处方保存期限不少于2年" binds the 药店 (乙方), not the hospital's people
            if len(text) > MAX_LINE:
                continue
            out.append(Duty(u.ref.replace("/", ""), "fact", text, False, True, u.order, False, c, s))
            break
        if len(out) >= limit:
            break
    return out


MAX_SAFEGUARDS = 2
# what an inspector or a bureau must do towards the hospital that the hospital can check on the spot
_SAFEGUARD = re.compile(r"出示|送达|告知其|书面通知|至少有?\d|不少于\d|回避|听取[^，。]{0,8}意见|陈述|申辩|签字|确认")
_INSPECTION = re.compile(r"检查组|检查人员|执法人员|办案人员|现场检查|飞行检查|核查|稽核")


def safeguards(chosen: list[Chosen], units: list, role: str) -> list[Duty]:
    """"飞行检查组到达现场后，应当向被检查对象出示执法证件…", "现场检查应当至少有2名持有执法证件的检查人员
    参加": the other side's duties during an inspection that the hospital's 医保办 and managers check at the
    door (a role without work words of its own). Quoted whole, never as the hospital's to-do."""
    if role not in ("yibaoban", "management"):
        return []
    out: list[Duty] = []
    pool = [c.unit for c in chosen] + [u for u in units if all(u is not c.unit for c in chosen)]
    for u in pool:
        for s in u.sentences:
            if duty_modality(s) != "obligation" or not _SAFEGUARD.search(s.text) or not _INSPECTION.search(s.text):
                continue
            if not (other_party(s.text) or subject_of(s) & BUREAU) or len(s.text) > MAX_LINE or is_fragment(s.text):
                continue
            out.append(Duty(u.ref.replace("/", ""), "safeguard", s.text, False, _counts(s), u.order, True, None, s))
            break
        if len(out) >= MAX_SAFEGUARDS:
            break
    return out


NARROW = frozenset({"doctor", "nurse", "cashier", "pharmacy", "finance"})
# the care a doctor or nurse gives a patient ("提供…医药服务的，应当经参保人员同意")
_CARE = re.compile(r"医药服务|医疗服务|诊疗|治疗|检查|住院|用药")
MIN_DUTIES = 3


SETTLES = ("cashier",)   # the narrow roles that apply a payment rule ("按此结算") themselves


def about_the_role(duties: list[Duty], role: str, actors: tuple[str, ...], keywords: tuple[str, ...]) -> list[Duty]:
    """For a role with one line of work (doctor, nurse, window, pharmacy, finance) the hospital's duties that
    speak of that work: its people named, its actors or work words in the sentence, a payment rule it
    settles. The hospital's paperwork ("其他一般信息变更应及时书面告知", "不得为非定点医疗机构提供医保结算" for a
    doctor) stays with 医保办 and 管理层; at least MIN_DUTIES are kept, best first."""
    if role not in NARROW:
        return duties

    def relevant(d: Duty) -> bool:
        named_here = d.sentence is not None and bool(set(getattr(d.sentence, "actors", ())) & set(actors))
        at_bedside = role in ("doctor", "nurse") and d.sentence is not None and \
            "insured" in getattr(d.sentence, "actors", ()) and bool(_CARE.search(d.text))
        settles = d.modality == "benefit" and role in SETTLES   # a payment rule is the window's to apply, not the ward's
        return d.named or named_here or at_bedside or settles or any(k in d.text for k in keywords)

    mine = [d for d in duties if relevant(d)]
    if len(mine) >= MIN_DUTIES:
        return mine
    rest = [d for d in duties if d not in mine][:MIN_DUTIES - len(mine)]
    return sorted(mine + rest, key=duties.index)
