from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, SUBSCRIPTIONS, add_lessons, session_for, write_subscriptions  # noqa: E402

from yibao.delivery.email import SmtpSettings  # noqa: E402
from yibao.delivery.reminders import run_daily  # noqa: E402
from yibao.delivery.service import deliver  # noqa: E402
from yibao.delivery.subscriptions import parse_subscriptions, sync_people  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.store.models import Acknowledgement, Delivery, Event  # noqa: E402

EMAIL_ONLY = "\n".join(line for line in SUBSCRIPTIONS.splitlines() if not line.startswith("robots") and
                       not line.startswith("  cardiology") and not line.startswith("  nursing") and
                       not line.startswith("  pharmacy")).replace(", wecom:cardiology", "") \
    .replace(", dingtalk:nursing", "").replace(", feishu:pharmacy", "") + "\n"
THU = dt.datetime(2025, 12, 11, 2, 0)   # 10:00 Beijing, 3 working days before the 12-16 deadline
FRI = dt.datetime(2025, 12, 12, 2, 0)
SAT = dt.datetime(2025, 12, 13, 2, 0)


@pytest.fixture(scope="module")
def smtp_server():
    server = CaptureSmtpServer(port=0, reject_rcpt={"sunyu@h.example.cn"}).start()
    yield server
    server.stop()


@pytest.fixture()
def world(yibao_db, tmp_path, monkeypatch, smtp_server):
    smtp_server.reset(drop_after=None)
    write_subscriptions(tmp_path, monkeypatch, EMAIL_ONLY)
    session = session_for(yibao_db)
    config = parse_subscriptions(EMAIL_ONLY)
    assert config.errors == []
    sync_people(session, config)
    session.commit()
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="plain",
                        from_addr="yibao@hospital.example.cn", timeout_s=5)
    yield session, config, smtp, smtp_server
    session.close()


def mails_to(server, addr: str) -> list:
    return [m for m in server.messages if m.rcpt_tos == [addr]]


def reminders_to(server, addr: str) -> list:
    return [m for m in mails_to(server, addr) if m.message["Subject"].startswith("【提醒】")]


def test_reminds_non_completers_once_per_day_on_working_days(world):
    session, config, smtp, server = world
    first, second = add_lessons(session, ["doctor"]) + add_lessons(session, ["doctor"])
    deliver(session, now=NOW, smtp=smtp, config=config)
    session.add(Acknowledgement(delivery_id=1, lesson_id=first.id, person_id="zhao.min", kind="ack", at=NOW))
    session.add(Acknowledgement(delivery_id=1, lesson_id=second.id, person_id="zhao.min", kind="ack", at=NOW))
    session.add(Acknowledgement(delivery_id=1, lesson_id=first.id, person_id="zhang.wei", kind="ack", at=NOW))
    session.commit()
    server.reset()

    early = run_daily(session, NOW + dt.timedelta(days=1), config=config, smtp=smtp)   # Tue: 5 working days left
    assert early.reminded_people == 0

    report = run_daily(session, THU, config=config, smtp=smtp)
    assert report.reminded_people == 1   # 张伟 (one lesson left); 赵敏 done; 孙雨's mail bounced (never sent)
    reminder = reminders_to(server, "zhangwei@h.example.cn")   # (as 联络员 he also gets escalations)
    assert len(reminder) == 1
    body = reminder[0].message.get_body(("plain",)).get_content()
    assert second.title in body and first.title not in body and "/l/" in body
    unsubscribe = re.search(r"退订：(\S+/u/\S+)", body).group(1)
    assert reminder[0].message["List-Unsubscribe"] == f"<{unsubscribe}>"   # as the lesson mail
    assert mails_to(server, "zhaomin@h.example.cn") == []

    session.add(Acknowledgement(delivery_id=1, lesson_id=second.id, person_id="sun.yu", kind="read", at=THU))
    session.commit()
    again = run_daily(session, THU + dt.timedelta(hours=3), config=config, smtp=smtp)
    # 孙雨 opened the lesson (so it reached him) but did not press 我已学习: reminded; 张伟 not twice
    assert again.reminded_people == 1 and len(reminders_to(server, "zhangwei@h.example.cn")) == 1
    assert session.query(Delivery).filter(Delivery.digest_key.like("reminder:2025-12-11:%")).count() == 2

    weekend = run_daily(session, SAT, config=config, smtp=smtp)
    assert weekend.workday is False and weekend.reminded_people == 0
    assert run_daily(session, FRI, config=config, smtp=smtp).reminded_people == 2   # next working day: again


def test_escalates_unapproved_lessons_two_working_days_before_the_deadline(world):
    session, config, smtp, server = world
    add_lessons(session, ["nurse"], status="in_review")
    assert "临近截止仍未审核" not in " ".join(run_daily(session, THU, config=config, smtp=smtp).escalations)
    report = run_daily(session, FRI, config=config, smtp=smtp)
    assert report.escalations == ["1项课程临近截止仍未审核"]
    alert = mails_to(server, "wangfang@h.example.cn")
    assert len(alert) == 1 and "未审核" in alert[0].message["Subject"]
    assert "（护士，审核中，截止" in alert[0].message.get_body(("plain",)).get_content()   # in words, not nurse/in_review
    run_daily(session, FRI + dt.timedelta(hours=2), config=config, smtp=smtp)
    assert len(mails_to(server, "wangfang@h.example.cn")) == 1    # once per day


def test_permanent_failures_and_low_completion_go_to_the_department_liaison(world):
    session, config, smtp, server = world
    add_lessons(session, ["doctor"])
    deliver(session, now=NOW, smtp=smtp, config=config)
    failed = session.query(Delivery).filter_by(state="failed_permanent").one()
    assert failed.person_id == "sun.yu" and "550" in failed.last_error
    server.reset()

    report = run_daily(session, THU, config=config, smtp=smtp)
    assert "心内科：1条培训通知发送失败" in report.escalations
    assert "心内科：培训完成率低于80%" in report.escalations
    to_liaison = [m.message["Subject"] for m in mails_to(server, "zhangwei@h.example.cn")]
    to_yibaoban = [m.message["Subject"] for m in mails_to(server, "wangfang@h.example.cn")]
    assert any("发送失败" in s for s in to_liaison) and any("完成率" in s for s in to_liaison)
    rate_mail = next(m for m in mails_to(server, "zhangwei@h.example.cn") if "完成率" in m.message["Subject"])
    assert "孙雨（1项）、张伟（1项）、赵敏（1项）" in rate_mail.message.get_body(("plain",)).get_content()
    assert any("发送失败" in s for s in to_yibaoban) and any("完成率" in s for s in to_yibaoban)
    assert not any("完成率" in m.message["Subject"] for m in mails_to(server, "zhaomin@h.example.cn"))
    esc = session.query(Delivery).filter_by(person_id="zhang.wei", is_escalation=True).count()
    assert esc == 2

    server.reset()
    later = run_daily(session, FRI, config=config, smtp=smtp)
    assert not any("发送失败" in s for s in later.escalations)          # not escalated twice
    assert "心内科：培训完成率低于80%" in later.escalations            # still low: a new day, a new alert
    kinds = Counter(e.stage for e in session.query(Event))
    assert kinds["reminders"] == 3


def test_a_lesson_replaced_by_a_revision_is_not_reminded(world):
    """Reminders listed both the old lesson (the withdrawn 30日 rule) and the revision's lesson."""
    from delivery_world import add_revision

    session, config, smtp, server = world
    old, = add_lessons(session, ["doctor"])
    deliver(session, now=NOW, smtp=smtp, config=config)
    newer = add_revision(session, old)
    deliver(session, now=NOW + dt.timedelta(hours=1), smtp=smtp, config=config)
    server.reset()
    assert run_daily(session, THU, config=config, smtp=smtp).reminded_people >= 1
    [reminder] = reminders_to(server, "zhaomin@h.example.cn")
    body = reminder.message.get_body(("plain",)).get_content()
    assert newer.title in body and f"{old.title}\n" not in body and body.count("/l/") == 1
