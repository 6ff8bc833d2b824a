"""Generic article-page reader, used when the site parsers (scrapers.registry) are absent.

Kept small on purpose: title and date from the usual <meta> tags and info
tables, body from the usual content containers, 附件 links.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from .dates import parse_cn_date
from .textview import compact

BODY_SELECTORS = ("div#zoom", ".content-detail", ".TRS_UEDITOR", ".TRS_Editor", ".zw", "div.article-content",
                  "div#content", "div.content", "article")
_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
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
    body = next((soup.select_one(sel) for sel in BODY_SELECTORS if soup.select_one(sel)), None) or soup.body or soup
    for a in body.find_all("a", href=True):
        href = a["href"]
        if _ATTACH_EXT.search(href) or "downfile" in href:
            page.attachments.append([a.get_text(strip=True), urljoin(url or "", href)])
    page.body_text = html_to_text(body)
    return page


def _read_info_labels(soup: BeautifulSoup, page: GenericPage) -> None:
    """Labels like "成文日期：" (with full-width spaces inside) followed by their value."""
    text = html_to_text(str(soup.body or soup))
    lines = [compact(l) for l in text.split("\n")]
    for i, line in enumerate(lines):
        m = re.match(r"^([\u4e00-\u9fff]{2,6})[:：](.*)$", line)
        if not m or m[1] not in _INFO_LABELS:
            continue
        value = m[2] or (lines[i + 1] if i + 1 < len(lines) else "")
        key = _INFO_LABELS[m[1]]
        if key.endswith("_date"):
            d = parse_cn_date(value)
            value = d.isoformat() if d else None
        # an info table beats <meta PubDate> (on TRS sites that is the page build time)
        if value and (not getattr(page, key) or (key == "publish_date" and not page.meta.get("_info_pub"))):
            setattr(page, key, value)
            if key == "publish_date":
                page.meta["_info_pub"] = True
