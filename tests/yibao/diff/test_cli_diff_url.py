"""`yibao diff <stored version> <its URL>` over real HTTP, for every site family: the page is read
as the watcher stores it (site parser, furniture stripped, attachments), so an unchanged page
shows no change, and an in-place revision shows exactly that change."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from scrapers.config import load_sources
from scrapers.http import Fetcher
from yibao.cli import main
from yibao.mirror.content import default_sites
from yibao.mirror.server import MirrorServer
from yibao.pipeline.watch import scrape_source
from yibao.store import Version, open_session

FAMILIES = ["nhsa", "gd_hsa", "sh_ybj", "zj_ybj", "sc_ybj"]   # hanweb, gd_nfcms, sh_static, zj_jpaas, sc_trs


@pytest.fixture(params=FAMILIES)
def stored_site(request, yibao_db):
    site = next(s for s in default_sites() if s.id == request.param)
    with MirrorServer(sites=[site]) as mirror:
        source = next(s for s in load_sources(overrides={"mirror_url": mirror.base_url}) if s.id == site.id)
        now = dt.datetime.combine(max(dt.date.fromisoformat(d.publish_date) for d in site.documents)
                                  + dt.timedelta(days=10), dt.time(2, 0))
        with open_session() as session:
            scrape_source(session, source, Fetcher(min_delay_s=0, timeout_s=5, retries=0, challenge_cooldown_s=0),
                          now=now)
            session.commit()
            yield mirror, site, session


def _diff(capsys, old: str, new: str) -> dict:
    assert main(["diff", old, new, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_stored_version_against_its_own_page_shows_no_change(stored_site, capsys, monkeypatch):
    mirror, _, session = stored_site
    # as a user of the mirror runs it: every configured source then claims the mirror's one host
    monkeypatch.setenv("YIBAO_MIRROR_URL", mirror.base_url)
    versions = session.scalars(select(Version).order_by(Version.id)).all()
    with_attachment = [v for v in versions if "【附件：" in v.text][:2]
    for version in with_attachment + versions[:3]:
        result = _diff(capsys, str(version.id), version.url)
        assert result["changes"] == [], (version.url, result["changes"][:2])
        assert not result["stats"]["truncated_old"] and not result["stats"]["truncated_new"], version.url


def test_a_document_served_at_a_url_is_extracted_like_a_file(stored_site, capsys):
    import re

    _, _, session = stored_site
    version = next((v for v in session.scalars(select(Version)) if "【附件：" in v.text), None)
    if version is None:
        pytest.skip("this family's mirror pages carry no attachment")
    import requests
    from scrapers.registry import parse_article
    link = parse_article(requests.get(version.url, timeout=10).text, version.url, sources=[]).attachments[0]
    result = _diff(capsys, link.url, link.url)
    assert result["changes"] == []
    from yibao.diff.page_source import page_text
    text = page_text(link.url)
    assert text.strip() and not re.match(r"%PDF|PK", text)


def test_an_empty_page_is_refused(monkeypatch):
    from yibao.diff import page_source
    from yibao.diff.sources import SourceError

    monkeypatch.setattr(page_source, "download", lambda url, allowed=None: page_source.Download(b" \n", None, url))
    with pytest.raises(SourceError, match="empty page"):
        page_source.page_text("http://example.org/empty")


def test_other_url_schemes_get_a_clear_error(capsys):
    assert main(["diff", "ftp://example.org/a.txt", "ftp://example.org/b.txt"]) == 2
    assert "unsupported URL scheme ftp" in capsys.readouterr().err


def test_a_page_revised_in_place_shows_the_revision(stored_site, capsys):
    mirror, site, session = stored_site
    versions = session.scalars(select(Version)).all()
    for doc in sorted(site.documents, key=lambda d: d.publish_date, reverse=True):
        sentence = next((s.strip() + "。" for s in doc.body.split("。") if len(s.strip()) > 8), None)
        if sentence and sum(sentence in other.body for other in site.documents) == 1:
            version = next((v for v in versions if sentence.replace("\n", "") in v.text.replace("\n", "")), None)
            if version is not None:
                break
    mirror.revise_in_place(site.id, doc.doc_id, sentence, sentence[:-1] + "，自2027年1月1日起施行。")
    result = _diff(capsys, str(version.id), version.url)
    assert any("2027年1月1日" in (c.get("new_text") or "") for c in result["changes"]), result["changes"]


def test_attachments_are_fetched_only_from_the_pages_site(stored_site, monkeypatch, caplog):
    # a page whose attachment links point elsewhere (an internal address): never requested, left out
    import requests

    from yibao.diff import page_source

    _, _, session = stored_site
    version = next((v for v in session.scalars(select(Version)) if "【附件：" in v.text), None)
    if version is None:
        pytest.skip("this family's mirror pages carry no attachment")
    html = requests.get(version.url, timeout=10).text
    assert "【附件：" in page_source.article_text(html, version.url)
    requested, real_get = [], requests.get
    monkeypatch.setattr(requests, "get", lambda url, **kw: requested.append(url) or real_get(url, **kw))
    text = page_source.article_text(_links_elsewhere(html, version.url), version.url)
    assert "【附件：" not in text and not any("169.254.169.254" in u for u in requested)
    assert "not on the page's site" in caplog.text


def test_a_redirect_to_another_host_is_not_followed_for_an_attachment():
    # a real HTTP server on an allowed host answering 302 to an internal address: the hop is refused
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from yibao.diff import page_source
    from yibao.diff.sources import SourceError

    requested = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/secret")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SourceError, match="not on the page's site"):
            page_source.download(f"http://127.0.0.1:{server.server_port}/a.pdf", {"127.0.0.1"})
    finally:
        server.shutdown()
    assert requested == ["/a.pdf"]


def _links_elsewhere(html: str, url: str) -> str:
    """The page with every attachment address (in links, scripts or text) pointing at an internal address."""
    from urllib.parse import urlsplit

    from scrapers.registry import parse_article

    for link in parse_article(html, url).attachments:
        parts = urlsplit(link.url)
        relative = parts.path + (f"?{parts.query}" if parts.query else "")
        folder = url.rsplit("/", 1)[0] + "/"
        beside = link.url.removeprefix(folder)   # relative to the page's folder (TRS pages)
        for form in (link.url, relative, relative.replace("&", "&amp;"), beside):
            html = html.replace(form, "http://169.254.169.254/latest/secret.pdf")
    return html
