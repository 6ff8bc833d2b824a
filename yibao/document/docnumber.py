"""发文字号 (document numbers): 医保发〔2021〕48号, 国务院令第735号, and their misprints."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .textview import flat

_OPEN, _CLOSE = "〔\\[［【(（﹝", "〕\\]］】)）﹞"
# Agency code right before the bracket; trimmed afterwards (see _trim_agency).
DOCNO = re.compile(rf"(?P<agency>[\u4e00-\u9fff]{{1,12}})[{_OPEN}](?P<year>(?:19|20)\d{{2}})[{_CLOSE}]"
                   r"(?P<di>第?)(?P<seq>\d{1,5})号")
LING = re.compile(r"(?P<agency>[\u4e00-\u9fff]{2,20}?令)第(?P<seq>\d{1,5})号")
WELL_FORMED = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕[1-9]\d*号")
LING_WELL_FORMED = re.compile(r"[\u4e00-\u9fff]+令第[1-9]\d*号")

# Words that precede a code in running text but are never part of one.
_LEAD = re.compile(r"^(?:贯彻落实|贯彻|落实|按照|根据|依据|依照|参照|对照|执行|印发|转发|现将|详见|参见|见|将|按|据|经|及|和|与|或|并|即|原|由|对|以|于|在|是|照|的|了)+")
_CUT_AFTER = ("的", "和", "与", "及", "或", "、", "据", "照", "见", "将", "经", "在", "即", "是", "于", "按", "由", "对",
              "规定", "印发", "转发", "落实", "执行", "贯彻", "参照", "要求", "关于", "通知", "意见", "办法", "文件", "精神", "以")
_LING_LEAD = re.compile(r"^.*?(?=(?:中华人民共和国)?(?:国务院|国家[\u4e00-\u9fff]{1,10}?局|[\u4e00-\u9fff]{0,6}?(?:部|委员会|委|局|厅|政府))令$)")


@dataclass(frozen=True)
class DocNumber:
    raw: str          # as found (in the whitespace-free view, full-width digits made ASCII)
    canonical: str    # 机关代字〔year〕seq号 / …令第N号
    agency: str
    year: int | None
    seq: int
    well_formed: bool
    start: int = -1   # offset in the flat view
    end: int = -1

    def to_dict(self) -> dict:
        return asdict(self)


def _trim_agency(agency: str) -> str:
    """Cut running text off the front of an agency code: "按照医保发" → "医保发"."""
    best = 0
    for word in _CUT_AFTER:
        i = agency.rfind(word)
        if i >= 0 and i + len(word) < len(agency):
            best = max(best, i + len(word))
    agency = agency[best:]
    trimmed = _LEAD.sub("", agency)
    return trimmed if trimmed else agency


def find_doc_numbers_flat(text: str) -> list[DocNumber]:
    """Document numbers in an already flat text, in order of appearance."""
    out: list[DocNumber] = []
    for m in DOCNO.finditer(text):
        agency = _trim_agency(m["agency"])
        if not agency:
            continue
        start = m.start("agency") + (len(m["agency"]) - len(agency))
        raw = text[start:m.end()]
        year, seq = int(m["year"]), int(m["seq"])
        canonical = f"{agency}〔{year}〕{seq}号"
        out.append(DocNumber(raw, canonical, agency, year, seq,
                             bool(WELL_FORMED.fullmatch(raw)) and raw == canonical, start, m.end()))
    for m in LING.finditer(text):
        agency = _LING_LEAD.sub("", m["agency"], count=1)
        start = m.start("agency") + (len(m["agency"]) - len(agency))
        raw = text[start:m.end()]
        seq = int(m["seq"])
        canonical = f"{agency}第{seq}号"
        out.append(DocNumber(raw, canonical, agency, None, seq,
                             bool(LING_WELL_FORMED.fullmatch(raw)) and raw == canonical, start, m.end()))
    return sorted(out, key=lambda d: d.start)


def find_doc_numbers(text: str) -> list[DocNumber]:
    """All 发文字号 in ``text`` (any whitespace/line breaks inside are tolerated).

    "全国医保电子凭证" and 索引号 are not matched: a number needs the
    〔year〕…号 shape or the …令第N号 shape.
    """
    return find_doc_numbers_flat(flat(text))
