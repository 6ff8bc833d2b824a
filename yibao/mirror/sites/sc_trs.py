"""Mirror of 四川省医疗保障局 ylbzj.sc.gov.cn (TRS WCM), shaped on the real
行政规范性文件 page (corpus SC/DOC-SC-MEDICAL-TRANSFER-2026): ``div.zpgw`` info
table, ``div.detail_con div.view.TRS_UEDITOR`` body with Word-pasted
paragraphs, ``meta PubDate`` = page generation time (not the publication date).

Lists: ``/scsybj/<col>/<list>.shtml`` (page 0) and ``<list>_<n>.shtml``, rows
``<li><a href title>…</a><span>date</span></li>``, paging by
``createPageHTML(totalPages, currentPage, "<list>", "shtml")``.
"""
from __future__ import annotations

import re

from yibao.mirror.model import MirrorDocument, MirrorSite, Request, Response, attachment_response, html_response, live
from yibao.mirror.sites import site_href
from yibao.mirror.sites._provincial_common import (AttachmentSpec, esc, hex_id, make_attachment, page_count,
                                                   page_slice, paragraphs, policy_body)

PAGE_SIZE = 10
GENERATED_AT = "2026-09-01 16:03:47"  # fixed so pages are byte-stable (conditional GET)
_LIST_RE = re.compile(r"^/scsybj/(\w+)/([A-Za-z0-9_]+?)(?:_(\d+))?\.shtml$")
_ART_RE = re.compile(r"^/scsybj/(\w+)/(\d{4})/(\d{1,2})/(\d{1,2})/([0-9a-f]{32})\.shtml$")
_FILE_RE = re.compile(r"^/scsybj/(\w+)/(\d{4})/(\d{1,2})/(\d{1,2})/([0-9a-f]{32})/files/([^/]+)$")


def doc_hex(site: MirrorSite, doc: MirrorDocument) -> str:
    return doc.extra.get("hex") or hex_id(site.id, doc.doc_id)


def article_path(site: MirrorSite, doc: MirrorDocument) -> str:
    y, m, d = (int(x) for x in doc.publish_date.split("-"))
    return f"/scsybj/{doc.column}/{y}/{m}/{d}/{doc_hex(site, doc)}.shtml"


class ScTrsRenderer:
    family = "sc_trs"

    def handle(self, site: MirrorSite, req: Request) -> Response | None:
        path = req.path
        if m := _FILE_RE.match(path):
            att = site.find_attachment(m.group(6))
            return attachment_response(att) if att else None
        if m := _ART_RE.match(path):
            doc = next((d for d in site.documents if doc_hex(site, d) == m.group(5)), None)
            return html_response(self.article(site, doc)) if live(doc) else None
        if (m := _LIST_RE.match(path)) and m.group(1) in site.columns \
                and site.extra.get("list_pages", {}).get(m.group(1)) == m.group(2):
            return self.list_page(site, m.group(1), m.group(2), int(m.group(3) or 0))
        return None

    # ---------------------------------------------------------------- list
    def list_page(self, site: MirrorSite, column: str, list_name: str, index: int) -> Response | None:
        docs = [] if site.failure == "empty" else site.column_documents(column)
        pages = page_count(len(docs), PAGE_SIZE)
        if index >= pages:
            return None
        rows = page_slice(docs, index + 1, PAGE_SIZE)
        name = site.column_names.get(column, column)
        if site.failure == "redesign":  # the new template: a table, no TRS pager
            items = "\n".join(
                f'<tr><td class="bt"><a href="{site_href(site, article_path(site, d))}">{esc(d.title)}</a></td>'
                f'<td class="rq">{d.publish_date}</td></tr>' for d in rows)
            listing = f'<div class="xxgk-table"><table>{items}</table></div>'
        else:
            items = "\n".join(
                f'<li><a href="{site_href(site, article_path(site, d))}" target="_blank" title="{esc(d.title)}">'
                f'{esc(_cut(d.title))}</a><span>{d.publish_date}</span></li>' for d in rows)
            listing = (f'<div class="zfxxgk_list"><ul class="list">\n{items}\n</ul></div>\n'
                       f'<div class="page"><script type="text/javascript">'
                       f'createPageHTML({pages}, {index}, "{list_name}", "shtml");</script></div>')
        body = f"""<div class="container_col pd16">
<div class="current"><a href="{site_href(site, '/scsybj/index.shtml')}">首页</a>&nbsp;/&nbsp;政务公开&nbsp;/&nbsp;<span>{esc(name)}</span></div>
<div class="zfxxgk_right"><div class="zfxxgk_title">{esc(name)}</div>
{listing}
</div></div>"""
        return html_response(_frame(site, name, "", body))

    # ------------------------------------------------------------- article
    def article(self, site: MirrorSite, doc: MirrorDocument) -> str:
        hexid = doc_hex(site, doc)
        name = site.column_names.get(doc.column, doc.column)
        raw_title = f"{doc.doc_number}    {doc.title}" if doc.doc_number else doc.title
        index_no = doc.extra.get("index_no") or f"y41332000/{doc.publish_date[:4]}-{_serial(doc.doc_id):05d}"
        cell = 'width="80px" height="40px" align="right"'
        table = f"""<div class="zpgw">
      <table width="1100px">
        <tbody><tr>
        	<td {cell}><b>索  引  号：</b></td><td><b>{esc(index_no)}</b></td>
        	<td {cell}><b>公文种类：</b></td><td><b>{esc(doc.extra.get('doc_type', '通知'))}</b></td>
        	<td {cell}><b>发布机构：</b></td><td><b>{esc(doc.issuer or site.name)}</b></td>
        </tr>
        <tr>
        	<td {cell}><b>成文日期：</b></td><td><b>{doc.written_date or doc.publish_date}</b></td>
        	<td {cell}><b>发布日期：</b></td><td><b>{doc.publish_date}</b></td>
          <td {cell}><b>文      号：</b></td><td><b>{esc(doc.doc_number or '')}</b></td>
        </tr>
        <tr>
        	<td {cell}><b>有 效  性：</b></td><td><b>{esc(doc.validity or '有效')}</b></td>
        </tr>
      </tbody></table>"""
        paras = [f'<p class="MsoNormal" align="center" style="text-align: center; line-height: 32pt;">'
                 f'<span style="font-size: 22pt;"><font face="方正小标宋简体">{esc(doc.title)}</font></span></p>']
        for line in paragraphs(doc.body):
            font = "黑体" if re.match(r"^[一二三四五六七八九十]+、", line) else "仿宋_GB2312"
            paras.append(f'<p class="MsoNormal" style="margin: 0pt 0pt 0.0001pt; text-indent: 32pt; '
                         f'line-height: 28.8pt;"><span style="font-family: {font}; font-size: 16pt;">'
                         f'{esc(line)}</span><span style="font-family: {font}; font-size: 16pt;"><o:p></o:p></span></p>')
        for att in doc.attachments:
            ext = att.filename.rsplit(".", 1)[-1]
            paras.append(f'<p class="MsoNormal"><span style="font-family: 仿宋_GB2312;">附件：'
                         f'<img border="0" src="{hexid}/images/{ext}.gif">'
                         f'<a href="{hexid}/files/{esc(att.filename)}" target="_blank">{esc(att.name)}</a></span></p>')
        body_class = "article_body" if site.failure == "redesign" else "view TRS_UEDITOR trs_paper_default trs_web"
        related = ""
        for rid in doc.extra.get("related", []):
            rel = site.find_document(rid)
            if rel is not None:
                related += (f'<a href="{site_href(site, article_path(site, rel))}" target="_blank" '
                            f'title="{esc(rel.title)}">{esc(rel.title)}</a>\n')
        body = f"""<div class="mt10"></div>
<div class="container_col pd16">
    <div class="current">
<a href="{site_href(site, '/scsybj/index.shtml')}" target="_parent">首页</a>&nbsp;/&nbsp;<a href="{site_href(site, '/scsybj/nc010200/yy_zfxxgklist1648106680126.shtml')}" target="_parent">政务公开</a>&nbsp;/&nbsp;<span>{esc(name)}</span>
    </div>
    {table}
        <!--<h1><span>
				{esc(raw_title)}
			</span></h1>-->
        <div class="info">
                <table align="right" style="margin-right: 20px;"><tbody><tr><td>分享到：</td><td>
                <div class="bdsharebuttonbox"><a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信"></a></div>
                </td></tr></tbody></table>
                <div class="clearboth"></div>
        </div>
        <div class="detail_con">
            <div class="{body_class}">
              	<style>.TRS_UEDITOR>table{{ margin: 0 auto !important; }}</style>
             	{chr(10).join(paras)}
            </div>
            <div>
                <span>政策解读：</span>
              	{related}
          </div>
        </div>
    </div>
</div>"""
        head = f"""<meta name="ArticleTitle" content="{esc(raw_title)}">
<meta name="PubDate" content="{GENERATED_AT}">
<meta name="Keywords" content="{esc(raw_title)}">
<meta name="others" content="页面生成时间 {GENERATED_AT}">"""
        return _frame(site, name, head, body)


def _cut(title: str, n: int = 30) -> str:
    return title if len(title) <= n else title[:n] + "..."


def _frame(site: MirrorSite, column_name: str, head_extra: str, body: str) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
    <meta name="SiteName" content="{esc(site.name)}">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
  	<meta name="ContentSource" content="">
<meta name="SiteDomain" content="ylbzj.sc.gov.cn">
<meta name="SiteIDCode" content="5100000103">
<meta name="ColumnName" content="{esc(column_name)}">
<meta name="ColumnType" content="政务公开">
{head_extra}
<title>{esc(site.name)}</title>
    <link rel="stylesheet" href="{site_href(site, '/scsybj/xhtml/new/skin/css/style.css')}">
</head>
<body>
<div class="header"><div class="my_container headbj"><div class="logo"><a href="{site_href(site, '/')}" title=""><img src="{site_href(site, '/scsybj/xhtml/new/skin/picture/logo.png')}" alt=""></a></div></div></div>
<div class="nav">
    <ul id="navul">
      <li class=""><a href="{site_href(site, '/scsybj/index.shtml')}" target="_parent">首页</a></li>
      <li class=""><a href="{site_href(site, '/scsybj/nc010200/yy_zfxxgklist1648106680126.shtml')}" target="_blank">政府信息公开</a>
        <div class="subnav">
            <a href="{site_href(site, '/scsybj/nc010105/yy_zfxxgklist_gfxwj.shtml')}" target="_blank">政策</a>
            <a href="{site_href(site, '/scsybj/010900/second_list_other.shtml')}" target="_blank">政策解读</a>
        </div>
      </li>
    </ul>
</div>
<div class="theme-red">
{body}
</div>
<div class="footer"><div class="lf"><p><span>版权所有：四川省医疗保障局</span> <span>地址：成都市青羊区太升南路155号</span></p>
<p><span>政府网站标识码：5100000103</span> <span><a href="http://beian.miit.gov.cn/">蜀ICP备：19006488号</a></span></p></div></div>
</body></html>"""


# ------------------------------------------------------------ content
_GFXWJ = [
    ("四川省医疗保障局关于印发《四川省基本医疗保险医用耗材目录》的通知", "川医保规〔2026〕3号", "2026-05-22", "pdf"),
    ("四川省医疗保障局关于印发《四川省医疗保障定点医疗机构服务协议范本（2026版）》的通知", "川医保规〔2026〕2号", "2026-03-18", "pdf"),
    ("四川省医疗保障局 四川省财政厅关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知", "川医保规〔2026〕1号", "2026-01-12", None),
    ("四川省医疗保障局关于将电子耳蜗植入术和人工耳蜗纳入基本医疗保险支付范围的通知", "川医保规〔2025〕8号", "2025-11-26", None),
    ("四川省医疗保障局关于印发《四川省医疗保障基金使用监督管理办法实施细则》的通知", "川医保规〔2025〕7号", "2025-10-15", None),
    ("四川省医疗保障局关于完善“互联网+”医疗服务价格和医保支付政策的通知", "川医保规〔2025〕6号", "2025-09-03", None),
    ("四川省医疗保障局关于印发《四川省门诊慢特病管理办法》的通知", "川医保规〔2025〕5号", "2025-07-21", "xlsx"),
    ("四川省医疗保障局 四川省卫生健康委员会关于规范医疗服务价格项目的通知", "川医保规〔2025〕4号", "2025-06-10", None),
    ("四川省医疗保障局关于做好2025年城乡居民基本医疗保障工作的通知", "川医保规〔2025〕3号", "2025-05-08", None),
    ("四川省医疗保障局关于印发《四川省医疗保障经办政务服务事项清单》的通知", "川医保规〔2025〕2号", "2025-03-27", None),
    ("四川省医疗保障局关于建立医疗保障待遇清单制度的实施意见", "川医保规〔2025〕1号", "2025-01-16", None),
    ("四川省医疗保障局关于规范长期护理保险失能等级评估管理的通知", "川医保规〔2024〕9号", "2024-12-02", None),
    ("四川省医疗保障局关于调整生育保险待遇有关政策的通知", "川医保规〔2024〕8号", "2024-10-29", None),
    ("四川省医疗保障局关于印发《四川省基本医疗保险药品目录管理办法》的通知", "川医保规〔2021〕4号", "2021-06-30", None),
]
_TZGG = [
    ("四川省医疗保障局关于开展2026年度医疗保障基金飞行检查的公告", "2026-06-16"),
    ("四川省医疗保障局关于公开征求《四川省医疗服务价格项目规范（征求意见稿）》意见的公告", "2026-05-30"),
    ("关于公布2026年第一批四川省医保医用耗材挂网结果的通知", "2026-04-08"),
    ("四川省医疗保障局关于做好2026年春节期间医保服务保障工作的通知", "2026-01-20"),
]
ADDRESSEE = "各市（州）医疗保障局，四川省医疗保障事务中心："


def default_site() -> MirrorSite:
    issuer = "四川省医疗保障局"
    docs: list[MirrorDocument] = []
    for i, (title, number, date, kind) in enumerate(_GFXWJ):
        doc_id = str(7 - i if i < 3 else 100 + i)
        body = policy_body(title, ADDRESSEE, issuer, date, "我省", effective=None)
        doc = MirrorDocument(site="sc_ybj", column="nc010105", doc_id=doc_id, title=title, publish_date=date, body=body,
                             doc_number=number, issuer=issuer, written_date=date,
                             validity="失效" if date < "2022-01-01" else "有效")
        if kind:
            spec = AttachmentSpec(name=title.split("《")[-1].split("》")[0] if "《" in title else "附件", kind=kind)
            doc.attachments.append(make_attachment(spec, f"sc-{doc_id}", body))
        docs.append(doc)
    for i, (title, date) in enumerate(_TZGG):
        body = policy_body(title, "各有关单位：", issuer, date, "我省")
        docs.append(MirrorDocument(site="sc_ybj", column="nc010416", doc_id=str(500 + i), title=title,
                                   publish_date=date, body=body, issuer=issuer, written_date=date,
                                   extra={"doc_type": "公告"}))
    docs.append(MirrorDocument(
        site="sc_ybj", column="010900", doc_id="900", title="关于印发《四川省基本医疗保险医用耗材目录》的通知政策解读",
        publish_date="2026-05-22", issuer=issuer, written_date="2026-05-22", extra={"doc_type": "解读"},
        body="一、出台背景\n为落实国家医用耗材支付管理要求，统一全省医用耗材支付范围，省医疗保障局制定了《医用耗材目录》。\n"
             "二、主要内容\n《医用耗材目录》共计3605个医用耗材，统一按乙类管理，原则上3年内将个人先行自付比例调整至不超过20%。"))
    docs[0].extra["related"] = ["900"]
    return MirrorSite(
        id="sc_ybj", family="sc_trs", name="四川省医疗保障局", documents=docs,
        columns=["nc010105", "nc010416", "010900"],
        column_names={"nc010105": "行政规范性文件", "nc010416": "通知公告", "010900": "政策解读"},
        extra={"list_pages": {"nc010105": "yy_zfxxgklist_gfxwj", "nc010416": "yy_zfxxgklist_tzgg",
                              "010900": "second_list_other"}},
    )


def _serial(doc_id: str) -> int:
    return int(doc_id) % 100000 if doc_id.isdigit() else int(hex_id(doc_id)[:6], 16) % 100000
