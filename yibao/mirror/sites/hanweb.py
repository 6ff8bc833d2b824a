"""Hanweb 大汉 JCMS pages (国家医保局, 江苏省医保局) in the real sites' shape.

- ``/col/col<N>/index.html``: column page with the first group embedded in
  ``<div id="UNIT"><script type="text/xml"><datastore>`` plus ``var param_UNIT``
  and the ``jpage({... totalRecord ...})`` call. UNIT is derived from the site
  id and column, so a parser cannot hard-code it.
- ``POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``:
  deeper groups; groups >= 1 repeat the previous group's last row, like the
  real site. A request whose columnid/unitid do not match gets the empty
  54-byte-style answer.
- ``/art/YYYY/M/D/art_<col>_<id>.html``: article page (meta tags, title
  markers, div#zoom between ZJEG_RSS markers, meta Image per attachment).
- ``/module/download/downfile.jsp?classid=0&filename=<hash>.<ext>``.
Failure modes handled here: "redesign" (list container renamed) and "empty".
"""
from __future__ import annotations

import hashlib
import html as htmlmod
import re
from datetime import date

from yibao.mirror.model import MirrorDocument, MirrorSite, Request, Response, attachment_response, html_response, live
from yibao.mirror.sites import site_href

ANTI_FRAUD = ("中国医保，一生守护！维护医保基金安全，人人有责！打击欺诈骗保举报电话：010-89061396，"
              "010-89061397；邮箱：jubao@nhsa.gov.cn。")
_ART_RE = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\w+)_(\w+)\.html$")
_COL_RE = re.compile(r"^/col/col(\w+)/index\.html$")


def unit_id(site: MirrorSite, column: str) -> str:
    """A per-site, per-column jpage unit id (not a constant a parser could assume)."""
    return str(1000 + int(hashlib.sha1(f"{site.id}:{column}".encode()).hexdigest()[:8], 16) % 900000)


def article_path(doc: MirrorDocument) -> str:
    d = date.fromisoformat(doc.publish_date)
    return f"/art/{d.year}/{d.month}/{d.day}/art_{doc.column}_{doc.doc_id}.html"


def index_no(doc: MirrorDocument) -> str:
    """索引号 like 2026-02-00018 (looks like a date; must not be read as one)."""
    if doc.extra.get("index_no"):
        return doc.extra["index_no"]
    d = date.fromisoformat(doc.publish_date)
    seq = int(hashlib.sha1(doc.doc_id.encode()).hexdigest()[:6], 16) % 99999
    return f"{d.year}-{d.month:02d}-{seq:05d}"


def _e(text: str | None) -> str:
    return htmlmod.escape(text or "", quote=True)


def _short(title: str, limit: int = 26) -> str:
    return title if len(title) <= limit else title[:limit] + "…"


class HanwebRenderer:
    family = "hanweb"

    # ............................................................ settings
    @staticmethod
    def _cfg(site: MirrorSite) -> dict:
        return {"webid": site.extra.get("webid", 1), "per_page": int(site.extra.get("per_page", 15)),
                "group_size": int(site.extra.get("group_size", 3)),
                "xxgk_columns": set(site.extra.get("xxgk_columns", [])),
                "anti_fraud": bool(site.extra.get("anti_fraud", False)), "domain": site.extra.get("domain", "")}

    def handle(self, site: MirrorSite, req: Request) -> Response | None:
        path = req.path
        if path in ("/", "/index.html"):
            return self.home(site)
        m = _COL_RE.match(path)
        if m and req.method == "GET":
            return self.column_page(site, m.group(1))
        if path == "/module/web/jpage/dataproxy.jsp" and req.method == "POST":
            return self.dataproxy(site, req)
        m = _ART_RE.match(path)
        if m:
            doc = site.find_document(m.group(5))
            if not live(doc) or doc.column != m.group(4) or article_path(doc) != path:
                return None
            return self.article(site, doc)
        if path in ("/module/download/downfile.jsp", "/module/download/down.jsp"):
            att = site.find_attachment(req.query.get("filename", ""))
            return attachment_response(att) if att else None
        return None

    # ............................................................... pieces
    def _frame(self, site: MirrorSite, title: str, inner: str, head_extra: str = "") -> str:
        nav = "".join(f'<li><a href="{site_href(site, f"/col/col{c}/index.html")}">{_e(site.column_names.get(c, c))}</a></li>'
                      for c in site.columns)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8" /><script language="javascript" src="{site_href(site, '/module/jslib/jquery/jquery.js')}"></script>
<meta name='WebId' content='{self._cfg(site)["webid"]}'>
<title>{_e(title)}</title>
<meta name="SiteName" content="{_e(site.name)}">
<meta name="SiteDomain" content="{_e(self._cfg(site)["domain"])}">
{head_extra}
<link rel="stylesheet" type="text/css" href="{site_href(site, '/images/4/hanweb.css')}"/>
</head>
<body><div id='barrierfree_container'><div class="wrapper">
<div class="header"><div class="logo">{_e(site.name)}</div>
<ul class="nav"><li><a href="{site_href(site, '/index.html')}">首页</a></li>{nav}</ul></div>
<div class="container"><div class="core clearfix column"><div class="mainbody">
{inner}
</div></div></div>
<div class="links"><h3>相关链接</h3><p>中国政府网　国家卫生健康委员会　财政部　人力资源和社会保障部　国家药品监督管理局　国家中医药管理局　国家医保服务平台　全国医疗保障信息公开专栏　各省（区、市）医疗保障局网站</p>
<p>网站地图　联系我们　使用帮助　无障碍浏览　长者模式　信息公开指南　信息公开目录　依申请公开　政府信息公开年报</p></div>
<div class="footer"><p>主办单位：{_e(site.name)}　地址：北京市西城区月坛北街　网站标识码：bm83000001</p>
<p>版权所有：{_e(site.name)}　京ICP备18023447号　京公网安备11010202000001号</p>
<p>本网站由{_e(site.name)}办公室负责维护　建议使用1366×768分辨率浏览本网站</p></div>
</div></div>
</body>
</html>"""

    def _record(self, site: MirrorSite, doc: MirrorDocument, xxgk: bool) -> str:
        href = site_href(site, article_path(doc))
        if xxgk:
            return (f'<li class="xxgk-row"><span class="xxgk-sy">{_e(index_no(doc))}</span>'
                    f'<span class="xxgk-bt"><a href="{href}" title="{_e(doc.title)}" target="_blank">{_e(_short(doc.title))}</a></span>'
                    f'<span class="xxgk-wh">{_e(doc.doc_number or "")}</span>'
                    f'<span class="xxgk-rq">{doc.publish_date}</span></li>')
        return (f"<li class=\"clearfix\"><a title='{_e(doc.title)}' target=\"_blank\" href=\"{href}\">"
                f"{_e(_short(doc.title))}</a><span class=\"bt-list-time\">{doc.publish_date}</span></li>")

    def _records_xml(self, site: MirrorSite, docs: list[MirrorDocument], xxgk: bool) -> str:
        return "\n".join(f"<record><![CDATA[\n    {self._record(site, d, xxgk)}    ]]></record>" for d in docs)

    def home(self, site: MirrorSite) -> Response:
        items = "".join(f'<li><a href="{site_href(site, f"/col/col{c}/index.html")}">{_e(site.column_names.get(c, c))}</a>'
                        f'（{len(site.column_documents(c))}）</li>' for c in site.columns)
        return html_response(self._frame(site, site.name, f'<div class="home"><h2>栏目导航</h2><ul>{items}</ul></div>'))

    def column_page(self, site: MirrorSite, column: str) -> Response | None:
        if column not in site.columns:
            return None
        cfg = self._cfg(site)
        name = site.column_names.get(column, column)
        docs = [] if site.failure == "empty" else site.column_documents(column)
        xxgk = column in cfg["xxgk_columns"]
        per_group = cfg["per_page"] * cfg["group_size"]
        unit = unit_id(site, column)
        crumbs = f'<div class="local"><a href="{site_href(site, "/index.html")}">首页</a> &gt; <a href="{site_href(site, f"/col/col{column}/index.html")}">{_e(name)}</a></div>'
        if site.failure == "redesign":
            rows = "".join(f'<li><a href="{site_href(site, article_path(d))}">{_e(d.title)}</a><i>{d.publish_date}</i></li>'
                           for d in docs[:cfg["per_page"]])
            inner = f'{crumbs}<div class="zcwj-list-v2" data-col="{column}"><ul>{rows}</ul></div>'
            return html_response(self._frame(site, f"{site.name} {name}", inner, f'<meta name="ColumnName" content="{_e(name)}">'))
        proxy = site_href(site, "/module/web/jpage/dataproxy.jsp")
        webname = _e(site.name)
        inner = f"""{crumbs}
<div class="list-title">{_e(name)}</div>
<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{proxy}?page=1&appid=1&webid={cfg['webid']}&path=/&columnid={column}&unitid={unit}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{self._records_xml(site, docs[:per_group], xxgk)}
</recordset>
</datastore></script></div><script language="javascript" src="{site_href(site, '/module/web/jpage/jquery.jpage.js')}"></script><script>var param_{unit} = {{col:1,appid:'1',webid:{cfg['webid']},path:'/',columnid:{column},sourceContentType:1,unitid:'{unit}',webname:'{webname}',permissiontype:0}}; function jpage_{unit}(){{$('#jpageform_{unit} :input').each(function(){{param_{unit}[$(this).attr('name')]=$(this).val();}});$('#{unit}').jpage({{themeName:'default',showMode:'full',totalRecord:1000,openCookies:false,dataBefore:'<ul class="list">',dataAfter:'</ul>',groupSize:{cfg['group_size']},proxyUrl:'{proxy}',perPage:{cfg['per_page']},barPosition:'bottom',ajaxParam:param_{unit}}});}};$(function(){{$('#{unit}').jpage({{themeName:'default',showMode:'full',totalRecord:{len(docs)},openCookies:false,dataBefore:'<ul class="list">',dataStore:$('#{unit}').children('script').html(),dataAfter:'</ul>',groupSize:{cfg['group_size']},proxyUrl:'{proxy}',perPage:{cfg['per_page']},barPosition:'bottom',ajaxParam:param_{unit}}});}});</script>"""
        head = f'<meta name="ColumnName" content="{_e(name)}">\n<meta name="ColumnType" content="">'
        return html_response(self._frame(site, f"{site.name} {name}", inner, head))

    def dataproxy(self, site: MirrorSite, req: Request) -> Response:
        column = req.form.get("columnid", "")
        empty = '<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>'
        if column not in site.columns or req.form.get("unitid") != unit_id(site, column):
            return Response(200, empty.encode(), {"Content-Type": "text/xml; charset=UTF-8"})
        try:
            start = int(req.query.get("startrecord", "1"))
            end = int(req.query.get("endrecord", str(start)))
            per_page = int(req.query.get("perpage", "15"))
        except ValueError:
            return Response(200, empty.encode(), {"Content-Type": "text/xml; charset=UTF-8"})
        docs = [] if site.failure == "empty" else site.column_documents(column)
        first = max(1, start - 1) if start > 1 else 1  # the real site repeats the boundary row
        chunk = docs[first - 1:end]
        xxgk = column in self._cfg(site)["xxgk_columns"]
        total_pages = (len(docs) + per_page - 1) // per_page if per_page > 0 else 0
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(docs)}</totalrecord>'
               f"<totalpage>{total_pages}</totalpage><recordset>\n{self._records_xml(site, chunk, xxgk)}\n"
               f"</recordset></datastore>")
        return Response(200, xml.encode("utf-8"), {"Content-Type": "text/xml; charset=UTF-8"})

    def article(self, site: MirrorSite, doc: MirrorDocument) -> Response:
        cfg = self._cfg(site)
        col_name = site.column_names.get(doc.column, doc.column)
        xxgk = doc.column in cfg["xxgk_columns"]
        abs_base = f"/{site.id}"  # hrefs stay site-relative; meta Image uses the same prefix
        att_links = [(a, site_href(site, f"/module/download/downfile.jsp?classid=0&filename={a.filename}"))
                     for a in doc.attachments]
        metas = "\n".join(f'<meta name="Image" content="{_e(href)}">' for _, href in att_links)
        head = f"""<meta name='Maketime' content='{doc.extra.get("maketime") or doc.publish_date + " 18:24:22"}'>
<meta name="ColumnName" content="{_e(col_name)}">
<meta name="ArticleTitle" content="{_e(doc.title)}">
<meta name="PubDate" content="{doc.publish_date} 08:30">
<meta name="contentSource" content="{_e(doc.issuer or '')}">
<meta name="url" content="{_e(abs_base + article_path(doc))}">
<meta name="guid" content="{doc.publish_date[:4]}00{doc.doc_id}">
{metas}"""
        paras = "".join(f'<p style="text-indent: 2em; text-align: justify;">{_e(line)}</p>'
                        for line in doc.body.split("\n") if line.strip())
        if att_links:
            paras += '<p style="text-indent: 2em;">附件：</p>' + "".join(
                f'<p style="text-indent: 2em;">{i}.<a href="{href}" target="_self">{_e(a.name)}</a></p>'
                for i, (a, href) in enumerate(att_links, 1))
        foreign = doc.extra.get("foreign_attachment")
        if foreign:
            paras += f'<p style="text-indent: 2em;"><a href="{_e(foreign["url"])}">{_e(foreign["name"])}</a></p>'
        if site.extra.get("live_furniture"):  # a view counter and share widget inside the body, new on every view
            views = site.extra["views"] = int(site.extra.get("views", 0)) + 1
            paras += (f'<p style="text-indent: 2em;">浏览次数：{views}</p>'
                      '<div class="share"><p>分享到：微信 微博 QQ空间</p></div>')
        if cfg["anti_fraud"]:
            paras += f'<p style="text-indent: 2em; text-align: justify;"><strong>{ANTI_FRAUD}</strong></p>'
        if xxgk:
            title_block = f"""<table class="xxgk-table">
<tr><td>索引号：</td><td>{_e(index_no(doc))}</td><td>分类：</td><td>{_e(col_name)}</td></tr>
<tr><td>发布机构：</td><td>{_e(doc.issuer or site.name)}</td><td>成文日期：</td><td>{_e(doc.written_date or doc.publish_date)}</td></tr>
<tr><td>发布日期：</td><td>{doc.publish_date}</td><td>有效性：</td><td>{_e(doc.validity or '有效')}</td></tr>
</table>
<div class="atricle-title"><!--<$[标题]>begin-->{_e(doc.title)}<!--<$[标题]>end--></div>
<div class="atricle-wh"><!--<$[引题]>begin-->{_e(doc.doc_number or '')}<!--<$[引题]>end--></div>"""
        else:
            title_block = f"""<div class="atricle-title">
    <!--<$[标题名称(html)]>begin-->{_e(doc.title)}<!--<$[标题名称(html)]>end-->
</div>"""
        crumbs = "".join([f"<span id='ss_webid'>{cfg['webid']}</span>", f"<span id='col1_name'>{_e(col_name)}</span>",
                          f"<span id='col1_url'>/col/col{doc.column}/index.html</span>"])
        inner = f"""<div id='hiddenLocation' style='display:none;'>{crumbs}</div>
<div class="atricle" id="c">
{title_block}
<div class="sub"><span class="wzy-rq">日期：{doc.publish_date}</span> <span class="wzy-fwcs">访问次数：</span></div>
<div id="zoom">
<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{paras}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->
</div>
<div class="bottom-right fr"><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close();">【关闭】</a></div>
</div>"""
        return html_response(self._frame(site, f"{site.name} {col_name} {doc.title}", inner, head))
