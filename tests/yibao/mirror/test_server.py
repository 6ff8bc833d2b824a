"""Mirror server: Hanweb pages, dataproxy paging, conditional GET, admin API, CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest
import requests

from scrapers.registry import get_parser
from yibao.mirror.content import default_sites, demo_update, jiangsu_site, nhsa_site
from yibao.mirror.model import MirrorDocument
from yibao.mirror.server import MirrorServer
from yibao.mirror.sites.hanweb import article_path, unit_id


@pytest.fixture(scope="module")
def mirror():
    with MirrorServer(sites=[nhsa_site(), jiangsu_site()]) as srv:
        yield srv


def test_column_page_has_datastore_param_and_total(mirror):
    html = requests.get(mirror.base_url + "/nhsa/col/col104/index.html").text
    unit = unit_id(mirror.sites["nhsa"], "104")
    assert f'<div id="{unit}"><script type="text/xml"><datastore>' in html
    assert f"var param_{unit} = {{" in html and "totalRecord:60" in html
    assert html.count("<record>") == 45
    assert unit != unit_id(mirror.sites["js_ybj"], "73935")  # not a constant


def test_dataproxy_groups_repeat_boundary_row(mirror):
    site = mirror.sites["nhsa"]
    form = {"col": "1", "webid": "1", "columnid": "104", "unitid": unit_id(site, "104"), "path": "/"}
    r = requests.post(mirror.base_url + "/nhsa/module/web/jpage/dataproxy.jsp",
                      params={"startrecord": 46, "endrecord": 90, "perpage": 15}, data=form)
    assert "<totalrecord>60</totalrecord>" in r.text and r.text.count("<record>") == 16
    docs = site.column_documents("104")
    assert re.findall(r"art_104_(\d+)", r.text)[0] == docs[44].doc_id  # the repeated 45th row
    bad = requests.post(mirror.base_url + "/nhsa/module/web/jpage/dataproxy.jsp",
                        params={"startrecord": 46, "endrecord": 90, "perpage": 15}, data={**form, "unitid": "2464"})
    assert "<record>" not in bad.text


def test_mirror_pages_parse_back_to_the_documents(mirror):
    parser = get_parser("hanweb")
    site = mirror.sites["nhsa"]
    url = mirror.base_url + "/nhsa/col/col104/index.html"
    page = parser.parse_list(requests.get(url).text, url)
    docs = site.column_documents("104")
    assert [e.title for e in page.entries] == [d.title for d in docs[:45]]
    assert [e.doc_number for e in page.entries] == [d.doc_number for d in docs[:45]]
    art = requests.get(page.entries[0].url)
    parsed = parser.parse_article(art.text, art.url)
    assert parsed.body_text == docs[0].body + "\n附件：\n1.检验类医疗服务价格项目立项指南（试行）\n2.检验类医疗服务价格项目立项指南映射关系表"
    att = requests.get(parsed.attachments[0].url)
    assert att.status_code == 200 and "spreadsheetml" in att.headers["Content-Type"]


def test_conditional_get_and_publish(mirror):
    url = mirror.base_url + "/js_ybj/col/col73935/index.html"
    first = requests.get(url)
    etag, lm = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": lm}).status_code == 304
    doc = MirrorDocument(site="js_ybj", column="73935", doc_id="99", title="江苏省医疗保障局关于测试发布的通知",
                         publish_date="2026-09-01", body="正文第一段。")
    r = requests.post(mirror.base_url + "/__mirror__/publish", data=json.dumps(doc.to_dict()))
    assert r.status_code == 200
    after = requests.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and doc.title in after.text


def test_failure_modes_and_admin_errors(mirror):
    base = mirror.base_url
    assert requests.post(base + "/__mirror__/failure", json={"site": "nhsa", "mode": "challenge_412"}).status_code == 200
    r = requests.get(base + "/nhsa/col/col104/index.html")
    assert r.status_code == 412 and "$_ts" in r.text
    mirror.set_failure("nhsa", "503")
    assert requests.get(base + "/nhsa/col/col104/index.html").headers["Retry-After"] == "120"
    mirror.set_failure("nhsa", None)
    assert requests.post(base + "/__mirror__/failure", json={"site": "nhsa", "mode": "bogus"}).status_code == 400
    assert requests.post(base + "/__mirror__/publish", json={"site": "nhsa"}).status_code == 400


def test_robots_per_site_and_root(mirror):
    root = requests.get(mirror.base_url + "/robots.txt").text
    assert "Disallow: /nhsa/private/" in root
    assert "Disallow: /private/" in requests.get(mirror.base_url + "/nhsa/robots.txt").text


def test_default_sites_include_hanweb_and_demo_update():
    ids = {s.id for s in default_sites()}
    assert {"nhsa", "js_ybj"} <= ids
    doc = demo_update()
    assert doc.site == "nhsa" and "同时废止" in doc.body and doc.attachments


def test_cli_serve_and_publish_demo(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "yibao", "mirror", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not m:
            proc.kill()   # so reading its stderr cannot block
            pytest.fail(f"unexpected first line {line!r}; stderr: {proc.stderr.read()[-2000:]}")
        base = m.group(1)
        assert "export YIBAO_MIRROR_URL=" + base in proc.stdout.readline() + proc.stdout.readline()
        out = subprocess.run([sys.executable, "-m", "yibao", "mirror", "publish-demo", "--url", base],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        html = urllib.request.urlopen(base + "/nhsa/col/col104/index.html", timeout=10).read().decode("utf-8")
        assert demo_update().title in html
        # the re-check modes over the admin API: an in-place revision and a withdrawn page
        doc = nhsa_site().column_documents("104")[3]
        art = base + "/nhsa" + article_path(doc)
        before = urllib.request.urlopen(art, timeout=10).read().decode("utf-8")
        line = doc.body.split("\n")[1]
        out = subprocess.run([sys.executable, "-m", "yibao", "mirror", "revise", "--url", base, "nhsa", doc.doc_id,
                              line[:12], "【已更正】"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        after = urllib.request.urlopen(art, timeout=10).read().decode("utf-8")
        assert "【已更正】" in after and "【已更正】" not in before
        assert re.search(r"Maketime' content='([^']+)'", after).group(1) != \
            re.search(r"Maketime' content='([^']+)'", before).group(1)
        out = subprocess.run([sys.executable, "-m", "yibao", "mirror", "withdraw", "--url", base, "nhsa", doc.doc_id],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert requests.get(art, timeout=10).status_code == 404
        assert doc.title in requests.get(base + "/nhsa/col/col104/index.html", timeout=10).text  # still listed
        # wrong site / id / passage: one readable line, exit 2
        for args, said in ((["nosite", doc.doc_id, "x", "y"], "no mirror site 'nosite'; known: "),
                           (["nhsa", "nosuch", "x", "y"], "no document 'nosuch' on mirror site 'nhsa'"),
                           (["nhsa", doc.doc_id, "不在正文里", "y"], "is not in the body of nhsa/")):
            out = subprocess.run([sys.executable, "-m", "yibao", "mirror", "revise", "--url", base, *args],
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 2 and f"yibao mirror: error: mirror refused (HTTP 400): " in out.stderr
            assert said in out.stderr and '\\"' not in out.stderr and "{" not in out.stderr, out.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_attachments_answer_conditional_get(mirror):
    doc = mirror.sites["nhsa"].column_documents("104")[0]
    url = f"{mirror.base_url}/nhsa/module/download/downfile.jsp?classid=0&filename={doc.attachments[0].filename}"
    first = requests.get(url, timeout=10)
    assert first.status_code == 200 and first.headers["ETag"]
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10).status_code == 304
    mirror.revise_attachment("nhsa", doc.doc_id, doc.attachments[0].data + b"\n")
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 200 and again.content != first.content  # new bytes behind the same link
