from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, SUBSCRIPTIONS, add_lessons, session_for, write_subscriptions  # noqa: E402

from yibao.delivery import ledger  # noqa: E402
from yibao.delivery.ack_app import create_ack_app, is_correct  # noqa: E402
from yibao.delivery.compose import LinkMaker  # noqa: E402
from yibao.delivery.email import SmtpSettings  # noqa: E402
from yibao.delivery.service import deliver  # noqa: E402
from yibao.delivery.subscriptions import parse_subscriptions, sync_people  # noqa: E402
from yibao.delivery.tokens import link_secret, make_token  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.store.models import Acknowledgement, Delivery, Event, Unsubscribe  # noqa: E402

BASE = "http://testserver"


@pytest.fixture()
def setup(yibao_db):
    session = session_for(yibao_db)
    cfg = parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True)
    sync_people(session, cfg)
    lessons = add_lessons(session, ["doctor"]) + add_lessons(session, ["doctor"])
    row = ledger.plan_lessons(session, person_id="zhang.wei", channel="email", target="zhangwei@h.example.cn",
                              lesson_ids=[l.id for l in lessons], now=NOW)
    row.state = "sent"
    session.commit()
    links = LinkMaker(BASE, link_secret())
    client = TestClient(create_ack_app(yibao_db))
    yield session, client, links, row, lessons
    session.close()


def path(url: str) -> str:
    return url.removeprefix(BASE).split("#")[0]


def test_opening_shows_the_lesson_and_the_drawn_page_records_the_read(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("read", row.id, lessons[0].id))
    resp = client.get(url)
    assert resp.status_code == 200
    assert 'name="viewport"' in resp.text and "我已学习" in resp.text and "新规自何时起执行" in resp.text
    assert "<h1>" in resp.text and "张伟" in resp.text
    assert session.query(Acknowledgement).count() == 0          # a preview that fetches the HTML is no read
    seen = re.search(r"background-image:url\('([^']+)'\)", resp.text).group(1)
    assert seen == url.rsplit("/", 1)[1] + "/seen"                # relative to the page, as a browser resolves it
    pixel = client.get(f"{url}/seen")
    assert pixel.status_code == 200 and pixel.headers["content-type"] == "image/gif"
    assert pixel.headers["cache-control"] == "no-store"
    acks = session.query(Acknowledgement).all()
    assert [(a.kind, a.lesson_id, a.person_id) for a in acks] == [("read", lessons[0].id, "zhang.wei")]
    session.expire_all()
    assert session.get(Delivery, row.id).state == "read"
    client.get(path(links.lesson("quiz", row.id, lessons[0].id)) + "/seen")   # drawn again: still one read
    assert session.query(Acknowledgement).count() == 1


def test_the_read_marker_of_a_bad_link_records_nothing(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("read", row.id, lessons[0].id))
    assert client.get(url[:-3] + "xyz/seen").status_code == 403
    assert session.query(Acknowledgement).count() == 0


def test_submit_scores_quiz_and_acknowledges(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("ack", row.id, lessons[0].id))
    resp = client.post(url, data={"q0": "2026年1月1日", "q1": "错误", "q2": "７"})
    assert resp.status_code == 200 and "67%" in resp.text and "通过" in resp.text
    ack = session.query(Acknowledgement).filter_by(kind="ack").one()
    assert ack.quiz_score == pytest.approx(2 / 3)
    session.expire_all()
    assert session.get(Delivery, row.id).state == "read"      # one of two lessons acknowledged
    retake = client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"})   # counted, not of record
    assert "第 2 次作答" in retake.text and "首次作答成绩 67%" in retake.text
    session.expire_all()
    ack = session.query(Acknowledgement).filter_by(kind="ack").one()
    assert (ack.quiz_score, ack.attempts, ack.last_score) == (pytest.approx(2 / 3), 2, 1.0)
    assert "已作答 2 次" in client.get(url).text
    client.post(path(links.lesson("ack", row.id, lessons[1].id)), data={"q0": "2026年7月1日", "q1": "正确", "q2": "1"})
    session.expire_all()
    assert session.get(Delivery, row.id).state == "acknowledged"


def test_incomplete_submission_is_refused_and_reveals_nothing(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("ack", row.id, lessons[0].id))
    for data in ({}, {"q0": "2026年1月1日", "q1": "", "q2": " "}):
        resp = client.post(url, data=data)
        assert resp.status_code == 422 and "请回答全部题目" in resp.text and "本次提交未记录" in resp.text
        assert "正确答案" not in resp.text
    assert session.query(Acknowledgement).filter_by(kind="ack").count() == 0
    assert 'value="2026年1月1日" checked' in client.post(url, data={"q0": "2026年1月1日"}).text   # kept for the retry


def test_answers_outside_the_options_or_too_long_are_not_stored(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("ack", row.id, lessons[0].id))
    resp = client.post(url, data={"q0": "A" * 900_000, "q1": "正确", "q2": "7"})   # not an option
    assert resp.status_code == 422 and "第 1 题" in resp.text and "AAAA" not in resp.text
    assert session.query(Acknowledgement).filter_by(kind="ack").count() == 0
    resp = client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7" * 5000, "q9": "x" * 5000})
    assert resp.status_code == 200 and "7" * 101 not in resp.text and "x" * 100 not in resp.text
    from yibao.store.models import QuizAttempt
    stored = session.query(QuizAttempt).one().answers
    assert len(stored) == 3 and [len(a["given"]) for a in stored] == [len("2026年1月1日"), 2, 100]


def test_tampered_and_expired_tokens_are_refused_with_a_bilingual_message(setup):
    session, client, links, row, lessons = setup
    good = path(links.lesson("read", row.id, lessons[0].id))
    token = good.rsplit("/", 1)[1]
    payload, mac = token.split(".")
    tampered = f"/l/{payload}.{mac[:-2]}{'AA' if mac[-2:] != 'AA' else 'BB'}"
    resp = client.get(tampered)
    assert resp.status_code == 403 and "链接无效" in resp.text and "not valid" in resp.text
    expired = make_token("read", f"{row.id}.{lessons[0].id}", secret=link_secret(), ttl_s=60,
                         now=dt.datetime(2020, 1, 1).timestamp())
    resp = client.get(f"/l/{expired}")
    assert resp.status_code == 410 and "已过期" in resp.text and "expired" in resp.text
    other_lesson = make_token("read", f"{row.id}.99999", secret=link_secret(), ttl_s=600)
    assert client.get(f"/l/{other_lesson}").status_code == 404
    unsub = links.unsubscribe(row.id)
    assert client.get(f"/l/{path(unsub).rsplit('/', 1)[1]}").status_code == 403   # wrong action for the page
    assert session.query(Acknowledgement).count() == 0


def test_unsubscribe_page_then_post_stops_that_channel(setup):
    session, client, links, row, lessons = setup
    url = path(links.unsubscribe(row.id))
    page = client.get(url)
    assert page.status_code == 200 and "确认退订" in page.text
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "已退订" in done.text
    client.post(url)
    events = session.query(Event).filter_by(stage="unsubscribe").all()
    assert len(events) == 1 and events[0].data["channel"] == "email"      # the audit line, once
    opt_outs = session.query(Unsubscribe).all()
    assert [(u.person_id, u.channel, u.delivery_id) for u in opt_outs] == [("zhang.wei", "email", row.id)]
    assert "已退订" in client.get(url).text                                  # the page knows it is done
    from yibao.delivery.service import unsubscribed_channels
    assert ("zhang.wei", "email") in unsubscribed_channels(session)


def test_sign_link_style_urls_redirect_to_the_pages(setup):
    session, client, links, row, lessons = setup
    token = path(links.lesson("read", row.id, lessons[0].id)).rsplit("/", 1)[1]
    resp = client.get(f"/quiz?t={token}", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == f"l/{token}#quiz"


def test_answer_normalisation():
    assert is_correct({"kind": "numeric", "answer": "7"}, " ７ ")
    assert is_correct({"kind": "numeric", "answer": "7个"}, "7")
    assert is_correct({"kind": "truefalse", "answer": "正确"}, "对")
    assert not is_correct({"kind": "truefalse", "answer": "正确"}, "")
    assert is_correct({"kind": "choice", "answer": "2026年1月1日"}, "2026年1月1日。")


def test_link_in_a_real_email_opens_the_lesson(yibao_db):
    session = session_for(yibao_db)
    sync_people(session, parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True))
    add_lessons(session, ["nurse"])
    with CaptureSmtpServer(port=0) as server:
        smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn")
        deliver(session, now=NOW, smtp=smtp, config=parse_subscriptions(SUBSCRIPTIONS, check_secret=None))
        mail = [m for m in server.messages if m.rcpt_tos == ["chenjing@h.example.cn"]][0]
    text = mail.message.get_body(("plain",)).get_content()
    urls = re.findall(r"https?://\S+/l/[A-Za-z0-9_\-.]+", text)
    assert urls
    from yibao.settings import get_settings
    base = get_settings().public_url
    client = TestClient(create_ack_app(yibao_db))
    resp = client.get(urls[0].removeprefix(base))
    assert resp.status_code == 200 and "陈静" in resp.text
    client.get(urls[0].removeprefix(base) + "/seen")
    assert session.query(Acknowledgement).filter_by(person_id="chen.jing", kind="read").count() == 1
    assert "List-Unsubscribe" in mail.message
    session.close()


def test_lesson_page_links_the_other_lessons_of_the_same_message(setup):
    session, client, links, row, lessons = setup
    page = client.get(path(links.lesson("read", row.id, lessons[0].id))).text
    assert "本次推送的其他课程" in page and lessons[1].title in page
    sibling = re.search(r'<li><a href="([^"]+)">', page).group(1)
    other = client.get(f"/l/{sibling}")
    assert other.status_code == 200 and lessons[0].title in other.text   # and back again
    client.get(path(links.lesson("read", row.id, lessons[0].id)) + "/seen")
    client.get(f"/l/{sibling}/seen")
    assert session.query(Acknowledgement).filter_by(kind="read").count() == 2


def test_lesson_token_without_a_lesson_is_refused(setup):
    session, client, links, row, lessons = setup
    bare = make_token("read", str(row.id), secret=link_secret(), ttl_s=600)
    assert client.get(f"/l/{bare}").status_code == 403
    assert client.get("/l/not-a-token").status_code == 403


def test_signed_diff_link_opens_the_comparison_without_a_login_and_nothing_else(setup):
    """问一问 and the group chat cite a 对照表 by a signed /d/<token> link: staff have no Airflow login."""
    from yibao.qa.answer import diff_links
    from yibao.store.models import Lesson

    session, client, links, row, lessons = setup
    change_id = session.get(Lesson, lessons[0].id).change_id
    link = diff_links(BASE, {1: change_id})[1]
    assert link.startswith(f"{BASE}/d/")
    resp = client.get(path(link))
    assert resp.status_code == 200 and "第一条" in resp.text and resp.text.count("<html") == 1
    assert 'content="noindex"' in resp.text
    token = path(link).rsplit("/", 1)[1]
    assert client.get(f"/d/{token[:-2]}xx").status_code == 403                        # tampered
    lesson_token = path(links.lesson("read", row.id, lessons[0].id)).rsplit("/", 1)[1]
    assert client.get(f"/d/{lesson_token}").status_code == 403                        # a lesson link is no diff link
    assert client.get(f"/l/{token}").status_code == 403                               # nor the other way round
    gone = make_token("diff", "99999", secret=link_secret(), ttl_s=600)
    assert client.get(f"/d/{gone}").status_code == 404
    odd = make_token("diff", "1.2", secret=link_secret(), ttl_s=600)
    assert client.get(f"/d/{odd}").status_code == 404
    for subject in ("²", "１", "9" * 400, "-1", "1.２"):       # signed, yet no id: refused, never a 500
        signed = make_token("diff", subject, secret=link_secret(), ttl_s=600)
        assert client.get(f"/d/{signed}").status_code == 403
        signed = make_token("read", subject, secret=link_secret(), ttl_s=600)
        assert client.get(f"/l/{signed}").status_code == 403


def test_without_a_link_secret_an_answer_links_the_comparison_behind_the_login(monkeypatch):
    from yibao.delivery import tokens
    from yibao.qa import answer

    def no_secret():
        raise tokens.LinkSecretMissing("no link secret configured")

    monkeypatch.setattr(answer, "link_secret", no_secret)
    assert answer.diff_links("https://h.example/yibao", {5: 7}) == {5: "https://h.example/yibao/qa/diff/7"}
    assert answer.diff_links("https://h.example/yibao", {}) == {}


def test_lesson_page_hides_the_drafted_answer_key_until_the_quiz_is_submitted(setup, corpus_dir):
    import datetime as dt_
    from yibao.lessons import DocContext, draft_lessons
    from yibao.lessons.render import render_lesson

    session, client, links, row, lessons = setup
    corpus = corpus_dir / "nhsa-texts" / "nhsa_fjjc_2023.txt"
    doc = DocContext(None, "医疗保障基金飞行检查管理暂行办法", None, None, dt_.date(2023, 3, 1), None, None,
                     None, "file", "new", None, corpus.read_text(encoding="utf-8"))
    draft = draft_lessons(doc, None, roles=["doctor"])[0]
    body = render_lesson(draft, "md")
    assert "<details><summary>答案</summary>" in body          # the trainer's view keeps the key
    lessons[0].body_md = body
    session.commit()
    page = client.get(path(links.lesson("read", row.id, lessons[0].id))).text
    explanation = draft.to_dict()["quiz"][0]["explanation"]
    assert "答案" not in page and explanation not in page
    assert "来源" in page and "随堂测验" in page               # the rest of the lesson and the form stay


def test_question_limiter_allows_ten_a_minute_per_link():
    from yibao.delivery.ack_app import QuestionLimiter
    limit = QuestionLimiter(10)
    assert all(limit.allow("a", t) for t in range(10))
    assert not limit.allow("a", 10.0) and limit.allow("b", 10.0)      # one busy link does not block another
    assert limit.allow("a", 61.0)                                      # a minute later it asks again


def test_too_many_questions_from_one_link_get_429(yibao_db, monkeypatch, tmp_path):
    from yibao.delivery import ack_app
    monkeypatch.setattr(ack_app, "ASKS_PER_MINUTE", 1)
    monkeypatch.setenv("YIBAO_QA_VECTORS", "0")
    session = session_for(yibao_db)
    sync_people(session, parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True))
    lesson, = add_lessons(session, ["doctor"])
    row = ledger.plan_lessons(session, person_id="zhang.wei", channel="email", target="zhangwei@h.example.cn",
                              lesson_ids=[lesson.id], now=NOW)
    session.commit()
    client = TestClient(create_ack_app(yibao_db))
    url = path(LinkMaker(BASE, link_secret()).lesson("read", row.id, lesson.id)) + "/ask"
    assert client.get(url, params={"q": "病案首页要核对什么"}).status_code == 200
    second = client.get(url, params={"q": "病案首页要核对什么"})
    assert second.status_code == 429 and "提问太频繁" in second.text
    assert client.get(url).status_code == 200             # the empty form still opens
    session.close()


def test_a_lesson_a_revision_replaced_no_longer_teaches_and_leads_to_the_new_one(setup):
    """The bureau revised the notice in place (30日 → 15日): the old link kept teaching and grading the
    withdrawn rule. Now it says the policy was revised, links the new lesson once this person was
    sent it, and takes no quiz answers."""
    from delivery_world import add_revision

    session, client, links, row, lessons = setup
    old = lessons[0]
    newer = add_revision(session, old)
    page = client.get(path(links.lesson("read", row.id, old.id)))
    assert page.status_code == 410 and "政策已修订" in page.text and "新版课程将另行推送" in page.text
    assert client.post(path(links.lesson("quiz", row.id, old.id)), data={"q0": "x"}).status_code == 410
    sent = ledger.plan_lessons(session, person_id="zhang.wei", channel="email", target="zhangwei@h.example.cn",
                               lesson_ids=[newer.id], now=NOW)
    sent.state = "sent"
    session.commit()
    page = client.get(path(links.lesson("read", row.id, old.id)))
    [href] = re.findall(r'<a href="([^"]+)">学习新版课程', page.text)
    opened = client.get(f"/l/{href}")
    assert opened.status_code == 200 and newer.title in opened.text          # the relative link works
    ask = client.get(path(links.lesson("read", row.id, old.id)).replace("#", "") + "/ask")
    [href] = re.findall(r'<a href="([^"]+)">学习新版课程', ask.text)
    assert href.startswith("../") and client.get(f"/l/{href[3:]}").status_code == 200
    assert client.get(path(links.lesson("read", row.id, lessons[1].id))).status_code == 200   # other lessons stay


def test_a_replaced_lesson_in_a_group_post_leads_only_to_the_group_posts_new_link(setup):
    """Found by a probe: the old group link's 学习新版课程 was signed for 张伟's mail, so a colleague
    in the chat confirmed as if by mail, with no warning and no notice."""
    from delivery_world import add_revision

    session, client, links, row, lessons = setup
    old = lessons[0]
    group = ledger.plan_lessons(session, person_id="zhang.wei", channel="wecom:cardiology",
                                target="wecom:cardiology", lesson_ids=[old.id], now=NOW)
    newer = add_revision(session, old)
    mailed = ledger.plan_lessons(session, person_id="zhang.wei", channel="email", target="zhangwei@h.example.cn",
                                 lesson_ids=[newer.id], now=NOW)
    group.state = mailed.state = "sent"
    session.commit()
    page = client.get(path(links.lesson("read", group.id, old.id)))
    assert page.status_code == 410 and "学习新版课程" not in page.text      # only the mail carries the new one
    posted = ledger.plan_lessons(session, person_id="zhang.wei", channel="wecom:cardiology",
                                 target="wecom:cardiology", lesson_ids=[newer.id], now=NOW)
    posted.state = "sent"
    session.commit()
    [href] = re.findall(r'<a href="([^"]+)">学习新版课程', client.get(path(links.lesson("read", group.id, old.id))).text)
    assert "仅限张伟本人使用" in client.get(f"/l/{href}").text              # the group post's own link
    [href] = re.findall(r'<a href="([^"]+)">学习新版课程', client.get(path(links.lesson("read", row.id, old.id))).text)
    assert "仅限" not in client.get(f"/l/{href}").text                      # and the mail's, from the mail


def test_the_unsubscribe_page_names_the_channel_as_staff_know_it():
    from yibao.delivery.ack_app import channel_name
    assert [channel_name(c, {}) for c in ("email", "wecom:cardiology", "dingtalk:nursing", "feishu:pharmacy")] == [
        "邮件", "企业微信群（cardiology）", "钉钉群（nursing）", "飞书群（pharmacy）"]
    assert channel_name("dingtalk:nursing", {"nursing": "护理部"}) == "钉钉群（护理部）"   # the robot's department


def test_a_head_request_answers_the_links_status_and_records_no_read(setup):
    session, client, links, row, lessons = setup
    assert client.head(path(links.lesson("read", row.id, lessons[0].id))).status_code == 200
    assert session.query(Acknowledgement).count() == 0                    # a preview is not a read
    assert client.head(path(links.lesson("read", row.id, lessons[0].id))[:-3] + "xyz").status_code == 403


def test_a_confirmation_through_a_group_post_is_marked_and_mailed_to_the_person(setup, tmp_path, monkeypatch):
    """A department robot posts 张伟's own link where the whole group sees it: the page says whose
    link it is, the record keeps the channel, and 张伟 gets a mail he can object to."""
    session, client, links, row, lessons = setup
    write_subscriptions(tmp_path, monkeypatch, SUBSCRIPTIONS)        # robots: cardiology is 心内科's
    group = ledger.plan_lessons(session, person_id="zhang.wei", channel="wecom:cardiology",
                                target="wecom:cardiology", lesson_ids=[lessons[0].id], now=NOW)
    group.state = "sent"
    session.commit()
    url = path(links.lesson("read", group.id, lessons[0].id))
    page = client.get(url).text
    assert "此链接来自企业微信群（心内科），仅限张伟本人使用" in page and "以邮件告知本人" in page
    assert client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"}).status_code == 200
    ack = session.query(Acknowledgement).filter_by(kind="ack").one()
    assert ack.via_channel == "wecom:cardiology"
    notice = session.query(Event).filter_by(stage="ack").one()
    assert "企业微信群（心内科）" in notice.message and "如非本人操作，请联系医保办" in notice.message
    mail_row = session.query(Delivery).filter_by(digest_key=f"event:{notice.id}").one()
    assert (mail_row.channel, mail_row.target, mail_row.state) == ("email", "zhangwei@h.example.cn", "pending")
    client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"})     # a retake: no second notice
    assert session.query(Event).filter_by(stage="ack").count() == 1
    again = client.get(url).text                                              # done: no promise of a mail
    assert "仅限张伟本人使用。" in again and "以邮件告知本人" not in again
    assert "《《" not in notice.subject and notice.subject == f"培训确认通知：{lessons[0].title}"

    with CaptureSmtpServer(port=0) as server:                                 # the next delivery run sends it
        smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn")
        deliver(session, now=NOW, smtp=smtp, config=parse_subscriptions(SUBSCRIPTIONS, check_secret=None))
        [mail] = [m for m in server.messages if "培训确认通知" in m.message["Subject"]]
    assert mail.rcpt_tos == ["zhangwei@h.example.cn"]


def test_a_confirmation_by_mail_link_is_not_mailed_back(setup):
    session, client, links, row, lessons = setup
    url = path(links.lesson("read", row.id, lessons[0].id))
    assert "仅限" not in client.get(url).text
    client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"})
    assert session.query(Acknowledgement).filter_by(kind="ack").one().via_channel == "email"
    assert session.query(Event).filter_by(stage="ack").count() == 0


def test_a_parallel_request_that_recorded_first_is_no_error(setup, monkeypatch):
    """Found by a probe: 12 simultaneous /seen requests gave one 500 (the unique key on reads)."""
    from yibao.delivery import ack_app

    session, client, links, row, lessons = setup
    url = path(links.lesson("read", row.id, lessons[0].id))
    assert client.get(f"{url}/seen").status_code == 200
    assert client.post(url, data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"}).status_code == 200
    looked = {"n": 0}
    real = ack_app._existing_ack

    def not_yet_committed(*args):     # the first look misses the row a parallel request is committing
        looked["n"] += 1
        return None if looked["n"] == 1 else real(*args)

    monkeypatch.setattr(ack_app, "_existing_ack", not_yet_committed)
    assert client.get(f"{url}/seen").status_code == 200
    looked["n"] = 0
    assert client.post(url, data={"q0": "2026年1月1日", "q1": "错误", "q2": "7"}).status_code == 200
    session.expire_all()
    assert session.query(Acknowledgement).filter_by(kind="read").count() == 1
    ack = session.query(Acknowledgement).filter_by(kind="ack").one()
    assert (ack.attempts, ack.quiz_score) == (2, 1.0)             # counted as the retake it is


def test_a_group_confirmation_notice_is_not_mailed_after_the_person_unsubscribed(setup):
    """Found by a probe: 陈静 unsubscribed from mail after her notice was queued, and still got it."""
    session, client, links, row, lessons = setup
    group = ledger.plan_lessons(session, person_id="zhang.wei", channel="wecom:cardiology",
                                target="wecom:cardiology", lesson_ids=[lessons[0].id], now=NOW)
    group.state = "sent"
    session.commit()
    client.post(path(links.lesson("read", group.id, lessons[0].id)), data={"q0": "2026年1月1日", "q1": "正确", "q2": "7"})
    assert client.post(path(links.unsubscribe(row.id))).status_code == 200        # 退订 from his mail, afterwards
    with CaptureSmtpServer(port=0) as server:
        smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn")
        report = deliver(session, now=NOW, smtp=smtp, config=parse_subscriptions(SUBSCRIPTIONS, check_secret=None))
        assert not [m for m in server.messages if "培训确认通知" in m.message["Subject"]]
    notice = session.query(Event).filter_by(stage="ack").one()
    row = session.query(Delivery).filter(Delivery.digest_key.like(f"%event:{notice.id}")).one()
    assert row.state == "failed_permanent" and "unsubscribed" in row.last_error and report.errors == []
