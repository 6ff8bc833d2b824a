"""The plugin's HTTP API through the real Airflow api-server app (SimpleAuthManager, real JWTs)."""
import csv
import datetime as dt
import re
import io
import json
import os
import sys
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()
sys.path.insert(0, str(Path(__file__).parent))
from airflow_app import client, token  # noqa: E402,F401  (client is a fixture)


@pytest.fixture()
def lessons():
    from yibao.review.sample import seed
    from yibao.store.db import open_session

    with open_session() as s:
        return seed(s, published=dt.date.today() - dt.timedelta(days=3),
                    doc_number=f"医保发〔2026〕{dt.datetime.now().microsecond}号")


@pytest.mark.airflow
@pytest.mark.parametrize("path", ["/yibao/review/", "/yibao/control/", "/yibao/api/queue", "/yibao/api/lessons/1",
                                  "/yibao/api/audit", "/yibao/api/control", "/yibao/api/lessons/1/audit"])
def test_unauthenticated_requests_get_401_never_data(client, path):
    r = client.get(path)
    assert r.status_code in (401, 403)
    assert "医保" not in r.text


@pytest.mark.airflow
def test_the_api_description_is_not_published(client):
    """/yibao/openapi.json listed every trainer and 医保办 route to anyone without a login."""
    for path in ("/yibao/openapi.json", "/yibao/docs", "/yibao/redoc"):
        assert client.get(path).status_code in (401, 403, 404)
    assert client.get("/yibao/openapi.json", headers=token(client, "trainer1")).status_code == 404


@pytest.mark.airflow
def test_unauthenticated_writes_are_refused(client, lessons):
    assert client.put(f"/yibao/api/lessons/{lessons[0]}", json={"revision": 1, "body_md": "x"}).status_code in (401, 403)
    r = client.post(f"/yibao/api/lessons/{lessons[0]}/decision", json={"revision": 1, "action": "approve"})
    assert r.status_code in (401, 403)


@pytest.mark.airflow
def test_viewer_can_read_but_not_decide(client, lessons):
    h = token(client, "viewer1")
    assert client.get("/yibao/api/queue", headers=h).status_code == 200
    r = client.post(f"/yibao/api/lessons/{lessons[0]}/decision", headers=h, json={"revision": 1, "action": "approve"})
    assert r.status_code == 403


@pytest.mark.airflow
def test_queue_sorted_by_deadline_with_urgency(client, lessons):
    rows = client.get("/yibao/api/queue", headers=token(client, "trainer1")).json()
    deadlines = [r["deadline"] for r in rows]
    assert deadlines == sorted(deadlines)
    row = next(r for r in rows if r["lesson_id"] == lessons[0])
    assert row["urgency"] in ("red", "amber", "green") and row["doc_number"] and row["source"] == "国家医疗保障局"
    page = client.get("/yibao/review/", headers=token(client, "trainer1"))
    assert page.status_code == 200 and f'data-lesson="{lessons[0]}"' in page.text
    assert ">审核中<" in page.text or ">草稿<" in page.text            # the status in words, not in_review
    assert ">in_review<" not in page.text and ">draft<" not in page.text


@pytest.mark.airflow
def test_lesson_page_shows_diff_editor_and_quiz(client, lessons):
    h = token(client, "trainer1")
    page = client.get(f"/yibao/review/lessons/{lessons[0]}", headers=h)
    assert page.status_code == 200
    assert "第五条" in page.text and 'id="body"' in page.text and "lesson-data" in page.text
    data = client.get(f"/yibao/api/lessons/{lessons[0]}", headers=h).json()
    assert data["quiz"][0]["answer"] == "3年" and data["revision"] == 1
    assert client.get("/yibao/api/lessons/999999", headers=h).status_code == 404


@pytest.mark.airflow
def test_second_concurrent_save_gets_409_naming_the_first_editor(client, lessons):
    h1, h2 = token(client, "trainer1"), token(client, "trainer2")
    url = f"/yibao/api/lessons/{lessons[0]}"
    assert client.put(url, headers=h1, json={"revision": 1, "body_md": "# 第一位\n"}).status_code == 200
    r = client.put(url, headers=h2, json={"revision": 1, "body_md": "# 第二位\n"})
    assert r.status_code == 409
    assert r.json()["detail"]["message"].startswith("该课程已被 trainer1 于")
    assert "请刷新后再保存" in r.json()["detail"]["message"]
    assert client.get(url, headers=h1).json()["body_md"] == "# 第一位\n"


@pytest.mark.airflow
def test_validation_errors(client, lessons):
    h = token(client, "trainer1")
    url = f"/yibao/api/lessons/{lessons[0]}/decision"
    assert client.post(url, headers=h, json={"revision": 1, "action": "maybe"}).status_code == 422
    assert client.post(url, headers=h, json={"action": "approve"}).status_code == 422
    r = client.post(url, headers=h, json={"revision": 1, "action": "reject", "comment": ""})
    assert r.status_code == 422 and "comment" in r.json()["detail"] and "驳回需要填写意见" in r.json()["detail"]
    r = client.put(f"/yibao/api/lessons/{lessons[0]}", headers=h,
                   json={"revision": 1, "quiz": [{"kind": "essay", "question": "?", "answer": "a"}]})
    assert r.status_code == 422 and r.json()["detail"].startswith("第 1 题的题型须为 choice（单选）")  # in Chinese
    r = client.put(f"/yibao/api/lessons/{lessons[0]}", headers=h, json={"revision": 1, "body_md": "字" * 200_001})
    assert r.status_code == 422          # as the preview refuses it: one huge save made the page unusable for good
    r = client.put(f"/yibao/api/lessons/{lessons[0]}", headers=h,
                   json={"revision": 1, "quiz": [{"kind": "truefalse", "question": "病历须如实记录。", "answer": "也许"}]})
    assert r.status_code == 422 and "判断题的答案" in r.json()["detail"]


@pytest.mark.airflow
def test_approve_writes_audit_and_exports(client, lessons):
    h = token(client, "trainer1")
    lid = lessons[1]
    data = client.get(f"/yibao/api/lessons/{lid}", headers=h).json()
    edited = data["body_md"] + "\n> 培训负责人：王老师\n"
    quiz = data["quiz"][:1]
    r = client.post(f"/yibao/api/lessons/{lid}/decision", headers=h,
                    json={"revision": data["revision"], "action": "approve", "body_md": edited, "quiz": quiz,
                          "comment": "可以发布"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    after = client.get(f"/yibao/api/lessons/{lid}", headers=h).json()
    assert after["body_md"] == edited and len(after["quiz"]) == 1
    rows = client.get(f"/yibao/api/lessons/{lid}/audit?format=json", headers=h).json()
    last = rows[-1]
    assert (last["actor"], last["action"], last["comment"]) == ("trainer1", "approve", "可以发布")
    assert "+> 培训负责人：王老师" in last["edit_diff"]
    text = client.get(f"/yibao/api/lessons/{lid}/audit?format=csv", headers=h).text.lstrip("\ufeff")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed[-1]["action"] == "approve" and parsed[-1]["actor"] == "trainer1"
    # a decided lesson is closed
    r = client.put(f"/yibao/api/lessons/{lid}", headers=h, json={"revision": after["revision"], "body_md": "x"})
    assert r.status_code == 409
    all_rows = client.get("/yibao/api/audit?format=csv", headers=h)
    assert all_rows.status_code == 200 and "attachment" in all_rows.headers["content-disposition"]


@pytest.mark.airflow
def test_control_room(client, lessons):
    h = token(client, "trainer1")
    data = client.get("/yibao/api/control", headers=h).json()
    assert data["sources"][0]["name"] == "国家医疗保障局"
    row = next(p for p in data["policies"] if any(l["id"] == lessons[0] for l in p["lessons"]))
    assert row["timeline"]["published"] and row["timeline"]["detected"] and row["timeline"]["drafted"]
    assert any(w.startswith("审核") for w in row["waiting_on"])
    assert row["workdays_used"] is not None and row["workdays_left"] is not None
    page = client.get("/yibao/control/", headers=h)
    assert page.status_code == 200 and "医保时效看板" in page.text and "最近告警" in page.text
    for chart_id in ("chart-department", "chart-role", "chart-ontime", "chart-trend", "chart-rework"):
        assert page.text.count(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}"') == 1
    assert re.search(r"<title>([^<]*)</title>", page.text).group(1).startswith("医保时效看板")   # was the charts, twice
    assert "北京时间" in page.text
    assert set(data["effect"]) >= {"by_department", "by_role", "by_policy", "trend", "reworks"}


@pytest.mark.airflow
def test_control_room_shows_the_recheck_cycle_and_possibly_withdrawn_documents(client):
    """Per source: archived and possibly withdrawn counts and the last full re-check; the withdrawn
    documents listed with their URL and since when (through the plugin mounted in the api-server)."""
    from yibao.store.db import open_session
    from yibao.store.models import Document, Source

    since = dt.datetime(2030, 3, 1, 9, 30)
    with open_session() as s:
        s.add(Source(id="watch_cr", name="复查测试局", family="hanweb", base_url="https://cr.example.gov.cn",
                     health="ok", last_full_recheck_at=dt.datetime(2030, 2, 27, 7, 0)))
        for n, (archived, withdrawn) in enumerate([(True, None), (True, None), (False, since)]):
            s.add(Document(source_id="watch_cr", identity_key=f"url:cr{n}", title=f"复查文件{n}", norm_title=f"复查文件{n}",
                           url=f"https://cr.example.gov.cn/art/{n}.html", archived=archived,
                           possibly_withdrawn_at=withdrawn, doc_number="医保函〔2030〕9号" if withdrawn else None))
        s.commit()
    h = token(client, "viewer1")
    data = client.get("/yibao/api/control", headers=h).json()
    src = next(x for x in data["sources"] if x["id"] == "watch_cr")
    assert (src["archived"], src["possibly_withdrawn"], src["last_full_recheck_at"][:10]) == (2, 1, "2030-02-27")
    (gone,) = [w for w in data["withdrawn"] if w["source_id"] == "watch_cr"]
    assert gone["url"] == "https://cr.example.gov.cn/art/2.html" and gone["since"].startswith("2030-03-01T09:30")
    page = client.get("/yibao/control/", headers=h).text
    assert "上次完整复查：2030-02-27" in page and "归档 2" in page and "疑似撤回 1" in page
    assert "疑似撤回的文件" in page and 'href="https://cr.example.gov.cn/art/2.html"' in page and "2030-03-01 17:30" in page
    assert "UTC" not in page                              # the times are Beijing time, as the header says


@pytest.mark.airflow
def test_control_room_names_an_alerts_stage_in_words(client):
    from yibao.store.db import open_session
    from yibao.store.models import Event

    with open_session() as s:
        s.add(Event(at=dt.datetime.utcnow(), level="warning", stage="reminders", subject="心内科完成率偏低", message="m",
                    data={"kind": "alert"}))
        s.commit()
    page = client.get("/yibao/control/", headers=token(client, "viewer1")).text
    assert "<td>提醒与督办</td>" in page and "<td>reminders</td>" not in page


def test_recent_alerts_newest_first_within_the_window():
    import datetime as dt

    from yibao.review.controlroom import recent_alerts
    from yibao.store.db import open_session
    from yibao.store.models import Event

    now = dt.datetime(2030, 3, 2, 8, 0)
    with open_session() as s:
        s.add_all([Event(at=now - dt.timedelta(days=9), level="alert", stage="delivery", subject="旧告警", message="m",
                         data={"kind": "alert"}),
                   Event(at=now - dt.timedelta(hours=2), level="alert", stage="delivery", subject="运行超时：yibao_deliver",
                         message="未在 1小时 内完成", data={"kind": "alert", "link": "http://x/dags/yibao_deliver/runs/r1"}),
                   Event(at=now - dt.timedelta(hours=1), level="warning", stage="scrape", subject="数据源异常", message="m",
                         data={"kind": "alert"}),
                   Event(at=now - dt.timedelta(hours=1), level="alert", stage="scrape", subject="source:nhsa",
                         message="the poll's own log line, summarised by the alert above"),
                   Event(at=now - dt.timedelta(minutes=5), level="info", stage="delivery", subject="普通信息", message="m")])
        s.flush()
        alerts = recent_alerts(s, now=now)
        s.rollback()
    assert [a["subject"] for a in alerts] == ["数据源异常", "运行超时：yibao_deliver"]
    assert alerts[1]["link"] == "http://x/dags/yibao_deliver/runs/r1" and alerts[1]["level"] == "alert"


@pytest.mark.airflow
def test_static_assets_served_without_login(client):
    assert client.get("/yibao/static/lesson.js").status_code == 200


@pytest.mark.airflow
def test_not_concerned_roles_are_listed_and_added_back_with_one_click(client, lessons):
    h = token(client, "trainer1")
    page = client.get("/yibao/review/", headers=h)
    assert page.status_code == 200 and 'id="not-concerned"' in page.text and "补充课程" in page.text
    rows = client.get("/yibao/api/not-concerned", headers=h).json()
    row = next(r for r in rows if r["role"] == "nurse")
    url = f"/yibao/api/changes/{row['change_id']}/roles/nurse"
    assert client.post(url, headers=token(client, "viewer1")).status_code == 403
    r = client.post(url, headers=h)
    assert r.status_code == 200, r.text
    lesson = client.get(f"/yibao/api/lessons/{r.json()['lesson_id']}", headers=h).json()
    assert lesson["role"] == "nurse" and any(a["action"] == "add_role" for a in lesson["audit"])
    assert client.post(f"/yibao/api/changes/{row['change_id']}/roles/janitor", headers=h).status_code == 422


@pytest.mark.airflow
def test_where_the_task_waits_is_read_only_after_the_decision_is_committed(client, lessons, monkeypatch):
    # a review task writes its request, then re-reads the store once: the endpoint must look for that
    # request only after its decision is visible to other connections, or a request written in
    # between is missed and the task parks with nobody to resume it (seen under CeleryExecutor)
    from yibao.review import decisions
    from yibao.store.db import open_session

    seen = []
    real = decisions.latest_request

    def latest_request(session, lesson_id):
        with open_session() as other:          # another connection, like the task's
            seen.append(decisions.current_decision(other, lesson_id) is not None)
        return real(session, lesson_id)

    monkeypatch.setattr(decisions, "latest_request", latest_request)
    r = client.post(f"/yibao/api/lessons/{lessons[0]}/decision", headers=token(client, "trainer1"),
                    json={"revision": 1, "action": "approve"})
    assert r.status_code == 200, r.text
    assert seen == [True]


@pytest.mark.airflow
@pytest.mark.parametrize("path", ["/yibao/api/lessons/99999999999999999999999",
                                  "/yibao/api/lessons/99999999999999999999999/audit",
                                  "/yibao/review/lessons/99999999999999999999999",
                                  "/yibao/qa/diff/99999999999999999999999"])
def test_an_id_past_64_bits_is_refused_not_a_server_error(client, path):
    r = client.get(path, headers=token(client, "trainer1"))
    assert r.status_code in (404, 422), (r.status_code, r.text[:200])


@pytest.mark.airflow
@pytest.mark.parametrize("params, message", [({"q": "跨省就医要先备案吗", "role": "厨师"}, "厨师"),
                                             ({"q": "医" * 501}, "问题过长")])
def test_qa_page_shows_bad_input_on_the_page_not_as_json(client, params, message):
    page = client.get("/yibao/qa/", params=params, headers=token(client, "trainer1"))
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert 'id="error"' in page.text and message in page.text and 'id="ask"' in page.text


@pytest.mark.airflow
@pytest.mark.parametrize("path", ["/yibao/review/lessons/1", "/yibao/control/", "/yibao/qa/?q=x"])
def test_a_logged_out_browser_is_sent_to_the_login_page_and_back(client, path):
    r = client.get(path, headers={"accept": "text/html,application/xhtml+xml"}, follow_redirects=False)
    location = r.headers["location"]
    assert r.status_code == 303 and "login" in location and "next=" in location and "yibao" in location, location
    assert client.get(path, follow_redirects=False).status_code == 401          # scripts keep their 401
    assert client.get("/yibao/api/queue", headers={"accept": "text/html"}).status_code == 401


@pytest.mark.airflow
def test_control_room_names_each_lessons_role_and_a_rejection_with_its_reason(client, lessons):
    h = token(client, "trainer1")
    lid = lessons[0]
    r = client.post(f"/yibao/api/lessons/{lid}/decision", headers=h,
                    json={"revision": 1, "action": "reject", "comment": "本科室不涉及此项收费"})
    assert r.status_code == 200, r.text
    data = client.get("/yibao/api/control", headers=h).json()
    row = next(p for p in data["policies"] if any(l["id"] == lid for l in p["lessons"]))
    entry = next(l for l in row["lessons"] if l["id"] == lid)
    assert entry["status_name"] == "已驳回" and entry["role_name"]
    assert entry["rejected"]["by"] == "trainer1" and entry["rejected"]["reason"] == "本科室不涉及此项收费"
    others = [l for l in row["lessons"] if l["id"] != lid]
    assert others and all("rejected" not in l for l in others)
    page = client.get("/yibao/control/", headers=h).text
    assert f'{entry["role_name"]} <span class="status rejected">已驳回</span>' in page
    assert "trainer1 · " in page and "：本科室不涉及此项收费" in page
    lesson_page = client.get(f"/yibao/review/lessons/{lid}", headers=h).text
    assert "<td>trainer1</td><td>驳回</td><td>本科室不涉及此项收费</td>" in lesson_page   # the audit, in words


@pytest.mark.airflow
def test_published_under_a_base_path_every_link_and_script_stays_inside_it(client, lessons):
    """Airflow behind `location /airflow/` (AIRFLOW__API__BASE_URL=…/airflow): the pages' CSS, scripts,
    navigation and links were built from the host root and answered 404, and 批准 did nothing."""
    from fastapi.testclient import TestClient

    h = token(client, "trainer1")
    under = TestClient(client.app, root_path="/airflow")      # what the api-server gets behind the proxy
    lid = lessons[0]
    with_run = f"/airflow/yibao/review/lessons/{lid}"
    seen = set()
    for page in ("/airflow/yibao/review/", with_run, "/airflow/yibao/control/", "/airflow/yibao/qa/?q=%E5%A4%87%E6%A1%88"):
        r = under.get(page, headers=h)
        assert r.status_code == 200, (page, r.status_code)
        links = set(re.findall(r'(?:href|src|data-url|data-base)="(/[^"]*)"', r.text))
        outside = {link for link in links if not link.startswith("/airflow/")}
        assert not outside, (page, outside)
        seen |= links
    assert 'data-base="/airflow/yibao"' in under.get(with_run, headers=h).text   # lesson.js calls the API from it
    for link in sorted(seen):
        if link == "/airflow/yibao" or "/dags/" in link or "/api/changes/" in link:
            continue        # the scripts' base, Airflow's own UI, a POST
        assert under.get(link.replace("&amp;", "&"), headers=h).status_code == 200, link
