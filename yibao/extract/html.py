"""Generic article-page reader, used when the site parsers (scrapers.registry) are absent.

Kept small on purpose: title and date from the usual <meta> tags and info
tables, body from the usual content containers, 附件 links.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from yibao.document.dates import DATE_AR, DATE_CN, DATE_ISO, date_from_match, parse_cn_date
from yibao.document.docnumber import find_doc_numbers
from yibao.document.textview import compact, fw_digits

BODY_SELECTORS = ("div#zoom", ".content-detail", ".TRS_UEDITOR", ".TRS_Editor", ".zw", "div.article-content",
                  "div#content", "div.content", "article")
_BLOCK = {"p", "div", "br", "tr", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
          "ul", "ol", "dd", "dt", "blockquote", "pre", "hr"}
_ATTACH_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z)(?:$|[?&#])", re.I)
_INFO_LABELS = {"发布日期": "publish_date", "成文日期": "written_date", "文号": "doc_number", "发文字号": "doc_number",
                "发布机构": "issuer", "发文机关": "issuer", "标题": "title", "名称": "title"}


@dataclass
class GenericPage:
    url: str | None
    title: str | None = None
    publish_date: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    written_date: str | None = None
    body_text: str = ""
    attachments: list[list[str]] = field(default_factory=list)   # [name, url]
    meta: dict = field(default_factory=dict)


def html_to_text(html_or_tag) -> str:
    """Text with line breaks only at block elements, so inline <span>s from Word
    ("川医保<span>规</span>〔<span>2026</span>〕") stay on one line."""
    root = BeautifulSoup(html_or_tag, "lxml") if isinstance(html_or_tag, str) else html_or_tag
    for t in root.find_all(["script", "style", "noscript"]):
        t.decompose()
    parts: list[str] = []

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                parts.append(re.sub(r"[\r\n\t]+", "", str(child)))
            elif isinstance(child, Tag):
                block = child.name in _BLOCK
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(root)
    lines = [line.strip(" \u00a0") for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line.strip())


def parse_generic(html: str, url: str | None = None) -> GenericPage:
    soup = BeautifulSoup(html, "lxml")
    page = GenericPage(url=url)
    metas = {m.get("name"): m.get("content") for m in soup.find_all("meta") if m.get("name") and m.get("content")}
    page.meta = metas
    page.title = metas.get("ArticleTitle") or (soup.title.get_text(strip=True) if soup.title else None)
    pub = parse_cn_date(metas.get("PubDate") or metas.get("pubdate") or "")
    page.publish_date = pub.isoformat() if pub else None
    _read_info_labels(soup, page)
    _headings(soup, page)
    body = next((soup.select_one(sel) for sel in BODY_SELECTORS if soup.select_one(sel)), None) or soup.body or soup
    for a in body.find_all("a", href=True):
        href = a["href"]
        if _ATTACH_EXT.search(href) or "downfile" in href:
            page.attachments.append([a.get_text(strip=True), urljoin(url or "", href)])
    page.body_text = html_to_text(body)
    return page


def _first_date(value: str) -> str | None:
    for rx in (DATE_ISO, DATE_AR, DATE_CN):
        m = rx.search(fw_digits(value) if rx is DATE_ISO else compact(fw_digits(value)))
        if m and (d := date_from_match(m)):
            return d.isoformat()
    return None


def _read_info_labels(soup: BeautifulSoup, page: GenericPage) -> None:
    """Labels like "成文日期：" (full-width spaces inside) and the value after them.

    An info table beats <meta PubDate> (on TRS sites that is the page build time).
    """
    lines = [re.sub(r"[\s\u3000]+", " ", l).strip() for l in html_to_text(str(soup.body or soup)).split("\n")]
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = re.match(r"^([\u4e00-\u9fff][\u4e00-\u9fff ]{1,10}?)\s*[:：]\s*(.*)$", line)
        if not m or compact(m[1]) not in _INFO_LABELS:
            continue
        key = _INFO_LABELS[compact(m[1])]
        value = m[2].strip() or (lines[i + 1] if i + 1 < len(lines) else "")
        value = _first_date(value) if key.endswith("_date") else value
        if value and key not in found:
            found[key] = value
    for key, value in found.items():
        if key == "publish_date" or not getattr(page, key):
            setattr(page, key, value)


def _headings(soup: BeautifulSoup, page: GenericPage) -> None:
    """A 公文 title or a bare 发文字号 in h1-h3 / .title (pages whose body starts at 主送)."""
    for el in soup.select("h1, h2, h3, .title, .article-title"):
        text = re.sub(r"\s+", "", el.get_text())
        if not text or len(text) > 150:
            continue
        nums = find_doc_numbers(text)
        if nums and nums[0].raw == text and not page.doc_number:
            page.doc_number = nums[0].canonical
        elif re.search(r"关于.+的[\u4e00-\u9fff]{1,4}$", text) and not page.meta.get("_heading_title"):
            page.title = text
            page.meta["_heading_title"] = text
