"""Composer: staff receive what the trainer approved; a malformed draft still gets delivered."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, add_lessons, session_for  # noqa: E402

from yibao.delivery import ledger  # noqa: E402
from yibao.delivery.compose import Composer, LinkMaker  # noqa: E402
from yibao.store.models import Person  # noqa: E402

EDITED = """# 【已审核】DRG/DIP付费新规：临床医生须知

> 面向：临床医生

## 要点速览
1. 新规自2026年1月1日起执行。
2. 主要诊断按出院时最主要的疾病填写。

## 具体变化
- 第三条：按病种分值付费。
"""


def _row(session, lessons):
    session.add(Person(id="p1", name="李医生", department="心内科", email="li@h.example.cn"))
    session.flush()
    return ledger.plan_lessons(session, person_id="p1", channel="email", target="li@h.example.cn",
                               lesson_ids=[lesson.id for lesson in lessons], now=NOW)


def test_trainer_edits_reach_the_digest(yibao_db):
    session = session_for(yibao_db)
    lesson = add_lessons(session, ["doctor"])[0]
    lesson.body_md = EDITED
    row = _row(session, [lesson])
    msg = Composer(session, LinkMaker("https://yibao.example.cn", b"k")).compose(row)
    for part in (msg.text, msg.html, msg.im_markdown):
        assert "【已审核】DRG/DIP付费新规：临床医生须知" in part
        assert "主要诊断按出院时最主要的疾病填写" in part
    assert "李医生" in msg.text and "⟦" not in msg.text + msg.html + msg.im_markdown


def test_malformed_draft_falls_back_to_the_plain_digest_with_a_warning(yibao_db, caplog):
    session = session_for(yibao_db)
    lesson = add_lessons(session, ["doctor"])[0]
    lesson.draft = {"role": "doctor", "summary": "not a list"}
    row = _row(session, [lesson])
    with caplog.at_level(logging.WARNING, logger="yibao.delivery.compose"):
        msg = Composer(session, LinkMaker("https://yibao.example.cn", b"k")).compose(row)
    assert lesson.title in msg.text and "https://yibao.example.cn/l/" in msg.text
    assert any(f"lesson {lesson.id}" in r.getMessage() and "summary" in r.getMessage() for r in caplog.records)


TRAINER_BRACKETS = """# 【已审核】填写⟦name⟧栏时请注意

## 要点速览
1. 病案首页⟦主要诊断⟧栏按出院诊断填写，勿写⟦read:1⟧或⟦unsubscribe⟧。
2. 模板中的⟦ 与 ⟧ 原样保留。
"""


def test_trainer_brackets_are_data_and_delivery_succeeds_through_smtp(yibao_db):
    """⟦…⟧ written by a trainer (title, body; structured and plain digests) reaches staff verbatim."""
    from delivery_world import SUBSCRIPTIONS

    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import deliver
    from yibao.delivery.subscriptions import parse_subscriptions, sync_people
    from yibao.devservers.smtp import CaptureSmtpServer
    from yibao.store.models import Delivery

    session = session_for(yibao_db)
    config = parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True)
    sync_people(session, config)
    structured, plain = add_lessons(session, ["nurse"]) + add_lessons(session, ["nurse"], tag="b")
    structured.body_md = TRAINER_BRACKETS
    plain.draft, plain.body_md, plain.title = None, TRAINER_BRACKETS, "⟦quiz:7⟧ 不是占位符"
    session.commit()
    with CaptureSmtpServer(port=0) as server:
        smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn")
        deliver(session, now=NOW, smtp=smtp, config=parse_subscriptions(SUBSCRIPTIONS, check_secret=None))
        mails = [m.message for m in server.messages if m.rcpt_tos == ["chenjing@h.example.cn"]]
    assert mails, [(d.state, d.last_error) for d in session.query(Delivery)]
    text = "\n".join(m.get_body(("plain",)).get_content() for m in mails)
    html = "\n".join(m.get_body(("html",)).get_content() for m in mails)
    assert "陈静" in text and "⟦name⟧" in text and "⟦主要诊断⟧" in text and "⟦read:1⟧或⟦unsubscribe⟧" in text
    assert "⟦name⟧" in html and "⟦主要诊断⟧" in html
    assert "\ue000" not in text + html
    failed = [d.last_error for d in session.query(Delivery).filter_by(person_id="chen.jing", channel="email")
              if d.state not in ("sent", "read", "acknowledged")]
    assert failed == []
    session.close()


def test_protect_round_trips_any_trainer_text():
    from yibao.lessons.digest import personalise, protect

    for text in ["⟦name⟧", "⟦⟦x⟧⟧", "\ue000o⟦", "普通文本", "⟦ read:1 ⟧", "⟦unsubscribe⟧\ue000"]:
        assert personalise("⟦name⟧：" + protect(text), {"name": "张三"}) == "张三：" + text
