"""Shared pieces of the provincial renderers (gd_nfcms, sh_static, zj_jpaas,
sc_trs): realistic policy bodies, generated attachments, paging, escaping.

The leading underscore keeps renderer discovery from treating this as a family.
"""
from __future__ import annotations

import hashlib
import html
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from yibao.mirror.model import MirrorAttachment, MirrorDocument, MirrorSite

esc = html.escape


def hex_id(*parts: str) -> str:
    """A stable 32-hex id (the sites use content ids of this shape)."""
    return hashlib.md5("|".join(parts).encode("utf-8")).hexdigest()


def header(headers: dict[str, str], name: str) -> str | None:
    lname = name.lower()
    return next((v for k, v in (headers or {}).items() if k.lower() == lname), None)


def page_slice(docs: list[MirrorDocument], page: int, size: int) -> list[MirrorDocument]:
    """Documents of 1-based page ``page``."""
    return docs[(page - 1) * size: page * size]


def page_count(n: int, size: int) -> int:
    return max(1, -(-n // size))


def cn_date(iso: str) -> str:
    """'2026-05-22' -> '2026年5月22日' (the way 公文 sign off)."""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def paragraphs(body: str) -> list[str]:
    return [line.strip() for line in body.split("\n") if line.strip()]


# ------------------------------------------------------------- bodies
def subject_of(title: str) -> str:
    """The policy subject: the 《…》 part of a title, else the title after 关于."""
    m = re.search(r"《([^》]+)》", title)
    if m:
        return m.group(1)
    m = re.search(r"关于(.+?)的(?:通知|意见|公告|批复|函)$", title)
    return m.group(1) if m else title


def policy_body(title: str, addressee: str, issuer: str, publish_date: str, province: str,
                doc_number: str | None = None, effective: str | None = None, extra: list[str] | None = None) -> str:
    """A 公文-shaped body: addressee, preamble, numbered sections, sign-off."""
    subject = subject_of(title)
    eff = effective or publish_date
    lines = [
        addressee,
        f"为深入贯彻落实党中央、国务院关于深化医疗保障制度改革的决策部署，进一步做好{subject}相关工作，"
        f"根据国家医疗保障局有关规定，结合{province}实际，现就有关事项通知如下：",
        "一、总体要求",
        f"坚持以人民健康为中心，坚持保基本、可持续，统筹推进{subject}工作，"
        "确保参保人员待遇稳定、医保基金安全平稳运行。",
        "二、主要内容",
        f"（一）明确适用范围。本通知适用于{province}职工基本医疗保险和城乡居民基本医疗保险参保人员及定点医药机构。",
        "（二）规范经办流程。各级医疗保障经办机构要按照统一的经办规程办理相关业务，实行清单管理，"
        "不得擅自增加办理材料或环节。",
        "（三）强化费用审核。定点医疗机构应当如实上传费用明细，医保经办机构按月开展智能审核，"
        "对不符合规定的费用不予支付。",
        "三、工作要求",
        "各地要高度重视，加强组织领导，做好政策宣传解读和培训工作，及时回应社会关切。"
        "执行中遇到的重大问题，请及时报告。",
    ]
    lines += extra or []
    lines += [f"本通知自{cn_date(eff)}起施行，有效期5年。", issuer, cn_date(publish_date)]
    if doc_number:
        lines.insert(0, doc_number)
    return "\n".join(lines)


# -------------------------------------------------------- attachments
@dataclass(frozen=True)
class AttachmentSpec:
    name: str  # display name
    kind: str  # "pdf" | "xlsx"


@lru_cache(maxsize=256)
def _generated(kind: str, name: str, lines: tuple[str, ...]) -> bytes:
    try:
        from yibao.testing import pdfgen
    except ImportError:  # the generator is optional: fall back to a tiny text file
        pdfgen = None
    with tempfile.TemporaryDirectory(prefix="mirror-att-") as tmp:
        path = Path(tmp) / f"file.{kind}"
        try:
            if pdfgen is not None and kind == "pdf":
                pdfgen.make_policy_pdf(path, [name, *lines])
                return path.read_bytes()
            if pdfgen is not None and kind == "xlsx":
                pdfgen.make_catalogue_xlsx(path, rows=30)
                return path.read_bytes()
        except Exception:  # missing CJK font etc.: keep the mirror usable
            pass
    return ("\n".join([name, *lines]) + "\n").encode("utf-8")


def make_attachment(spec: AttachmentSpec, owner: str, body: str) -> MirrorAttachment:
    """A real PDF/XLSX (CJK text) named by a content hash, like the sites do."""
    lines = tuple(paragraphs(body)[:12])
    data = _generated(spec.kind, spec.name, lines)
    ext = spec.kind if data[:4] in (b"%PDF", b"PK\x03\x04") else "txt"
    return MirrorAttachment(name=spec.name, filename=f"{hex_id(owner, spec.name)}.{ext}", data=data)


def find_doc_by_key(site: MirrorSite, key: str, attr: str) -> MirrorDocument | None:
    """The document whose extra[attr] (or doc_id) equals key."""
    for doc in site.documents:
        if str(doc.extra.get(attr, doc.doc_id)) == key:
            return doc
    return None
