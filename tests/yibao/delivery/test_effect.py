"""效果评估 figures and charts on a known ward (answers given on the real lesson page), the
control room's data, and `yibao report --html` through the CLI."""
from __future__ import annotations

import datetime as dt
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "review"))
from rework_world import make_ward  # noqa: E402
from test_charts import bars  # noqa: E402

from yibao.cli import main  # noqa: E402
from yibao.delivery.effect import charts, effect  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.lessons.roles import ROLES  # noqa: E402
from yibao.review.rework import check_all, load_rules  # noqa: E402

SINCE, TODAY = dt.date(2025, 12, 1), dt.date(2025, 12, 20)


@pytest.fixture()
def ward(yibao_db, tmp_path, monkeypatch):
    server = CaptureSmtpServer(port=0).start()
    session, *_ = make_ward(yibao_db, tmp_path, monkeypatch, server)
    yield session
    session.close()
    server.stop()


def test_figures_use_first_attempts(ward):
    figures = effect(ward, SINCE, TODAY, TODAY)
    depts = {r["name"]: r for r in figures["by_department"]}
    assert {k: (r["acknowledged"], r["assigned"], r["quiz_passed"], r["quiz_taken"]) for k, r in depts.items()} == {
        "心内科": (3, 3, 3, 3), "骨科": (4, 4, 1, 4), "急诊科": (3, 5, 0, 3)}   # d07 passed only on his 2nd try
    [role] = figures["by_role"]
    assert role["name"] == ROLES["doctor"] and role["first_pass_rate"] == 0.4
    [policy] = figures["by_policy"]
    assert (policy["on_time"], policy["due"], policy["deadline"]) == (10, 12, "2025-12-16")
    assert [(t["month"], t["assigned"]) for t in figures["trend"]] == [("2025-12", 12)]
    assert figures["total"]["completion_rate"] == 10 / 12


def test_charts_show_the_figures(ward):
    check_all(ward, rules=load_rules(), now=dt.datetime(2025, 12, 10, 2))
    svgs = charts(effect(ward, SINCE, TODAY, TODAY))
    assert set(svgs) == {"chart-department", "chart-role", "chart-ontime", "chart-trend", "chart-rework"}
    dept = bars(svgs["chart-department"])
    assert dept[("骨科", "首次测验通过率")] == ("0.2500", "25% (1/4)")
    assert dept[("急诊科", "完成率")] == ("0.6000", "60% (3/5)")
    assert bars(svgs["chart-ontime"])[("医保发〔2025〕1号", "按时率")] == ("0.8333", "83% (10/12)")
    assert bars(svgs["chart-trend"])[("2025-12", "首次测验通过率")] == ("0.4000", "40%")
    rework = bars(svgs["chart-rework"])
    [(key, before)] = [(k, v) for k, v in rework.items() if k[1] == "返工前"]
    assert key[0].startswith("#1 ") and before == ("0.4000", "40% (10人)")
    for svg in svgs.values():
        ET.fromstring(svg)


def test_report_html_through_the_cli(ward, tmp_path, capsys):
    check_all(ward, rules=load_rules(), now=dt.datetime(2025, 12, 10, 2))
    out = tmp_path / "月报.html"
    assert main(["report", "--since", "2025-12-01", "--until", "2025-12-31", "--html", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0]    # nothing loaded from elsewhere
    for chart_id in ("chart-department", "chart-role", "chart-ontime", "chart-trend", "chart-rework"):
        assert f'id="{chart_id}"' in page
    assert 'data-category="骨科" data-series="首次测验通过率" data-value="0.2500"' in page
    assert "首次测验通过率 40%（4/10），低于 60%" in page and "“错误” 7人" in page
    assert "<td>合计</td>" in page


def test_report_html_bad_input_is_one_line(tmp_path, capsys, yibao_db):
    assert main(["report", "--html", str(tmp_path / "missing" / "r.html")]) == 2
    assert main(["report", "--html", str(tmp_path)]) == 2
    assert main(["report", "--since", "2025-13-01", "--html", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("yibao report: error:") for line in err)


def test_a_report_lists_the_reworks_flagged_in_its_range_and_those_still_open():
    from yibao.delivery.effect import _reworks_in

    rows = [{"id": 1, "state": "approved", "flagged_at": "2026-12-01T03:00:00"},   # 2026-12-01 in Beijing
            {"id": 2, "state": "approved", "flagged_at": "2025-03-01T03:00:00"},
            {"id": 3, "state": "flagged", "flagged_at": "2025-03-01T03:00:00"},    # still open: always shown
            {"id": 4, "state": "flagged", "flagged_at": "2026-12-31T20:00:00"}]    # 2027-01-01 in Beijing
    picked = _reworks_in(rows, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert [r["id"] for r in picked] == [1, 3]
    assert [r["id"] for r in _reworks_in(rows, dt.date(2025, 1, 1), dt.date(2025, 6, 30))] == [2, 3]


def test_report_html_lists_the_lessons_rejected_in_its_period(yibao_db, tmp_path, capsys):
    from yibao.review import decisions
    from yibao.review.sample import seed
    from yibao.store.db import open_session
    from yibao.store.models import Lesson

    with open_session() as s:
        lid = seed(s, published=dt.date.today(), doc_number="医保发〔2026〕88号")[0]
    with open_session() as s:
        decisions.record_decision(s, lid, option="Reject", actor="trainer2", revision=1, comment="与本院无关：本院无血透")
        role = s.get(Lesson, lid).role
    page = tmp_path / "r.html"
    assert main(["report", "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    section = html.split('id="rejected"')[1].split("</section>")[0]
    assert f'data-lesson="{lid}"' in section and ROLES[role] in section
    assert "trainer2" in section and "与本院无关：本院无血透" in section and "医保发〔2026〕88号" in section
    old = tmp_path / "old.html"
    assert main(["report", "--since", "2025-01-01", "--until", "2025-01-31", "--html", str(old)]) == 0
    assert "统计区间内没有驳回的课程" in old.read_text(encoding="utf-8")
