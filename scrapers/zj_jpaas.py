"""浙江省医疗保障局 ybj.zj.gov.cn — Hanweb JPaaS (页面构建单元).

A column page (``/col/col<id>/index.html``) holds no records. It carries
``<script … unitbuild.js url="<unit url>" queryData="{'webId':…,'pageId':…,…}">``
(single-quoted JSON); the browser then calls
``GET <unit url>?<queryData fields>&paramJson={"pageNo":N,"pageSize":15}`` and gets
``{"success":true,"code":"200","data":{"html":"<li>…</li>… <table class=pagination count=… pageNo=… rows=…>"}}``.
Paging only works through ``paramJson``. queryData is read from the page on
every run, never hard-coded.

Two article URL forms coexist: ``/col/col<id>/art/YYYY/art_<32hex>.html`` and
``/art/YYYY/M/D/art_<col>_<id>.html``.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import urlsplit

from scrapers import _provincial as P
from scrapers.base import ArticlePage, ListPage, PageRequest, absolute_url, find_date
from scrapers.errors import LayoutDriftError
from scrapers.registry import register_parser

PAGE_SIZE = 15
UNIT_SCRIPT = "script[queryData][url]"
BODY_SELECTORS = ("div#zoom", "div.content", "div.TRS_Editor")
XXGK_LABELS = {
    "索引号": "index_no", "发布机构": "issuer", "文件编号": "doc_number", "发文字号": "doc_number",
    "文号": "doc_number", "生成日期": "generated_date", "成文日期": "written_date", "发布日期": "publish_date",
    "公开日期": "publish_date", "有效性": "validity", "组配分类": "category", "主题分类": "topic",
}
NEW_ART_RE = re.compile(r"/col/col(\d+)/art/(\d{4})/art_([0-9a-fA-F]{32})\.html?$")
OLD_ART_RE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html?$")


def parse_query_data(raw: str) -> dict[str, str]:
    """"{'webId':'3185','tagId': '信息列表'}" -> {'webId': '3185', 'tagId': '信息列表'}."""
    text = (raw or "").strip()
    try:
        value = json.loads(text)
    except ValueError:
        pairs = re.findall(r"'([^']*)'\s*:\s*(?:'([^']*)'|([-\w.]+))", text)
        value = {k: (v if v or not bare else bare) for k, v, bare in pairs}
    if not isinstance(value, dict) or not value:
        raise ValueError(f"queryData is not an object: {raw[:80]!r}")
    return {str(k): str(v) for k, v in value.items()}


def page_params(query: dict[str, str], page_no: int, page_size: int = PAGE_SIZE) -> dict[str, str]:
    params = dict(query)
    params["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))
    return params


def url_form(url: str) -> dict[str, str]:
    """Which of the two article URL shapes a link has, with its ids."""
    path = urlsplit(url).path
    if m := NEW_ART_RE.search(path):
        return {"url_form": "col_art_hex", "column_id": m.group(1), "year": m.group(2), "article_key": m.group(3)}
    if m := OLD_ART_RE.search(path):
        return {"url_form": "art_date_id", "column_id": m.group(4), "year": m.group(1), "article_key": m.group(5)}
    return {"url_form": "other"}


@register_parser("zj_jpaas")
class ZjJpaasParser(P.ProvincialParser):
    family = "zj_jpaas"
    host_suffix = "zj.gov.cn"
    shell_column_pages = True  # column pages may be short JS shells (see scrapers.crawl)

    def sniff_page(self, html: str) -> int:
        score = 0
        if "jpaas-publish-server" in html or "queryData" in html:
            score += 3
        if 'id="zoom"' in html and "zj.gov.cn" in html:
            score += 2
        return score

    # ------------------------------------------------------------- lists
    def unit(self, html: str, url: str, *, source: Any = None) -> tuple[str, dict[str, str]]:
        """(absolute unit URL, queryData) of the column page's list unit."""
        soup = P.soup_of(html)
        scripts = [s for s in soup.find_all("script") if s.get("querydata") and s.get("url")]
        if not scripts:
            raise LayoutDriftError(self._site(source), UNIT_SCRIPT, f"no JPaaS unit script on {url}")
        parsed = []
        for s in scripts:
            try:
                parsed.append((s["url"], parse_query_data(s["querydata"])))
            except ValueError as exc:
                raise LayoutDriftError(self._site(source), UNIT_SCRIPT, f"{exc} on {url}") from None
        # Prefer the column's list unit when a page carries several units.
        unit_url, query = next(((u, q) for u, q in parsed if q.get("pageType") == "column"), parsed[0])
        return absolute_url(url, unit_url), query

    def parse_list(self, html: str, url: str, *, source: Any) -> ListPage:
        """The column page: no rows, one request for the first API page."""
        unit_url, query = self.unit(html, url, source=source)
        first = PageRequest("GET", unit_url, params=page_params(query, 1), meta={"page": 1, "jpaas": True})
        return ListPage(entries=[], total=None, next_requests=[first],
                        meta={"unit_url": unit_url, "query_data": query, "needs_api": True})

    def parse_list_response(self, body: str, url: str, *, source: Any) -> ListPage:
        site = self._site(source)
        try:
            data = json.loads(body)
        except ValueError:
            raise LayoutDriftError(site, "JSON data.html", f"unit API answer is not JSON ({url})") from None
        html = (data.get("data") or {}).get("html") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not data.get("success") or str(data.get("code")) != "200" or html is None:
            code = data.get("code") if isinstance(data, dict) else None
            msg = data.get("message") if isinstance(data, dict) else None
            raise LayoutDriftError(site, "JSON data.html", f"unit API answered code={code} message={msg} ({url})")
        soup = P.soup_of(html)
        entries, _ = P.dated_rows(soup, url, ("div.page-content", "ul"))
        for e in entries:
            e.extra.update(url_form(e.url))
        pager = soup.select_one("table.pagination") or soup.find(attrs={"count": True})
        meta: dict[str, Any] = {}
        total = None
        if pager is not None:
            total = _int(pager.get("count"))
            meta = {"page_no": _int(pager.get("pageno")), "rows": _int(pager.get("rows")),
                    "unit_url": pager.get("uniturl")}
            if pager.get("querydata"):
                try:
                    meta["query_data"] = parse_query_data(pager["querydata"])
                except ValueError:
                    pass
        elif not entries:
            raise LayoutDriftError(site, "li > a[title] / table.pagination", f"unit HTML has no rows and no pager ({url})")
        return ListPage(entries=entries, total=total, meta=meta)

    def deeper_pages(self, list_page: ListPage, html: str, url: str, *, source: Any, pages: int) -> list[PageRequest]:
        """API pages 2.. of the column (html = the column page)."""
        if pages <= 0:
            return []
        unit_url, query = self.unit(html, url, source=source)
        rows = list_page.meta.get("rows") or PAGE_SIZE
        last = math.ceil(list_page.total / rows) if list_page.total else pages + 1
        return [PageRequest("GET", unit_url, params=page_params(query, n, rows), meta={"page": n, "jpaas": True})
                for n in range(2, min(last, pages + 1) + 1)]

    # ----------------------------------------------------------- article
    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage:
        site = self._site(source)
        soup = P.soup_of(html)
        body, selector = P.first_match(soup, BODY_SELECTORS)
        P.require(body, site, BODY_SELECTORS[0], f"no article body on {url}")
        info = P.label_values(soup.select_one("table.xxgk_table, div.xxgk_table, div.xxgk") or soup, XXGK_LABELS)

        title = P.meta_content(soup, "ArticleTitle")
        if not title:
            h = soup.select_one("div.title, h1, p.title")
            title = P.inline_text(h) if h is not None else ""
        if not title:
            raise LayoutDriftError(site, "meta[name=ArticleTitle]", f"no title on {url}")

        publish = find_date(P.meta_content(soup, "PubDate") or "") or find_date(info.get("publish_date", ""))
        if publish is None and (m := OLD_ART_RE.search(urlsplit(url or "").path)):
            publish = find_date("-".join(m.group(1, 2, 3)))
        body_text = P.element_text(body)
        attachments = P.collect_attachments(body, url)
        for tag in soup.find_all("meta"):
            if (tag.get("name") or "").lower() == "image" and P.is_attachment_href(tag.get("content") or ""):
                link_url = absolute_url(url, tag["content"])
                if link_url not in {a.url for a in attachments}:
                    attachments.append(P.AttachmentLink(name=link_url.rsplit("=", 1)[-1].rsplit("/", 1)[-1], url=link_url))
        meta = {
            "body_selector": selector,
            "source": P.meta_content(soup, "ContentSource"),
            "column": P.meta_content(soup, "ColumnName"),
            "generated_date": find_date(info.get("generated_date", "")),
            **url_form(url),
        }
        validity = info.get("validity")
        return ArticlePage(
            url=url, title=title, publish_date=publish, body_text=body_text, body_html=str(body),
            doc_number=P.normalize_doc_number(info.get("doc_number")) or P.standalone_doc_number(body_text.splitlines()[:6]),
            issuer=info.get("issuer") or P.meta_content(soup, "ContentSource"),
            written_date=find_date(info.get("written_date", "")) or find_date(info.get("generated_date", "")),
            index_no=info.get("index_no"),
            validity=next((w for w in ("废止", "失效", "有效") if validity and w in validity), None),
            attachments=attachments, meta={k: v for k, v in meta.items() if v},
        )


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
