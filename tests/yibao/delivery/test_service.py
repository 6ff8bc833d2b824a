"""deliver() against the real local SMTP and IM servers, with injected faults.

Exactly once: a run killed mid-batch, an SMTP server that drops the connection after N
messages, a webhook answering 500 — a re-run sends the rest and nothing twice.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, SUBSCRIPTIONS, add_lessons, robot_env, session_for, write_subscriptions  # noqa: E402

from yibao.delivery.email import SmtpSettings  # noqa: E402
from yibao.delivery.ratelimit import RobotLimiter  # noqa: E402
from yibao.delivery.service import deliver  # noqa: E402
from yibao.delivery.subscriptions import load_subscriptions, sync_people  # noqa: E402
from yibao.devservers.im import ImServer  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.store.models import Delivery, DeliveryItem, Event  # noqa: E402

ROBOTS = {"cardiology": ("wecom", "cardio-key", None), "nursing": ("dingtalk", "nurse-token", "SECnurse"),
          "pharmacy": ("feishu", "pharm-hook", "feishu-secret")}
LATER = dt.timedelta(hours=2)   # past the lease and the first retry back-off


class Killed(Exception):
    """Stands in for the worker being killed between sending and recording."""


@pytest.fixture(scope="module")
def smtp_server():
    server = CaptureSmtpServer(port=0, security="plain").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def im_server():
    server = ImServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture()
def world(yibao_db, tmp_path, monkeypatch, smtp_server, im_server):
    smtp_server.reset(drop_after=None)
    im_server.reset()
    robot_env(monkeypatch, im_server, ROBOTS)
    return _World(yibao_db, tmp_path, monkeypatch, smtp_server, im_server)


class _World:
    def __init__(self, url, tmp_path, monkeypatch, smtp_server, im_server):
        self.url, self.tmp_path, self.monkeypatch = url, tmp_path, monkeypatch
        self.smtp_server, self.im_server = smtp_server, im_server
        self.session = session_for(url)
        self.smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="plain",
                                 from_addr="yibao@hospital.example.cn", concurrency=2, timeout_s=5)
        self.limiter = RobotLimiter(per_minute=1000)
        self.subscribe(SUBSCRIPTIONS)

    def subscribe(self, text: str) -> None:
        path = write_subscriptions(self.tmp_path, self.monkeypatch, text)
        self.config = load_subscriptions(path)
        assert self.config.errors == [], self.config.errors
        sync_people(self.session, self.config)
        self.session.commit()

    def deliver(self, now=NOW, **kw):
        from yibao.delivery import service
        service._default_limiter = self.limiter
        return deliver(self.session, now=now, smtp=self.smtp, config=self.config, **kw)

    def mail_by_rcpt(self) -> Counter:
        return Counter(m.rcpt_tos[0] for m in self.smtp_server.messages)

    def states(self) -> Counter:
        self.session.expire_all()
        return Counter(d.state for d in self.session.query(Delivery))


def test_plans_by_role_and_region_and_re_run_sends_nothing_twice(world):
    doctor, nurse = add_lessons(world.session, ["doctor", "nurse"])
    shanghai, = add_lessons(world.session, ["doctor"], region="31")
    add_lessons(world.session, ["doctor"], status="in_review")
    report = world.deliver()
    assert report.failed_retryable == report.failed_permanent == 0, report.errors
    mails = {m.rcpt_tos[0]: m.message for m in world.smtp_server.messages}
    assert set(mails) == {"zhangwei@h.example.cn", "zhaomin@h.example.cn", "sunyu@h.example.cn",
                          "chenjing@h.example.cn"}
    items = {(i.person_id, i.channel): set() for i in world.session.query(DeliveryItem)}
    for i in world.session.query(DeliveryItem):
        items[(i.person_id, i.channel)].add(i.lesson_id)
    assert items[("sun.yu", "email")] == {doctor.id, shanghai.id}      # region 31 gets the 上海 lesson too
    assert items[("zhang.wei", "email")] == {doctor.id}                # region 44 does not
    assert items[("zhang.wei", "wecom:cardiology")] == {doctor.id}
    assert items[("chen.jing", "dingtalk:nursing")] == {nurse.id}
    assert report.sent == 6 and report.per_channel["email"].sent == 4
    assert report.per_channel["wecom"].sent == 1 and report.per_channel["dingtalk"].sent == 1
    body = mails["zhangwei@h.example.cn"].get_body(("plain",)).get_content()
    assert "张伟" in body and "/l/" in body and "⟦" not in body
    assert world.im_server.accepted("cardio-key")[0].body is not None
    for post in world.im_server.accepted():      # a group post: no link that opts the person out for everyone
        assert "/u/" not in str(post.body) and "请联系医保办" in str(post.body)

    again = world.deliver(now=NOW + LATER)
    assert again.planned == 0 and again.sent == 0
    assert len(world.smtp_server.messages) == 4 and len(world.im_server.accepted()) == 2


def test_new_lesson_later_goes_out_as_a_new_digest_only_with_the_new_lesson(world):
    first, = add_lessons(world.session, ["nurse"])
    world.deliver()
    second, = add_lessons(world.session, ["nurse"])
    report = world.deliver(now=NOW + LATER)
    assert report.planned == 2   # email + dingtalk for 陈静
    rows = world.session.query(Delivery).filter_by(person_id="chen.jing", channel="email").order_by(Delivery.id).all()
    assert [r.lesson_ids for r in rows] == [[first.id], [second.id]]


def test_killed_mid_batch_rerun_sends_the_rest_and_resends_in_flight_with_same_message_id(world):
    people = "\n".join(f"  - {{id: d{i:02d}, name: 医生{i}, department: 心内科, roles: [doctor], "
                       f"email: d{i:02d}@h.example.cn}}" for i in range(20))
    world.subscribe("defaults: {region: \"44\"}\npeople:\n" + people + "\n")
    add_lessons(world.session, ["doctor"])
    seen = []

    def kill_after_five(row, ok):
        seen.append(row.id)
        if len(seen) == 5:
            raise Killed()

    with pytest.raises(Killed):
        world.deliver(on_outcome=kill_after_five)
    states = world.states()
    recorded = states["sent"]   # the other worker may record one more before the run stops
    assert recorded >= 4 and states["sending"] == 20 - recorded
    killed = world.session.get(Delivery, seen[4])
    assert killed.state == "sending"   # sent, but the outcome was never recorded
    delivered_before = len(world.smtp_server.messages)
    assert delivered_before > recorded

    report = world.deliver(now=NOW + LATER)
    assert world.states() == Counter({"sent": 20})
    assert report.resent_after_lease == 20 - recorded and report.sent == 20 - recorded
    by_id = Counter(m.message_id for m in world.smtp_server.messages)
    assert len(by_id) == 20                                   # one Message-ID per person
    assert set(world.mail_by_rcpt()) == {f"d{i:02d}@h.example.cn" for i in range(20)}
    # a copy exists only for messages in flight when the run died, and it carries the same Message-ID
    duplicates = sum(n - 1 for n in by_id.values())
    assert duplicates == delivered_before - recorded
    assert all(n <= 2 for n in by_id.values())


def test_smtp_drops_connection_after_n_messages_rerun_sends_the_rest(world):
    people = "\n".join(f"  - {{id: n{i:02d}, name: 护士{i}, department: 护理部, roles: [nurse], "
                       f"email: n{i:02d}@h.example.cn}}" for i in range(10))
    world.subscribe("defaults: {region: \"44\"}\npeople:\n" + people + "\n")
    add_lessons(world.session, ["nurse"])
    world.smtp_server.reset(drop_after=4)
    first = world.deliver()
    assert first.sent == 4 and first.failed_retryable == 6
    assert world.states() == Counter({"sent": 4, "failed_retryable": 6})

    world.smtp_server.reset(drop_after=None, clear_messages=False)
    too_early = world.deliver(now=NOW + dt.timedelta(minutes=1))   # back-off not over yet
    assert too_early.sent == 0
    second = world.deliver(now=NOW + LATER)
    assert second.sent == 6 and second.resent_after_lease == 0
    assert world.states() == Counter({"sent": 10})
    assert sorted(world.mail_by_rcpt().values()) == [1] * 10   # nobody twice
    attempts = Counter(d.attempts for d in world.session.query(Delivery))
    assert attempts == Counter({1: 4, 2: 6})


def test_webhook_500_is_retried_on_the_next_run_and_sent_once(world):
    add_lessons(world.session, ["doctor", "pharmacy"])
    world.im_server.fail_next("cardio-key", 1, http_status=500)
    first = world.deliver()
    assert first.per_channel["wecom"].failed_retryable == 1 and first.per_channel["feishu"].sent == 1
    row = world.session.query(Delivery).filter_by(channel="wecom:cardiology").one()
    assert row.state == "failed_retryable" and row.next_attempt_at > NOW and "500" in (row.last_error or "")
    second = world.deliver(now=NOW + LATER)
    assert second.sent == 1 and second.per_channel["wecom"].sent == 1
    assert len(world.im_server.accepted("cardio-key")) == 1
    assert len(world.im_server.accepted("pharm-hook")) == 1
    assert world.deliver(now=NOW + 2 * LATER).sent == 0


def test_im_killed_between_send_and_record_is_resent_once_and_marked(world):
    add_lessons(world.session, ["nurse"])

    def kill_on_im(row, ok):
        if row.channel.startswith("dingtalk"):
            raise Killed()

    with pytest.raises(Killed):
        world.deliver(on_outcome=kill_on_im)
    assert world.deliver(now=NOW + dt.timedelta(minutes=1)).sent == 0   # lease not over: not touched
    report = world.deliver(now=NOW + LATER)
    assert report.resent_after_lease == 1
    accepted = world.im_server.accepted("nurse-token")
    assert len(accepted) == 2 and "补发" in str(accepted[1].body)
    assert world.states() == Counter({"sent": 2})


def test_bad_robot_key_is_permanent_and_alerts_the_yibaoban(world, monkeypatch):
    import json
    conn = {"conn_type": "http", "host": world.im_server.url_for("wecom", "wrong-key"),
            "extra": {"platform": "wecom"}}
    monkeypatch.setenv("AIRFLOW_CONN_YIBAO_IM_CARDIOLOGY", json.dumps(conn))
    add_lessons(world.session, ["doctor"])
    report = world.deliver()
    assert report.per_channel["wecom"].failed_permanent == 1
    event = world.session.query(Event).filter(Event.subject.like("IM 机器人不可用%")).one()
    assert event.level == "alert"
    alert_mail = [m for m in world.smtp_server.messages if m.rcpt_tos == ["wangfang@h.example.cn"]]
    assert len(alert_mail) == 1 and "wecom:cardiology" in alert_mail[0].message["Subject"]
    world.deliver(now=NOW + LATER)   # permanent: not retried, alert not repeated the same day
    assert len([m for m in world.smtp_server.messages if m.rcpt_tos == ["wangfang@h.example.cn"]]) == 1


def test_daily_period_defers_until_the_digest_time(world):
    world.subscribe(SUBSCRIPTIONS.replace("roles: [doctor], email: zhaomin",
                                          "roles: [doctor], period: daily, email: zhaomin"))
    add_lessons(world.session, ["doctor"])
    first = world.deliver()
    assert first.deferred == 1 and "zhaomin@h.example.cn" not in world.mail_by_rcpt()
    world.deliver(now=NOW + dt.timedelta(days=1))
    assert world.mail_by_rcpt()["zhaomin@h.example.cn"] == 1


def test_people_waiting_for_their_digest_are_assigned_from_the_approval(world):
    """应学 counts a digest reader from the approval on, not from the digest's sending (the completion
    rate looked better while digests waited); reminders still go only to those sent something."""
    from yibao.delivery.report import TOTAL, assignments, completion

    world.subscribe(SUBSCRIPTIONS.replace("roles: [doctor], email: zhaomin",
                                          "roles: [doctor], period: daily, email: zhaomin"))
    lesson, = add_lessons(world.session, ["doctor"])
    world.deliver()
    world.monkeypatch.setattr("yibao.delivery.service.utcnow", lambda: NOW)   # the world's clock
    day = dt.date(2025, 12, 8)

    def zhao(waiting=True):
        return [a for a in assignments(world.session, day, waiting=waiting)
                if a.lesson_id == lesson.id and a.person_id == "zhao.min"]
    [waits] = zhao()
    assert waits.waiting and not waits.sent and waits.assigned_at == NOW
    assert zhao(waiting=False) == []                          # what reminders read
    before = completion(world.session, day, today=day)[-1]
    assert before.department == TOTAL
    assert "等待摘要推送（1人次）" in policy_waiting(world.session, lesson.id)        # the control room says so
    world.deliver(now=NOW + dt.timedelta(days=1))              # the digest goes out
    [sent] = zhao()
    assert not sent.waiting and sent.sent
    assert not any(w.startswith("等待摘要推送") for w in policy_waiting(world.session, lesson.id))
    after = completion(world.session, day, today=day)[-1]
    assert (after.assigned, after.sent) == (before.assigned, before.sent + 1)   # counted once, before and after


def policy_waiting(session, lesson_id):
    from yibao.review.controlroom import policy_rows
    return next(p for p in policy_rows(session, dt.date(2025, 12, 8))
                if any(entry["id"] == lesson_id for entry in p["lessons"]))["waiting_on"]


def test_sending_links_to_the_default_address_is_reported(world):
    world.monkeypatch.delenv("YIBAO_PUBLIC_URL", raising=False)
    add_lessons(world.session, ["doctor"])
    report = world.deliver()
    assert report.sent and any(w.startswith("YIBAO_PUBLIC_URL is not set") for w in report.warnings)
    world.monkeypatch.setenv("YIBAO_PUBLIC_URL", "https://airflow.hospital.example.cn/yibao")
    add_lessons(world.session, ["nurse"])
    assert world.deliver().warnings == []
    world.monkeypatch.setenv("YIBAO_PUBLIC_URL", "http://127.0.0.1:8080/yibao")   # set, but to this machine
    add_lessons(world.session, ["doctor"])
    assert any("loopback address" in w for w in world.deliver().warnings)


def test_dry_run_writes_and_sends_nothing(world):
    add_lessons(world.session, ["doctor"])
    report = world.deliver(dry_run=True)
    assert report.planned == 4 and report.sent == 0
    assert world.session.query(Delivery).count() == 0 and world.smtp_server.messages == []
    assert report.to_dict()["planned_rows"][0]["channel"] in ("email", "wecom:cardiology")


def test_lesson_ids_limit_what_is_planned(world):
    a, = add_lessons(world.session, ["nurse"])
    add_lessons(world.session, ["nurse"])
    world.deliver(lesson_ids=[a.id])
    assert {tuple(d.lesson_ids) for d in world.session.query(Delivery)} == {(a.id,)}


def test_an_approval_whose_event_started_no_run_goes_with_the_next_run(world):
    from yibao.delivery.service import approved_unsent
    a, = add_lessons(world.session, ["nurse"])
    b, = add_lessons(world.session, ["nurse"])
    assert approved_unsent(world.session, now=NOW) == [a.id, b.id]
    world.deliver(lesson_ids=[a.id])               # b's approval event started no run
    assert approved_unsent(world.session, now=NOW) == [b.id]
    world.deliver(lesson_ids=[a.id] + approved_unsent(world.session, now=NOW))   # the deliver DAG's sweep
    assert approved_unsent(world.session, now=NOW) == []
    add_lessons(world.session, ["employer_hr"])     # nobody subscribes to it: nothing is on its way
    assert approved_unsent(world.session, now=NOW) == []
    assert sorted(tuple(d.lesson_ids) for d in world.session.query(Delivery)) == [(a.id,), (a.id,), (b.id,), (b.id,)]


def test_deliver_command_dry_run_then_send(world, capsys, monkeypatch):
    from yibao.cli import main
    lesson, = add_lessons(world.session, ["nurse"])
    # (without --lesson only lessons whose deadline is recent are delivered; these fixtures are from 2025)
    assert main(["deliver", "--dry-run", "--lesson", str(lesson.id)]) == 0
    out = capsys.readouterr().out
    assert "would send 2 message(s)" in out and "chen.jing" in out
    assert world.smtp_server.messages == []
    monkeypatch.setenv("YIBAO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("YIBAO_SMTP_PORT", str(world.smtp_server.port))
    monkeypatch.setenv("YIBAO_SMTP_SECURITY", "plain")
    monkeypatch.setenv("YIBAO_SMTP_FROM", "医保办 <yibao@hospital.example.cn>")
    assert main(["deliver", "--json", "--lesson", str(lesson.id)]) == 0
    assert '"sent": 2' in capsys.readouterr().out
    assert [m.rcpt_tos for m in world.smtp_server.messages] == [["chenjing@h.example.cn"]]
    assert main(["deliver", "--lesson", "999"]) == 2


def test_one_group_robot_message_carries_each_persons_own_link(world):
    world.subscribe(SUBSCRIPTIONS.replace("roles: [doctor], email: zhaomin@h.example.cn}",
                                          "roles: [doctor], email: zhaomin@h.example.cn, "
                                          "channels: [email, wecom:cardiology]}"))
    add_lessons(world.session, ["doctor"])
    add_lessons(world.session, ["doctor"])
    report = world.deliver()
    assert report.per_channel["wecom"].sent == 2                  # two ledger rows …
    posts = world.im_server.accepted("cardio-key")
    assert len(posts) == 1                                        # … one message in the group
    text = str(posts[0].body)
    assert "张伟：[学习并确认]" in text and "赵敏：[学习并确认]" in text and "共2项" in text
    links = re.findall(r"/l/([A-Za-z0-9_\-.]+)", text)
    assert len(set(links)) == 2
    from yibao.delivery.tokens import link_secret, verify_token
    owners = {world.session.get(Delivery, int(verify_token(t, secret=link_secret()).delivery_id.split(".")[0])).person_id
              for t in links}
    assert owners == {"zhang.wei", "zhao.min"}


def test_withdrawn_lesson_is_not_sent_and_can_go_out_after_re_approval(world):
    lesson, = add_lessons(world.session, ["nurse"])
    from yibao.delivery.service import DeliveryReport, plan
    plan(world.session, lesson_ids=None, now=NOW, config=world.config, report=DeliveryReport())
    world.session.commit()
    lesson.status = "in_review"                         # sent back to review before the send
    world.session.commit()
    report = world.deliver(now=NOW)
    assert report.sent == 0 and report.skipped == 2 and world.smtp_server.messages == []
    assert world.states() == Counter({"failed_permanent": 2})
    lesson.status = "approved"
    world.session.commit()
    again = world.deliver(now=NOW + LATER)
    assert again.sent == 2 and [m.rcpt_tos for m in world.smtp_server.messages] == [["chenjing@h.example.cn"]]


def test_retry_failed_after_fixing_the_address(world):
    add_lessons(world.session, ["doctor"])
    good_smtp = world.smtp
    with CaptureSmtpServer(port=0, reject_rcpt={"sunyu@h.example.cn"}) as bouncing:   # no such mailbox: 550
        world.smtp = SmtpSettings(host="127.0.0.1", port=bouncing.port, security="plain",
                                  from_addr="yibao@hospital.example.cn", timeout_s=5)
        world.deliver()
    world.smtp = good_smtp
    row = world.session.query(Delivery).filter_by(person_id="sun.yu").one()
    assert row.state == "failed_permanent" and "550" in row.last_error
    world.subscribe(SUBSCRIPTIONS.replace("email: sunyu@h.example.cn", "email: sun.yu@h.example.cn"))
    from yibao.delivery.service import requeue_failed
    assert requeue_failed(world.session, person_ids=["sun.yu"], now=NOW) == 1
    report = world.deliver(now=NOW + LATER)
    assert report.sent == 1 and world.mail_by_rcpt() == Counter({"sun.yu@h.example.cn": 1})


class _FailOnePart:
    """A limiter that makes the robot refuse the n-th wecom part (the parts before it get through)."""

    def __init__(self, world, n: int):
        self.world, self.n, self.wecom_parts = world, n, 0
        self.inner = RobotLimiter(per_minute=1000)

    def acquire(self, key: str) -> None:
        if key.startswith("wecom:"):
            self.wecom_parts += 1
            if self.wecom_parts == self.n:
                self.world.im_server.fail_next("cardio-key", 1, http_status=500)
        self.inner.acquire(key)

    def block(self, key: str, seconds: float) -> None:
        self.inner.block(key, seconds)


def test_split_im_message_resumes_after_the_parts_the_robot_accepted(world):
    for _ in range(14):                                   # one long digest: more than one wecom part
        add_lessons(world.session, ["doctor"])
    world.limiter = _FailOnePart(world, 2)
    first = world.deliver()
    assert first.per_channel["wecom"].failed_retryable == 1
    row = world.session.query(Delivery).filter_by(channel="wecom:cardiology").one()
    assert row.state == "failed_retryable" and row.parts_sent == 1 and row.provider_id is None
    parts_before = [r.body for r in world.im_server.accepted("cardio-key")]
    assert len(parts_before) == 1

    second = world.deliver(now=NOW + LATER)
    assert second.per_channel["wecom"].sent == 1
    world.session.expire_all()
    row = world.session.get(Delivery, row.id)
    accepted = [r.body for r in world.im_server.accepted("cardio-key")]
    total = len(accepted)                                  # part 1 once, then parts 2..T
    assert total >= 2 and row.state == "sent" and row.parts_sent == total
    assert accepted[0] == parts_before[0] and accepted[1] != accepted[0]
    assert row.provider_id is None or not row.provider_id.startswith("parts_sent=")
