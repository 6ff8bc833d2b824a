"""效果评估: what was learned, as figures for charts and tables (control room, HTML report).

Counting unit as in yibao.delivery.report: one (person, lesson) assignment. The pass rate here
is the FIRST-attempt pass rate (yibao.delivery.quizstats); for quizzes answered before
per-attempt answers were kept, the acknowledgement's score stands in.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery.charts import Series, bar_chart, line_chart
from yibao.delivery.quizstats import first_scores
from yibao.delivery.report import PASS_SCORE, Assignment, assignments
from yibao.lessons.roles import ROLES
from yibao.store.models import Change, Document, Lesson


@dataclass
class Figures:
    name: str
    assigned: int = 0
    acknowledged: int = 0
    quiz_taken: int = 0      # first attempts
    quiz_passed: int = 0
    due: int = 0
    on_time: int = 0

    @staticmethod
    def _rate(num: int, den: int) -> float | None:
        return num / den if den else None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "assigned": self.assigned, "acknowledged": self.acknowledged,
                "quiz_taken": self.quiz_taken, "quiz_passed": self.quiz_passed, "due": self.due,
                "on_time": self.on_time, "completion_rate": self._rate(self.acknowledged, self.assigned),
                "first_pass_rate": self._rate(self.quiz_passed, self.quiz_taken),
                "on_time_rate": self._rate(self.on_time, self.due)}


def _first_scores(session: Session, found: list[Assignment]) -> dict[tuple[str, int], float | None]:
    firsts = first_scores(session, sorted({a.lesson_id for a in found}))
    return {(a.person_id, a.lesson_id): firsts.get((a.person_id, a.lesson_id), a.quiz_score) for a in found}


def _tally(found: list[Assignment], scores: dict, key, today: dt.date) -> list[dict[str, Any]]:
    groups: dict[str, Figures] = {}
    for a in found:
        f = groups.setdefault(key(a), Figures(key(a)))
        score = scores.get((a.person_id, a.lesson_id))
        f.assigned += 1
        f.acknowledged += a.acknowledged
        f.quiz_taken += score is not None
        f.quiz_passed += score is not None and score >= PASS_SCORE
        f.due += a.due(today)
        f.on_time += a.on_time
    return [groups[k].as_dict() for k in sorted(groups)]


def _policies(session: Session, lesson_ids: set[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(select(Lesson.id, Document.id, Document.title, Document.doc_number,
                                  Document.publish_date, Document.deadline)
                           .join(Change, Change.id == Lesson.change_id).join(Document, Document.id == Change.document_id)
                           .where(Lesson.id.in_(lesson_ids)))
    return {lid: {"document_id": did, "title": title, "doc_number": number,
                  "published": published.isoformat() if published else None,
                  "deadline": deadline.isoformat() if deadline else None}
            for lid, did, title, number, published, deadline in rows}


def on_time_by_policy(found: list[Assignment], scores: dict, policies: dict[int, dict[str, Any]],
                      today: dt.date) -> list[dict[str, Any]]:
    """Per document: acknowledged within its 7-working-day window (deadline) / assignments due."""
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    for a in found:
        if a.lesson_id in policies:
            grouped[policies[a.lesson_id]["document_id"]].append(a)
    out = []
    for items in grouped.values():
        policy = policies[items[0].lesson_id]
        figures = _tally(items, scores, lambda a: "all", today)[0]
        out.append({**{k: policy[k] for k in ("title", "doc_number", "published", "deadline")},
                    "label": policy["doc_number"] or policy["title"], **figures})
    return sorted(out, key=lambda p: (p["deadline"] or "", p["label"]))


def _china_month(value: dt.datetime) -> str:
    return beijing.local(value).strftime("%Y-%m")


def months(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    out, start = [], since.replace(day=1)
    while start <= until:
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        out.append((max(start, since), min(nxt - dt.timedelta(days=1), until)))
        start = nxt
    return out


def effect(session: Session, since: dt.date, until: dt.date | None = None,
           today: dt.date | None = None) -> dict[str, Any]:
    """Every figure the charts and tables show, for lessons first sent in [since, until]."""
    from yibao.review.rework import rework_rows

    today = today or beijing.today()
    until = until or today
    found = assignments(session, since, until, waiting=True, drop_replaced=True)
    scores = _first_scores(session, found)
    policies = _policies(session, {a.lesson_id for a in found})
    by_month: dict[str, list[Assignment]] = defaultdict(list)
    for a in found:
        by_month[_china_month(a.assigned_at)].append(a)
    trend = []
    for start, _ in months(since, until):
        month = by_month.get(start.strftime("%Y-%m"), [])
        trend.append({**(_tally(month, scores, lambda a: "all", today)[0] if month else Figures("all").as_dict()),
                      "month": start.strftime("%Y-%m")})
    while len(trend) > 1 and not trend[0]["assigned"]:
        trend.pop(0)          # the trend starts with the first month anything was sent
    total = _tally(found, scores, lambda a: "合计", today)
    return {"since": since.isoformat(), "until": until.isoformat(), "today": today.isoformat(),
            "total": total[0] if total else Figures("合计").as_dict(),
            "by_department": _tally(found, scores, lambda a: a.department, today),
            "by_role": _tally(found, scores, lambda a: ROLES.get(a.role, a.role), today),
            "by_policy": on_time_by_policy(found, scores, policies, today),
            "trend": trend, "reworks": _reworks_in(rework_rows(session), since, until)}


def _reworks_in(rows: list[dict[str, Any]], since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """The reworks flagged in [since, until] (Beijing dates), and any still open whenever flagged."""
    def flagged_on(row: dict[str, Any]) -> dt.date:
        return beijing.today(dt.datetime.fromisoformat(row["flagged_at"]))
    return [r for r in rows if r["state"] == "flagged" and flagged_on(r) <= until or since <= flagged_on(r) <= until]


def _notes(rows: list[dict[str, Any]], num: str, den: str) -> list[str]:
    return [f"{r[num]}/{r[den]}" if r[den] else "" for r in rows]


def charts(figures: dict[str, Any]) -> dict[str, str]:
    """The five charts as inline SVG, keyed by chart id."""
    def completion_and_pass(chart_id: str, title: str, rows: list[dict[str, Any]]) -> str:
        return bar_chart(chart_id, title, [r["name"] for r in rows], [
            Series("完成率", [r["completion_rate"] for r in rows], _notes(rows, "acknowledged", "assigned")),
            Series("首次测验通过率", [r["first_pass_rate"] for r in rows], _notes(rows, "quiz_passed", "quiz_taken"))])

    policies = figures["by_policy"]
    trend = figures["trend"]
    reworks = figures["reworks"]
    return {
        "chart-department": completion_and_pass("chart-department", "各科室完成率与首次测验通过率",
                                                figures["by_department"]),
        "chart-role": completion_and_pass("chart-role", "各岗位完成率与首次测验通过率", figures["by_role"]),
        "chart-ontime": bar_chart("chart-ontime", "各政策按时完成率（发布后7个工作日内）",
                                  [p["label"] for p in policies],
                                  [Series("按时率", [p["on_time_rate"] for p in policies],
                                          _notes(policies, "on_time", "due"))]),
        "chart-trend": line_chart("chart-trend", "月度趋势", [t["month"] for t in trend], [
            Series("完成率", [t["completion_rate"] for t in trend]),
            Series("首次测验通过率", [t["first_pass_rate"] for t in trend]),
            Series("按时率", [t["on_time_rate"] for t in trend])]),
        "chart-rework": bar_chart("chart-rework", "返工课程：首次测验通过率（返工前 / 返工后）",
                                  [f"#{r['lesson_id']} {r['title']}" for r in reworks], [
                                      Series("返工前", [r["before"]["pass_rate"] for r in reworks],
                                             [str(r["before"]["responses"]) + "人" for r in reworks]),
                                      Series("返工后", [r["after"]["pass_rate"] if r["after"] else None
                                                     for r in reworks],
                                             [f"{r['after']['responses']}人" if r["after"] else "待修订"
                                              for r in reworks])],
                                  empty="没有返工的课程"),
    }
