"""Stand-in for yibao.document until branch issue-11doc is merged (same interface, simpler parsing).

Delete this file once `yibao.document` exists: yibao/lessons/docmodel.py imports the real one first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from yibao.clauses import normalize_text, parse_clauses

ACTOR_WORDS = {
    "medical_institution": ["定点医疗机构", "定点医药机构", "医疗机构", "医院", "医药机构", "定点机构"],
    "medical_staff": ["医务人员", "医保医师", "执业医师", "医师", "医生", "开具处方", "开药", "诊疗", "病历", "病案", "诊断"],
    "pharmacy": ["定点零售药店", "零售药店", "药店", "药师", "药品", "处方", "用药", "配药", "调剂", "耗材"],
    "nursing": ["护士", "护理"],
    "billing": ["收费", "结算", "挂号", "窗口", "费用清单", "票据", "发票", "计费", "报销", "备案"],
    "insured": ["参保人员", "参保人", "参保群众", "参保患者", "患者", "就医人员", "群众", "个人账户"],
    "employer": ["用人单位", "参保单位", "单位缴费", "缴费基数"],
    "agency": ["经办机构", "医保经办", "医疗保障经办", "经办服务", "经办管理", "协议管理"],
    "admin_dept": ["医疗保障行政部门", "医疗保障部门", "医保行政部门", "医保部门", "医疗保障局", "医保局", "统筹地区", "各地", "各省"],
    "finance": ["财政部门", "财政", "基金", "财务", "预算", "拨付", "预付", "清算"],
}
_MODALITY = [
    ("prohibition", re.compile(r"不得|禁止|严禁|不予")),
    ("penalty", re.compile(r"罚款|暂停|解除|追回|中止|终止|处罚|违约金|扣减|拒付|记分|吊销|没收|曝光")),
    ("obligation", re.compile(r"应当|必须|须|(?<![相对适])应(?![用急对])|(?<![主需重纲必])要(?![点素件])|负责")),
    ("permission", re.compile(r"可以|鼓励|允许|有权|(?<![不])可(?![能靠信持])")),
]
_UNITS = r"个百分点|个工作日|个自然日|个月|周岁|万元|亿元|元|%|％|日|天|小时|种|项|倍|分|次|张|人|家|年|批|个"
_NUM = re.compile(rf"(?<![\d.〔（(V])(\d+(?:\.\d+)?)\s*({_UNITS})")
_TIME_LIMIT = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:底|末)?(?:前|以前)|\d+个?(?:工作日|自然日|日|天|个月)(?:内|以内)")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_DOCNO = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号|令第\d+号|[（(]\d{4}[^）)]{0,3}版[）)]|\d+\.\d+版")
_HEADER_PARA = re.compile(r"〔\d{4}〕|局务会议|审议通过|现予(?:以)?公布|局\s*长|^[^。]{0,40}：$|^\d{4}年\d{1,2}月\d{1,2}日$|特此通知|抄送|印发|^附件")
_SIGNATURE_TAIL = re.compile(r"\n?(?:[\u4e00-\u9fff]{2,20}(?:局|部|办公室|委员会|中心)\s*)+\d{4}年\d{1,2}月\d{1,2}日.*$", re.S)
_SENT = re.compile(r"[^。！？；\n]+(?:[。！？；]|$)")
_LEVELS = {"章": "chapter", "节": "section", "条": "article", "一、": "item", "（一）": "item", "1.": "numbered", "（1）": "numbered"}


@dataclass
class Fact:
    kind: str
    text: str
    value: str | None
    unit: str | None
    measure: str | None
    items: tuple[str, ...] = ()


@dataclass
class Sentence:
    text: str
    modality: str
    actors: tuple[str, ...]
    facts: tuple[Fact, ...]


@dataclass
class Provision:
    id: str
    label: str
    level: str
    heading: str | None
    text: str
    sentences: list[Sentence]
    actors: tuple[str, ...]
    modality: str
    facts: tuple[Fact, ...]
    topic: str | None
    children: list["Provision"] = field(default_factory=list)
    is_purpose: bool = False
    ref: str = ""


@dataclass
class Document:
    title: str | None
    doc_numbers: list[str]
    addressees: list[str]
    preamble: list[str]
    promulgation: str | None
    provisions: list[Provision]
    issuers: list[str] = field(default_factory=list)
    signed_date: object = None
    attachments: list[str] = field(default_factory=list)
    colophon: dict = field(default_factory=dict)
    zones: list = field(default_factory=list)


_RANK = {"prohibition": 4, "penalty": 3, "obligation": 2, "permission": 1, "statement": 0}


def _modality(s: str) -> str:
    for name, rx in _MODALITY:
        if rx.search(s):
            return name
    return "statement"


def _actors(s: str) -> tuple[str, ...]:
    found, rest = [], s
    for actor, words in sorted(ACTOR_WORDS.items(), key=lambda kv: -max(len(w) for w in kv[1])):
        for w in sorted(words, key=len, reverse=True):
            if w in rest:
                rest = rest.replace(w, "　")
                if actor not in found:
                    found.append(actor)
    return tuple(a for a in ACTOR_WORDS if a in found)


def _facts(s: str) -> tuple[Fact, ...]:
    masked = _DOCNO.sub(lambda m: "＃" * len(m.group(0)), s)
    out = []
    for m in _TIME_LIMIT.finditer(masked):
        out.append(Fact("time_limit", m.group(0), None, None, None))
    for m in _DATE.finditer(masked):
        out.append(Fact("date", m.group(0), None, None, None))
    masked2 = _DATE.sub(lambda m: "＃" * len(m.group(0)), _TIME_LIMIT.sub(lambda m: "＃" * len(m.group(0)), masked))
    for m in _NUM.finditer(masked2):
        if m.group(2) == "年" and len(m.group(1)) == 4:
            continue
        out.append(Fact("number", m.group(0), m.group(1), m.group(2), None))
    return tuple(out)


def _sentences(text: str) -> list[Sentence]:
    out = []
    for m in _SENT.finditer(text):
        t = m.group(0).strip()
        if len(t) >= 2:
            out.append(Sentence(t, _modality(t), _actors(t), _facts(t)))
    return out


def _split_heading(level: str, text: str) -> tuple[str | None, str]:
    m = re.match(r"^([^，。；：]{2,16}[。：])(?=.)", text)
    if level == "item" and m:
        return m.group(1).rstrip("。："), text[m.end():].strip()
    return None, text


def parse_document(text: str, *, title: str | None = None) -> Document:
    norm = normalize_text(text)
    clauses = parse_clauses(norm)
    preamble, provisions, stack = [], [], []
    numbered_seen = False
    for c in clauses:
        body = re.sub(r"特此通知。?\s*$", "", _SIGNATURE_TAIL.sub("", c.text.strip()).strip()).strip().lstrip("。")
        if c.level == "para":
            if numbered_seen or _HEADER_PARA.search(body) or not body:
                continue
            preamble.append(body)
            sents = _sentences(body)
            provisions.append(Provision(c.ref, "", "paragraph", None, body, sents, (), "statement", (), None,
                                        is_purpose=True, ref="preamble"))
            continue
        numbered_seen = True
        level = _LEVELS.get(c.level, "item")
        heading, own = _split_heading(level, body)
        if level in ("chapter", "section"):
            heading, own = body, ""
        sents = _sentences(own)
        actors = tuple(dict.fromkeys(a for s in sents for a in s.actors))
        modality = max((s.modality for s in sents), key=lambda m: _RANK[m], default="statement")
        p = Provision("/".join(c.path), c.label, level, heading, own, sents, actors, modality,
                      tuple(f for s in sents for f in s.facts), None,
                      is_purpose=bool(re.match(r"^为(?:了)?[^。]{4,80}(?:制定|根据)", own)), ref=c.ref)
        depth = len(c.path)
        while stack and len(stack[-1][0]) >= depth:
            stack.pop()
        if stack:
            parent = stack[-1][1]
            if not p.actors:
                p.actors = parent.actors
            parent.children.append(p)
        else:
            provisions.append(p)
        stack.append((c.path, p))
    return Document(title, [], [], preamble, None, provisions)


def iter_provisions(doc) -> "list[Provision]":
    stack = list(reversed(doc.provisions))
    while stack:
        p = stack.pop()
        yield p
        stack.extend(reversed(p.children))
