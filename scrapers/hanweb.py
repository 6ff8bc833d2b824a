"""Hanweb 大汉 JCMS family: www.nhsa.gov.cn (国家医保局) and ybj.jiangsu.gov.cn.

List pages embed the first group of records in
``<div id="UNIT"><script type="text/xml"><datastore>…<record><![CDATA[…]]></record>``;
deeper groups come from POST ``dataproxy.jsp?startrecord=&endrecord=&perpage=``
with the form fields of the page's ``var param_UNIT = {…}`` (read every time,
never hard-coded). Articles carry ``<meta name="ArticleTitle|PubDate|Image">``
and the body in ``div#zoom`` between the ``ZJEG_RSS.content`` markers.

Everything here is pure: strings in, dataclasses out.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html

from scrapers.base import (
    ArticlePage, AttachmentLink, ListEntry, ListPage, PageRequest,
    absolute_url, clean_text, element_text, find_date, site_id,
)
from scrapers.errors import LayoutDriftError
from scrapers.registry import register_parser
from yibao.document.docnumber import find_doc_numbers

# ------------------------------------------------------------------ list page

_UNIT_RE = re.compile(
    r'<div[^>]*\bid\s*=\s*["\']?(?P<unit>[\w-]+)["\']?[^>]*>\s*<script[^>]*type\s*=\s*["\']text/xml["\'][^>]*>\s*'
    r"<datastore>(?P<body>.*?)</datastore>", re.S | re.I)
_BARE_DATASTORE_RE = re.compile(r"<datastore>(?P<body>.*?)</datastore>", re.S | re.I)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTALRECORD_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_JS_OBJ_PAIR_RE = re.compile(
    r"""([A-Za-z_$][\w$]*)\s*:\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,}]+)""")

# A 索引号 such as 2026-02-00018 or y41332000/2026-00007 (never a date).
_INDEX_NO_RE = re.compile(r"^[A-Za-z0-9]*[/-]?\d{4}-\d{2,}(-\d{3,})?$|^\d{4}-\d{2}-\d{4,}$")
_DATE_ONLY_RE = re.compile(r"^\[?\(?\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\)?\]?$")
_ATTACHMENT_EXT_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z|ofd|txt|csv|pptx?)(?:$|[?&#])", re.I)
_IMAGE_EXT_RE = re.compile(r"\.(jpe?g|png|gif|bmp|webp|svg)$", re.I)


def parse_js_object(text: str) -> dict[str, str]:
    """A flat JS object literal ({col:1,appid:'1',...}) -> {key: string value}."""
    out: dict[str, str] = {}
    for key, raw in _JS_OBJ_PAIR_RE.findall(text):
        raw = raw.strip()
        if raw[:1] in ("'", '"') and raw[-1:] == raw[:1]:
            raw = raw[1:-1].replace("\\'", "'").replace('\\"', '"')
        out[key] = raw
    return out


def _jpage_call(html: str, unit: str) -> dict[str, str]:
    """Settings of the jpage() call that renders the datastore of ``unit``."""
    calls = re.findall(r"\$\(\s*['\"]#" + re.escape(unit) + r"['\"]\s*\)\.jpage\(\s*\{(.*?)\}\s*\)", html, re.S)
    # Prefer the initial call (it passes dataStore); the search-form call carries a placeholder total.
    calls.sort(key=lambda c: "dataStore" not in c)
    return parse_js_object(calls[0]) if calls else {}


def _param_object(html: str, unit: str) -> dict[str, str] | None:
    m = re.search(r"var\s+param_" + re.escape(unit) + r"\s*=\s*\{(.*?)\}\s*;", html, re.S)
    return parse_js_object(m.group(1)) if m else None


def _cell_texts(row: Any, anchor: Any) -> list[str]:
    """Texts of the row's cells other than the one holding the title link."""
    holders = set(anchor.iterancestors())
    cells = [el for el in row.iter("span", "td", "em", "i", "div", "p")
             if el is not row and el not in holders
             and next(el.iterdescendants("span", "td"), None) is None]
    texts = [clean_text(el.text_content()) for el in cells]
    if not texts:  # dates written as bare text after the link
        tail = clean_text(anchor.tail or "")
        texts = [tail] if tail else []
    return [t for t in texts if t]


def parse_record(fragment: str, base_url: str) -> ListEntry | None:
    """One CDATA record -> ListEntry, or None when it holds no link."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    anchors = [a for a in root.iter("a") if (a.get("href") or "").strip() and not a.get("href", "").startswith("javascript")]
    if not anchors:
        return None
    a = anchors[0]
    title = clean_text(a.get("title") or "") or clean_text(a.text_content())
    entry = ListEntry(url=absolute_url(base_url, a.get("href")), title=title, publish_date=None)
    for text in _cell_texts(root, a):
        if entry.publish_date is None and _DATE_ONLY_RE.match(text):
            entry.publish_date = find_date(text)
        elif entry.index_no is None and _INDEX_NO_RE.match(text):
            entry.index_no = text
        elif entry.doc_number is None and find_doc_numbers(text):
            entry.doc_number = text
    if entry.publish_date is None:  # e.g. "发布日期：2026-08-14" inside one cell
        others = " ".join(_cell_texts(root, a))
        entry.publish_date = find_date(others, last=True)
    return entry


def parse_records(records: list[str], base_url: str, site: str) -> list[ListEntry]:
    entries: list[ListEntry] = []
    for rec in records:
        entry = parse_record(rec, base_url)
        if entry is not None:
            entries.append(entry)
    if records and not entries:
        raise LayoutDriftError(site, "record a[href]", f"{len(records)} records but none holds a link")
    return entries


def _find_unit(html: str) -> tuple[str | None, str] | None:
    """(unit id, datastore body) of the first datastore that has a param_ object."""
    units = [(m.group("unit"), m.group("body")) for m in _UNIT_RE.finditer(html)]
    for unit, body in units:
        if _param_object(html, unit) is not None:
            return unit, body
    if units:
        return units[0]
    m = _BARE_DATASTORE_RE.search(html)
    return (None, m.group("body")) if m else None


# --------------------------------------------------------------- article page

_FOOTER_RE = re.compile(r"中国医保，?一生守护|打击欺诈骗保.{0,10}举报电话|维护医保基金安全，?人人有责")
_CONTENT_RE = re.compile(r"<!--\s*ZJEG_RSS\.content\.begin\s*-->(.*?)<!--\s*ZJEG_RSS\.content\.end\s*-->", re.S)
_INFO_CONTENT_RE = re.compile(r"<!--<\$\[信息内容\]>begin-->(.*?)<!--<\$\[信息内容\]>end-->", re.S)


def cms_field(html: str, name: str) -> str | None:
    """Text of a Hanweb template field ``<!--<$[name]>begin-->…<!--<$[name]>end-->``."""
    m = re.search(r"<!--<\$\[" + re.escape(name) + r"\]>begin-->(.*?)<!--<\$\[" + re.escape(name) + r"\]>end-->", html, re.S)
    if not m:
        return None
    text = clean_text(lxml.html.fragment_fromstring(m.group(1), create_parent="div").text_content()) if m.group(1).strip() else ""
    return text or None


def _metas(doc: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in doc.iter("meta"):
        name = m.get("name")
        if name:
            out.setdefault(name, []).append((m.get("content") or "").strip())
    return out


def _labelled_value(text: str, labels: tuple[str, ...]) -> str | None:
    """Value after 'label：' in flattened 信息公开 table text."""
    for label in labels:
        m = re.search(re.escape(label) + r"\s*[：:]\s*([^\n：:]{1,80}?)(?=\s{2,}|\n|$|\s+[\u4e00-\u9fff]{2,6}\s*[：:])", text)
        if m and clean_text(m.group(1)):
            return clean_text(m.group(1))
    return None


def _attachment_key(url: str) -> str:
    """downfile.jsp?filename=<hash>.ext -> '<hash>.ext'; else the path."""
    parts = urlsplit(url)
    fname = parse_qs(parts.query).get("filename")
    return (fname[0] if fname else parts.path).lower()


def _is_attachment_url(url: str) -> bool:
    low = url.lower()
    if "downfile.jsp" in low or "down.jsp" in low or "/attach/" in low:
        return True
    return bool(_ATTACHMENT_EXT_RE.search(urlsplit(url).path + "?"))


def _strip_boilerplate(zoom: Any) -> None:
    """Drop the fixed anti-fraud footer, ContentStart/End metas and hidden overlay divs in place."""
    for el in list(zoom.iter("meta", "script", "style")):
        el.drop_tree()
    for el in list(zoom.iter("p", "div", "strong", "span")):
        if el.getparent() is None:
            continue
        text = clean_text(el.text_content())
        if text and _FOOTER_RE.search(text) and len(text) < 160:
            el.drop_tree()
        elif not text and "opacity: 0" in (el.get("style") or ""):
            el.drop_tree()


@register_parser("hanweb")
class HanwebParser:
    family = "hanweb"

    # .............................................................. lists
    def column_url(self, source: Any, column: Any) -> str:
        return source.url(column.path)

    def parse_list(self, html: str, url: str, *, source: Any = None) -> ListPage:
        site = site_id(source)
        found = _find_unit(html)
        if found is None:
            raise LayoutDriftError(site, 'div[id] > script[type="text/xml"] > datastore', f"no datastore on {url}")
        unit, body = found
        records = _RECORD_RE.findall(body)
        entries = parse_records(records, url, site)
        jpage = _jpage_call(html, unit) if unit else {}
        param = _param_object(html, unit) if unit else None
        total = None
        m = _TOTALRECORD_RE.search(body)
        if m:
            total = int(m.group(1))
        elif jpage.get("totalRecord", "").isdigit():
            total = int(jpage["totalRecord"])
        per_page = int(jpage["perPage"]) if jpage.get("perPage", "").isdigit() else None
        group_size = int(jpage["groupSize"]) if jpage.get("groupSize", "").isdigit() else None
        meta = {
            "unitid": unit, "param": param, "per_page": per_page, "group_size": group_size,
            "per_group": per_page * group_size if per_page and group_size else len(records) or None,
            "proxy_url": absolute_url(url, jpage.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"),
            "records": len(records),
        }
        return ListPage(entries=entries, total=total, meta=meta)

    def deeper_pages(self, list_page: ListPage, html: str, url: str, *, source: Any = None, pages: int = 1) -> list[PageRequest]:
        """dataproxy.jsp POSTs for groups 1..pages, built from the page's param_ object.

        Returns [] when the page lacks what a correct request needs (no param_,
        no total or group size): the crawl then stays on page 0.
        """
        meta, total = list_page.meta, list_page.total
        param, per_group, per_page = meta.get("param"), meta.get("per_group"), meta.get("per_page")
        if not param or not total or not per_group or not per_page:
            return []
        requests = []
        for group in range(1, pages + 1):
            start = group * per_group + 1
            if start > total:
                break
            end = min((group + 1) * per_group, total)
            requests.append(PageRequest(
                method="POST", url=meta["proxy_url"],
                params={"startrecord": str(start), "endrecord": str(end), "perpage": str(per_page)},
                data=dict(param),
                # groups >= 1 repeat the previous group's last row: expect one extra
                meta={"group": group, "expected": end - start + 2, "expected_min": end - start + 1, "total": total},
            ))
        return requests

    def parse_list_response(self, body: str, url: str, *, source: Any = None) -> ListPage:
        """A dataproxy.jsp XML answer -> ListPage (total from <totalrecord>)."""
        site = site_id(source)
        m = _BARE_DATASTORE_RE.search(body)
        if m is None:
            raise LayoutDriftError(site, "datastore", f"dataproxy answer from {url} holds no <datastore>")
        records = _RECORD_RE.findall(m.group("body"))
        t = _TOTALRECORD_RE.search(m.group("body"))
        return ListPage(entries=parse_records(records, url, site), total=int(t.group(1)) if t else None,
                        meta={"records": len(records)})

    # ........................................................... articles
    @staticmethod
    def sniff(html: str, url: str) -> int:
        score = 0
        if "ZJEG_RSS.content" in html or "<$[信息内容]>" in html:
            score += 10
        if re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", url or ""):
            score += 5
        if "/module/download/downfile.jsp" in html or "<datastore>" in html:
            score += 3
        return score

    def parse_article(self, html: str, url: str, *, source: Any = None) -> ArticlePage:
        site = site_id(source)
        doc = lxml.html.document_fromstring(html)
        metas = _metas(doc)

        def meta(name: str) -> str:
            return (metas.get(name) or [""])[0]

        title = meta("ArticleTitle") or cms_field(html, "标题名称(html)") or cms_field(html, "标题") or ""
        if not title:
            t = doc.find(".//title")
            title = clean_text(t.text_content()) if t is not None else ""
        zoom_list = doc.xpath('//div[@id="zoom"]')
        if not zoom_list:
            raise LayoutDriftError(site, "div#zoom", f"no article body container on {url}")
        m = _CONTENT_RE.search(html) or _INFO_CONTENT_RE.search(html)
        zoom = lxml.html.fragment_fromstring(m.group(1), create_parent="div") if m else zoom_list[0]
        if not title:
            raise LayoutDriftError(site, 'meta[name="ArticleTitle"]', f"no title on {url}")

        # attachments: in-body links first (their text is the name), then meta Image
        attachments: dict[str, AttachmentLink] = {}
        for a in zoom.iter("a"):
            href = (a.get("href") or "").strip()
            if href and _is_attachment_url(href):
                link = absolute_url(url, href)
                name = clean_text(a.get("title") or "") or clean_text(a.text_content()) or _attachment_key(link)
                attachments.setdefault(_attachment_key(link), AttachmentLink(name=name, url=link))
        for content in metas.get("Image", []):
            if content and _is_attachment_url(content) and not _IMAGE_EXT_RE.search(_attachment_key(content)):
                link = absolute_url(url, content)
                attachments.setdefault(_attachment_key(link), AttachmentLink(name=_attachment_key(link).rsplit("/", 1)[-1], url=link))

        _strip_boilerplate(zoom)
        body_text = element_text(zoom)
        body_html = "".join(lxml.html.tostring(c, encoding="unicode") for c in zoom) if m else \
            lxml.html.tostring(zoom, encoding="unicode")
        if m and zoom.text:
            body_html = zoom.text + body_html

        # 信息公开 table (col104-style policy pages), outside the body
        page_text = element_text(doc.body) if doc.body is not None else ""
        info_text = page_text.split(body_text[:30])[0] if body_text[:30] and body_text[:30] in page_text else page_text
        doc_number = cms_field(html, "引题")
        if doc_number and not find_doc_numbers(doc_number):
            doc_number = None
        doc_number = doc_number or _labelled_value(info_text, ("发文字号", "文号"))
        publish_date = find_date(_labelled_value(info_text, ("发布日期",)) or "") or find_date(meta("PubDate")) \
            or find_date(_labelled_value(page_text, ("日期",)) or "")
        issuer = _labelled_value(info_text, ("发布机构", "发文机关")) or meta("contentSource") or None
        written = _labelled_value(info_text, ("成文日期",))
        index_no = _labelled_value(info_text, ("索引号",))
        validity = _labelled_value(info_text, ("有效性", "时效性"))
        if validity not in ("有效", "失效", "废止"):
            validity = None
        crumbs = {el.get("id"): clean_text(el.text_content()) for el in doc.xpath('//div[@id="hiddenLocation"]/span[@id]')}
        return ArticlePage(
            url=url, title=clean_text(title), publish_date=publish_date, body_text=body_text, body_html=body_html.strip(),
            doc_number=doc_number, issuer=issuer, written_date=find_date(written or ""), index_no=index_no,
            validity=validity, attachments=list(attachments.values()),
            meta={
                "pub_time": meta("PubDate") or None, "maketime": meta("Maketime") or None,
                "site_name": meta("SiteName") or None, "column_name": meta("ColumnName") or None,
                "guid": meta("guid") or None, "canonical_url": meta("url") or None,
                "breadcrumb": [crumbs[k] for k in ("col2_name", "col1_name") if crumbs.get(k)],
            },
        )
