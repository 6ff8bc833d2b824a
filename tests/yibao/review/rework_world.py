"""A ward of twelve doctors who got one lesson, and what each answered on the quiz.

Imported by the rework and chart tests via sys.path (pytest runs with importlib mode).
Answers go through the real staff lesson page (yibao.delivery.ack_app) over HTTP.
"""
from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

RIGHT = {"q0": "2026年1月1日", "q1": "正确", "q2": "7"}
# person → answers of their FIRST attempt (None: never answered). Quiz (delivery_world.draft):
# q0 choice 2026年1月1日, q1 true/false 正确, q2 numeric 7.
FIRST_ANSWERS: dict[str, dict[str, str] | None] = {
    "d01": RIGHT, "d02": RIGHT, "d04": RIGHT,
    "d03": {**RIGHT, "q1": "错误"},                                  # 2/3: passes
    "d05": {"q0": "2026年1月1日", "q1": "错误", "q2": "5"},            # 1/3
    "d06": {"q0": "2026年1月1日", "q1": "错误", "q2": "5"},
    "d07": {"q0": "2026年7月1日", "q1": "错误", "q2": "7"},
    "d08": {"q0": "2026年7月1日", "q1": "错误", "q2": "7"},
    "d09": {"q0": "2025年12月7日", "q1": "错误", "q2": "7"},
    "d10": {"q0": "2026年7月1日", "q1": "错误", "q2": "7"},            # (a blank answer is refused, not recorded)
    "d11": None, "d12": None,
}
# first attempts: 10; passed 4 (d01–d04) → 40 %; q1 right 3/10 → 30 %; q0 right 6/10
ANSWERED_AFTER = dt.timedelta(days=1)    # everyone answers the day after delivery: on time
FAILED_OR_UNACKED = ["d05", "d06", "d07", "d08", "d09", "d10", "d11", "d12"]
DEPARTMENTS = {"d01": "心内科", "d02": "心内科", "d03": "心内科", "d04": "骨科", "d05": "骨科", "d06": "骨科",
               "d07": "骨科", "d08": "急诊科", "d09": "急诊科", "d10": "急诊科", "d11": "急诊科", "d12": "急诊科"}


def subscriptions() -> str:
    lines = ["hospital: 测试医院", "defaults: {period: immediate}", "people:"]
    for pid, dept in DEPARTMENTS.items():
        lines.append(f"  - {{id: {pid}, name: 医生{pid[1:]}, department: {dept}, roles: [doctor], "
                     f"email: {pid}@h.example.cn}}")
    lines.append("  - {id: ybb, name: 医保办王芳, department: 医保办, roles: [医保办], email: ybb@h.example.cn, "
                 "liaison: true}")
    return "\n".join(lines) + "\n"


LINK = re.compile(r"https?://\S+?/l/([A-Za-z0-9._~-]+)")


def lesson_token(mail) -> str:
    """The signed token of the first lesson link in a captured mail."""
    body = mail.message.get_body(("plain",)).get_content()
    return LINK.search(body).group(1)


def answer(client: TestClient, token: str, answers: dict[str, str]) -> str:
    resp = client.post(f"/l/{token}", data=answers)
    assert resp.status_code == 200, resp.text
    return resp.text


def make_ward(yibao_db: str, tmp_path, monkeypatch, server) -> tuple:
    """Twelve doctors got one lesson by mail (from the SMTP dev server `server`) and answered
    FIRST_ANSWERS (d07 also a second time). Returns (session, config, smtp, client, lesson)."""
    from delivery_world import NOW, add_lessons, session_for, write_subscriptions

    from yibao.delivery.ack_app import create_ack_app
    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.service import deliver
    from yibao.delivery.subscriptions import parse_subscriptions, sync_people

    text = subscriptions()
    write_subscriptions(tmp_path, monkeypatch, text)
    session = session_for(yibao_db)
    config = parse_subscriptions(text)
    sync_people(session, config)
    session.commit()
    smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="yibao@h.example.cn",
                        timeout_s=5)
    [lesson] = add_lessons(session, ["doctor"])
    deliver(session, now=NOW, smtp=smtp, config=config)
    client = TestClient(create_ack_app(yibao_db, clock=lambda: NOW + ANSWERED_AFTER))
    tokens = {m.rcpt_tos[0].split("@")[0]: lesson_token(m) for m in server.messages}
    for pid, answers in FIRST_ANSWERS.items():
        if answers is not None:
            answer(client, tokens[pid], answers)
    answer(client, tokens["d07"], RIGHT)      # a second attempt: never counts as a first attempt
    client.tokens = tokens                    # each person's link to the original version
    server.reset()
    return session, config, smtp, client, lesson
