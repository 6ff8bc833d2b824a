"""返工 end to end on a real store and a real SMTP dev server: first-attempt statistics from
answers given on the real lesson page, the thresholds, the flag with its figures, and the
reworked version going only to those who failed or never acknowledged, each once."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "delivery"))
from delivery_world import NOW  # noqa: E402
from rework_world import FAILED_OR_UNACKED, RIGHT, answer, lesson_token, make_ward  # noqa: E402

from yibao.cli import main  # noqa: E402
from yibao.delivery.quizstats import lesson_stats  # noqa: E402
from yibao.delivery.service import deliver  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.review import decisions, queue  # noqa: E402
from yibao.review.rework import (  # noqa: E402
    ReworkConfigError, ReworkRules, check_all, load_rules, rework_rows,
)
from yibao.store.models import Lesson, LessonRework, QuizAttempt  # noqa: E402

LATER = NOW + dt.timedelta(days=2)


@pytest.fixture()
def ward(yibao_db, tmp_path, monkeypatch):
    server = CaptureSmtpServer(port=0).start()
    session, config, smtp, client, lesson = make_ward(yibao_db, tmp_path, monkeypatch, server)
    yield session, config, smtp, server, client, lesson
    session.close()
    server.stop()


def test_first_attempt_statistics_per_question(ward):
    session, *_, lesson = ward
    attempts = session.query(QuizAttempt).filter_by(person_id="d07").order_by(QuizAttempt.attempt_no).all()
    assert [(a.attempt_no, a.round, round(a.score, 2)) for a in attempts] == [(1, 0, 0.33), (2, 0, 1.0)]
    stats = lesson_stats(session, lesson.id)
    assert (stats.responses, stats.passed, stats.pass_rate) == (10, 4, 0.4)
    assert queue.lesson_view(session, lesson.id)["quiz_stats"] == stats.to_dict()   # shown on the lesson page
    q0, q1, q2 = stats.questions
    assert (q0.responses, q0.correct) == (10, 6)
    assert (q1.correct, q1.correct_rate) == (3, 0.3)
    assert q1.wrong_answers == [("错误", 7)]
    assert q0.wrong_answers == [("2026年7月1日", 3), ("2025年12月7日", 1)]
    assert (q2.correct, q2.wrong_answers) == (8, [("5", 2)])


def test_thresholds_decide(ward):
    session, *_, lesson = ward
    strict = check_all(session, rules=ReworkRules(min_responses=11, min_question_responses=11), dry_run=True)
    assert strict.flagged == []                                    # too few responses to judge yet
    only_questions = check_all(session, rules=ReworkRules(pass_rate_below=0.4), dry_run=True)
    [verdict] = only_questions.flagged
    assert verdict["reasons"] == ["第2题正确率 30%（3/10），低于 40%"]
    lenient = check_all(session, rules=ReworkRules(pass_rate_below=0.4, question_correct_below=0.3), dry_run=True)
    assert lenient.flagged == []                                    # 30 % is not under 30 %
    assert session.get(Lesson, lesson.id).status == "approved"     # dry runs change nothing


def test_flag_sends_lesson_back_with_figures(ward):
    session, config, smtp, server, client, lesson = ward
    report = check_all(session, rules=load_rules(), now=LATER)
    [verdict] = report.flagged
    assert verdict["reasons"] == ["首次测验通过率 40%（4/10），低于 60%", "第2题正确率 30%（3/10），低于 40%"]
    weakest = verdict["figures"]["weakest"]
    assert [w["index"] for w in weakest] == [1, 0, 2]
    assert weakest[0]["wrong_answers"][0] == {"answer": "错误", "count": 7}
    session.expire_all()
    lesson = session.get(Lesson, lesson.id)
    assert lesson.status == "in_review" and any(f.startswith("返工：首次测验通过率 40%") for f in lesson.flags)
    assert [r.lesson_id for r in queue.queue_rows(session)] == [lesson.id]
    view = queue.lesson_view(session, lesson.id)
    assert view["rework"]["before"] == {"responses": 10, "pass_rate": 0.4}
    assert view["audit"][-1]["action"] == "rework" and "“错误”7人" in view["audit"][-1]["comment"]
    again = check_all(session, rules=load_rules(), now=LATER)      # the daily round re-runs: no second flag
    assert again.flagged == [] and again.under_rework == [lesson.id]
    assert session.query(LessonRework).count() == 1


def test_reworked_version_goes_only_to_failed_and_unacknowledged_once(ward):
    session, config, smtp, server, client, lesson = ward
    check_all(session, rules=load_rules(), now=LATER)             # (its alert to the 医保办 goes out below)
    session.expire_all()
    lesson = session.get(Lesson, lesson.id)
    body = lesson.body_md + "\n\n## 演示：病案首页质控\n\n先核对主要诊断编码，再确认分组。\n"
    decisions.record_decision(session, lesson.id, option="Approve", actor="trainer1", revision=lesson.revision,
                              body_md=body, comment="增加病案首页质控的演示")
    session.commit()

    deliver(session, now=LATER + dt.timedelta(hours=1), smtp=smtp, config=config)
    alert = [m for m in server.messages if m.rcpt_tos == ["ybb@h.example.cn"]]
    assert len(alert) == 1 and "课程需返工" in alert[0].message["Subject"]
    reworked = [m for m in server.messages if m.message["Subject"].startswith("【课程已修订】")]
    got = sorted(m.rcpt_tos[0].split("@")[0] for m in reworked)
    assert got == FAILED_OR_UNACKED                                 # d01–d04 passed: nothing for them
    mail = reworked[0].message
    assert mail["Subject"].startswith("【课程已修订】")
    text = mail.get_body(("plain",)).get_content()
    assert "修订说明：增加病案首页质控的演示" in text and "新增内容：演示：病案首页质控" in text
    unsubscribe = re.search(r"退订：(\S+/u/(\S+))", text)
    assert mail["List-Unsubscribe"] == f"<{unsubscribe.group(1)}>"    # one-click, as the lesson mail has
    assert unsubscribe.group(1) in mail.get_body(("html",)).get_content()
    assert client.get(f"/u/{unsubscribe.group(2)}").status_code == 200

    sent = len(server.messages)
    deliver(session, now=LATER + dt.timedelta(hours=2), smtp=smtp, config=config)   # re-run: nothing twice
    assert len(server.messages) == sent

    answer(client, lesson_token(reworked[0]), RIGHT)        # the reworked version's first attempt
    [row] = rework_rows(session)
    assert row["state"] == "approved" and row["redelivered"] == len(FAILED_OR_UNACKED)
    assert row["before"]["pass_rate"] == 0.4 and row["after"] == {"responses": 1, "pass_rate": 1.0}
    assert "增加病案首页质控的演示" in row["note"]


def rework_and_redeliver(ward, now: dt.datetime, rules: ReworkRules | None = None) -> dict[str, str]:
    """Flag the lesson, approve a reworked version, deliver it; person → link of the reworked version."""
    session, config, smtp, server, client, lesson = ward
    server.reset()
    assert check_all(session, rules=rules or load_rules(), now=now).flagged_ids == [lesson.id]
    session.expire_all()
    body = session.get(Lesson, lesson.id).body_md + f"\n\n## 演示 {now:%m-%d}\n\n先核对主要诊断编码。\n"
    decisions.record_decision(session, lesson.id, option="Approve", actor="trainer1", revision=None,
                              body_md=body, comment="增加演示")
    session.commit()
    deliver(session, now=now + dt.timedelta(hours=1), smtp=smtp, config=config)
    return {m.rcpt_tos[0].split("@")[0]: lesson_token(m) for m in server.messages
            if m.message["Subject"].startswith("【课程已修订】")}


def test_retakes_on_the_original_link_never_count_after_the_rework(ward, capsys):
    session, config, smtp, server, client, lesson = ward
    reworked = rework_and_redeliver(ward, LATER)
    for pid in ("d01", "d02", "d04"):                    # passed the original; practise again on its link
        answer(client, client.tokens[pid], RIGHT)
    assert session.query(QuizAttempt).filter_by(round=1).count() == 3
    [row] = rework_rows(session)
    assert row["after"] == {"responses": 0, "pass_rate": None} and row["redelivered"] == 8
    assert main(["rework", "list"]) == 0
    assert "40% → — (re-sent to 8, 0 answered)" in capsys.readouterr().out
    assert check_all(session, rules=ReworkRules(min_responses=1, min_question_responses=1),
                     dry_run=True).flagged == []    # nor do they count for the next check

    answer(client, reworked["d05"], {**RIGHT, "q1": "错误"})   # 2/3: a first attempt on the new version
    answer(client, reworked["d05"], RIGHT)                    # … and d05's retake
    [row] = rework_rows(session)
    assert row["after"] == {"responses": 1, "pass_rate": 1.0}
    assert main(["rework", "list"]) == 0
    assert "40% → 100% (re-sent to 8, 1 answered)" in capsys.readouterr().out


def test_second_rework_goes_to_those_who_failed_or_ignored_the_first_reworked_version(ward):
    session, config, smtp, server, client, lesson = ward
    first = rework_and_redeliver(ward, LATER)
    assert sorted(first) == FAILED_OR_UNACKED                       # round 1: failed or unacknowledged original
    wrong = {"q0": "2026年7月1日", "q1": "错误", "q2": "5"}
    for pid, given in {"d05": RIGHT, "d06": wrong, "d07": RIGHT, "d08": wrong, "d09": wrong, "d11": wrong}.items():
        answer(client, first[pid], given)                           # d10, d12: never answered the new version
    answer(client, client.tokens["d01"], wrong)                     # d01 was not sent version 1: not counted
    rules = ReworkRules(min_responses=5, min_question_responses=5)
    second = rework_and_redeliver(ward, LATER + dt.timedelta(days=3), rules)
    assert sorted(second) == ["d06", "d08", "d09", "d10", "d11", "d12"]   # not d05, d07: passed version 1
    rows = rework_rows(session)
    assert [(r["round"], r["redelivered"], r["before"]["pass_rate"]) for r in rows] == [(2, 6, 2 / 6), (1, 8, 0.4)]


def test_rules_file_errors_are_clear(tmp_path):
    bad = tmp_path / "rework.yaml"
    bad.write_text("pass_rate_below: 1.5\n", encoding="utf-8")
    with pytest.raises(ReworkConfigError, match="pass_rate_below"):
        load_rules(bad)
    bad.write_text("pass_rate_bellow: 0.5\n", encoding="utf-8")
    with pytest.raises(ReworkConfigError, match="unknown key"):
        load_rules(bad)
    assert load_rules() == ReworkRules()                            # the shipped file holds the brief's figures


@pytest.mark.parametrize("text, message", [
    ("min_responses: 2.7", "min_responses must be a whole number of at least 1 (e.g. 10), got 2.7"),
    ("min_responses: true", "min_responses must be a whole number of at least 1 (e.g. 10), got True"),
    ("min_responses: 0", "min_responses must be a whole number of at least 1 (e.g. 10), got 0"),
    ("min_question_responses: -3", "min_question_responses must be a whole number of at least 1"),
    ("weakest_questions: '3'", "weakest_questions must be a whole number of at least 1 (e.g. 10), got '3'"),
    ("min_responses: 1e9", "min_responses must be a whole number of at least 1 (e.g. 10), got '1e9' "
                           "(write a plain number: no quotes, no exponent)"),
    ("pass_rate_below: .nan", "pass_rate_below must be a share between 0 and 1 (e.g. 0.6 for 60%), got nan"),
    ("pass_rate_below: .inf", "pass_rate_below must be a share between 0 and 1 (e.g. 0.6 for 60%), got inf"),
    ("pass_rate_below: 60", "pass_rate_below must be a share between 0 and 1 (e.g. 0.6 for 60%), got 60"),
    ("question_correct_below: 40%", "question_correct_below must be a share between 0 and 1 (e.g. 0.6 for 60%), "
                                    "got '40%'"),
    ("question_correct_below: false", "question_correct_below must be a share between 0 and 1"),
])
def test_rules_are_strict_counts_and_shares(tmp_path, text, message):
    bad = tmp_path / "rework.yaml"
    bad.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ReworkConfigError) as err:
        load_rules(bad)
    assert str(err.value).startswith(f"{bad}: ") and message in str(err.value)


def test_rules_accept_whole_shares_and_large_counts(tmp_path):
    good = tmp_path / "rework.yaml"
    good.write_text("min_responses: 1000000000\npass_rate_below: 1\nquestion_correct_below: 0\n", encoding="utf-8")
    rules = load_rules(good)
    assert (rules.min_responses, rules.pass_rate_below, rules.question_correct_below) == (1_000_000_000, 1.0, 0.0)
    assert isinstance(rules.pass_rate_below, float)


def test_daily_round_check_flags_and_alerts_the_office(ward, monkeypatch):
    session, config, smtp, server, client, lesson = ward
    from yibao import flows

    for key, value in {"YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(server.port),
                       "YIBAO_SMTP_SECURITY": "plain", "YIBAO_SMTP_FROM": "yibao@h.example.cn"}.items():
        monkeypatch.setenv(key, value)
    report = flows.rework_check(now=LATER)
    assert report["flagged_ids"] == [lesson.id] and report["checked"] == 1
    [alert] = [m for m in server.messages if m.rcpt_tos == ["ybb@h.example.cn"]]
    body = alert.message.get_body(("plain",)).get_content()
    assert "首次测验通过率 40%（4/10）" in body and "“错误”7人" in body and "/review/lessons/" in body
    assert flows.rework_check(now=LATER)["flagged_ids"] == []       # a second run the same day: nothing new


def test_group_robot_message_of_the_reworked_version(ward):
    session, config, smtp, server, client, lesson = ward
    from yibao.delivery.compose import Composer, LinkMaker
    from yibao.delivery.service import unsubscribed_channels
    from yibao.review.rework import plan_redelivery
    from yibao.store.models import Delivery

    check_all(session, rules=load_rules(), now=LATER)
    session.expire_all()
    lesson = session.get(Lesson, lesson.id)
    decisions.record_decision(session, lesson.id, option="Approve", actor="trainer1", revision=None,
                              comment="第2题改为先看演示再作答")
    ids = plan_redelivery(session, lesson_ids=[lesson.id], now=LATER, opted_out=unsubscribed_channels(session))
    rows = [session.get(Delivery, i) for i in ids[:2]]
    content = Composer(session, LinkMaker("http://h/yibao", b"k")).compose_group(rows)
    assert content.im_markdown.startswith("### 【课程已修订】") and "修订说明：第2题改为先看演示再作答" in content.im_markdown
    assert all(f"- {r.person.name}：[学习并确认](http://h/yibao/l/" in content.im_markdown for r in rows)
