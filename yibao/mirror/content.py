"""Default mirror content: realistic documents for every CMS family.

Hanweb sites (国家医保局 "nhsa", 江苏省医保局 "js_ybj") are built here; every
other family module in ``yibao.mirror.sites`` contributes through its own
``default_site()`` (or ``default_sites()``), so those modules never edit this
file. Bodies reuse the real 青海 policy texts from ../shared/corpus when present,
with a built-in fallback so the mirror also works without them.
"""
from __future__ import annotations

import hashlib
import tempfile
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from yibao.mirror.model import MirrorAttachment, MirrorDocument, MirrorSite
from yibao.mirror.sites import family_modules

REPO = Path(__file__).resolve().parents[2]
QINGHAI = REPO.parent / "shared" / "corpus" / "qinghai-texts"

FALLBACK_BODY = """各省、自治区、直辖市及新疆生产建设兵团医疗保障局：
为贯彻落实党中央、国务院关于深化医疗保障制度改革的决策部署，进一步规范医疗保障基金使用，现就有关事项通知如下。
一、提高思想认识。各级医疗保障部门要充分认识做好本项工作的重要意义，切实加强组织领导，明确责任分工。
二、明确工作任务。各地要按照本通知要求，结合本地实际，于2026年12月31日前完成相关工作，并将进展情况报送国家医疗保障局。
三、加强监督管理。各级医疗保障部门要加强对定点医药机构的监督检查，对违法违规使用医保基金的行为依法依规严肃处理。
四、做好宣传解读。各地要通过多种渠道做好政策宣传解读，及时回应社会关切，营造良好舆论氛围。
本通知自印发之日起施行。执行中遇到的问题，请及时向国家医疗保障局报告。"""

_NHSA_104 = [
    ("国家医保局 财政部关于做好{y}年城乡居民基本医疗保障工作的通知", "医保发〔{y}〕{n}号"),
    ("国家医保局办公室关于印发《{t}类医疗服务价格项目立项指南（试行）》的通知", "医保办发〔{y}〕{n}号"),
    ("国家医保局 国家卫生健康委关于完善{t}医疗服务价格政策的通知", "医保发〔{y}〕{n}号"),
    ("国家医保局办公室关于进一步加强医疗保障定点医疗机构{t}管理的通知", "医保办函〔{y}〕{n}号"),
    ("国家医疗保障局关于印发《医疗保障基金使用监督管理{t}办法》的通知", "医保发〔{y}〕{n}号"),
]
_TOPICS = ["检验", "手术", "中医", "护理", "康复", "病理", "放射检查", "超声检查", "口腔", "精神卫生", "产科", "麻醉"]
_NHSA_105 = ["《{t}类医疗服务价格项目立项指南（试行）》政策解读", "一图读懂：{y}年城乡居民医保参保缴费政策",
             "关于DRG/DIP付费2.0版分组方案的解读", "《医疗保障基金使用监督管理条例实施细则》答记者问"]
_NHSA_109 = ["国家医疗保障局关于公布{y}年{t}药品目录调整结果的公告", "关于开展{y}年医保基金飞行检查的通知",
             "国家医保局关于{t}集中带量采购中选结果的公示", "关于举办全国医疗保障经办业务培训班的通知"]
_NHSA_113 = ["关于公开征求《{t}医疗服务价格项目立项指南（征求意见稿）》意见的公告",
             "国家医保局关于《医疗保障定点医药机构{t}管理办法（征求意见稿）》公开征求意见的通知"]
_JS_A = ["江苏省医疗保障局关于做好{y}年度{t}医疗服务价格调整工作的通知", "省医保局关于公布第{n}批{t}医疗服务价格项目的通知"]
_JS_B = ["江苏省医疗保障局关于开展{t}专项治理工作的通知", "关于{y}年全省医保定点医疗机构{t}检查情况的通报"]


@lru_cache(maxsize=1)
def _bodies() -> tuple[str, ...]:
    """Real policy texts (first paragraphs), or the fallback text."""
    texts = []
    if QINGHAI.is_dir():
        for path in sorted(QINGHAI.glob("*.normalized.txt")):
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            if lines:
                texts.append("\n".join(lines[:14]))
    return tuple(texts) or (FALLBACK_BODY,)


def _body(i: int) -> str:
    bodies = _bodies()
    return bodies[i % len(bodies)]


@lru_cache(maxsize=None)
def make_attachment(name: str, kind: str, lines: tuple[str, ...] = ()) -> MirrorAttachment:
    """A real PDF/XLSX with CJK text (yibao.testing.pdfgen), or a text file if that is unavailable."""
    text_lines = list(lines) or [name, "（本附件由医保政策镜像站生成）"]
    data: bytes | None = None
    ext = kind
    try:
        from yibao.testing import pdfgen

        with tempfile.TemporaryDirectory(prefix="yibao-mirror-") as tmp:
            path = Path(tmp) / f"a.{kind}"
            if kind == "pdf":
                pdfgen.make_policy_pdf(path, [name, *text_lines])
            elif kind == "xlsx":
                pdfgen.make_catalogue_xlsx(path, rows=30)
            elif kind == "docx":
                pdfgen.make_docx(path, [name, *text_lines])
            data = path.read_bytes()
    except (ImportError, OSError, RuntimeError):
        data = None  # pdfgen or its CJK font missing: fall back to plain text
    if data is None:
        ext, data = "txt", ("\n".join([name, *text_lines]) + "\n").encode("utf-8")
    filename = hashlib.md5(name.encode("utf-8") + data[:64]).hexdigest() + "." + ext
    return MirrorAttachment(name=name, filename=filename, data=data)


def _docs(site: str, column: str, templates: list, count: int, start: date, first_id: int,
          step_days: int, numbered: bool = False) -> list[MirrorDocument]:
    docs = []
    for i in range(count):
        tpl = templates[i % len(templates)]
        title_tpl, num_tpl = tpl if isinstance(tpl, tuple) else (tpl, None)
        day = start - timedelta(days=i * step_days)
        fill = {"y": day.year, "t": _TOPICS[(i * 7 + len(column)) % len(_TOPICS)], "n": 10 + (i * 3) % 80}
        doc_number = num_tpl.format(**fill) if num_tpl and numbered else None
        docs.append(MirrorDocument(
            site=site, column=column, doc_id=str(first_id - i), title=title_tpl.format(**fill),
            publish_date=day.isoformat(), body=_body(i + len(column)), doc_number=doc_number,
            issuer="国家医疗保障局" if site == "nhsa" else "江苏省医疗保障局",
            written_date=(day - timedelta(days=3)).isoformat() if numbered else None,
            validity="有效" if numbered else None,
        ))
    return docs


def nhsa_site() -> MirrorSite:
    today = date(2026, 8, 20)
    docs = (_docs("nhsa", "104", _NHSA_104, 60, today, 21800, 5, numbered=True)
            + _docs("nhsa", "105", _NHSA_105, 8, today - timedelta(days=1), 21700, 9)
            + _docs("nhsa", "109", _NHSA_109, 12, today - timedelta(days=2), 21650, 7)
            + _docs("nhsa", "113", _NHSA_113, 5, today - timedelta(days=3), 21600, 20))
    docs[0] = _lixiang_trial(docs[0])
    docs[0].attachments = [make_attachment("检验类医疗服务价格项目立项指南（试行）", "xlsx"),
                           make_attachment("检验类医疗服务价格项目立项指南映射关系表", "pdf",
                                           ("映射关系表", "编码 项目名称 映射国家项目"))]
    docs[1].attachments = [make_attachment("2026年城乡居民基本医疗保障工作要点", "pdf",
                                           tuple(_body(1).split("\n")[:10]))]
    notice = next(d for d in docs if d.column == "109")
    notice.extra["foreign_attachment"] = {"name": "相关材料（外部站点）", "url": "http://files.example.org/attach/9f2c.pdf"}
    return MirrorSite(
        id="nhsa", family="hanweb", columns=["104", "105", "109", "113"], documents=docs, name="国家医疗保障局",
        column_names={"104": "政策法规", "105": "政策解读", "109": "通知公告", "113": "征求意见"},
        extra={"webid": 1, "per_page": 15, "group_size": 3, "xxgk_columns": ["104"], "anti_fraud": True,
               "domain": "www.nhsa.gov.cn"},
    )


def _lixiang_trial(slot: MirrorDocument) -> MirrorDocument:
    """The 试行 guide that the demo's revised notice (demo_update) supersedes."""
    return MirrorDocument(
        site="nhsa", column="104", doc_id=slot.doc_id,
        title="国家医保局办公室关于印发《检验类医疗服务价格项目立项指南（试行）》的通知",
        publish_date=slot.publish_date,
        body="\n".join([
            "各省、自治区、直辖市及新疆生产建设兵团医疗保障局：",
            "为规范检验类医疗服务价格项目，现将《检验类医疗服务价格项目立项指南（试行）》印发给你们，请认真贯彻执行。",
            "一、主项目662个，加收项114个，扩展项7个。",
            "二、各省级医疗保障部门应于2026年12月31日前完成本省价格项目的映射和对接工作。",
            "三、定点医疗机构不得将检验项目分解收费。",
            "四、本通知自印发之日起施行。",
        ]),
        doc_number="医保办发〔2026〕9号", issuer="国家医疗保障局办公室", written_date=slot.written_date,
        validity="有效",
    )


def jiangsu_site() -> MirrorSite:
    today = date(2026, 8, 18)
    docs = (_docs("js_ybj", "73935", _JS_A, 14, today, 11822000, 6)
            + _docs("js_ybj", "73936", _JS_B, 6, today - timedelta(days=2), 11821000, 11))
    return MirrorSite(
        id="js_ybj", family="hanweb", columns=["73935", "73936"], documents=docs, name="江苏省医疗保障局",
        column_names={"73935": "政策文件", "73936": "工作动态"},
        extra={"webid": 62, "per_page": 10, "group_size": 3, "domain": "ybj.jiangsu.gov.cn"},
    )


def default_sites() -> list[MirrorSite]:
    """Every site of the default scenario: Hanweb here, other families from their modules."""
    sites = [nhsa_site(), jiangsu_site()]
    for name, module in sorted(family_modules().items()):
        if name == "hanweb":
            continue
        if hasattr(module, "default_sites"):
            sites.extend(module.default_sites())
        elif hasattr(module, "default_site"):
            sites.append(module.default_site())
    return sites


def demo_update() -> MirrorDocument:
    """A superseding 政策法规 notice to publish live in the demo."""
    return MirrorDocument(
        site="nhsa", column="104", doc_id="21801",
        title="国家医保局办公室关于印发《检验类医疗服务价格项目立项指南（2026年修订版）》的通知",
        publish_date="2026-08-25",
        body="\n".join([
            "各省、自治区、直辖市及新疆生产建设兵团医疗保障局：",
            "为进一步规范检验类医疗服务价格项目，现将修订后的《检验类医疗服务价格项目立项指南（2026年修订版）》印发给你们，请认真贯彻执行。",
            "一、主项目658个，加收项118个，扩展项7个。",
            "二、各省级医疗保障部门应于2026年10月31日前完成本省价格项目的映射和对接工作。",
            "三、定点医疗机构不得将检验项目分解收费，违反规定的，由医疗保障行政部门责令退回，并处违规金额1倍以上2倍以下罚款。",
            "四、本通知自2026年12月1日起施行。《检验类医疗服务价格项目立项指南（试行）》（医保办发〔2026〕9号）同时废止。",
        ]),
        doc_number="医保办发〔2026〕21号", issuer="国家医疗保障局办公室", written_date="2026-08-22", validity="有效",
        attachments=[make_attachment("检验类医疗服务价格项目立项指南（2026年修订版）", "pdf",
                                     ("主项目658个", "加收项118个", "扩展项7个"))],
    )


# ------------------------------------------------------------------ scenario helpers
def shift_dates(site: MirrorSite, newest: date) -> MirrorSite:
    """Move every document's dates by one offset so the newest is dated ``newest`` (ages relative
    to a clock: the re-check tests need articles exactly 10 and 200 days old)."""
    latest = max(date.fromisoformat(d.publish_date) for d in site.documents)
    delta = newest - latest
    for doc in site.documents:
        doc.publish_date = (date.fromisoformat(doc.publish_date) + delta).isoformat()
        if doc.written_date:
            doc.written_date = (date.fromisoformat(doc.written_date) + delta).isoformat()
    return site


def old_records(site: MirrorSite, column: str, count: int, newest: date, step_days: int = 40) -> list[MirrorDocument]:
    """``count`` older documents of a column (dated ``newest`` and back): published after a
    baseline they sort behind every known row, reachable only through deeper list pages."""
    template = site.column_documents(column)[0]
    docs = []
    for i in range(count):
        day = newest - timedelta(days=i * step_days)
        extra = {k: v for k, v in template.extra.items() if k in ("category", "doc_type")}
        docs.append(MirrorDocument(
            site=site.id, column=column, doc_id=f"{template.doc_id}{900 + i}",
            title=f"关于做好{day.year}年度第{i + 1}批医疗保障{_TOPICS[i % len(_TOPICS)]}工作的通知",
            publish_date=day.isoformat(), body=_body(i + 3), issuer=template.issuer, extra=extra))
    return docs
