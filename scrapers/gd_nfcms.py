"""广东省医疗保障局 hsa.gd.gov.cn — NFCMS (南方网) pages plus the gkmlpt API.

Two list sources:
- NFCMS static lists ``…/index.html``, ``index_2.html`` with rows
  ``<li><a href title>…</a><span>date</span></li>``;
- the 政府信息公开目录平台 (gkmlpt): ``GET /gkmlpt/index`` carries
  ``window._CONFIG = { SID: '…', TREE: [...], … }`` (SID read every run), then
  ``GET /gkmlpt/api/all/{category_id}?page={n}&sid={sid}`` returns
  ``{classify:{post_count}, articles:[{id,title,document_number,identifier,
  publisher,date,display_publish_time,url,post_url,is_expired,is_abolished,
  attachment,…}]}``. A gkmlpt column is configured as
  ``/gkmlpt/index?category=<id>`` (or ``#<id>``).

Two article shapes:
- NFCMS ``content/post_*.html``: meta ArticleTitle/PubDate, body ``div.zw``
  (paragraphs with ``noextractcontent="true"`` are not body), a "文件已失效"
  image for expired documents, the 文号 on its own line in the body;
- gkmlpt content pages: JSON-escaped body HTML in ``_CONFIG.DETAIL.content``.

Mobile user agents are JS-redirected to ``mpost_*.html``; fetch with a desktop UA.
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from bs4 import Tag

from scrapers import _provincial as P
from scrapers.base import (ArticlePage, AttachmentLink, ListEntry, ListPage, PageRequest, absolute_url,
                           clean_text, find_date)
from scrapers.errors import LayoutDriftError
from scrapers.registry import register_parser

CHINA_TZ = timezone(timedelta(hours=8))
LIST_SELECTORS = ("div.list_news ul", "ul.news_list", "div.list ul", "div.list-con ul", "ul.list")
INFO_LABELS = {"索引号": "index_no", "发布机构": "issuer", "成文日期": "written_date", "文号": "doc_number",
               "发文字号": "doc_number", "发布日期": "publish_date", "有效性": "validity"}
GKMLPT_PAGE_SIZE = 10
_CONFIG_RE = re.compile(r"window\._CONFIG\s*=\s*")
_SID_RE = re.compile(r"\bSID\s*:\s*['\"]([^'\"]+)['\"]")


def _is_noextract(tag: Tag) -> bool:
    return (tag.get("noextractcontent") or "").lower() == "true"


def epoch_date(value: Any) -> str | None:
    """A gkmlpt timestamp (epoch s or ms, China time) or date string -> YYYY-MM-DD."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        n = float(value)
        if n > 1e12:
            n /= 1000
        if n < 1e8:  # e.g. 20260522
            return find_date(f"{str(int(n))[:4]}-{str(int(n))[4:6]}-{str(int(n))[6:8]}")
        return datetime.fromtimestamp(n, CHINA_TZ).strftime("%Y-%m-%d")
    return find_date(str(value))


def validity_from_flags(is_expired: Any, is_abolished: Any) -> str:
    if _truthy(is_abolished):
        return "废止"
    if _truthy(is_expired):
        return "失效"
    return "有效"


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes")


def gkmlpt_category(url: str) -> str | None:
    parts = urlsplit(url or "")
    q = parse_qs(parts.query)
    for key in ("category", "category_id", "cat"):
        if q.get(key) and q[key][0].isdigit():
            return q[key][0]
    return parts.fragment if parts.fragment.isdigit() else None


def leaf_categories(tree: Any) -> list[str]:
    """Ids of the TREE's leaf categories (nodes with a jump_url are links, not lists)."""
    out: list[str] = []
    for node in tree if isinstance(tree, list) else []:
        if not isinstance(node, dict) or node.get("jump_url"):
            continue
        children = node.get("children") or []
        sub = leaf_categories(children)
        if sub:
            out.extend(sub)
        elif node.get("id") is not None:
            out.append(str(node["id"]))
    return out


def config_object(html: str) -> str | None:
    """The text of the ``window._CONFIG = {…}`` literal, if any."""
    m = _CONFIG_RE.search(html or "")
    return P.balanced_object(html, m.end()) if m else None


@register_parser("gd_nfcms")
class GdNfcmsParser(P.ProvincialParser):
    family = "gd_nfcms"
    host_suffix = "gd.gov.cn"
    shell_column_pages = True  # column pages may be short JS shells (see scrapers.crawl)

    def column_url(self, source: Any, column: Any) -> str:
        url = P.join_site(source.base_url, column.path)
        parts = urlsplit(url)
        if "/gkmlpt/" in parts.path and parts.fragment.isdigit() and not parts.query:
            # The category must survive the fetch: fragments are never sent.
            return urlunsplit((parts.scheme, parts.netloc, parts.path, f"category={parts.fragment}", ""))
        return url

    def sniff_page(self, html: str) -> int:
        score = 0
        if "NFCMS_SITE_ID" in html or 'class="zw"' in html:
            score += 3
        if "window._CONFIG" in html and "DETAIL" in html:
            score += 3
        return score

    # ------------------------------------------------------------- lists
    def parse_list(self, html: str, url: str, *, source: Any) -> ListPage:
        config = config_object(html)
        if config is not None and _SID_RE.search(config):
            return self._gkmlpt_index(config, url, source)
        soup = P.soup_of(html)
        entries, found = P.dated_rows(soup, url, LIST_SELECTORS)
        if not found:
            raise LayoutDriftError(self._site(source), LIST_SELECTORS[0] + " / window._CONFIG.SID",
                                   f"neither NFCMS list rows nor a gkmlpt config on {url}")
        total_pages = P.static_total_pages(soup, html)
        meta = {"current_page": P.static_page_number(url), "kind": "nfcms"}
        if total_pages:
            meta["total_pages"] = total_pages
        return ListPage(entries=entries, meta=meta)

    def _gkmlpt_index(self, config: str, url: str, source: Any) -> ListPage:
        sid = _SID_RE.search(config).group(1)
        category = gkmlpt_category(url)
        categories = [category] if category else leaf_categories(P.js_value(config, "TREE"))
        if not categories:
            raise LayoutDriftError(self._site(source), "window._CONFIG.TREE",
                                   f"no category in {url} and no leaf category in TREE")
        requests = [PageRequest("GET", absolute_url(url, f"api/all/{c}"), params={"page": "1", "sid": sid},
                                meta={"page": 1, "category": c, "gkmlpt": True}) for c in categories]
        return ListPage(entries=[], next_requests=requests,
                        meta={"kind": "gkmlpt", "sid": sid, "categories": categories, "needs_api": True})

    def parse_list_response(self, body: str, url: str, *, source: Any) -> ListPage:
        """A gkmlpt API page (JSON), or a deeper NFCMS static page (HTML)."""
        stripped = (body or "").lstrip()
        if not stripped.startswith("{"):
            return self.parse_list(body, url, source=source)
        site = self._site(source)
        try:
            data = json.loads(stripped)
        except ValueError:
            raise LayoutDriftError(site, "JSON articles", f"gkmlpt answer is not JSON ({url})") from None
        articles = data.get("articles") if isinstance(data, dict) else None
        if not isinstance(articles, list):
            raise LayoutDriftError(site, "JSON articles", f"gkmlpt answer has no articles list ({url}): "
                                   f"{str(data)[:120]}")
        entries = [e for a in articles if isinstance(a, dict) and (e := self._api_entry(a, url))]
        classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
        total = classify.get("post_count")
        q = parse_qs(urlsplit(url).query)
        meta = {"kind": "gkmlpt", "page": int(q.get("page", ["1"])[0] or 1), "page_size": len(articles),
                "category": (re.search(r"/api/all/(\d+)", url) or [None, None])[1]}
        return ListPage(entries=entries, total=int(total) if str(total or "").isdigit() else None, meta=meta)

    def _api_entry(self, a: dict, api_url: str) -> ListEntry | None:
        # The NFCMS page (post_url) is server-rendered and carries the validity badge;
        # the gkmlpt page (url) is a JS shell with the body in _CONFIG.DETAIL.
        href = a.get("post_url") or a.get("url")
        title = re.sub(r"</?em>", "", str(a.get("title") or "")).strip()
        if not href or not title:
            return None
        url = absolute_url(api_url, href).split("#", 1)[0]
        number = a.get("document_number") or None
        extra = {
            "id": a.get("id"), "gkmlpt_url": (a.get("url") or "").split("#", 1)[0] or None,
            "publisher": a.get("publisher"),
            "is_expired": int(_truthy(a.get("is_expired"))), "is_abolished": int(_truthy(a.get("is_abolished"))),
            "validity": validity_from_flags(a.get("is_expired"), a.get("is_abolished")),
            "written_date": epoch_date(a.get("date")),
        }
        atts = _api_attachments(a.get("attachment"), api_url)
        if atts:
            extra["attachments"] = [{"name": x.name, "url": x.url} for x in atts]
        return ListEntry(
            url=url, title=clean_text(title),
            publish_date=epoch_date(a.get("display_publish_time")) or epoch_date(a.get("created_at"))
            or epoch_date(a.get("date")),
            doc_number=P.normalize_doc_number(number) or (clean_text(number) or None),
            index_no=clean_text(a.get("identifier")) or None,
            extra={k: v for k, v in extra.items() if v is not None and v != ""},
        )

    def deeper_pages(self, list_page: ListPage, html: str, url: str, *, source: Any, pages: int) -> list[PageRequest]:
        if pages <= 0:
            return []
        config = config_object(html)
        if config is not None and _SID_RE.search(config):
            sid = _SID_RE.search(config).group(1)
            cats = [gkmlpt_category(url)] if gkmlpt_category(url) else leaf_categories(P.js_value(config, "TREE"))
            size = list_page.meta.get("page_size") or GKMLPT_PAGE_SIZE
            last = math.ceil(list_page.total / size) if list_page.total else pages + 1
            return [PageRequest("GET", absolute_url(url, f"api/all/{c}"), params={"page": str(n), "sid": sid},
                                meta={"page": n, "category": c, "gkmlpt": True})
                    for c in cats for n in range(2, min(last, pages + 1) + 1)]
        total = list_page.meta.get("total_pages") or P.static_total_pages(P.soup_of(html), html)
        if not total:
            return []
        current = P.static_page_number(url)
        return [PageRequest("GET", P.static_page_url(url, n), meta={"page": n})
                for n in range(current + 1, min(total, current + pages) + 1)]

    # ----------------------------------------------------------- article
    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage:
        soup = P.soup_of(html)
        zw = soup.select_one("div.zw")
        if zw is not None:
            return self._nfcms_article(soup, zw, url)
        config = config_object(html)
        detail_text = P.balanced_object(config, m.end()) if config and (m := re.search(r"\bDETAIL\s*:\s*", config)) else None
        if detail_text:
            return self._gkmlpt_article(detail_text, url, self._site(source))
        raise LayoutDriftError(self._site(source), "div.zw / window._CONFIG.DETAIL", f"no article body on {url}")

    def _nfcms_article(self, soup: Any, zw: Tag, url: str) -> ArticlePage:
        title = P.meta_content(soup, "ArticleTitle") or P.inline_text(soup.select_one("h3.zw-title, .zw-title"))
        all_lines = P.element_text(zw).splitlines()
        body_text = P.element_text(zw, skip=_is_noextract)
        info = P.label_values(soup.select_one("div.classify, table.classify, div.xxgk-info") or soup, INFO_LABELS)
        publish = (find_date(P.meta_content(soup, "PubDate") or "")
                   or find_date(P.inline_text(soup.select_one("div.zw-info .time")))
                   or find_date(info.get("publish_date", "")))
        attachments = P.collect_attachments(zw, url)
        for box in soup.select("div.attachment, div.fj, div.zw-fj, ul.attachment"):
            for link in P.collect_attachments(box, url):
                if link.url not in {a.url for a in attachments}:
                    attachments.append(link)
        not_body = [t for t in zw.find_all(attrs={"noextractcontent": True}) if _is_noextract(t)]
        noextract = [P.inline_text(t) for t in not_body]
        related = [link for t in not_body for link in P.related_links(t, url)]
        meta = {"source": P.meta_content(soup, "ContentSource"), "column": P.meta_content(soup, "ColumnName"),
                "not_body": [t for t in noextract if t], "related": related, "shape": "nfcms"}
        return ArticlePage(
            url=url, title=title, publish_date=publish, body_text=body_text, body_html=str(zw),
            doc_number=P.normalize_doc_number(info.get("doc_number")) or P.standalone_doc_number(all_lines),
            issuer=info.get("issuer"), written_date=find_date(info.get("written_date", "")),
            index_no=info.get("index_no"), validity=_validity_mark(soup) or _word_validity(info.get("validity")),
            attachments=attachments, meta={k: v for k, v in meta.items() if v},
        )

    def _gkmlpt_article(self, detail_text: str, url: str, site: str) -> ArticlePage:
        try:
            detail = json.loads(detail_text)
        except ValueError:  # a JS literal: read the fields one by one
            detail = {k: P.js_value(detail_text, k) for k in (
                "title", "content", "document_number", "identifier", "publisher", "date",
                "display_publish_time", "created_at", "is_expired", "is_abolished", "attachment")}
        content = detail.get("content")
        if not isinstance(content, str):
            raise LayoutDriftError(site, "window._CONFIG.DETAIL.content", f"no body content on {url}")
        body = P.soup_of(content)
        root = body.body or body
        body_text = P.element_text(root)
        attachments = _api_attachments(detail.get("attachment"), url)
        for link in P.collect_attachments(root, url):
            if link.url not in {a.url for a in attachments}:
                attachments.append(link)
        number = detail.get("document_number") or None
        return ArticlePage(
            url=url, title=clean_text(re.sub(r"</?em>", "", str(detail.get("title") or ""))),
            publish_date=epoch_date(detail.get("display_publish_time")) or epoch_date(detail.get("created_at")),
            body_text=body_text, body_html=content,
            doc_number=P.normalize_doc_number(number) or (clean_text(number) or None)
            or P.standalone_doc_number(body_text.splitlines()),
            issuer=clean_text(detail.get("publisher")) or None, written_date=epoch_date(detail.get("date")),
            index_no=clean_text(detail.get("identifier")) or None,
            validity=validity_from_flags(detail.get("is_expired"), detail.get("is_abolished")),
            attachments=attachments, meta={"shape": "gkmlpt", "id": detail.get("id")},
        )


def _validity_mark(soup: Any) -> str | None:
    """The validity badge image (e.g. /pubImg/wjysx.png, title="文件已失效")."""
    for img in soup.find_all("img"):
        label = f"{img.get('title') or ''} {img.get('alt') or ''}"
        for word in ("废止", "失效"):
            if word in label:
                return word
        if "有效" in label and "文件" in label:
            return "有效"
    return None


def _word_validity(raw: str | None) -> str | None:
    return next((w for w in ("废止", "失效", "有效") if raw and w in raw), None)


def _api_attachments(raw: Any, base: str) -> list[AttachmentLink]:
    """gkmlpt ``attachment``: a list (or JSON string) of {name|title, url|link|path}."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            return []
    out = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        href = item.get("url") or item.get("link") or item.get("path") or item.get("file_url")
        if href:
            name = clean_text(item.get("name") or item.get("title") or item.get("file_name")) or href.rsplit("/", 1)[-1]
            out.append(AttachmentLink(name=name, url=absolute_url(base, href)))
    return out
