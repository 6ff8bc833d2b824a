"""`yibao audit verify|show` through the real CLI on a real store file."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys

import pytest

from yibao.review import decisions as d
from yibao.review.sample import seed
from yibao.store.db import open_session
from yibao.store.models import Lesson


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    with open_session(url) as s:
        lesson_id = seed(s, published=dt.date(2026, 3, 2), roles=("doctor",))[0]
    with open_session(url) as s:
        quiz = [dict(q) for q in s.get(Lesson, lesson_id).draft["quiz"]]
        quiz[0]["answer"], quiz[0]["distractors"][0] = quiz[0]["distractors"][0], quiz[0]["answer"]
        d.save_edit(s, lesson_id, actor="trainer1", revision=1, quiz=quiz, comment="答案改正")
    return path, lesson_id


def _yibao(path, *args):
    env = {**os.environ, "YIBAO_DATABASE_URL": f"sqlite:///{path}"}
    return subprocess.run([sys.executable, "-m", "yibao", *args], capture_output=True, text=True, env=env, timeout=120)


def test_verify_intact_then_tampered(store):
    path, _ = store
    ok = _yibao(path, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    with sqlite3.connect(path) as conn:
        row_id = conn.execute("SELECT max(id) FROM reviews WHERE action = 'edit'").fetchone()[0]
        conn.execute("UPDATE reviews SET edit_diff = '' WHERE id = ?", (row_id,))
    bad = _yibao(path, "audit", "verify")
    assert bad.returncode == 1
    assert f"row {row_id}" in bad.stderr and "edit_diff" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_show_prints_the_quiz_diff(store):
    path, lesson_id = store
    out = _yibao(path, "audit", "show", "--lesson", str(lesson_id))
    assert out.returncode == 0, out.stderr
    assert "edit  — 答案改正" in out.stdout and "-  答案:" in out.stdout and "+  答案:" in out.stdout


def test_show_unknown_lesson_is_bad_input(store):
    path, _ = store
    out = _yibao(path, "audit", "show", "--lesson", "999")
    assert out.returncode == 2 and "no lesson with id 999" in out.stderr


def test_verify_breaks_when_an_approved_lesson_is_changed_in_the_store(store):
    """The chain seals the trail; the lesson that is delivered must still be what its approval sealed."""
    path, lesson_id = store
    with open_session(f"sqlite:///{path}") as s:
        d.record_decision(s, lesson_id, option="Approve", actor="trainer1", revision=None)
    assert _yibao(path, "audit", "verify").returncode == 0
    with sqlite3.connect(path) as db:
        db.execute("UPDATE lessons SET body_md = body_md || '伪造的一段' WHERE id = ?", (lesson_id,))
    bad = _yibao(path, "audit", "verify")
    assert bad.returncode == 1 and f"lesson {lesson_id}'s text differs" in bad.stderr, bad.stderr
