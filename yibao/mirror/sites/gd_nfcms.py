"""Mirror of 广东省医疗保障局 hsa.gd.gov.cn: NFCMS pages plus the gkmlpt API.

- NFCMS lists ``<dir>/index.html``, ``index_2.html`` …; articles
  ``<dir>/content/post_<id>.html`` with meta ArticleTitle/PubDate, ``div.zw``
  body (政策解读 link and 文号 line marked ``noextractcontent="true"``), the
  "文件已失效" badge for expired documents and the mobile-UA JS redirect;
- gkmlpt: ``/gkmlpt/index`` (``window._CONFIG = { SID: '…', TREE: [...], … }``),
  ``/gkmlpt/api/all/<category>?page=N&sid=SID`` (JSON; a wrong sid is refused),
  ``/gkmlpt/content/<a>/<b>/post_<id>.html`` (body in ``_CONFIG.DETAIL.content``);
- attachments ``/attachment/0/<n>/<id>/<filename>``.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from yibao.mirror.model import MirrorDocument, MirrorSite, Request, Response, attachment_response, html_response, live
from yibao.mirror.sites import site_href
from yibao.mirror.sites._provincial_common import (AttachmentSpec, esc, header, make_attachment, page_count,
                                                   page_slice, paragraphs, policy_body)

PAGE_SIZE = 10
API_PAGE_SIZE = 10
SID = "4400000162"
CHINA_TZ = timezone(timedelta(hours=8))
_ATT_RE = re.compile(r"^/attachment/0/\d+/(\d+)/([^/]+)$")
_GK_CONTENT_RE = re.compile(r"^/gkmlpt/content/\d+/\d+/post_(\d+)\.html$")
_GK_API_RE = re.compile(r"^/gkmlpt/api/all/(\d+)$")


def list_dir(site: MirrorSite, column: str) -> str:
    return site.extra.get("list_dirs", {}).get(column, f"/zwgk/{column}")


def post_path(site: MirrorSite, doc: MirrorDocument) -> str:
    return f"{list_dir(site, doc.column)}/content/post_{doc.doc_id}.html"


def gk_path(doc: MirrorDocument) -> str:
    n = int(doc.doc_id) if doc.doc_id.isdigit() else 0
    return f"/gkmlpt/content/{n // 1000000}/{n // 1000}/post_{doc.doc_id}.html"


def att_path(doc: MirrorDocument, filename: str) -> str:
    n = int(doc.doc_id) if doc.doc_id.isdigit() else 0
    return f"/attachment/0/{n % 1000}/{doc.doc_id}/{filename}"


def epoch(iso: str, hour: int = 15, minute: int = 55) -> int:
    y, m, d = (int(x) for x in iso.split("-"))
    return int(datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ).timestamp())


class GdNfcmsRenderer:
    family = "gd_nfcms"

    def handle(self, site: MirrorSite, req: Request) -> Response | None:
        path = req.path
        if m := _ATT_RE.match(path):
            att = site.find_attachment(m.group(2))
            return attachment_response(att) if att else None
        if path == "/gkmlpt/index":
            return html_response(self.gk_index(site))
        if m := _GK_API_RE.match(path):
            return self.gk_api(site, m.group(1), req)
        if m := _GK_CONTENT_RE.match(path):
            doc = site.find_document(m.group(1))
            return html_response(self.gk_content(site, doc, req)) if live(doc) else None
        for column in site.columns:
            folder = list_dir(site, column)
            if path.startswith(folder + "/"):
                rest = path[len(folder):]
                if m := re.fullmatch(r"/content/post_(\d+)\.html", rest):
                    doc = site.find_document(m.group(1))
                    return html_response(self.post(site, doc)) if live(doc) and doc.column == column else None
                if m := re.fullmatch(r"/index(?:_(\d+))?\.html", rest):
                    return self.list_page(site, column, int(m.group(1) or 1))
        return None

    # ---------------------------------------------------------- NFCMS list
    def list_page(self, site: MirrorSite, column: str, page: int) -> Response | None:
        docs = [] if site.failure == "empty" else site.column_documents(column)
        pages = page_count(len(docs), PAGE_SIZE)
        if not 1 <= page <= pages:
            return None
        folder = list_dir(site, column)
        rows = page_slice(docs, page, PAGE_SIZE)
        if site.failure == "redesign":
            listing = "".join(f'<dl class="item"><dt><a href="{site_href(site, post_path(site, d))}">{esc(d.title)}</a>'
                              f'</dt><dd>{d.publish_date}</dd></dl>' for d in rows)
        else:
            items = "\n".join(f'<li><a href="{site_href(site, post_path(site, d))}" target="_blank" '
                              f'title="{esc(d.title)}">{esc(_cut(d.title))}</a><span class="time">{d.publish_date}</span></li>'
                              for d in rows)
            nav = []
            if page > 1:
                prev = "index.html" if page == 2 else f"index_{page - 1}.html"
                nav.append(f'<a class="prev" href="{site_href(site, folder + "/" + prev)}">上一页</a>')
            if page < pages:
                nav.append(f'<a class="next" href="{site_href(site, f"{folder}/index_{page + 1}.html")}">下一页</a>')
            last = "index.html" if pages == 1 else f"index_{pages}.html"
            nav.append(f'<a class="last" href="{site_href(site, folder + "/" + last)}">尾页</a>')
            listing = f'<div class="list_news"><ul>\n{items}\n</ul></div>\n<div class="page">{"".join(nav)}</div>'
        name = site.column_names.get(column, column)
        return html_response(_frame(site, name, "", f'<div class="main"><div class="con-title">{esc(name)}</div>{listing}</div>'))

    # -------------------------------------------------------- NFCMS article
    def post(self, site: MirrorSite, doc: MirrorDocument) -> str:
        badge = ""
        if doc.validity in ("失效", "废止"):
            img = "wjysx.png" if doc.validity == "失效" else "wjyfz.png"
            badge = (f'<span class="post-ifyxcon"><img src="{site_href(site, "/pubImg/" + img)}" '
                     f'title="文件已{doc.validity}" alt="文件已{doc.validity}"></span>')
        paras = []
        if doc.extra.get("interpretation"):
            paras.append(f'<p indenttext="　　" noextractcontent="true" style="text-align: left;">点击查看政策解读：'
                         f'<a href="{site_href(site, doc.extra["interpretation"])}">{esc(doc.title)}政策解读</a></p>')
        lines = paragraphs(doc.body)
        for line in lines:
            if doc.doc_number and line == doc.doc_number:
                paras.append(f'<p indenttext="　　" noextractcontent="true" style="text-align: center;">{esc(line)}</p>')
            else:
                paras.append(f'<p style="text-indent: 2em;">{esc(line)}</p>')
        for a in doc.attachments:
            paras.append(f'<p>附件：<a href="{site_href(site, att_path(doc, a.filename))}">{esc(a.name)}</a></p>')
        zw_class = "article-content" if site.failure == "redesign" else "zw"
        mobile = f"http://hsa.gd.gov.cn{list_dir(site, doc.column)}/content/mpost_{doc.doc_id}.html"
        head = f"""<meta name="ArticleTitle" content="{esc(doc.title)}">
<meta name="PubDate" content="{doc.publish_date} 15:55">
<meta name="ContentSource" content="本网">
<script>(function(u){{if((u.indexOf("iP")>-1||u.indexOf("Android")>-1)&&u.indexOf("iPad")<0){{document.location.href="{mobile}"}}}})(window.navigator.userAgent);</script>"""
        body = f"""<div class="main">
<div class="zw-box">{badge}
<h3 class="zw-title">{esc(doc.title)}</h3>
<div class="zw-info"><span class="time">时间  :  {doc.publish_date} 15:55:34</span><span class="ly">来源  :  本网</span></div>
<div class="{zw_class}" wzades="正文">
{chr(10).join(paras)}
</div>
</div>
</div>
<script>window.NFCMS_SITE_ID=245;window.NFCMS_PAGE_ID="1607";</script>"""
        return _frame(site, site.column_names.get(doc.column, doc.column), head, body)

    # -------------------------------------------------------------- gkmlpt
    def _tree(self, site: MirrorSite) -> list[dict]:
        cats = site.extra.get("gkmlpt_categories", {})
        children = [{"id": int(cid), "name": site.column_names.get(col, col), "parent": 2846, "jump_url": "",
                     "post_count": len(site.column_documents(col)), "children": []} for cid, col in cats.items()]
        return [{"id": 2846, "name": "政策文件", "parent": 0, "jump_url": "", "children": children},
                {"id": 2860, "name": "机构职能", "parent": 0, "jump_url": "/zwgk/jgzn/index.html", "children": []}]

    def gk_index(self, site: MirrorSite) -> str:
        if site.failure == "redesign":
            config = "window.__GKML__ = {};"
        else:
            config = (f"window._CONFIG = {{ SID: '{SID}', SITE_NAME: '{site.name}', "
                      f"TREE: {json.dumps(self._tree(site), ensure_ascii=False)}, SERVICE_AREA_ID: 440000 }};")
        return _frame(site, "政府信息公开目录", f"<script>{config}</script>",
                      '<div id="app"><div class="gkml-loading">加载中……</div></div>')

    def _api_article(self, site: MirrorSite, doc: MirrorDocument, host: str) -> dict:
        atts = [{"name": a.name, "url": f"{host}{site_href(site, att_path(doc, a.filename))}"} for a in doc.attachments]
        return {
            "id": int(doc.doc_id), "title": doc.title, "document_number": doc.doc_number or "",
            "identifier": doc.extra.get("identifier", f"006940060/{doc.publish_date[:4]}-{int(doc.doc_id) % 100000:05d}"),
            "publisher": doc.issuer or site.name, "keywords": "", "abstract": "",
            "date": epoch(doc.written_date or doc.publish_date, 0, 0),
            "created_at": f"{doc.publish_date} 15:55:34", "display_publish_time": epoch(doc.publish_date),
            "classify_main_name": "政策文件", "classify_genre_name": doc.extra.get("genre", "通知"),
            "url": f"{host}{site_href(site, gk_path(doc))}#{doc.extra.get('category', '')}",
            "post_url": f"{host}{site_href(site, post_path(site, doc))}",
            "is_expired": int(doc.validity == "失效"), "is_abolished": int(doc.validity == "废止"),
            "attachment": atts,
        }

    def gk_api(self, site: MirrorSite, category: str, req: Request) -> Response:
        if req.query.get("sid") != SID:
            return Response(403, json.dumps({"code": 403, "msg": "sid error"}).encode(),
                            {"Content-Type": "application/json"})
        column = site.extra.get("gkmlpt_categories", {}).get(category)
        if column is None:
            return Response(404, b'{"code":404,"msg":"classify not found"}', {"Content-Type": "application/json"})
        docs = [] if site.failure == "empty" else site.column_documents(column)
        page = max(1, int(req.query.get("page") or 1))
        host = _host(req)
        data = {"classify": {"id": int(category), "name": site.column_names.get(column, column), "post_count": len(docs)},
                "articles": [self._api_article(site, d, host) for d in page_slice(docs, page, API_PAGE_SIZE)]}
        return Response(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                        {"Content-Type": "application/json; charset=utf-8"})

    def gk_content(self, site: MirrorSite, doc: MirrorDocument, req: Request) -> str:
        detail = self._api_article(site, doc, _host(req))
        content = "".join(f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in paragraphs(doc.body))
        content += "".join(f'<p>附件：<a href="{a["url"]}">{esc(a["name"])}</a></p>' for a in detail["attachment"])
        detail["content"] = content
        blob = json.dumps(detail, ensure_ascii=True).replace("<", "\\u003c")  # escaped like the real page
        return _frame(site, "政府信息公开目录", f"<script>window._CONFIG = {{ SID: '{SID}', DETAIL: {blob}, TREE: [] }};</script>",
                      '<div id="app"></div>')


def _host(req: Request) -> str:
    host = header(req.headers, "host")
    return f"http://{host}" if host else ""


def _cut(title: str, n: int = 32) -> str:
    return title if len(title) <= n else title[:n] + "…"


def _frame(site: MirrorSite, column_name: str, head_extra: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="SiteName" content="{esc(site.name)}"><meta name="SiteDomain" content="hsa.gd.gov.cn"><meta name="SiteIDCode" content="4400000162">
<meta name="ColumnName" content="{esc(column_name)}"><meta name="ColumnType" content="政策文件">
{head_extra}
<title>{esc(column_name)} - {esc(site.name)}</title>
</head>
<body>
<div class="header"><a href="{site_href(site, '/')}">{esc(site.name)}</a></div>
{body}
<div class="footer"><p>主办：广东省医疗保障局　承办：广东南方网络信息科技有限公司</p><p>粤ICP备19157715号</p></div>
</body>
</html>"""


# ------------------------------------------------------------ content
_GFXWJ = [
    ("广东省医疗保障局 广东省财政厅 国家税务总局广东省税务局关于印发《广东省基本医疗保险关系转移接续暂行办法》的通知", "粤医保规〔2022〕6号", "2022-06-20", "失效"),
    ("广东省医疗保障局关于印发《广东省基本医疗保险门诊特定病种管理办法》的通知", "粤医保规〔2026〕3号", "2026-06-08", None),
    ("广东省医疗保障局 广东省卫生健康委员会关于规范医疗服务价格项目的通知", "粤医保规〔2026〕2号", "2026-04-21", None),
    ("广东省医疗保障局关于印发《广东省医疗保障基金使用监督管理实施细则》的通知", "粤医保规〔2026〕1号", "2026-02-10", None),
    ("广东省医疗保障局关于做好基本医疗保险跨省异地就医直接结算工作的通知", "粤医保规〔2025〕9号", "2025-12-16", None),
    ("广东省医疗保障局关于完善“互联网+”医疗服务医保支付政策的通知", "粤医保规〔2025〕8号", "2025-11-03", None),
    ("广东省医疗保障局关于印发《广东省长期护理保险失能等级评估管理办法》的通知", "粤医保规〔2025〕7号", "2025-09-22", None),
    ("广东省医疗保障局关于调整职工基本医疗保险个人账户计入办法的通知", "粤医保规〔2025〕6号", "2025-08-14", None),
    ("广东省医疗保障局关于印发《广东省医疗保障定点医药机构协议管理办法》的通知", "粤医保规〔2025〕5号", "2025-06-30", None),
    ("广东省医疗保障局关于完善生育保险待遇政策的通知", "粤医保规〔2025〕4号", "2025-05-19", None),
    ("广东省医疗保障局关于建立医疗保障待遇清单管理制度的通知", "粤医保规〔2025〕3号", "2025-03-28", None),
    ("广东省医疗保障局关于印发《广东省基本医疗保险药品目录管理办法》的通知", "粤医保规〔2020〕2号", "2020-07-10", "废止"),
    ("广东省医疗保障局关于做好城乡居民大病保险工作的通知", "粤医保规〔2025〕2号", "2025-02-17", None),
]
_TZGG = [
    ("广东省医疗保障局关于开展2026年医保基金飞行检查的通知", "2026-06-15"),
    ("关于公开征求《广东省医疗服务价格项目规范（征求意见稿）》意见的公告", "2026-05-22"),
    ("广东省医疗保障局关于公布2026年第一批医保定点医疗机构名单的公告", "2026-03-30"),
    ("关于做好2026年春节期间医疗保障服务工作的通知", "2026-01-22"),
]
ADDRESSEE = "各地级以上市医疗保障局、财政局，国家税务总局各地级以上市税务局："


def default_site() -> MirrorSite:
    issuer = "广东省医疗保障局"
    docs: list[MirrorDocument] = []
    for i, (title, number, date, validity) in enumerate(_GFXWJ):
        doc_id = "3953355" if i == 0 else str(4500000 + 137 * i)
        body = policy_body(title, ADDRESSEE, issuer, date, "我省", doc_number=number)
        doc = MirrorDocument(site="gd_hsa", column="gfxwj", doc_id=doc_id, title=title, publish_date=date, body=body,
                             doc_number=number, issuer=issuer, written_date=date, validity=validity or "有效",
                             extra={"category": "2847"})
        if i == 0:
            doc.extra["interpretation"] = "/zwgk/zcjd/content/post_3953360.html"
        if i in (0, 1):
            name = title.split("《")[1].split("》")[0]
            doc.attachments.append(make_attachment(AttachmentSpec(name, "pdf"), f"gd-{doc_id}", body))
        docs.append(doc)
    for i, (title, date) in enumerate(_TZGG):
        body = policy_body(title, "各地级以上市医疗保障局，各有关单位：", issuer, date, "我省")
        docs.append(MirrorDocument(site="gd_hsa", column="tzgg", doc_id=str(4700000 + i), title=title, publish_date=date,
                                   body=body, issuer=issuer, written_date=date, extra={"category": "2848"}))
    return MirrorSite(
        id="gd_hsa", family="gd_nfcms", name="广东省医疗保障局", documents=docs, columns=["gfxwj", "tzgg"],
        column_names={"gfxwj": "规范性文件", "tzgg": "通知公告"},
        extra={"list_dirs": {"gfxwj": "/zwgk/zfxxgkml/bmwj/gfxwj", "tzgg": "/zwgk/tzgg"},
               "gkmlpt_categories": {"2847": "gfxwj", "2848": "tzgg"}},
    )
