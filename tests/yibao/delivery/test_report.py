from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, SUBSCRIPTIONS, add_lessons, session_for  # noqa: E402

from yibao.cli import main as cli_main  # noqa: E402
from yibao.delivery import ledger  # noqa: E402
from yibao.delivery.report import TOTAL, completion, to_csv, to_table  # noqa: E402
from yibao.delivery.subscriptions import parse_subscriptions, sync_people  # noqa: E402
from yibao.store.models import Acknowledgement  # noqa: E402

LATE = dt.datetime(2025, 12, 16, 17, 0)   # 12-17 01:00 Beijing: the day after the deadline


@pytest.fixture()
def session(yibao_db):
    s = session_for(yibao_db)
    sync_people(s, parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True))
    doctor, nurse = add_lessons(s, ["doctor", "nurse"])
    for person, lesson, channels in [("zhang.wei", doctor, ["email", "wecom:cardiology"]),
                                     ("zhao.min", doctor, ["email"]), ("sun.yu", doctor, ["email"]),
                                     ("chen.jing", nurse, ["email"])]:
        for channel in channels:
            row = ledger.plan_lessons(s, person_id=person, channel=channel, target="t", lesson_ids=[lesson.id], now=NOW)
            row.state = "failed_permanent" if person == "sun.yu" else "sent"
    acks = [("zhang.wei", doctor, "read", None, NOW), ("zhang.wei", doctor, "ack", 1.0, NOW),
            ("zhao.min", doctor, "read", None, NOW), ("zhao.min", doctor, "ack", 0.34, LATE),
            ("chen.jing", nurse, "read", None, NOW)]
    for person, lesson, kind, score, at in acks:
        s.add(Acknowledgement(delivery_id=1, lesson_id=lesson.id, person_id=person, kind=kind, quiz_score=score, at=at))
    s.commit()
    yield s
    s.close()


def test_completion_by_department_and_role(session):
    rows = {(r.department, r.role): r for r in completion(session, dt.date(2025, 12, 1))}
    cardio = rows[("心内科", "doctor")]
    assert (cardio.assigned, cardio.sent, cardio.read, cardio.acknowledged) == (3, 2, 2, 2)  # 孙雨's mail bounced
    assert (cardio.quiz_taken, cardio.quiz_passed, cardio.on_time) == (2, 1, 1)             # 赵敏 late and failed
    assert cardio.pass_rate == 0.5 and cardio.completion_rate == pytest.approx(2 / 3)
    nursing = rows[("护理部", "nurse")]
    assert (nursing.assigned, nursing.read, nursing.acknowledged, nursing.pass_rate) == (1, 1, 0, None)
    total = rows[(TOTAL, "")]
    assert (total.assigned, total.acknowledged, total.on_time) == (4, 2, 1)
    assert completion(session, dt.date(2025, 12, 9)) == []    # nothing first delivered since then


def test_on_time_rate_counts_only_what_is_due(session):
    # deadline 2025-12-16: before it, only the two acknowledgements are due (both in the doctors' row)
    before = {(r.department, r.role): r for r in completion(session, dt.date(2025, 12, 1), today=dt.date(2025, 12, 10))}
    assert (before[(TOTAL, "")].due, before[(TOTAL, "")].on_time) == (2, 1)
    assert before[("护理部", "nurse")].on_time_rate is None        # 陈静 still has time: not counted as late
    after = {(r.department, r.role): r for r in completion(session, dt.date(2025, 12, 1), today=dt.date(2025, 12, 17))}
    assert (after[(TOTAL, "")].due, after[(TOTAL, "")].on_time) == (4, 1)
    assert after[("护理部", "nurse")].on_time_rate == 0.0


def test_csv_and_table(session):
    rows = completion(session, dt.date(2025, 12, 1))
    records = list(csv.DictReader(io.StringIO(to_csv(rows))))
    cardio = next(r for r in records if r["department"] == "心内科")
    assert cardio["role_name"] == "临床医生" and cardio["quiz_pass_rate"] == "0.5000" and cardio["on_time"] == "1"
    table = to_table(rows)
    assert "心内科" in table and "67%" in table and table.splitlines()[0].startswith("科室")


def test_attestation_ledger_csv(session):
    from yibao.delivery.report import attestation_csv
    records = list(csv.DictReader(io.StringIO(attestation_csv(session, dt.date(2025, 12, 1)))))
    assert len(records) == 4
    zhao = next(r for r in records if r["person_id"] == "zhao.min")
    assert zhao["name"] == "赵敏" and zhao["doc_number"].endswith("号") and zhao["deadline"] == "2025-12-16"
    assert zhao["acknowledged_at"] == "2025-12-17 01:00" and zhao["on_time"] == "0" and zhao["quiz_passed"] == "0"
    zhang = next(r for r in records if r["person_id"] == "zhang.wei")
    assert zhang["channels"] == "email wecom:cardiology" and zhang["on_time"] == "1"


def test_report_command(session, capsys, tmp_path):
    assert cli_main(["report", "--since", "2025-12-01", "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("department,role,role_name") and "护理部" in out
    assert cli_main(["report", "--since", "2025-12-01", "-o", str(tmp_path / "r.txt")]) == 0
    assert "合计" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert cli_main(["report", "--since", "2025-12-01", "--detail"]) == 0
    assert capsys.readouterr().out.startswith("person_id,name,department")
    assert cli_main(["report", "--since", "12/01/2025"]) == 2
    assert "not a date" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--since", "0001-01-01"], "before 2000-01-01"),
    (["--since", "2025-12-01", "--until", "0001-01-01"], "before 2000-01-01"),
    (["--since", "9999-12-31"], "after today"),
    (["--html", "r.html", "--since", "9999-12-31"], "after today"),
    (["--html", "r.html", "--csv"], "do not apply"),
])
def test_report_refuses_dates_and_flags_it_cannot_use(session, capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["report", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_report_until_after_today_ends_today(session, capsys, tmp_path):
    page = tmp_path / "r.html"
    assert cli_main(["report", "--since", "2025-12-01", "--until", "9999-12-31", "--html", str(page)]) == 0
    assert "ends today" in capsys.readouterr().err
    assert "9999" not in page.read_text(encoding="utf-8")


def test_a_report_whose_links_point_at_the_default_address_says_so(session, capsys, tmp_path, monkeypatch):
    """Without YIBAO_PUBLIC_URL every link went to http://localhost:8080/yibao, silently, exit 0."""
    page = tmp_path / "r.html"
    monkeypatch.delenv("YIBAO_PUBLIC_URL", raising=False)
    assert cli_main(["report", "--since", "2025-12-01", "--html", str(page)]) == 0
    assert "warning: YIBAO_PUBLIC_URL is not set" in capsys.readouterr().err
    monkeypatch.setenv("YIBAO_PUBLIC_URL", "https://airflow.hospital.example.cn/yibao")
    assert cli_main(["report", "--since", "2025-12-01", "--html", str(page)]) == 0
    assert "YIBAO_PUBLIC_URL" not in capsys.readouterr().err


def test_retakes_are_counted_but_the_first_attempt_is_the_score_of_record(session, capsys):
    """赵敏 failed (34 %), then retook twice and reached 100 %: the pass rate keeps her first attempt."""
    zhao = session.query(Acknowledgement).filter_by(person_id="zhao.min", kind="ack").one()
    zhao.attempts, zhao.last_score = 3, 1.0
    session.commit()
    assert cli_main(["report", "--since", "2025-12-01", "--csv"]) == 0
    cardio = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["department"] == "心内科")
    assert (cardio["quiz_taken"], cardio["quiz_passed"], cardio["quiz_pass_rate"]) == ("2", "1", "0.5000")
    assert cardio["quiz_attempts"] == "4"                                   # 张伟 once, 赵敏 three times
    assert cli_main(["report", "--since", "2025-12-01"]) == 0
    table = capsys.readouterr().out
    assert "首次通过率" in table and "作答次数" in table
    assert cli_main(["report", "--since", "2025-12-01", "--detail"]) == 0
    row = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["person_id"] == "zhao.min")
    assert (row["quiz_score"], row["quiz_passed"], row["quiz_attempts"], row["last_score"]) == ("0.34", "0", "3", "1.00")
    assert row["acknowledged_via"] == row["read_via"] == ""   # recorded before the channel was kept (or set directly)


def test_a_lesson_a_revision_replaced_counts_only_where_it_was_done(session):
    """Open assignments on a replaced lesson leave 应学 (the revision's lesson is what is due now);
    acknowledgements made on it stay in the figures."""
    from delivery_world import add_revision
    from yibao.store.models import Lesson

    nurse_lesson = session.query(Lesson).filter_by(role="nurse").one()
    before = completion(session, dt.date(2025, 12, 1))[-1]
    add_revision(session, nurse_lesson)
    after = completion(session, dt.date(2025, 12, 1))[-1]
    assert (after.assigned, after.acknowledged) == (before.assigned - 1, before.acknowledged)   # 陈静 had not acked
    doctor_lesson = session.query(Lesson).filter_by(role="doctor").one()
    add_revision(session, doctor_lesson)
    rows = {(r.department, r.role): r for r in completion(session, dt.date(2025, 12, 1))}
    assert (rows[("心内科", "doctor")].assigned, rows[("心内科", "doctor")].acknowledged) == (2, 2)   # 孙雨 dropped
