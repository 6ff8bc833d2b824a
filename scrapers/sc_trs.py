"""四川省医疗保障局 ylbzj.sc.gov.cn — TRS WCM pages.

List pages are static ``…/yy_zfxxgklist_gfxwj.shtml`` with rows
``<li><a href title>…</a><span>date</span></li>`` and TRS paging
``createPageHTML(totalPages, currentPage, "yy_zfxxgklist_gfxwj", "shtml")``
(page 0 = the column page, page n = ``…_n.shtml``).

Article pages carry an info table ``div.zpgw table`` (索引号, 公文种类, 发布机构,
成文日期, 发布日期, 文号, 有效性) and the body in
``div.detail_con div.view.TRS_UEDITOR``. The page's ``meta PubDate`` is the page
*generation* time, not the publication date: 发布日期 is always read from the table.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers import _provincial as P
from scrapers.base import ArticlePage, ListEntry, ListPage, PageRequest, absolute_url, find_date
from scrapers.errors import LayoutDriftError
from scrapers.registry import register_parser
from yibao.document.lines import doc_number_line

INFO_LABELS = {
    "索引号": "index_no", "公文种类": "doc_type", "发布机构": "issuer", "成文日期": "written_date",
    "发布日期": "publish_date", "文号": "doc_number", "发文字号": "doc_number", "有效性": "validity",
    "主题分类": "topic",
}
BODY_SELECTORS = ("div.detail_con div.view.TRS_UEDITOR", "div.detail_con div.TRS_UEDITOR",
                  "div.TRS_UEDITOR", "div.TRS_Editor", "div.detail_con div.view")
LIST_SELECTORS = ("div.zfxxgk_list ul", "ul.zfxxgk_list", "div.list_con ul", "ul.list")
_PAGER_RE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


def normalize_validity(raw: str | None) -> str | None:
    """Map the site's wording to 有效 | 失效 | 废止 (unknown wording is kept)."""
    if not raw:
        return None
    for word in ("废止", "失效", "有效"):
        if word in raw:
            return word
    return raw.strip() or None


def split_title(raw: str) -> tuple[str, str | None]:
    """'川医保规〔2026〕3号    四川省…的通知' -> ('四川省…的通知', '川医保规〔2026〕3号')."""
    words = raw.split()
    for k in range(1, min(len(words), 5)):   # the number may carry PDF-style spaces: "3 号"
        numbers = doc_number_line(" ".join(words[:k]))
        if numbers:
            return " ".join(words[k:]), numbers[0]
    return raw.strip(), None


@register_parser("sc_trs")
class ScTrsParser(P.ProvincialParser):
    family = "sc_trs"
    host_suffix = "sc.gov.cn"

    def sniff_page(self, html: str) -> int:
        score = 0
        if "TRS_UEDITOR" in html or "TRS_Editor" in html:
            score += 2
        if 'class="zpgw"' in html:
            score += 3
        return score

    # ------------------------------------------------------------- lists
    def _rows(self, soup: BeautifulSoup, url: str) -> tuple[list[ListEntry], bool]:
        entries, found = P.dated_rows(soup, url, LIST_SELECTORS)
        for e in entries:  # TRS titles sometimes lead with the 文号
            e.title, number = split_title(e.title)
            e.doc_number = e.doc_number or number
        return entries, found

    def parse_list(self, html: str, url: str, *, source: Any) -> ListPage:
        soup = P.soup_of(html)
        entries, found = self._rows(soup, url)
        pager = _PAGER_RE.search(html)
        if not found and pager is None:
            raise LayoutDriftError(self._site(source), "ul > li > a[href] + span(date) / createPageHTML",
                                   f"no list rows and no TRS pager on {url}")
        meta: dict[str, Any] = {}
        if pager:
            meta = {"total_pages": int(pager.group(1)), "current_page": int(pager.group(2)),
                    "page_name": pager.group(3), "page_ext": pager.group(4)}
        return ListPage(entries=entries, total=None, meta=meta)

    def parse_list_response(self, body: str, url: str, *, source: Any) -> ListPage:
        return self.parse_list(body, url, source=source)

    def deeper_pages(self, list_page: ListPage, html: str, url: str, *, source: Any, pages: int) -> list[PageRequest]:
        m = _PAGER_RE.search(html)
        if not m or pages <= 0:
            return []
        total, current, name, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        out = []
        for n in range(current + 1, min(total, current + 1 + pages)):
            out.append(PageRequest("GET", absolute_url(url, f"{name}_{n}.{ext}"), meta={"page": n}))
        return out

    # ----------------------------------------------------------- article
    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage:
        site = self._site(source)
        soup = P.soup_of(html)
        body, _ = P.first_match(soup, BODY_SELECTORS)
        P.require(body, site, BODY_SELECTORS[0], f"no TRS body on {url}")
        info_root = soup.select_one("div.zpgw") or soup
        info = P.label_values(info_root, INFO_LABELS)

        raw_title = P.meta_content(soup, "ArticleTitle")
        if not raw_title:
            h = soup.select_one("div.detail_con h1, div.zpgw h1, h1")
            raw_title = P.inline_text(h) if h is not None else ""
        if not raw_title:
            raise LayoutDriftError(site, "meta[name=ArticleTitle]", f"no title on {url}")
        title, title_number = split_title(raw_title)

        publish = find_date(info.get("publish_date", ""))
        url_date = _URL_DATE_RE.search(urlsplit(url or "").path)
        if publish is None and url_date:
            publish = find_date("-".join(url_date.groups()))
        body_text = P.element_text(body)
        doc_number = (P.normalize_doc_number(info.get("doc_number")) or title_number
                      or P.standalone_doc_number(body_text.splitlines()[:8]))
        container = body.find_parent("div", class_="detail_con") or body.parent
        meta = {
            "raw_title": raw_title,
            "page_generated": P.meta_content(soup, "PubDate"),
            "column": P.meta_content(soup, "ColumnName"),
            "doc_type": info.get("doc_type"),
            "related": P.related_links(_outside(container, body), url),
            "date_source": "info_table" if info.get("publish_date") else ("url" if publish else None),
        }
        return ArticlePage(
            url=url, title=title, publish_date=publish, body_text=body_text, body_html=str(body),
            doc_number=doc_number, issuer=info.get("issuer"),
            written_date=find_date(info.get("written_date", "")), index_no=info.get("index_no"),
            validity=normalize_validity(info.get("validity")),
            attachments=P.collect_attachments(body, url), meta={k: v for k, v in meta.items() if v},
        )


def _outside(container: Tag | None, body: Tag) -> Tag | None:
    """A copy of container without the body (for the 政策解读 links after it)."""
    if container is None:
        return None
    clone = P.soup_of(str(container))
    inner = clone.select_one("div.TRS_UEDITOR, div.TRS_Editor, div.view")
    if inner is not None:
        inner.decompose()
    return clone
