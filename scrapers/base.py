"""Data classes shared by every scraper family, plus small pure text helpers.

Parsers return these objects; the crawl loop (scrapers/crawl.py) and the
pipeline only ever see these, never raw HTML structures.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin


@dataclass
class AttachmentLink:
    name: str
    url: str


@dataclass
class PageRequest:
    """A request for a deeper list page (e.g. Hanweb dataproxy.jsp POST)."""

    method: str  # "GET" | "POST"
    url: str
    data: dict | None = None  # form body for POST
    params: dict | None = None  # query parameters
    meta: dict = field(default_factory=dict)  # parser bookkeeping (e.g. group index)


@dataclass
class ListEntry:
    url: str
    title: str
    publish_date: str | None  # "YYYY-MM-DD"
    doc_number: str | None = None  # 发文字号
    index_no: str | None = None  # 索引号
    extra: dict = field(default_factory=dict)

    def signature(self) -> str:
        """What identifies this row's version on a list page."""
        return "|".join([self.title, self.publish_date or "", self.doc_number or ""])


@dataclass
class ListPage:
    entries: list[ListEntry]
    total: int | None = None  # total records the site claims for the column
    next_requests: list[PageRequest] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


@dataclass
class ArticlePage:
    url: str
    title: str
    publish_date: str | None
    body_text: str  # plain paragraphs separated by "\n", boilerplate removed
    body_html: str = ""
    doc_number: str | None = None
    issuer: str | None = None
    written_date: str | None = None  # 成文日期
    index_no: str | None = None
    validity: str | None = None  # "有效" | "失效" | "废止" | None
    attachments: list[AttachmentLink] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- helpers

# A date not glued to further digits: "2026-02-00018" (a 索引号) is not a date.
_DATE_RE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")


def find_dates(text: str) -> list[str]:
    """All plausible dates in text, normalised to YYYY-MM-DD, in order."""
    found = []
    for y, m, d in _DATE_RE.findall(text or ""):
        mi, di = int(m), int(d)
        if 1 <= mi <= 12 and 1 <= di <= 31 and 1900 <= int(y) <= 2100:
            found.append(f"{int(y):04d}-{mi:02d}-{di:02d}")
    return found


def find_date(text: str, *, last: bool = False) -> str | None:
    """The first (or last) date in text as YYYY-MM-DD, else None."""
    dates = find_dates(text)
    if not dates:
        return None
    return dates[-1] if last else dates[0]


def clean_text(text: str | None) -> str:
    """Collapse runs of spaces (incl. full-width and nbsp) and trim."""
    if not text:
        return ""
    return _WS_RE.sub(" ", text).strip()


def clean_lines(text: str) -> str:
    """clean_text per line, dropping empty lines."""
    lines = (clean_text(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# Page furniture that sites render inside or next to an article body and change without
# changing the policy: view counters, share and print widgets, the anti-fraud footer.
_COUNTER_RE = re.compile(r"(?:(?:浏览|访问|阅读|点击)(?:次数|量|数)\s*[:：]\s*\d*|(?:浏览|访问|阅读|点击)\s*[:：]\s*\d+)\s*次?")
_FURNITURE_LINE_RE = re.compile(
    r"^(?:分享到|分享至|扫一扫在手机|扫一扫|字号\s*[:：]|【\s*(?:打印|关闭|收藏|字体)|打印本页|关闭窗口|"
    r".*(?:打击欺诈骗保|欺诈骗保举报|维护医保基金安全，人人有责))")


def strip_furniture(text: str) -> str:
    """An article body without page furniture, so only content changes make a revision."""
    lines = []
    for line in (text or "").split("\n"):
        line = _COUNTER_RE.sub("", line).strip()
        if line and not _FURNITURE_LINE_RE.match(line):
            lines.append(line)
    return "\n".join(lines)


def absolute_url(base: str, href: str) -> str:
    return urljoin(base, (href or "").strip())


def site_id(source: Any) -> str:
    """The source id for error messages; parsers may be called without a source."""
    return getattr(source, "id", None) or "unknown"


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "section", "article", "blockquote", "pre", "hr", "dd", "dt", "center",
}
_SKIP_TAGS = {"script", "style", "meta", "link", "noscript", "iframe", "input", "button", "select", "textarea"}


def element_text(el: Any) -> str:
    """Plain text of an lxml element: block elements become line breaks,
    table cells are separated by a space, script/style are dropped."""
    parts: list[str] = []

    def walk(root: Any) -> None:
        # an explicit stack, not recursion: 1,000-level nesting must not hit RecursionError
        stack: list[tuple[bool, Any]] = [(False, root)]   # (closing?, node)
        while stack:
            closing, node = stack.pop()
            tag = (node.tag if isinstance(node.tag, str) else "").lower()
            if closing:
                if tag in _BLOCK_TAGS:
                    parts.append("\n")
                if node.tail:
                    parts.append(node.tail)
                continue
            if tag in _SKIP_TAGS:
                if node.tail:
                    parts.append(node.tail)
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag in ("td", "th"):
                parts.append(" ")
            if isinstance(node.tag, str) and node.text:
                parts.append(node.text)
            stack.append((True, node))
            stack.extend((False, child) for child in reversed(list(node)))

    text_before_tail = el.tail
    el.tail = None
    try:
        walk(el)
    finally:
        el.tail = text_before_tail
    return clean_lines("".join(parts))


def html_to_text(html: str) -> str:
    """Plain text (paragraphs separated by "\\n") of an HTML fragment."""
    import lxml.html

    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return element_text(root)
