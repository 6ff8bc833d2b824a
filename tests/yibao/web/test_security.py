"""Issue 12 through the real Airflow api-server app with the yibao plugin (in-process):
the mailed links are served at exactly /yibao/l/<token> and /yibao/u/<token>; only trainers
decide; headers and the Origin check; the server-side preview is safe; a missing link
secret gives a clear page and an alert."""
import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "delivery"))
from airflow_app import client, token  # noqa: E402,F401  (client is a fixture)

pytestmark = pytest.mark.airflow
PUBLIC = "http://testserver/yibao"
HOSTILE_MD = ('[原文](https://x/"onmouseover="alert(1)) [js](javascript:alert(2)) '
              '<img src=x onerror="alert(3)"> [data](data:text/html;base64,PHNjcmlwdD4=)')


@pytest.fixture()
def lessons():
    from yibao.review.sample import seed
    from yibao.store.db import open_session

    with open_session() as s:
        return seed(s, published=dt.date.today() - dt.timedelta(days=3),
                    doc_number=f"医保发〔2026〕{dt.datetime.now().microsecond}号")


@pytest.fixture()
def mailed(monkeypatch):
    """A real delivery mail to 陈静 (nurse) from the capturing SMTP server: its links and the store session."""
    from delivery_world import SUBSCRIPTIONS, add_lessons

    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import deliver
    from yibao.delivery.subscriptions import parse_subscriptions, sync_people
    from yibao.delivery.tokens import link_secret, verify_token
    from yibao.devservers.smtp import CaptureSmtpServer
    from yibao.store.db import open_session

    monkeypatch.setenv("YIBAO_PUBLIC_URL", PUBLIC)
    tag = str(dt.datetime.now().microsecond)
    with open_session() as session:
        sync_people(session, parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True))
        add_lessons(session, ["nurse"], tag=tag, deadline=dt.date.today() + dt.timedelta(days=10))
        with CaptureSmtpServer(port=0) as server:
            smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn")
            deliver(session, now=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), smtp=smtp,
                    config=parse_subscriptions(SUBSCRIPTIONS, check_secret=None))
            mail = [m for m in server.messages if m.rcpt_tos == ["chenjing@h.example.cn"]][-1]
        text = mail.message.get_body(("plain",)).get_content()
        read = re.findall(r"https?://\S+/l/[A-Za-z0-9_\-.]+", text)[0]
        claims = verify_token(read.rsplit("/", 1)[1], secret=link_secret())
        yield {"lesson_id": int(claims.delivery_id.split(".")[1]), "text": text, "session": session, "read": read,
               "unsubscribe": re.findall(r"https?://\S+/u/[A-Za-z0-9_\-.]+", text)[0]}


def local(url: str) -> str:
    assert url.startswith(PUBLIC + "/"), url
    return url.removeprefix("http://testserver")


def test_mailed_links_are_served_exactly_where_they_point(client, mailed):
    from yibao.store.models import Acknowledgement

    read, unsub = local(mailed["read"]), local(mailed["unsubscribe"])
    assert re.fullmatch(r"/yibao/l/[\w\-.]+", read) and re.fullmatch(r"/yibao/u/[\w\-.]+", unsub)
    page = client.get(read)
    assert page.status_code == 200 and "陈静" in page.text and "我已学习" in page.text
    answers = {"q0": "2026年1月1日", "q1": "正确", "q2": "7"}
    done = client.post(read, data=answers, headers={"Origin": "http://testserver"})
    assert done.status_code == 200 and "100%" in done.text
    assert client.get(unsub).status_code == 200 and "确认退订" in client.get(unsub).text
    token = read.rsplit("/", 1)[1]
    assert client.get(f"/yibao/l/l/{token}").status_code == 404            # the old doubled path is gone
    assert client.get(f"/yibao/quiz?t={token}", follow_redirects=False).headers["location"] == f"l/{token}#quiz"
    session = mailed["session"]
    session.expire_all()
    ack = session.query(Acknowledgement).filter_by(person_id="chen.jing", lesson_id=mailed["lesson_id"],
                                                   kind="ack").one()
    assert (ack.quiz_score, ack.attempts) == (1.0, 1)


def test_older_query_links_redirect_only_to_a_link_page(client, mailed):
    """/yibao/read?t=… redirects to the token's page; anything that is not a token is refused, never a
    redirect elsewhere on the server (e.g. t=../../api/v2/version)."""
    for bad in ("../../api/v2/version", "", "a.b/../../x", "//evil.example/x"):
        resp = client.get("/yibao/read", params={"t": bad}, follow_redirects=False)
        assert resp.status_code == 403 and "location" not in resp.headers and "链接无效" in resp.text, bad


def test_yibao_pages_send_csp_and_frame_headers(client, mailed):
    review = client.get("/yibao/review/", headers=token(client, "viewer1"))
    assert review.status_code == 200
    csp = review.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp and "unsafe-inline" not in csp.split(
        "script-src")[1].split(";")[0]
    assert review.headers["x-frame-options"] == "SAMEORIGIN"
    link = client.get(local(mailed["read"]))
    assert "frame-ancestors 'none'" in link.headers["content-security-policy"]
    assert link.headers["x-frame-options"] == "DENY" and link.headers["referrer-policy"] == "same-origin"


def test_cross_origin_writes_are_refused(client, lessons, mailed):
    from yibao.store.models import Acknowledgement

    h = token(client, "trainer1")
    url = f"/yibao/api/lessons/{lessons[0]}/decision"
    evil = {**h, "Origin": "https://evil.example"}
    r = client.post(url, headers=evil, json={"revision": 1, "action": "approve"})
    assert r.status_code == 403 and "cross-origin" in r.json()["detail"]
    assert client.get(f"/yibao/api/lessons/{lessons[0]}", headers=h).json()["status"] != "approved"
    r = client.post(local(mailed["read"]), data={"q0": "x", "q1": "正确", "q2": "1"},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    mailed["session"].expire_all()
    assert mailed["session"].query(Acknowledgement).filter_by(lesson_id=mailed["lesson_id"], kind="ack").count() == 0
    same = client.post(url, headers={**h, "Origin": "http://testserver"}, json={"revision": 1, "action": "approve"})
    assert same.status_code == 200, same.text


def test_only_trainers_decide_and_everyone_who_may_view_reads(client, lessons, tmp_path, monkeypatch):
    url = f"/yibao/api/lessons/{lessons[0]}"
    for user in ("admin", "viewer1"):   # admin may edit DAGs, but is not a trainer
        h = token(client, user)
        assert client.get(url, headers=h).status_code == 200
        assert client.get(f"{url}/audit", headers=h).status_code == 200
        r = client.post(f"{url}/decision", headers=h, json={"revision": 1, "action": "approve"})
        assert r.status_code == 403 and "只有培训审核人" in r.json()["detail"] and user in r.json()["detail"]
        assert client.put(url, headers=h, json={"revision": 1, "body_md": "x"}).status_code == 403
    assert client.get(url, headers=h).json()["revision"] == 1
    by_role = tmp_path / "trainers.yaml"          # the second way: an Airflow role named in config
    by_role.write_text("trainers: []\ntrainer_roles: [admin]\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_TRAINERS_FILE", str(by_role))
    r = client.post(f"{url}/decision", headers=token(client, "admin"),
                    json={"revision": 1, "action": "reject", "comment": "条款引用有误"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert client.put(url, headers=token(client, "trainer1"), json={"revision": 2, "body_md": "x"}).status_code == 403


def test_preview_is_rendered_on_the_server_without_live_markup(client):
    r = client.post("/yibao/api/preview", headers=token(client, "viewer1"),
                    json={"body_md": "# 标题\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + HOSTILE_MD})
    assert r.status_code == 200
    html = r.json()["html"]
    assert "<h1>标题</h1>" in html and "<table>" in html
    assert 'href="https://x/%22onmouseover=%22alert(1)"' in html
    assert not re.search(r"<[^>]+\son\w+=", html), html      # no event-handler attribute in any tag
    assert "javascript:" not in html.replace("[js](javascript:alert(2))", "") and "<img" not in html
    assert 'href="data:' not in html


def test_missing_link_secret_gives_a_clear_page_and_alerts_the_yibaoban(client, mailed, monkeypatch):
    from yibao.store.models import Event

    from yibao.devservers.smtp import CaptureSmtpServer

    monkeypatch.delenv("YIBAO_LINK_SECRET", raising=False)
    monkeypatch.delenv("YIBAO_DEV", raising=False)
    with CaptureSmtpServer(port=0) as smtp:
        for key, value in {"YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(smtp.port),
                           "YIBAO_SMTP_SECURITY": "plain", "YIBAO_SMTP_FROM": "yibao@h.example.cn"}.items():
            monkeypatch.setenv(key, value)
        r = client.get(local(mailed["read"]))
        alerts = [m.message for m in smtp.messages if m.rcpt_tos == ["wangfang@h.example.cn"]]
    assert r.status_code == 503 and "未配置链接密钥" in r.text and "医保办已收到通知" in r.text
    assert "Traceback" not in r.text
    session = mailed["session"]
    session.expire_all()
    assert session.query(Event).filter(Event.subject.contains("YIBAO_LINK_SECRET")).count() == 1
    assert alerts and "YIBAO_LINK_SECRET" in alerts[0]["Subject"]          # the 医保办 (王芳) is told by mail
