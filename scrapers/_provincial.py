"""Pure HTML helpers shared by the provincial parsers (gd_nfcms, sh_static,
zj_jpaas, sc_trs): block-aware text extraction, 文号 detection, label/value
tables (索引号：… 发布机构：…), attachment links and static list pages.

The leading underscore keeps the parser registry from importing this module
as if it were a parser family.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from scrapers.base import AttachmentLink, ListEntry, absolute_url, clean_lines, clean_text, find_date
from scrapers.errors import LayoutDriftError
from yibao.document.docnumber import find_doc_numbers_flat
from yibao.document.textview import flat
from yibao.document.lines import doc_number_line

BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "table", "tbody", "thead", "tfoot", "tr", "h1", "h2", "h3", "h4",
    "h5", "h6", "section", "article", "blockquote", "pre", "dd", "dt", "dl", "center", "hr",
    "header", "footer", "form", "caption", "figure", "figcaption", "address",
})
CELL_TAGS = frozenset({"td", "th"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "button", "input",
                       "select", "textarea", "object", "svg"})
_NON_TEXT = (Comment, Doctype, Declaration, ProcessingInstruction)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_NEWLINE_RE = re.compile(rf"(?<=[{_CJK}])[ \t]*[\r\n]+[ \t]*(?=[{_CJK}])")
_NEWLINES_RE = re.compile(r"[\r\n\t]+")

_WS_ALL_RE = re.compile(r"[\s\u00a0\u3000]+")

ATTACHMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "txt", "csv")
_ATTACHMENT_PATH_RE = re.compile(r"\.(%s)(?:$|[?#])" % "|".join(ATTACHMENT_EXTS), re.I)


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html or "", "lxml")


def join_site(base_url: str, path: str) -> str:
    """base_url + a column path; an absolute column URL is kept as is."""
    path = (path or "").strip()
    if re.match(r"^https?://", path, re.I):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def meta_content(soup: BeautifulSoup, name: str) -> str | None:
    """<meta name=...> content, name matched case-insensitively; None when absent/empty."""
    lname = name.lower()
    for tag in soup.find_all("meta"):
        if (tag.get("name") or "").lower() == lname:
            value = clean_text(tag.get("content"))
            return value or None
    return None


def _node_text(node: NavigableString) -> str:
    text = _CJK_NEWLINE_RE.sub("", str(node))
    return _NEWLINES_RE.sub(" ", text)


def element_text(el: Tag | None, *, skip: Callable[[Tag], bool] | None = None) -> str:
    """Visible text of an element: one line per block element, inline runs joined,
    whitespace collapsed, empty lines dropped."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _NON_TEXT):
                continue
            if isinstance(child, NavigableString):
                parts.append(_node_text(child))
                continue
            if not isinstance(child, Tag) or child.name in SKIP_TAGS or (skip and skip(child)):
                continue
            if child.name == "br":
                parts.append("\n")
                continue
            block = child.name in BLOCK_TAGS
            if block:
                parts.append("\n")
            walk(child)
            if block:
                parts.append("\n")
            elif child.name in CELL_TAGS:
                parts.append(" ")

    walk(el)
    return clean_lines("".join(parts))


def inline_text(el: Tag | None) -> str:
    """All text of an element on one line."""
    return clean_text(" ".join(element_text(el).splitlines())) if el is not None else ""


def normalize_doc_number(raw: str | None) -> str | None:
    """'沪医保规〔2025〕7&nbsp;号' -> '沪医保规〔2025〕7号' (the document model's canonical form)."""
    if not raw:
        return None
    found = find_doc_numbers_flat(flat(raw))
    return found[0].canonical if found else None


def standalone_doc_number(lines: Iterable[str]) -> str | None:
    """The 文号 of a body: the first line that is nothing but a 文号, bare or in （…） under the
    title (a 文号 cited inside a sentence is not the document's own)."""
    for line in lines:
        numbers = doc_number_line(line)
        if numbers:
            return numbers[0]
    return None


def _label_key(text: str) -> str:
    return _WS_ALL_RE.sub("", text or "").rstrip(":：")


def label_values(root: Tag | None, labels: dict[str, str]) -> dict[str, str]:
    """Read 'label：value' pairs from an info table or span/div pairs.

    ``labels`` maps the label as printed (spaces ignored, e.g. '索引号') to the
    key wanted in the result. A cell 'label：value' is split; a cell holding
    only 'label：' takes the text of the next sibling element. First hit wins.
    """
    found: dict[str, str] = {}
    if root is None:
        return found
    wanted = {_label_key(k): v for k, v in labels.items()}
    for el in root.find_all(["td", "th", "span", "label", "dt", "dd", "b", "strong", "div", "li", "p", "em"]):
        raw = inline_text(el)
        compact = _WS_ALL_RE.sub("", raw)
        m = re.match(r"^([^:：]{2,8})[:：](.*)$", compact)
        if not m or m.group(1) not in wanted:
            continue
        key = wanted[m.group(1)]
        if key in found:
            continue
        rest = re.split(r"[:：]", raw, maxsplit=1)[1].strip() if re.search(r"[:：]", raw) else ""
        if rest:
            # "索引号：xxx 发布机构：yyy" in one element: keep only up to the next label.
            nxt = re.search(r"\s(%s)\s*[:：]" % "|".join(re.escape(k) for k in wanted), rest)
            value = rest[:nxt.start()].strip() if nxt else rest
        else:
            sib = el.find_next_sibling()
            value = inline_text(sib) if sib is not None else ""
        if value:
            found[key] = value
    return found


def is_attachment_href(href: str) -> bool:
    path = urlsplit(href or "").path
    return bool(_ATTACHMENT_PATH_RE.search(path)) or "downfile.jsp" in (href or "")


def collect_attachments(root: Tag | None, base_url: str) -> list[AttachmentLink]:
    """Links to document files inside root, absolute, de-duplicated, in order."""
    out: list[AttachmentLink] = []
    seen: set[str] = set()
    if root is None:
        return out
    for a in root.find_all("a", href=True):
        href = a["href"].strip()
        if not is_attachment_href(href):
            continue
        url = absolute_url(base_url, href)
        if url in seen:
            continue
        seen.add(url)
        name = inline_text(a) or clean_text(a.get("title")) or urlsplit(url).path.rsplit("/", 1)[-1]
        out.append(AttachmentLink(name=name, url=url))
    return out


def related_links(root: Tag | None, base_url: str) -> list[dict[str, str]]:
    """Non-attachment links (e.g. 政策解读) as {title, url}."""
    out = []
    if root is None:
        return out
    for a in root.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:")) or is_attachment_href(href):
            continue
        title = clean_text(a.get("title")) or inline_text(a)
        if title:
            out.append({"title": title, "url": absolute_url(base_url, href)})
    return out


def row_entry(li: Tag, page_url: str) -> ListEntry | None:
    """A list row '<li><a href title>…</a><span>date</span></li>' as a ListEntry.

    The full title comes from ``title=`` (link text is often cut with '...');
    the date is read from the row's non-link text so a date inside a title is
    never taken for the publication date."""
    a = li.find("a", href=True)
    if a is None:
        return None
    href = a["href"].strip()
    if not href or href.startswith(("#", "javascript:")):
        return None
    title = clean_text(a.get("title")) or inline_text(a)
    outside = " ".join(clean_text(str(s)) for s in li.find_all(string=True)
                       if not isinstance(s, _NON_TEXT) and a not in s.parents)
    date = find_date(outside, last=True)
    if not title:
        return None
    return ListEntry(url=absolute_url(page_url, href), title=title, publish_date=date)


def first_match(soup: BeautifulSoup | Tag, selectors: Iterable[str]) -> tuple[Tag | None, str]:
    """The first element matched by any selector, with the selector that hit."""
    for sel in selectors:
        el = soup.select_one(sel)
        if el is not None:
            return el, sel
    return None, ""


def require(el: Any, site: str, selector: str, detail: str) -> Any:
    if el is None:
        raise LayoutDriftError(site, selector, detail)
    return el


def balanced_object(text: str, start: int) -> str | None:
    """The {...} or [...] literal starting at ``start``, respecting quoted strings."""
    if start >= len(text) or text[start] not in "{[":
        return None
    stack: list[str] = []
    quote: str | None = None
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not stack or stack.pop() != ch:
                return None
            if not stack:
                return text[start:i + 1]
        i += 1
    return None


def js_value(text: str, key: str) -> Any:
    """Value of ``key: <json literal>`` inside a JS object literal, parsed as JSON;
    None when absent or not valid JSON."""
    m = re.search(r"(?:^|[{,\s])[\"']?%s[\"']?\s*:\s*" % re.escape(key), text)
    if not m:
        return None
    pos = m.end()
    literal = balanced_object(text, pos)
    if literal is None:
        s = re.match(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)", text[pos:])
        if not s:
            return None
        if s.group(3) is not None:
            return json.loads(s.group(3))
        if s.group(1) is not None:
            return json.loads('"' + s.group(1) + '"')
        return s.group(2)
    try:
        return json.loads(literal)
    except ValueError:
        return None


def dated_rows(soup: BeautifulSoup, url: str, selectors: Iterable[str]) -> tuple[list[ListEntry], bool]:
    """List rows (link + date) from the first known container, or else from the
    <ul> with the most such rows (navigation menus have no dates).
    Returns (entries, whether a container or rows were found)."""
    container, _ = first_match(soup, selectors)
    candidates = [container] if container is not None else soup.find_all("ul")
    best: list[ListEntry] = []
    for ul in candidates:
        rows = [e for li in ul.find_all("li") if (e := row_entry(li, url)) and e.publish_date]
        if len(rows) > len(best):
            best = rows
    return best, container is not None or bool(best)


_STATIC_PAGE_RE = re.compile(r"(?:^|/)index_(\d+)\.html?$")


def static_page_number(url: str) -> int:
    """index.html -> 1, index_3.html -> 3."""
    m = _STATIC_PAGE_RE.search(urlsplit(url or "").path)
    return int(m.group(1)) if m else 1


def static_total_pages(soup: BeautifulSoup, html: str) -> int | None:
    """Pages of a static 'index.html, index_2.html, …' list: from a data attribute
    or JS variable if present, else the highest index_N link."""
    m = re.search(r"(?:data-total-pages|totalPage|pageCount|countPage)\s*[=:]\s*[\"']?(\d+)", html)
    if m:
        return int(m.group(1))
    numbers = [int(x.group(1)) for a in soup.find_all("a", href=True)
               if (x := _STATIC_PAGE_RE.search(urlsplit(a["href"]).path))]
    return max(numbers) if numbers else None


def static_page_url(url: str, n: int) -> str:
    """URL of page n of a static list, given any page's URL."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0]
    name = "index.html" if n <= 1 else f"index_{n}.html"
    return f"{parts.scheme}://{parts.netloc}{folder}/{name}" if parts.netloc else f"{folder}/{name}"


class ProvincialParser:
    """What every provincial parser shares: the site id for errors, the column URL and the
    sniff score (page markers from `sniff_page`, plus 2 when the host is the family's)."""
    family = ""
    host_suffix = ""   # e.g. "sc.gov.cn"

    def sniff(self, html: str, url: str) -> int:
        host = urlsplit(url or "").hostname or ""
        return self.sniff_page(html) + (2 if self.host_suffix and host.endswith(self.host_suffix) else 0)

    def sniff_page(self, html: str) -> int:
        """How strongly the page's own markup says it is this family (0 = not at all)."""
        return 0

    def _site(self, source: Any) -> str:
        from scrapers.base import site_id

        return site_id(source) if source is not None else self.family

    def column_url(self, source: Any, column: Any) -> str:
        return join_site(source.base_url, column.path)
