"""施行 (effective), 有效期 (expiry) and 废止 (repeal) clauses, matched on the flat view."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from yibao.document.dates import DATE_ANY_SRC, DATE_AR, DATE_CN, date_from_match
from yibao.document.docnumber import find_doc_numbers_flat
from yibao.document.textview import flat

RELATIVE_BASES = ("印发", "发布", "公布", "下发", "颁布", "签发", "发文", "公告")
EFFECTIVE = re.compile(
    rf"(?:(?P<subject>本[\u4e00-\u9fff]{{1,6}}?|《[^》]{{1,60}}》|[\u4e00-\u9fff]{{2,12}}?))?"
    rf"自(?P<when>{DATE_ANY_SRC}|(?:{'|'.join(RELATIVE_BASES)})之日)(?:起)?[，,]?"
    r"(?:正式|开始|起)?(?P<verb>生效执行|施行|实施|执行|试行|生效|启用|实行)")
# "2026年8月25日生效执行" / "2024年10月1日起执行" without 自
EFFECTIVE_BARE = re.compile(rf"(?P<when>{DATE_ANY_SRC})起?(?:正式)?(?P<verb>生效执行|生效实施|生效)")
_SELF_SUBJECT = re.compile(r"^本(?:通知|办法|规定|意见|方案|细则|规则|决定|公告|通告|协议|目录|指南|标准|规范|条例|文件|批复|函)")
_YEARS = r"(?P<years>\d{1,2}|[一二三四五六七八九十两]{1,3})年"
VALIDITY = re.compile(rf"有效期(?:为|限为|限|暂定为?|暂定)?(?:{_YEARS}|至(?P<until>{DATE_ANY_SRC}))")
REPEAL_VERB = r"(?:同时|一并|即行|相应|予以|同步)?(?:废止|停止执行|不再执行|停止实施|不再实施|失效)"
_REF = r"(?:《[^《》]{2,120}》(?:[（(][^（()）]{2,40}[）)])?|[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,5}号(?:文件?)?)"
REPEAL = re.compile(rf"(?P<docs>(?:原)?{_REF}(?:(?:[、和及与，,]|以及)(?:原)?{_REF})*)"
                    rf"(?:第[一二三四五六七八九十百零〇\d]+条)?(?P<gap>[^。；《]{{0,24}}?){REPEAL_VERB}")
_TITLE_IN = re.compile(r"《(?P<t>[^《》]+)》(?:[（(](?P<n>[^（()）]+)[）)])?")


@dataclass
class Effective:
    date: dt.date | None
    basis: str | None      # "印发之日" etc. when relative; None for a printed date
    verb: str
    text: str              # the matched phrase
    subject: str | None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        return d


def _cn_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2}
    if "十" not in s:
        return digits[s]
    tens, _, ones = s.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _date_in(s: str) -> dt.date | None:
    for rx in (DATE_AR, DATE_CN):
        m = rx.search(s)
        if m:
            return date_from_match(m)
    return None


def find_effective_all(text_flat: str) -> list[Effective]:
    out = []
    for m in EFFECTIVE.finditer(text_flat):
        when = m["when"]
        basis = when if when.endswith("之日") else None
        out.append(Effective(None if basis else _date_in(when), basis, m["verb"], m.group(0), m["subject"]))
    if not out:
        for m in EFFECTIVE_BARE.finditer(text_flat):
            out.append(Effective(_date_in(m["when"]), None, m["verb"], m.group(0), None))
    return out


def pick_effective(candidates: list[Effective]) -> Effective | None:
    """The document's own 施行 clause: the last "本通知/本办法…自…起施行"; else the
    last clause about a document named in 《》; else the last one found."""
    if not candidates:
        return None
    own = [c for c in candidates if c.subject and _SELF_SUBJECT.match(c.subject)]
    named = [c for c in candidates if c.subject and c.subject.startswith("《")]
    return (own or named or candidates)[-1]


def find_effective(text: str) -> Effective | None:
    """The effective-date clause ("自2026年1月1日起施行", "自印发之日起施行")."""
    return pick_effective(find_effective_all(flat(text)))


@dataclass
class Validity:
    years: int | None
    until: dt.date | None
    text: str


def find_validity(text_flat: str) -> Validity | None:
    for m in VALIDITY.finditer(text_flat):
        before = text_flat[max(0, m.start() - 6):m.start()]
        if re.search(r"(?:支付标准|协议|价格|资格|证书|备案|批件)$", before):
            continue  # the validity of something else (a price, an agreement)
        if m["years"]:
            return Validity(_cn_int(m["years"]), None, m.group(0))
        return Validity(None, _date_in(m["until"]), m.group(0))
    return None


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def find_repeals_flat(text_flat: str) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for m in REPEAL.finditer(text_flat):
        gap = m["gap"]
        if re.search(r"(?:不一致|相抵触|冲突|为准)", gap):
            continue
        docs = m["docs"]
        titled = list(_TITLE_IN.finditer(docs))
        items = []
        for t in titled:
            nums = find_doc_numbers_flat(t["n"] or "")
            items.append({"title": t["t"], "doc_number": nums[0].canonical if nums else None})
        bare = find_doc_numbers_flat(_TITLE_IN.sub("", docs))
        items += [{"title": None, "doc_number": n.canonical} for n in bare]
        for item in items:
            key = item["doc_number"] or item["title"]
            if key not in seen:
                seen.add(key)
                out.append(item | {"wording": m.group(0)[-40:]})
    return out


def find_repeals(text: str) -> list[dict]:
    """Documents this one repeals or replaces: [{"title", "doc_number", "wording"}].

    Matches "…同时废止", "…不再执行", "…停止执行", "原…废止". A conflict rule
    ("与本通知不一致的，以本通知为准") is not a repeal.
    """
    return find_repeals_flat(flat(text))
