"""What 效果评估 and the 返工 check cost on a hospital-sized store.

Store: PEOPLE staff in 12 departments and 3 roles, LESSONS approved lessons (one role each), every
matching person got each lesson (one ledger row + item), 85 % acknowledged with a first quiz attempt
(three questions, about half passing), 10 % with a second attempt. Cases, medians over ROUNDS:
- completion report (yibao.delivery.report.completion) — the baseline: what `yibao report` did before
- effect(): every figure of the control room's charts (first attempts, per 科室/role/policy/month, reworks)
- charts(): rendering the five SVGs from those figures
- check_all(dry_run): the daily round's 返工 check over every lesson
- the whole `yibao report --html` page

Run: .venv/bin/python bench/bench_effect.py
"""
from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

PEOPLE = 1500
LESSONS = 24
ROUNDS = 3
ROLES = ("doctor", "nurse", "cashier")
START = dt.datetime(2026, 1, 5, 2, 0)


def _store(tmp: Path):
    from sqlalchemy import insert
    from sqlalchemy.orm import sessionmaker

    from yibao.store import migrate
    from yibao.store.db import get_engine
    from yibao.store.models import (
        Acknowledgement, Change, Delivery, DeliveryItem, Document, Lesson, Person, QuizAttempt, Source, Version,
    )

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate(url)
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    rng = random.Random(7)
    people = [{"id": f"p{i:05d}", "name": f"员工{i}", "email": f"p{i:05d}@h.example.cn", "department": f"科室{i % 12}",
               "region": "national", "is_liaison": False, "channels": ["email"], "active": True} for i in range(PEOPLE)]
    session.execute(insert(Person), people)
    session.add(Source(id="nhsa", name="国家医保局", family="hanweb", base_url="https://www.nhsa.gov.cn"))
    session.flush()
    quiz = [{"kind": "choice", "question": f"问题{q}", "answer": "甲", "distractors": ["乙", "丙"]} for q in range(3)]
    lesson_roles = {}
    for n in range(LESSONS):
        published = (START + dt.timedelta(days=14 * n)).date()
        doc = Document(source_id="nhsa", identity_key=f"no:{n}", doc_number=f"医保发〔2026〕{n + 1}号",
                       title=f"通知{n}", norm_title=f"t{n}", url=f"https://www.nhsa.gov.cn/{n}",
                       publish_date=published, deadline=published + dt.timedelta(days=9))
        session.add(doc)
        session.flush()
        ver = Version(document_id=doc.id, seq=1, content_hash=f"h{n}", raw_sha256="r", url=doc.url, title=doc.title,
                      text="…")
        session.add(ver)
        session.flush()
        change = Change(document_id=doc.id, new_version_id=ver.id, kind="new")
        session.add(change)
        session.flush()
        lesson = Lesson(change_id=change.id, role=ROLES[n % 3], status="approved", title=doc.title,
                        draft={"quiz": quiz}, body_md="…", deadline=doc.deadline,
                        approved_at=dt.datetime.combine(published, dt.time(6)))
        session.add(lesson)
        session.flush()
        lesson_roles[lesson.id] = (lesson.role, dt.datetime.combine(published, dt.time(8)))
    deliveries, items, acks, attempts = [], [], [], []
    next_id = 1
    for lesson_id, (role, sent) in lesson_roles.items():
        for i, person in enumerate(people):
            if ROLES[i % 3] != role:
                continue
            deliveries.append({"id": next_id, "person_id": person["id"], "channel": "email", "target": person["email"],
                               "digest_key": f"lessons:{lesson_id}", "lesson_ids": [lesson_id], "state": "sent",
                               "attempts": 1, "is_escalation": False, "created_at": sent, "sent_at": sent,
                               "parts_sent": 0})
            items.append({"delivery_id": next_id, "lesson_id": lesson_id, "person_id": person["id"], "channel": "email"})
            if rng.random() < 0.85:
                at = sent + dt.timedelta(days=rng.randint(1, 12))
                marks = [rng.random() < 0.7 for _ in range(3)]
                answers = [{"question": f"问题{q}", "answer": "甲", "given": "甲" if ok else rng.choice("乙丙"),
                            "correct": ok} for q, ok in enumerate(marks)]
                score = sum(marks) / 3
                attempts.append({"lesson_id": lesson_id, "person_id": person["id"], "delivery_id": next_id,
                                 "attempt_no": 1, "round": 0, "answers": answers, "score": score, "at": at})
                if rng.random() < 0.1:
                    attempts.append({**attempts[-1], "attempt_no": 2, "score": 1.0})
                acks += [{"delivery_id": next_id, "lesson_id": lesson_id, "person_id": person["id"], "kind": k,
                          "quiz_score": score if k == "ack" else None, "at": at} for k in ("read", "ack")]
            next_id += 1
    for table, rows in ((Delivery, deliveries), (DeliveryItem, items), (Acknowledgement, acks),
                        (QuizAttempt, attempts)):
        session.execute(insert(table), rows)
    session.commit()
    return session, len(items)


def main() -> list[dict]:
    os.environ.setdefault("YIBAO_HOME", tempfile.mkdtemp(prefix="yibao-bench-"))
    from yibao.delivery.effect import charts, effect
    from yibao.delivery.html_report import render_html_report
    from yibao.delivery.report import completion
    from yibao.review.rework import check_all, load_rules

    since, today = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    times: dict[str, list[float]] = {"completion": [], "effect": [], "charts": [], "rework_check": [], "html": []}
    assigned = 0
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            session, assigned = _store(Path(tmp))

            def timed(case, fn):
                start = time.perf_counter()
                out = fn()
                times[case].append(time.perf_counter() - start)
                return out
            rows = timed("completion", lambda: completion(session, since, today, today))
            figures = timed("effect", lambda: effect(session, since, today, today))
            assert figures["total"]["assigned"] == rows[-1].assigned == assigned
            timed("charts", lambda: charts(figures))
            timed("rework_check", lambda: check_all(session, rules=load_rules(), dry_run=True))
            timed("html", lambda: render_html_report(session, since, today, today=today))
            session.close()
    base = statistics.median(times["completion"])
    notes = {"completion": f"completion report, {assigned} assignments (baseline)",
             "effect": "all chart figures (first attempts, 科室/role/policy/month, reworks)",
             "charts": "five SVG charts from the figures", "rework_check": f"返工 check over {LESSONS} lessons",
             "html": "yibao report --html page"}
    return [{"bench": "effect", "case": case, "median_s": round(statistics.median(v), 4), "baseline": "completion",
             "ratio": round(statistics.median(v) / base, 3), "note": notes[case]} for case, v in times.items()]


if __name__ == "__main__":
    import logging
    logging.disable(logging.WARNING)
    result = main()
    print(f"{'case':<13} {'median_s':>10} {'ratio':>8}  note")
    for row in result:
        print(f"{row['case']:<13} {row['median_s']:>10.4f} {row['ratio']:>8.3f}  {row['note']}")
