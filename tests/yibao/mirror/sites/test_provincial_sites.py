"""The four provincial mirror sites (gd_nfcms, sh_static, zj_jpaas, sc_trs):
realistic default content, real attachments, byte-stable pages, every link on
every list page resolving over real HTTP, live publish."""
from __future__ import annotations

import io
import re
import pytest
import requests

from yibao.mirror.model import MirrorDocument, Request
from yibao.mirror.server import MirrorServer
from yibao.mirror.sites import discover_renderers, gd_nfcms, sc_trs, sh_static, zj_jpaas

MODULES = {"gd_hsa": gd_nfcms, "sh_ybj": sh_static, "zj_ybj": zj_jpaas, "sc_ybj": sc_trs}
PAGE_SIZES = {"gd_hsa": gd_nfcms.PAGE_SIZE, "sh_ybj": sh_static.PAGE_SIZE, "zj_ybj": zj_jpaas.ZjJpaasRenderer.page_size,
              "sc_ybj": sc_trs.PAGE_SIZE}
LISTS = {
    "gd_hsa": ["/zwgk/zfxxgkml/bmwj/gfxwj/index.html", "/zwgk/zfxxgkml/bmwj/gfxwj/index_2.html", "/zwgk/tzgg/index.html"],
    "sh_ybj": ["/gfxwj/index.html", "/gfxwj/index_2.html", "/zcjd/index.html"],
    "sc_ybj": ["/scsybj/nc010105/yy_zfxxgklist_gfxwj.shtml", "/scsybj/nc010105/yy_zfxxgklist_gfxwj_1.shtml",
               "/scsybj/nc010416/yy_zfxxgklist_tzgg.shtml"],
}


@pytest.fixture(scope="module")
def sites():
    return {sid: mod.default_site() for sid, mod in MODULES.items()}


@pytest.fixture(scope="module")
def mirror(sites):
    with MirrorServer(sites=list(sites.values())) as srv:
        yield srv


def test_renderers_are_discovered():
    found = discover_renderers()
    assert {"gd_nfcms", "sh_static", "zj_jpaas", "sc_trs"} <= set(found)


@pytest.mark.parametrize("sid", sorted(MODULES))
def test_default_content_is_realistic(sites, sid):
    site = sites[sid]
    assert site.id == sid and site.name.endswith("医疗保障局")
    ids = [d.doc_id for d in site.documents]
    assert len(ids) == len(set(ids)) >= 15
    assert all(d.site == sid and d.column in site.columns for d in site.documents)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.publish_date) for d in site.documents)
    biggest = max(len(site.column_documents(c)) for c in site.columns)
    assert biggest > PAGE_SIZES[sid]  # at least two list pages on one column
    numbered = [d.doc_number for d in site.documents if d.doc_number]
    assert numbered and all(re.fullmatch(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", n) for n in numbered)


@pytest.mark.parametrize("sid", sorted(MODULES))
def test_attachments_are_real_files_with_cjk_text(sites, sid):
    atts = [a for d in sites[sid].documents for a in d.attachments]
    assert atts
    for att in atts:
        if att.filename.endswith(".pdf"):
            assert att.data[:4] == b"%PDF"
            import pdfplumber

            with pdfplumber.open(io.BytesIO(att.data)) as pdf:
                assert att.name in pdf.pages[0].extract_text()
        elif att.filename.endswith(".xlsx"):
            assert att.data[:4] == b"PK\x03\x04"
        else:
            pytest.skip("pdfgen unavailable: text fallback attachments")


def test_pages_are_byte_stable(sites):
    for sid, paths in LISTS.items():
        site = sites[sid]
        renderer = discover_renderers()[site.family]
        for path in paths:
            one = renderer.handle(site, Request("GET", path)).body
            assert one == renderer.handle(site, Request("GET", path)).body, path


@pytest.mark.parametrize("sid", sorted(LISTS))
def test_every_list_link_resolves(mirror, sid):
    base = f"{mirror.base_url}/{sid}"
    hrefs = set()
    for path in LISTS[sid]:
        resp = requests.get(base + path, timeout=5)
        assert resp.status_code == 200, path
        hrefs.update(re.findall(r'href="(/%s/[^"#]+)"' % sid, resp.text))
    articles = [h for h in hrefs if re.search(r"(post_\d+|[0-9a-f]{32})\.s?html$", h)]
    assert len(articles) >= 15
    for href in articles:
        assert requests.get(mirror.base_url + href, timeout=5).status_code == 200, href


def test_unknown_paths_are_404(mirror):
    for sid in MODULES:
        assert requests.get(f"{mirror.base_url}/{sid}/no/such/page.html", timeout=5).status_code == 404


def test_zj_unit_api_over_http(mirror):
    url = f"{mirror.base_url}/zj_ybj{zj_jpaas.UNIT_PATH}"
    params = {"webId": zj_jpaas.WEB_ID, "pageId": "1229113757", "tagId": zj_jpaas.TAG_ID,
              "paramJson": '{"pageNo":2,"pageSize":15}'}
    data = requests.get(url, params=params, timeout=5).json()
    assert data["success"] and data["code"] == "200" and 'pageNo="2"' in data["data"]["html"]
    bad = requests.get(url, params={**params, "webId": "1"}, timeout=5).json()
    assert bad["success"] is False


def test_published_document_appears_live(mirror, sites):
    site = mirror.sites["sc_ybj"]
    doc = MirrorDocument(site="sc_ybj", column="nc010105", doc_id="9001", title="四川省医疗保障局关于调整医用耗材目录的补充通知",
                         publish_date="2026-09-20", body="各市（州）医疗保障局：\n现就医用耗材目录有关事项补充通知如下。",
                         doc_number="川医保规〔2026〕5号", issuer="四川省医疗保障局", written_date="2026-09-18")
    mirror.publish(doc)
    html = requests.get(f"{mirror.base_url}/sc_ybj/scsybj/nc010105/yy_zfxxgklist_gfxwj.shtml", timeout=5).text
    assert doc.title in html
    page = requests.get(f"{mirror.base_url}/sc_ybj" + sc_trs.article_path(site, doc), timeout=5)
    assert page.status_code == 200 and "川医保规〔2026〕5号" in page.text
