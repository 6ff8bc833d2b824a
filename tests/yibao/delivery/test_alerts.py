from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, SUBSCRIPTIONS, robot_env, session_for, write_subscriptions  # noqa: E402

from yibao.delivery import service  # noqa: E402
from yibao.delivery.alerts import AlertError, alert  # noqa: E402
from yibao.delivery.email import SmtpSettings  # noqa: E402
from yibao.delivery.ratelimit import RobotLimiter  # noqa: E402
from yibao.delivery.subscriptions import load_subscriptions, sync_people  # noqa: E402
from yibao.devservers.im import ImServer  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.store.models import Delivery, Event  # noqa: E402

WITH_ALERTS = SUBSCRIPTIONS.replace("robots:\n", "robots:\n  ybb: {platform: wecom, department: 医保办}\n") \
    .replace("email: wangfang@h.example.cn, liaison: true",
             "email: wangfang@h.example.cn, channels: [email, wecom:ybb], liaison: true") \
    + "alerts:\n  recipients: [wang.fang, huang.li]\n"


@pytest.fixture(scope="module")
def servers():
    smtp, im = CaptureSmtpServer(port=0).start(), ImServer(port=0).start()
    yield smtp, im
    smtp.stop()
    im.stop()


@pytest.fixture()
def world(yibao_db, tmp_path, monkeypatch, servers):
    smtp_server, im_server = servers
    smtp_server.reset()
    im_server.reset()
    robot_env(monkeypatch, im_server, {"ybb": ("wecom", "ybb-key", None), "cardiology": ("wecom", "c-key", None),
                                       "nursing": ("dingtalk", "n-key", "SECn"), "pharmacy": ("feishu", "p-key", "s")})
    monkeypatch.setattr(service, "_default_limiter", RobotLimiter(per_minute=1000))
    session = session_for(yibao_db)
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_server.port, security="plain", from_addr="yibao@h.example.cn",
                        timeout_s=5)
    yield session, smtp, smtp_server, im_server, tmp_path, monkeypatch
    session.close()


def setup_people(session, tmp_path, monkeypatch, text):
    path = write_subscriptions(tmp_path, monkeypatch, text)
    sync_people(session, load_subscriptions(path))
    session.commit()


def test_alert_goes_to_the_yibaoban_role_by_email_and_im_once_per_day(world):
    session, smtp, smtp_server, im_server, tmp_path, monkeypatch = world
    setup_people(session, tmp_path, monkeypatch, WITH_ALERTS.split("alerts:")[0])
    alert(session, subject="数据源 nhsa 被挑战页拦截", message="连续 3 次返回验证码页面。", stage="scrape",
          link="http://localhost:8080/yibao/sources/nhsa", now=NOW, smtp=smtp)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["wangfang@h.example.cn"]]
    mail = smtp_server.messages[0].message
    assert "数据源 nhsa 被挑战页拦截" in mail["Subject"] and "告警" in mail["Subject"]
    assert "http://localhost:8080/yibao/sources/nhsa" in mail.get_body(("plain",)).get_content()
    assert len(im_server.accepted("ybb-key")) == 1
    event = session.query(Event).one()
    assert (event.level, event.stage, event.data["recipients"]) == ("alert", "scrape", ["wang.fang"])

    alert(session, subject="数据源 nhsa 被挑战页拦截", message="又一次。", now=NOW + dt.timedelta(hours=3), smtp=smtp)
    assert len(smtp_server.messages) == 1 and session.query(Event).count() == 1
    alert(session, subject="数据源 nhsa 被挑战页拦截", message="次日仍然。", now=NOW + dt.timedelta(days=1), smtp=smtp)
    assert len(smtp_server.messages) == 2


def test_alerts_section_names_the_recipients(world):
    session, smtp, smtp_server, im_server, tmp_path, monkeypatch = world
    setup_people(session, tmp_path, monkeypatch, WITH_ALERTS)
    alert(session, subject="DAG yibao_scrape 失败", message="task fetch failed", level="warning", now=NOW, smtp=smtp)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["huangli@h.example.cn", "wangfang@h.example.cn"]


def test_alert_never_raises_when_sending_fails_and_is_sent_by_the_next_run(world):
    session, smtp, smtp_server, im_server, tmp_path, monkeypatch = world
    setup_people(session, tmp_path, monkeypatch, SUBSCRIPTIONS)
    dead = SmtpSettings(host="127.0.0.1", port=1, security="plain", from_addr="yibao@h.example.cn", timeout_s=2)
    alert(session, subject="SMTP 故障测试", message="…", now=NOW, smtp=dead)
    row = session.query(Delivery).filter(Delivery.digest_key.like("event:%")).one()
    assert row.state == "failed_retryable"
    report = service.send_due(session, now=NOW + dt.timedelta(hours=1), smtp=smtp)
    assert report.sent == 1 and smtp_server.messages[0].rcpt_tos == ["wangfang@h.example.cn"]


def test_the_first_alert_of_a_new_install_reaches_the_yibaoban_of_the_subscriptions_file(world):
    session, smtp, smtp_server, im_server, tmp_path, monkeypatch = world
    write_subscriptions(tmp_path, monkeypatch, SUBSCRIPTIONS)     # people not yet synced by any delivery
    alert(session, subject="信息源异常：国家医疗保障局（error）", message="连接失败", now=NOW, smtp=smtp)
    assert session.query(Event).one().data["recipients"] == ["wang.fang"]
    assert [m.rcpt_tos for m in smtp_server.messages] == [["wangfang@h.example.cn"]]


def test_alert_without_any_recipient_is_still_recorded(world):
    session, smtp, smtp_server, im_server, tmp_path, monkeypatch = world
    no_yibaoban = "\n".join(line for line in SUBSCRIPTIONS.splitlines() if "王芳" not in line)
    write_subscriptions(tmp_path, monkeypatch, no_yibaoban)
    alert(session, subject="无人接收", message="nobody has the 医保办 role", now=NOW, smtp=smtp)
    assert session.query(Event).one().data["recipients"] == []


def test_bad_arguments_are_rejected(world):
    session, *_ = world
    with pytest.raises(AlertError, match="subject is empty"):
        alert(session, subject=" ", message="x")
    with pytest.raises(AlertError, match="level must be one of"):
        alert(session, subject="x", message="x", level="panic")
