"""Mirror of 浙江省医疗保障局 ybj.zj.gov.cn (Hanweb JPaaS), shaped on the real
fzggw.zj column page and unit API answer (corpus samples-jpaas).

- ``/col/col<id>/index.html``: a shell with the ``unitbuild.js`` script whose
  ``queryData`` (single-quoted JSON) names webId/pageId/tagId/tplSetId;
- ``GET /api-gateway/jpaas-publish-server/front/page/build/unit`` with those
  fields + ``paramJson={"pageNo":N,"pageSize":15}`` → JSON ``data.html`` with
  ``<li>`` rows and a ``table.pagination`` carrying count/pageNo/rows; bare
  ``pageNo`` parameters are ignored like on the real gateway;
- articles in both URL forms: ``/col/col<id>/art/YYYY/art_<32hex>.html`` and
  ``/art/YYYY/M/D/art_<col>_<id>.html``; body in ``div#zoom`` with an xxgk table;
- attachments ``/module/download/downfile.jsp?classid=0&filename=<hash>.<ext>``.
"""
from __future__ import annotations

import json
import re

from yibao.mirror.model import MirrorDocument, MirrorSite, Request, Response, attachment_response, html_response, live
from yibao.mirror.sites import site_href
from yibao.mirror.sites._provincial_common import (AttachmentSpec, esc, hex_id, make_attachment, page_count,
                                                   page_slice, paragraphs, policy_body)

UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
WEB_ID = "3283"
TPL_SET_ID = "k7VsQ2pPzL9mYx1AbC3dE"
TAG_ID = "信息列表"
_COL_RE = re.compile(r"^/col/col(\d+)/index\.html$")
_NEW_ART_RE = re.compile(r"^/col/col(\d+)/art/(\d{4})/art_([0-9a-f]{32})\.html$")
_OLD_ART_RE = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")


def article_path(site: MirrorSite, doc: MirrorDocument) -> str:
    y, m, d = (int(x) for x in doc.publish_date.split("-"))
    if doc.extra.get("old_url"):
        return f"/art/{y}/{m}/{d}/art_{doc.column}_{doc.doc_id}.html"
    return f"/col/col{doc.column}/art/{y}/art_{hex_id(site.id, doc.doc_id)}.html"


def query_data(column: str) -> str:
    return ("{'parseType':'bulidstatic','webId':'%s','tplSetId':'%s','pageType':'column','tagId':'%s',"
            "'editType':'null','pageId':'%s'}" % (WEB_ID, TPL_SET_ID, TAG_ID, column))


def _json(status: int, data: dict) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                    {"Content-Type": "application/json;charset=UTF-8"})


class ZjJpaasRenderer:
    family = "zj_jpaas"
    page_size = 15

    def handle(self, site: MirrorSite, req: Request) -> Response | None:
        path = req.path
        if path == "/module/download/downfile.jsp":
            att = site.find_attachment(req.query.get("filename", ""))
            return attachment_response(att) if att else None
        if path == UNIT_PATH:
            return self.unit(site, req.query)
        if (m := _COL_RE.match(path)) and m.group(1) in site.columns:
            return html_response(self.column_page(site, m.group(1)))
        if m := _NEW_ART_RE.match(path):
            doc = next((d for d in site.documents if d.column == m.group(1) and not d.extra.get("old_url")
                        and hex_id(site.id, d.doc_id) == m.group(3)), None)
            return html_response(self.article(site, doc)) if live(doc) else None
        if m := _OLD_ART_RE.match(path):
            doc = site.find_document(m.group(5))
            ok = live(doc) and doc.extra.get("old_url") and doc.column == m.group(4)
            return html_response(self.article(site, doc)) if ok else None
        return None

    # ----------------------------------------------------------- column
    def column_page(self, site: MirrorSite, column: str) -> str:
        name = site.column_names.get(column, column)
        if site.failure == "redesign":  # the unit script lost its queryData attribute
            unit = f'<div class="list-app" data-column="{column}"></div>'
        else:
            unit_id = hex_id(site.id, column, "unit")
            unit = (f'<script>\nvar authorizedReadUnitId = "{unit_id}";\n</script>'
                    f'<script id="{unit_id}" src="{site_href(site, "/cms_files/default/script/AuthorizedRead/unitbuild.js")}'
                    f'?v=4.5.12.1-ZJSJYH-U45" webId="{WEB_ID}" parseType="bulidstatic" url="{site_href(site, UNIT_PATH)}" '
                    f'queryData="{query_data(column)}"></script>')
        return f"""<!DOCTYPE html>
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{esc(name)}</title>
<meta name="ColId" content="{column}">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="ybj.zj.gov.cn">
<meta name="ColumnName" content="{esc(name)}">
<meta name="ColumnType" content="{esc(name)}">
<meta name="server" content="ybj.zj.gov.cn/col/col{column}/index.html">
</head>
<body><div id='barrierfree_container'>
        <div class="position"><div class="position-txt w">当前位置：<a href="{site_href(site, '/index.html')}">首页</a> &gt; <a href="{site_href(site, f'/col/col{column}/index.html')}">{esc(name)}</a></div></div>
           <div class="bt-column-y clearfix">
              <div class="bt-column-menu bt-left"><div class="bt-left-title"><a title="政务公开" href="{site_href(site, '/col/col1229113750/index.html')}">政务公开</a></div>
{_menu(site)}
              </div>
              <div class="bt-column-cen">
{unit}
              </div>
           </div>
 </div></body>
</html>"""

    # ------------------------------------------------------------- unit API
    def unit(self, site: MirrorSite, query: dict[str, str]) -> Response:
        column = query.get("pageId", "")
        if query.get("webId") != WEB_ID or query.get("tagId") != TAG_ID or column not in site.columns:
            return _json(200, {"success": False, "message": "页面构建单元参数错误", "code": "500", "data": None})
        try:
            param = json.loads(query.get("paramJson") or "{}")
        except ValueError:
            param = {}
        page = int(param.get("pageNo") or 1)  # bare pageNo/page parameters are ignored, as on the real gateway
        size = int(param.get("pageSize") or self.page_size)
        docs = [] if site.failure == "empty" else site.column_documents(column)
        rows = page_slice(docs, page, size)
        items = "\n".join(
            f'      <li class="clearfix"><a class="bt-left" title="{esc(d.title)}" href="{site_href(site, article_path(site, d))}" '
            f'target="_blank">{esc(_cut(d.title))}</a><span class="bt-right">{d.publish_date}</span></li>\n'
            for d in rows)
        qd = ("{'webId':'%s','pageId':'%s','parseType':'bulidstatic','pageType':'column','tagId': '%s', "
              "'tplSetId': '%s'}" % (WEB_ID, column, TAG_ID, TPL_SET_ID))
        html = (f'<ul>  <div id="{TAG_ID}">\n    <div class="page-content">\n\n{items}\n    </div>\n  </div>\n</ul>\n'
                f'<table class="pagination default_pgToolbar" width="100%" border="0" newPagination="1" '
                f'queryData="{qd}" rows="{size}" unitid="{TAG_ID}" count="{len(docs)}" pageNo="{page}" '
                f'unitUrl="{UNIT_PATH}">\n  <tbody><tr><td>第 <input class="default_pgCurrentPage" type="number" /> 页 / 共 '
                f'<span class="default_pgTotalPage">{page_count(len(docs), size)}</span> 页</td></tr></tbody>\n</table>\n'
                f'<script src="/cms_files/default/script/ajax/page/pageNew.js"></script>\n')
        return _json(200, {"roles": None, "permissions": None, "success": True, "message": "生成成功", "code": "200",
                           "data": {"html": html}, "traceId": hex_id(site.id, column, str(page)), "messageType": 2})

    # ------------------------------------------------------------ article
    def article(self, site: MirrorSite, doc: MirrorDocument) -> str:
        name = site.column_names.get(doc.column, doc.column)
        index_no = doc.extra.get("index_no") or f"002482120/{doc.publish_date[:4]}-{int(hex_id(doc.doc_id)[:4], 16) % 10000:05d}"
        xxgk = f"""<table class="xxgk_table" width="100%" cellspacing="0" cellpadding="0">
<tr><td class="xxgk_title">索引号：</td><td>{esc(index_no)}</td><td class="xxgk_title">发布机构：</td><td>{esc(doc.issuer or site.name)}</td></tr>
<tr><td class="xxgk_title">文件编号：</td><td>{esc(doc.doc_number or '')}</td><td class="xxgk_title">生成日期：</td><td>{doc.written_date or doc.publish_date}</td></tr>
<tr><td class="xxgk_title">公开方式：</td><td>主动公开</td><td class="xxgk_title">有效性：</td><td>{esc(doc.validity or '有效')}</td></tr>
</table>"""
        body_id = "article-body" if site.failure == "redesign" else "zoom"
        paras = "\n".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in paragraphs(doc.body))
        atts = "".join(
            f'<p>附件：<a href="{site_href(site, "/module/download/downfile.jsp")}?classid=0&amp;filename={a.filename}" '
            f'target="_self">{esc(a.name)}</a></p>' for a in doc.attachments)
        images = "".join(f'<meta name="Image" content="{site_href(site, "/module/download/downfile.jsp")}?classid=0&amp;'
                         f'filename={a.filename}">\n' for a in doc.attachments)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{esc(doc.title)}</title>
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="ybj.zj.gov.cn">
<meta name="ColumnName" content="{esc(name)}">
<meta name="ArticleTitle" content="{esc(doc.title)}">
<meta name="PubDate" content="{doc.publish_date} 09:30">
<meta name="ContentSource" content="{esc(doc.issuer or site.name)}">
<meta name="i_columnid" content="{doc.column}">
<meta name="i_articleid" content="{doc.doc_id}">
{images}</head>
<body>
<div class="main w">
  <div class="xxgk">{xxgk}</div>
  <div class="article-title"><p class="title">{esc(doc.title)}</p></div>
  <div class="article-info"><span>发布日期：{doc.publish_date}</span><span>来源：{esc(doc.issuer or site.name)}</span></div>
  <div id="{body_id}">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{paras}
{atts}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
  </div>
</div>
</body>
</html>"""


_MENU = [("机构概况", ["职能配置", "领导信息", "内设机构", "直属单位"]),
         ("政策文件", ["政策文件", "政策解读", "通知公告", "征求意见"]),
         ("医保业务", ["待遇保障", "医药服务", "价格招采", "基金监管", "经办服务"]),
         ("互动交流", ["我要咨询", "我要建议", "调查征集", "意见采纳情况"])]


def _menu(site: MirrorSite) -> str:
    """The left column menu of the real template (also gives the shell its visible text)."""
    out = []
    for head, items in _MENU:
        lis = "".join(f'<li><a title="{esc(x)}" href="{site_href(site, "/col/col" + str(1229113760 + i) + "/index.html")}">'
                      f'<div class="lanmu_old">{esc(x)}</div></a></li>' for i, x in enumerate(items))
        out.append(f'<div class="bt-left-title3"><a title="{esc(head)}">{esc(head)}</a></div>'
                   f'<div class="bt-left-con1 hide"><ul>{lis}</ul></div>')
    return "\n".join(out)


def _cut(title: str, n: int = 30) -> str:
    return title if len(title) <= n else title[:n] + "..."


# ------------------------------------------------------------ content
_GFXWJ = [
    ("浙江省医疗保障局关于印发《浙江省医疗保障定点医疗机构管理实施细则》的通知", "浙医保发〔2026〕9号", "2026-06-18"),
    ("浙江省医疗保障局 浙江省财政厅关于做好2026年城乡居民基本医疗保障工作的通知", "浙医保联发〔2026〕8号", "2026-06-02"),
    ("浙江省医疗保障局关于完善门诊慢特病医保支付政策的通知", "浙医保发〔2026〕7号", "2026-05-20"),
    ("浙江省医疗保障局关于印发《浙江省医疗服务价格项目管理办法》的通知", "浙医保发〔2026〕6号", "2026-04-28"),
    ("浙江省医疗保障局关于规范医保药品“双通道”管理的通知", "浙医保发〔2026〕5号", "2026-04-10"),
    ("浙江省医疗保障局关于开展DRG/DIP支付方式改革2.0版落地工作的通知", "浙医保发〔2026〕4号", "2026-03-25"),
    ("浙江省医疗保障局关于印发《浙江省长期护理保险失能评估管理办法》的通知", "浙医保发〔2026〕3号", "2026-03-06"),
    ("浙江省医疗保障局关于调整职工基本医疗保险个人账户划入办法的通知", "浙医保发〔2026〕2号", "2026-02-12"),
    ("浙江省医疗保障局关于做好跨省异地就医直接结算工作的通知", "浙医保发〔2026〕1号", "2026-01-16"),
    ("浙江省医疗保障局关于印发《浙江省医保基金智能监管规则库》的通知", "浙医保发〔2025〕21号", "2025-12-22"),
    ("浙江省医疗保障局关于进一步加强医用耗材集中带量采购执行工作的通知", "浙医保发〔2025〕20号", "2025-12-01"),
    ("浙江省医疗保障局关于规范“互联网+”医疗服务价格的通知", "浙医保发〔2025〕19号", "2025-11-13"),
    ("浙江省医疗保障局关于做好生育保险和职工基本医疗保险合并实施工作的通知", "浙医保发〔2025〕18号", "2025-10-27"),
    ("浙江省医疗保障局关于印发《浙江省医疗保障经办服务规范》的通知", "浙医保发〔2025〕17号", "2025-10-09"),
    ("浙江省医疗保障局关于调整部分医疗服务价格项目的通知", "浙医保发〔2025〕16号", "2025-09-18"),
    ("浙江省医疗保障局关于开展医保基金使用常态化监管的通知", "浙医保发〔2025〕15号", "2025-08-28"),
    ("浙江省医疗保障局关于完善大病保险政策的通知", "浙医保发〔2025〕14号", "2025-08-06"),
    ("浙江省医疗保障局关于印发《浙江省定点零售药店医保管理办法》的通知", "浙医保发〔2025〕13号", "2025-07-15"),
    ("浙江省医疗保障局关于做好医保电子凭证推广应用工作的通知", "浙医保发〔2022〕12号", "2022-06-30"),
    ("浙江省医疗保障局关于印发《浙江省基本医疗保险药品目录管理办法》的通知", "浙医保发〔2022〕10号", "2022-05-18"),
]
_TZGG = [
    ("浙江省医疗保障局关于公布2026年度省级医保定点医疗机构名单的公告", "2026-06-12"),
    ("关于公开征求《浙江省医疗服务价格项目规范（征求意见稿）》意见的公告", "2026-05-26"),
    ("浙江省医疗保障局关于2026年医保基金飞行检查情况的通报", "2026-04-15"),
    ("关于举办全省医疗保障经办业务培训班的通知", "2026-03-02"),
]
ADDRESSEE = "各市医疗保障局，省医疗保障服务中心："


def default_site() -> MirrorSite:
    issuer = "浙江省医疗保障局"
    col_a, col_b = "1229113757", "1229225636"
    docs: list[MirrorDocument] = []
    for i, (title, number, date) in enumerate(_GFXWJ):
        body = policy_body(title, ADDRESSEE, issuer, date, "我省")
        doc = MirrorDocument(site="zj_ybj", column=col_a, doc_id=str(2409744 + 1000 * (len(_GFXWJ) - i)), title=title,
                             publish_date=date, body=body, doc_number=number, issuer=issuer, written_date=date,
                             validity="有效", extra={"old_url": date < "2025-10-01"})
        if i in (0, 3):
            kind = "pdf" if i == 0 else "xlsx"
            doc.attachments.append(make_attachment(AttachmentSpec(title.split("《")[1].split("》")[0], kind),
                                                   f"zj-{doc.doc_id}", body))
        docs.append(doc)
    for i, (title, date) in enumerate(_TZGG):
        body = policy_body(title, "各有关单位：", issuer, date, "我省")
        docs.append(MirrorDocument(site="zj_ybj", column=col_b, doc_id=str(5566097 + i), title=title, publish_date=date,
                                   body=body, issuer=issuer, extra={"old_url": i % 2 == 1}))
    return MirrorSite(id="zj_ybj", family="zj_jpaas", name="浙江省医疗保障局", documents=docs, columns=[col_a, col_b],
                      column_names={col_a: "政策文件", col_b: "通知公告"})
