"""Fetcher: decoding, challenges, robots, hosts, retries, conditional GET — over real HTTP."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scrapers.config import parse_source
from scrapers.errors import ChallengeError, FetchError, HostNotAllowed, ResponseTooLarge, RobotsDisallowed
from scrapers.http import DEFAULT_USER_AGENT, Fetcher, classify_challenge, decode_body, default_user_agent

ARTICLE = "<html><body><div id='zoom'>" + "<p>医疗保障基金使用监督管理条例实施细则正文段落。</p>" * 20 + "</div></body></html>"
GBK_PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            + "<p>国家医疗保障局关于做好医保支付工作的通知，请各地认真贯彻执行。</p>" * 12 + "</body></html>")
ROUTES = {
    "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
    "/ok.html": (200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}, ARTICLE.encode("utf-8")),
    "/gbk.html": (200, {"Content-Type": "text/html"}, GBK_PAGE.encode("gbk")),
    "/private/x.html": (200, {"Content-Type": "text/html"}, ARTICLE.encode("utf-8")),
    "/412.html": (412, {"Content-Type": "text/html"}, b"<html><script>$_ts={};document.cookie='a=b'</script></html>"),
    "/ruishu.html": (200, {"Content-Type": "text/html"}, b"<html><head><script>$_ts=window['$_ts'];</script></head></html>"),
    "/429.html": (429, {"Content-Type": "text/html", "Retry-After": "30"}, b"slow down"),
    "/521.html": (521, {"Content-Type": "text/html"}, b"<html><script>document.cookie='__jsl_clearance=1'</script></html>"),
    "/empty.html": (200, {"Content-Type": "text/html"}, b"<html><body><div>loading</div></body></html>"),
    "/big.bin": (200, {"Content-Type": "application/pdf"}, b"%PDF" + b"0" * 5000),
    "/redirect": (302, {"Location": "http://elsewhere.invalid/x"}, b""),
    "/404.html": (404, {"Content-Type": "text/html"}, b"not found"),
}


class _Handler(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict]] = []
    flaky = {"n": 0}

    def do_GET(self):
        self.calls.append((self.path, dict(self.headers)))
        if self.path == "/flaky.html":
            self.flaky["n"] += 1
            status, headers, body = (502, {}, b"bad gateway") if self.flaky["n"] < 2 else ROUTES["/ok.html"]
        elif self.path == "/ok.html" and self.headers.get("If-None-Match") == '"v1"':
            status, headers, body = 304, {"ETag": '"v1"'}, b""
        else:
            status, headers, body = ROUTES.get(self.path, (404, {}, b"nf"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def source(server):
    return parse_source({"id": "t", "family": "hanweb", "base_url": server,
                         "allowed_hosts": ["127.0.0.1"], "columns": [{"id": "1", "path": "/ok.html"}]})


def fetcher(**kw) -> Fetcher:
    kw.setdefault("min_delay_s", 0)
    kw.setdefault("retries", 0)
    kw.setdefault("backoff_s", 0.01)
    return Fetcher(timeout_s=3, **kw)


def test_user_agent_default_and_env(monkeypatch):
    monkeypatch.delenv("YIBAO_USER_AGENT", raising=False)
    monkeypatch.delenv("YIBAO_CONTACT", raising=False)
    assert default_user_agent() == DEFAULT_USER_AGENT
    monkeypatch.setenv("YIBAO_USER_AGENT", "hospital-bot/1.0")
    assert default_user_agent() == "hospital-bot/1.0"


def test_get_sends_user_agent_and_conditional_get(server, source):
    f = fetcher(user_agent="yibao-test/1")
    res = f.get(server + "/ok.html", source=source)
    assert res.status == 200 and "实施细则" in res.text and res.headers["ETag"] == '"v1"'
    path, headers = _Handler.calls[-1]
    assert headers["User-Agent"] == "yibao-test/1"
    again = f.get(server + "/ok.html", source=source, etag='"v1"')
    assert again.not_modified and again.status == 304


def test_gbk_page_is_decoded_from_meta_charset(server, source):
    res = fetcher().get(server + "/gbk.html", source=source)
    assert "国家医疗保障局关于做好医保支付工作的通知" in res.text


def test_decode_body_fallbacks():
    text = "医保局通知"
    assert decode_body(text.encode("gb18030"), "text/html") == text  # utf-8 fails -> gb18030
    assert decode_body(text.encode("utf-8"), "text/html; charset=ISO-8859-1") == text  # latin-1 header ignored
    assert decode_body(text.encode("gbk"), "text/html; charset=GBK") == text


@pytest.mark.parametrize("path,kind", [("/412.html", "412"), ("/ruishu.html", "ruishu_js"), ("/429.html", "429"),
                                       ("/521.html", "ruishu_js"), ("/empty.html", "near_empty")])
def test_challenges_are_detected(server, source, path, kind):
    f = fetcher()
    with pytest.raises(ChallengeError) as err:
        f.get(server + path, source=source)
    assert err.value.kind == kind and err.value.site == "t"
    if path == "/429.html":
        assert err.value.retry_after == 30


def test_challenge_starts_host_cooldown_without_new_requests(server, source):
    f = fetcher(challenge_cooldown_s=600)
    with pytest.raises(ChallengeError):
        f.get(server + "/412.html", source=source)
    made = f.requests_made
    with pytest.raises(ChallengeError) as err:
        f.get(server + "/ok.html", source=source)
    assert err.value.kind == "412" and f.requests_made == made  # no hammering


def test_classify_challenge_pure():
    assert classify_challenge(200, "<html>" + "正文" * 200 + "</html>", expect_page=True) is None
    assert classify_challenge(503, "busy", expect_page=True) == "503"
    assert classify_challenge(403, "<p>forbidden</p>", expect_page=False) == "403"
    assert classify_challenge(200, "{}", expect_page=False) is None


def test_robots_txt_is_honoured(server, source):
    with pytest.raises(RobotsDisallowed):
        fetcher().get(server + "/private/x.html", source=source)
    assert fetcher(respect_robots=False).get(server + "/private/x.html", source=source).status == 200


def test_host_not_allowed_and_redirect_to_foreign_host(server, source):
    with pytest.raises(HostNotAllowed):
        fetcher().get("http://evil.example.com/x", source=source)
    with pytest.raises(HostNotAllowed):
        fetcher().get(server + "/redirect", source=source)


def test_retries_with_backoff_then_succeed(server, source):
    _Handler.flaky["n"] = 0
    sleeps = []
    f = Fetcher(min_delay_s=0, retries=2, backoff_s=0.01, timeout_s=3, sleep=sleeps.append)
    assert f.get(server + "/flaky.html", source=source).status == 200
    assert len(sleeps) == 1 and sleeps[0] >= 0.01


def test_http_error_and_size_limit(server, source):
    with pytest.raises(FetchError) as err:
        fetcher().get(server + "/404.html", source=source)
    assert err.value.status == 404
    with pytest.raises(ResponseTooLarge):
        fetcher().get(server + "/big.bin", source=source, kind="attachment", max_bytes=1000)


def test_rate_limit_spaces_requests_per_host(server, source):
    sleeps = []
    f = Fetcher(min_delay_s=5, retries=0, timeout_s=3, respect_robots=False, sleep=sleeps.append)
    f.get(server + "/ok.html", source=source)
    f.get(server + "/ok.html", source=source)
    assert sleeps and 4 < sleeps[0] <= 5
