"""Mirror of 上海市医疗保障局 ybj.sh.gov.cn (static "zxa" templates).

Lists ``/<section>/index.html``, ``index_2.html`` …; articles
``/<section>/YYYYMMDD/<32hex>.html`` whose content block (content-title,
content-agency with the 文号 split by &nbsp;, content-publish-date,
content-detail, content-attaches, content-links) is rendered three times
(``.mobile-only``, ``.ipad-only``, ``.pc-only``) like the real pages; meta
PubDate is in Chinese format. Attachments live under ``/cmsres/<2hex>/<32hex>/``.
Pages are byte-stable so the server's ETag/Last-Modified conditional GET works.
"""
from __future__ import annotations

import re

from yibao.mirror.model import MirrorDocument, MirrorSite, Request, Response, attachment_response, html_response, live
from yibao.mirror.sites import site_href
from yibao.mirror.sites._provincial_common import (AttachmentSpec, esc, hex_id, make_attachment, page_count,
                                                   page_slice, paragraphs, policy_body)

PAGE_SIZE = 10
_LIST_RE = re.compile(r"^/(\w+)/index(?:_(\d+))?\.html$")
_ART_RE = re.compile(r"^/(\w+)/(\d{8})/([0-9a-f]{32})\.html$")
_RES_RE = re.compile(r"^/cmsres/[0-9a-f]{2}/([0-9a-f]{32})/([^/]+)$")


def doc_hex(site: MirrorSite, doc: MirrorDocument) -> str:
    return doc.extra.get("hex") or hex_id(site.id, doc.doc_id)


def article_path(site: MirrorSite, doc: MirrorDocument) -> str:
    return f"/{doc.column}/{doc.publish_date.replace('-', '')}/{doc_hex(site, doc)}.html"


def resource_path(site: MirrorSite, doc: MirrorDocument, filename: str) -> str:
    folder = hex_id(site.id, doc.doc_id, "res")
    return f"/cmsres/{folder[:2]}/{folder}/{filename}"


def cn_pubdate(iso: str) -> str:
    """'2026-06-29' -> '2026年06月29日' (the site's meta PubDate format)."""
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


class ShStaticRenderer:
    family = "sh_static"

    def handle(self, site: MirrorSite, req: Request) -> Response | None:
        if m := _RES_RE.match(req.path):
            att = site.find_attachment(m.group(2))
            return attachment_response(att) if att else None
        if m := _ART_RE.match(req.path):
            doc = next((d for d in site.documents if d.column == m.group(1) and doc_hex(site, d) == m.group(3)), None)
            return html_response(self.article(site, doc)) if live(doc) else None
        if (m := _LIST_RE.match(req.path)) and m.group(1) in site.columns:
            return self.list_page(site, m.group(1), int(m.group(2) or 1))
        return None

    def list_page(self, site: MirrorSite, column: str, page: int) -> Response | None:
        docs = [] if site.failure == "empty" else site.column_documents(column)
        pages = page_count(len(docs), PAGE_SIZE)
        if page > pages or page < 1:
            return None
        rows = page_slice(docs, page, PAGE_SIZE)
        name = site.column_names.get(column, column)
        if site.failure == "redesign":  # card layout: no <ul>/<li> rows any more
            items = "\n".join(f'<div class="card"><h4><a href="{site_href(site, article_path(site, d))}">'
                              f'{esc(d.title)}</a></h4><time>{d.publish_date}</time></div>' for d in rows)
            listing = f'<section class="cards">{items}</section>'
        else:
            items = "\n".join(
                f'<li><a href="{site_href(site, article_path(site, d))}" title="{esc(d.title)}" target="_blank">'
                f'{esc(_cut(d.title))}</a><span class="time">{d.publish_date}</span></li>' for d in rows)
            links = [f'<a href="{_page_href(site, column, 1)}">首页</a>']
            if page > 1:
                links.append(f'<a href="{_page_href(site, column, page - 1)}">上一页</a>')
            if page < pages:
                links.append(f'<a href="{_page_href(site, column, page + 1)}">下一页</a>')
            links.append(f'<a href="{_page_href(site, column, pages)}">尾页</a>')
            listing = (f'<div class="list-container"><ul class="uli14 nowrapli list-date">\n{items}\n</ul></div>\n'
                       f'<div class="pagination" data-total-pages="{pages}" data-current-page="{page}">'
                       f'{" ".join(links)}<span>共{pages}页</span></div>')
        body = f"""<div class="main-box"><div class="crumbs"><a href="{site_href(site, '/index.html')}">首页</a> &gt; <span>{esc(name)}</span></div>
<div class="list-title"><h2>{esc(name)}</h2></div>
{listing}
</div>"""
        return html_response(_frame(site, name, "", body))

    def article(self, site: MirrorSite, doc: MirrorDocument) -> str:
        agency = ""
        if doc.doc_number:
            # the site splits the number from 号 with &nbsp;
            agency = esc(doc.doc_number).replace("号", "&nbsp;号") if doc.doc_number.endswith("号") else esc(doc.doc_number)
        detail = "\n".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in paragraphs(doc.body))
        attaches = "".join(
            f'<p><a href="{site_href(site, resource_path(site, doc, a.filename))}" target="_blank" '
            f'title="{esc(a.name)}">{esc(a.name)}.{a.filename.rsplit(".", 1)[-1]}</a></p>' for a in doc.attachments)
        related = ""
        for rid in doc.extra.get("related", []):
            rel = site.find_document(rid)
            if rel is not None:
                related += f'<p><a href="{site_href(site, article_path(site, rel))}" target="_blank">{esc(rel.title)}</a></p>'
        detail_class = "article-text" if site.failure == "redesign" else "content-detail"
        block = f"""<div class="content-box">
  <div class="content-title">{esc(doc.title)}</div>
  <div class="content-agency">{agency}</div>
  <div class="content-publish-date">发布时间：{doc.written_date or doc.publish_date}</div>
  <div class="{detail_class}">
{detail}
  </div>
  <div class="content-attaches">{('<p class="attach-title">附件：</p>' + attaches) if attaches else ''}</div>
  <div class="content-links">{('<p class="links-title">相关解读：</p>' + related) if related else ''}</div>
</div>"""
        copies = "\n".join(f'<div class="{cls}">\n{block}\n</div>' for cls in ("mobile-only", "ipad-only", "pc-only"))
        head = f"""<meta name="ArticleTitle" content="{esc(doc.title)}">
<meta name="PubDate" content="{cn_pubdate(doc.publish_date)}">
<meta name="ContentSource" content="">
<meta name="Url" content="http://ybj.sh.gov.cn{article_path(site, doc)}">"""
        return _frame(site, site.column_names.get(doc.column, doc.column), head, copies)


def _page_href(site: MirrorSite, column: str, n: int) -> str:
    return site_href(site, f"/{column}/index.html" if n <= 1 else f"/{column}/index_{n}.html")


def _cut(title: str, n: int = 32) -> str:
    return title if len(title) <= n else title[:n] + "…"


def _frame(site: MirrorSite, column_name: str, head_extra: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="ybj.sh.gov.cn">
<meta name="ColumnName" content="{esc(column_name)}">
{head_extra}
<title>{esc(column_name)}_{esc(site.name)}</title>
<link rel="stylesheet" href="{site_href(site, '/zxa/css/common.css')}">
<!-- <script type="text/javascript" src="/zxa/js/jhelper_config.js" charset="gb2312"></script> -->
</head>
<body>
<div class="header"><div class="logo"><a href="{site_href(site, '/index.html')}">{esc(site.name)}</a></div>
<ul class="nav"><li><a href="{site_href(site, '/index.html')}">首页</a></li><li><a href="{site_href(site, '/gfxwj/index.html')}">规范性文件</a></li><li><a href="{site_href(site, '/zcjd/index.html')}">政策解读</a></li></ul></div>
<div class="container">
{body}
</div>
<div class="footer"><p>主办单位：上海市医疗保障局</p><p>沪ICP备19012345号</p></div>
</body>
</html>"""


# ------------------------------------------------------------ content
_GFXWJ = [
    ("关于印发《上海市灵活就业人员参加职工基本医疗保险待遇等待期实施细则》的通知", "沪医保规〔2025〕7号", "2025-09-05", "2025-08-29", "pdf"),
    ("关于本市职工基本医疗保险退休人员享受待遇有关条件的通知", "沪医保规〔2026〕4号", "2026-06-29", "2026-06-24", None),
    ("关于调整本市城乡居民基本医疗保险筹资标准的通知", "沪医保规〔2026〕3号", "2026-05-12", "2026-05-08", None),
    ("关于印发《上海市医疗保障定点医药机构服务协议管理办法》的通知", "沪医保规〔2026〕2号", "2026-03-20", "2026-03-16", "pdf"),
    ("关于做好本市长期护理保险试点有关工作的通知", "沪医保规〔2026〕1号", "2026-01-15", "2026-01-09", None),
    ("关于本市门诊特殊病种管理有关事项的通知", "沪医保规〔2025〕10号", "2025-12-18", "2025-12-12", None),
    ("关于完善本市“互联网+”医疗服务医保支付政策的通知", "沪医保规〔2025〕9号", "2025-11-04", "2025-10-30", None),
    ("关于印发《上海市基本医疗保险药品目录管理实施办法》的通知", "沪医保规〔2025〕8号", "2025-10-10", "2025-09-28", "xlsx"),
    ("关于本市基本医疗保险异地就医直接结算管理有关事项的通知", "沪医保规〔2025〕6号", "2025-08-01", "2025-07-25", None),
    ("关于印发《上海市医疗保障基金飞行检查实施办法》的通知", "沪医保规〔2025〕5号", "2025-06-20", "2025-06-13", None),
    ("关于调整本市生育保险待遇有关事项的通知", "沪医保规〔2025〕4号", "2025-05-09", "2025-04-30", None),
    ("关于本市医疗服务价格项目规范管理有关事项的通知", "沪医保规〔2025〕3号", "2025-03-14", "2025-03-07", None),
    ("关于进一步做好本市医保个人账户家庭共济工作的通知", "沪医保规〔2025〕2号", "2025-02-08", "2025-01-27", None),
]
_ZCJD = [
    ("《上海市灵活就业人员参加职工基本医疗保险待遇等待期实施细则》政策解读", "2025-09-05"),
    ("职工享受医保待遇的条件是什么？", "2026-06-29"),
    ("《关于调整本市城乡居民基本医疗保险筹资标准的通知》解读", "2026-05-12"),
    ("一图读懂：本市长期护理保险试点政策", "2026-01-15"),
]
ADDRESSEE = "各区医疗保障局，市医疗保障事业管理中心，各有关单位："


def default_site() -> MirrorSite:
    issuer = "上海市医疗保障局"
    docs: list[MirrorDocument] = []
    for i, (title, number, date, written, kind) in enumerate(_GFXWJ):
        extra_lines = None
        if i == 0:
            extra_lines = ["本实施细则自2025年9月10日起施行，有效期至2030年9月9日。原有规定与本细则不一致的，同时废止。"]
        body = policy_body(title, ADDRESSEE, issuer, date, "本市", extra=extra_lines)
        doc = MirrorDocument(site="sh_ybj", column="gfxwj", doc_id=f"g{i + 1:03d}", title=title, publish_date=date,
                             body=body, doc_number=number, issuer=issuer, written_date=written)
        if kind:
            name = title.split("《")[1].split("》")[0] if "《" in title else "附件"
            doc.attachments.append(make_attachment(AttachmentSpec(name, kind), f"sh-{doc.doc_id}", body))
        docs.append(doc)
    for i, (title, date) in enumerate(_ZCJD):
        body = (f"近日，市医保局印发相关文件。现就{title.strip('《》？')}有关问题解读如下。\n"
                "一、出台背景\n为进一步完善本市医疗保障制度，保障参保人员合法权益，市医保局会同相关部门制定本政策。\n"
                "二、主要内容\n参保人员按规定缴纳基本医疗保险费满规定年限的，按照规定享受相应医疗保险待遇。")
        docs.append(MirrorDocument(site="sh_ybj", column="zcjd", doc_id=f"j{i + 1:03d}", title=title, publish_date=date,
                                   body=body, issuer=issuer))
    docs[0].extra["related"] = ["j001"]
    return MirrorSite(id="sh_ybj", family="sh_static", name="上海市医疗保障局", documents=docs,
                      columns=["gfxwj", "zcjd", "qtwj"],
                      column_names={"gfxwj": "规范性文件", "zcjd": "政策解读", "qtwj": "其他文件"})
