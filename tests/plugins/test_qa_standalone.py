"""政策智能问答 through a real `airflow standalone` with the yibao plugin: the 医保政策问答 page and
its API behind the Airflow login, the 对照表 a citation links to, the DingTalk robot callback with
its real signature, and 问一问 on a staff lesson link."""
import base64
import datetime as dt
import hashlib
import hmac
import html
import os
import re
import time
from pathlib import Path

import httpx
import pytest

from yibao.review import testenv

testenv.configure()   # before anything imports Airflow
from yibao.web.standalone import AirflowStandalone  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.airflow]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "nhsa-texts"
USERS = {"trainer1": "trainer1-pw"}
APP_SECRET = "SECqa-callback-test-secret"
LINK_SECRET = "qa-standalone-link-secret"


def _seed(base_url: str) -> dict:
    from yibao.delivery import ledger
    from yibao.delivery.compose import LinkMaker
    from yibao.qa.corpus import load_folder
    from yibao.qa.index import QaIndex
    from yibao.review.sample import seed
    from yibao.store import Lesson, Person
    from yibao.store.db import open_session

    with open_session() as s:
        load_folder(s, CORPUS)
        s.commit()
        QaIndex().sync(s)    # as the scrape DAG does after storing: provisions and their sentence vectors
        (lesson_id,) = seed(s, published=dt.date.today(), roles=("cashier",))
        lesson = s.get(Lesson, lesson_id)
        lesson.status = "approved"
        s.add(Person(id="p-cashier", name="李收费", email="li@hospital.example", department="收费处"))
        s.flush()
        row = ledger.plan_lessons(s, person_id="p-cashier", channel="email", target="li@hospital.example",
                                  lesson_ids=[lesson_id], now=dt.datetime.utcnow())
        row.state = "sent"
        s.flush()
        link = LinkMaker(base_url + "/yibao", LINK_SECRET.encode()).lesson("read", row.id, lesson_id)
        return {"lesson_link": link, "change_id": lesson.change_id}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    work = tmp_path_factory.mktemp("qa-standalone")
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_LINK_SECRET": LINK_SECRET,
           "YIBAO_DINGTALK_APP_SECRET": APP_SECRET}
    old = {k: os.environ.get(k) for k in [*env, "YIBAO_PUBLIC_URL", "YIBAO_DATABASE_URL"]}
    os.environ.pop("YIBAO_DATABASE_URL", None)
    af = AirflowStandalone(work, USERS, extra_env=env, startup_timeout=300)
    env["YIBAO_PUBLIC_URL"] = af.base_url + "/yibao"
    af.env["YIBAO_PUBLIC_URL"] = env["YIBAO_PUBLIC_URL"]
    af.env.pop("YIBAO_DATABASE_URL", None)
    os.environ.update(env)
    try:
        seeded = _seed(af.base_url)
        with af:
            yield af, seeded
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _dingtalk_headers(secret: str, ts_ms: int | None = None) -> dict:
    ts = str(ts_ms if ts_ms is not None else int(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": ts, "sign": base64.b64encode(mac).decode()}


def test_page_answers_with_citations_behind_the_airflow_login(stack):
    af, _ = stack
    assert httpx.get(f"{af.base_url}/yibao/qa/", params={"q": "举报可以匿名吗"}, timeout=30).status_code in (401, 403)
    api = af.api("trainer1")
    page = api.get("/yibao/qa/", params={"q": "举报医保违法可以匿名吗", "role": "收费员"})
    assert page.status_code == 200, page.text[:300]
    assert "医保政策问答" in page.text and "第八条" in page.text and "国家医疗保障局令第5号" in page.text
    data = api.get("/yibao/qa/api/ask", params={"q": "举报医保违法可以匿名吗"}).json()
    assert data["citations"][0]["clause"] == "第八条" and data["citations"][0]["in_force"] is True
    nothing = api.get("/yibao/qa/", params={"q": "食堂每个月的餐补是多少钱"})
    assert "没有找到依据" in nothing.text
    assert api.get("/yibao/qa/api/ask", params={"q": "x" * 600}).status_code == 400


def test_revised_provision_is_marked_and_the_diff_link_opens(stack):
    af, seeded = stack
    api = af.api("trainer1")
    data = api.get("/yibao/qa/api/ask", params={"q": "门诊慢特病待遇认定有效期是几年"}).json()
    mine = [c for c in data["citations"] if "门诊慢特病" in c["document"]]
    assert mine[0]["in_force"] and "3年" in mine[0]["text"]
    assert mine[0]["diff_url"].startswith(f"{af.base_url}/yibao/d/")   # signed: staff have no Airflow login
    old = [c for c in mine if not c["in_force"]]
    assert old and "2年" in old[0]["text"] and "修订" in old[0]["status"]
    diff = httpx.get(mine[0]["diff_url"], timeout=30)                     # no login
    assert diff.status_code == 200 and "3年" in diff.text and diff.text.count("<html") == 1   # one page, not two nested
    behind_login = f"/yibao/qa/diff/{seeded['change_id']}"                 # the trainers' own route stays
    assert api.get(behind_login).status_code == 200
    assert httpx.get(af.base_url + behind_login, timeout=30).status_code in (401, 403)
    assert httpx.get(mine[0]["diff_url"][:-3] + "xyz", timeout=30).status_code == 403


def test_dingtalk_callback_signed_answers_and_bad_signature_is_refused(stack):
    af, _ = stack
    url = f"{af.base_url}/yibao/qa/im/dingtalk"
    body = {"msgtype": "text", "text": {"content": "@医保小助手 飞行检查会提前通知医院吗"},
            "senderStaffId": "staff-7", "conversationId": "cid-1"}
    ok = httpx.post(url, json=body, headers=_dingtalk_headers(APP_SECRET), timeout=60)
    assert ok.status_code == 200, ok.text
    msg = ok.json()
    assert msg["msgtype"] == "markdown" and "第二条" in msg["markdown"]["text"]
    assert "医疗保障基金飞行检查管理暂行办法" in msg["markdown"]["text"]
    assert msg["at"]["atUserIds"] == ["staff-7"] and "@staff-7" in msg["markdown"]["text"]
    bad = httpx.post(url, json=body, headers=_dingtalk_headers("SECwrong"), timeout=30)
    assert bad.status_code == 403 and bad.json()["errcode"] == 310000
    stale = httpx.post(url, json=body, timeout=30,
                       headers=_dingtalk_headers(APP_SECRET, int(time.time() * 1000) - 2 * 3600 * 1000))
    assert stale.status_code == 403 and stale.json()["errcode"] == 310000
    assert httpx.post(url, json=body, timeout=30).status_code == 403


def _served_link(link: str) -> str:
    """The mailed link, or where today's "/l" mount serves the ack app's /l/<token> route (/yibao/l/l/…);
    branch issue-12web changes that mount, and the mailed form is tried first."""
    if httpx.get(link, timeout=30).status_code == 200:
        return link
    return link.replace("/yibao/l/", "/yibao/l/l/")


def test_lesson_link_asks_with_the_same_token(stack):
    af, seeded = stack
    link = _served_link(seeded["lesson_link"])
    lesson = httpx.get(link, timeout=30)
    assert lesson.status_code == 200, lesson.text[:300]
    assert "有疑问？问一问" in lesson.text
    token = link.rsplit("/", 1)[1]
    ask_url = link + "/ask"
    answer = httpx.get(ask_url, params={"q": "举报医保违法可以匿名吗"}, timeout=60)
    assert answer.status_code == 200 and "第八条" in answer.text and "匿名举报" in answer.text
    revised = httpx.get(ask_url, params={"q": "门诊慢特病待遇认定有效期是几年"}, timeout=60)
    diff_link = re.search(r'href="([^"]*/yibao/d/[^"]+)">对照表', revised.text)
    assert diff_link, revised.text[:500]
    diff = httpx.get(html.unescape(diff_link.group(1)), timeout=30)      # the staff member has no Airflow login
    assert diff.status_code == 200 and "3年" in diff.text
    assert "frame-ancestors 'none'" in diff.headers["content-security-policy"] and 'content="noindex"' in diff.text
    tampered = httpx.get(link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")) + "/ask",
                         params={"q": "举报可以匿名吗"}, timeout=30)
    assert tampered.status_code == 403
