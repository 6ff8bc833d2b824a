"""上海市医疗保障局 ybj.sh.gov.cn — static "zxa" template pages.

Lists are static ``/<section>/index.html``, ``index_2.html`` … with rows
``<li><a href title>…</a><span>date</span></li>``; articles are
``/<section>/YYYYMMDD/<32 hex>.html``. An article renders its content block
three times (``.mobile-only``, ``.ipad-only``, ``.pc-only``); exactly one copy
is read so the text appears once. ``meta PubDate`` is in Chinese format
(2026年06月29日). The server sends ETag/Last-Modified, so conditional GETs work.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers import _provincial as P
from scrapers.base import ArticlePage, ListPage, PageRequest, find_date
from scrapers.errors import LayoutDriftError
from scrapers.registry import register_parser
from yibao.document.lines import doc_number_line

LIST_SELECTORS = ("ul.list-date", "ul.uli14", "div.list-container ul", "div.main-list ul")
COPY_CLASSES = ("pc-only", "ipad-only", "mobile-only")  # preference order
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/[0-9a-fA-F]{32}\.html?$")
_ISSUER_HINT = re.compile(r"(局|委员会|委|政府|办公厅|办公室|厅|中心|院|部)$")


@register_parser("sh_static")
class ShStaticParser(P.ProvincialParser):
    family = "sh_static"
    host_suffix = "sh.gov.cn"

    def sniff_page(self, html: str) -> int:
        score = 0
        if "content-detail" in html and "content-agency" in html:
            score += 4
        if "pc-only" in html:
            score += 1
        return score

    # ------------------------------------------------------------- lists
    def parse_list(self, html: str, url: str, *, source: Any) -> ListPage:
        soup = P.soup_of(html)
        entries, found = P.dated_rows(soup, url, LIST_SELECTORS)
        if not found:
            raise LayoutDriftError(self._site(source), LIST_SELECTORS[0], f"no dated list rows on {url}")
        total_pages = P.static_total_pages(soup, html)
        meta = {"current_page": P.static_page_number(url)}
        if total_pages:
            meta["total_pages"] = total_pages
        return ListPage(entries=entries, total=None, meta=meta)

    def parse_list_response(self, body: str, url: str, *, source: Any) -> ListPage:
        return self.parse_list(body, url, source=source)

    def deeper_pages(self, list_page: ListPage, html: str, url: str, *, source: Any, pages: int) -> list[PageRequest]:
        total = list_page.meta.get("total_pages") or P.static_total_pages(P.soup_of(html), html)
        if not total or pages <= 0:
            return []
        current = P.static_page_number(url)
        return [PageRequest("GET", P.static_page_url(url, n), meta={"page": n})
                for n in range(current + 1, min(total, current + pages) + 1)]

    # ----------------------------------------------------------- article
    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage:
        site = self._site(source)
        soup = P.soup_of(html)
        block, copy = _content_block(soup)
        detail = P.require(block.select_one("div.content-detail"), site, "div.content-detail",
                           f"no article body on {url}")

        title = P.meta_content(soup, "ArticleTitle") or P.inline_text(block.select_one("div.content-title"))
        if not title:
            raise LayoutDriftError(site, "meta[name=ArticleTitle] / div.content-title", f"no title on {url}")

        agency_text = P.inline_text(block.select_one("div.content-agency"))
        doc_number = P.normalize_doc_number(agency_text)
        issuer = _issuer_from_agency(agency_text)

        publish = find_date(P.meta_content(soup, "PubDate") or "")
        date_source = "meta" if publish else None
        if publish is None:
            publish = find_date(P.inline_text(block.select_one("div.content-publish-date")))
            date_source = "content-publish-date" if publish else None
        if publish is None and (m := _URL_DATE_RE.search(urlsplit(url or "").path)):
            publish = find_date("-".join(m.groups()))
            date_source = "url" if publish else None

        body_text = P.element_text(detail)
        if doc_number is None:
            doc_number = P.standalone_doc_number(body_text.splitlines()[:6])
        attaches = block.select_one("div.content-attaches")
        attachments = P.collect_attachments(attaches, url)
        for link in P.collect_attachments(detail, url):
            if link.url not in {a.url for a in attachments}:
                attachments.append(link)
        meta = {
            "copy": copy,
            "copies": len(soup.select("div.content-detail")),
            "related": P.related_links(block.select_one("div.content-links"), url),
            "source": P.meta_content(soup, "ContentSource"),
            "date_source": date_source,
            "content_publish_date": find_date(P.inline_text(block.select_one("div.content-publish-date"))),
        }
        return ArticlePage(
            url=url, title=title, publish_date=publish, body_text=body_text, body_html=str(detail),
            doc_number=doc_number, issuer=issuer, attachments=attachments,
            meta={k: v for k, v in meta.items() if v},
        )


def _content_block(soup: BeautifulSoup) -> tuple[Tag | BeautifulSoup, str | None]:
    """The one copy of the content block to read: pc, then ipad, then mobile;
    pages without responsive copies are read whole."""
    for cls in COPY_CLASSES:
        for blk in soup.select(f".{cls}"):
            if blk.select_one("div.content-detail") is not None:
                return blk, cls
    return soup, None


def _issuer_from_agency(text: str) -> str | None:
    """'上海市医疗保障局 沪医保规〔2025〕7号' -> '上海市医疗保障局' (None if only a 文号)."""
    words, kept, i = (text or "").split(), [], 0
    while i < len(words):
        span = next((k for k in (3, 2, 1) if i + k <= len(words) and doc_number_line(" ".join(words[i:i + k]))), 0)
        if span:
            i += span
        else:
            kept.append(words[i])
            i += 1
    rest = " ".join(kept).strip(" ：:")
    if rest.startswith(("文号", "发文字号")):
        return None
    return rest if rest and _ISSUER_HINT.search(rest) else None
