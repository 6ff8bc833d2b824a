"""`yibao rework check|list` through the CLI entry point."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "review"))
sys.path.insert(0, str(HERE.parent / "delivery"))
from rework_world import make_ward  # noqa: E402

from yibao.cli import main  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402


@pytest.fixture()
def ward(yibao_db, tmp_path, monkeypatch):
    server = CaptureSmtpServer(port=0).start()
    session, *_ , lesson = make_ward(yibao_db, tmp_path, monkeypatch, server)
    for key, value in {"YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(server.port),
                       "YIBAO_SMTP_SECURITY": "plain", "YIBAO_SMTP_FROM": "yibao@h.example.cn"}.items():
        monkeypatch.setenv(key, value)      # the 医保办 alert of a check goes out through it
    lesson.server = server
    yield lesson
    session.close()
    server.stop()


def test_check_dry_run_then_flag_then_list(ward, capsys):
    assert main(["rework", "check", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would flag 1" in out and "首次测验通过率 40%（4/10），低于 60%" in out and "“错误”7人" in out
    assert main(["rework", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["flagged_ids"] == [ward.id]
    assert report["flagged"][0]["figures"]["weakest"][0]["wrong_answers"][0] == {"answer": "错误", "count": 7}
    assert main(["rework", "check"]) == 0
    assert "1 already under rework" in capsys.readouterr().out
    assert main(["rework", "list"]) == 0
    assert f"#{ward.id} round 1 flagged: first-attempt pass rate 40% → —" in capsys.readouterr().out


def test_bad_rules_file_is_one_line_exit_2(tmp_path, monkeypatch, capsys, yibao_db):
    bad = tmp_path / "rework.yaml"
    bad.write_text("min_responses: many\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_REWORK_FILE", str(bad))
    assert main(["rework", "check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "min_responses must be a whole number of at least 1 (e.g. 10), got 'many'" in err[0]
    assert main(["rework"]) == 2


def test_check_without_link_secret_keeps_the_flag_and_sends_the_alert(ward, monkeypatch, capsys):
    for name in ("YIBAO_LINK_SECRET", "YIBAO_DEV"):
        monkeypatch.delenv(name, raising=False)
    assert main(["rework", "check"]) == 0                   # the alert carries no signed staff link
    out = capsys.readouterr()
    assert "flagged 1 for rework" in out.out and "LinkSecretMissing" not in out.err
    assert_flagged(ward)
    [alert] = [m for m in ward.server.messages if m.rcpt_tos == ["ybb@h.example.cn"]]
    assert "课程需返工" in alert.message["Subject"]


def test_check_says_when_the_alert_could_not_be_sent(ward, monkeypatch, capsys):
    monkeypatch.delenv("YIBAO_SMTP_HOST")
    assert main(["rework", "check"]) == 1
    out = capsys.readouterr()
    assert "flagged 1 for rework" in out.out
    [err] = out.err.strip().splitlines()[-1:]
    assert "stay flagged for rework, but the alert to the 医保办 was not sent: " in err and "no SMTP settings" in err
    assert "next delivery run" in err
    assert_flagged(ward)
    assert main(["rework", "check"]) == 0                   # nothing flagged twice, nothing to send


def test_check_of_an_unknown_lesson_is_one_line_exit_2(ward, capsys):
    assert main(["rework", "check", "--lesson", "99999"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.strip().splitlines()[-1].endswith("no such lesson 99999")
    assert main(["rework", "check", "--lesson", str(ward.id), "--lesson", "99999", "--lesson", "99998"]) == 2
    assert "no such lesson 99999, 99998" in capsys.readouterr().err
    assert_flagged(ward, reworks=0)                          # nothing was checked


def assert_flagged(lesson, reworks: int = 1) -> None:
    from yibao.store.db import open_session
    from yibao.store.models import Delivery, Lesson, LessonRework

    with open_session() as session:
        assert session.get(Lesson, lesson.id).status == ("in_review" if reworks else "approved")
        assert session.query(LessonRework).count() == reworks
        assert session.query(Delivery).filter(Delivery.digest_key.like("event:%")).count() == reworks
