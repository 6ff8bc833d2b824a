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
