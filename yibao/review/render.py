"""Text shown to reviewers: the HITL subject/body and the 对照表 (clause diff) HTML."""
from __future__ import annotations

import html
from typing import Any

from sqlalchemy.orm import Session

from yibao.diff.model import DiffResult
from yibao.diff.render_html import render_html
from yibao.lessons.roles import ROLES
from yibao.store.models import Change, Lesson

MAX_SUMMARY_ROWS = 8


STATUS_NAMES = {"draft": "草稿", "in_review": "审核中", "escalated": "已上报医保办", "approved": "已通过",
                "rejected": "已驳回", "regenerating": "重新生成中"}


# audit actions (Review.action) as trainers read them
ACTION_NAMES = {"draft": "起草", "edit": "编辑", "approve": "批准", "reject": "驳回", "regenerate": "要求重新生成",
                "redraft": "重新起草", "escalate": "上报医保办", "auto_approve": "自动批准", "request": "发起审核",
                "rework": "返工", "add_role": "补充岗位"}


STAGE_NAMES = {"scrape": "采集", "draft": "起草", "review": "审核", "delivery": "推送", "deliver": "推送",
               "reminders": "提醒与督办", "rework": "返工", "links": "培训链接", "pipeline": "流水线",
               "alert": "告警", "ack": "学习确认", "unsubscribe": "退订", "resubscribe": "恢复订阅"}


def stage_name(stage: str) -> str:
    """An alert's stage as the 医保办 says it (采集, 提醒与督办 …)."""
    return STAGE_NAMES.get(stage, stage)


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


def role_name(role: str) -> str:
    return ROLES.get(role, role)


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def review_subject(lesson: Lesson) -> str:
    deadline = lesson.deadline.isoformat() if lesson.deadline else "无截止日"
    return f"课程审核 #{lesson.id}｜{role_name(lesson.role)}｜{lesson.title}（截止 {deadline}）"[:250]


def diff_changes(change: Change | None) -> list[dict[str, Any]]:
    if change is None or not isinstance(change.diff, dict):
        return []
    return [c for c in change.diff.get("changes", []) if isinstance(c, dict)]


def diff_summary_md(change: Change | None) -> str:
    """A short Markdown table of the material clause changes (the 对照表 summary); for a successor
    document, what is new or different compared with the earlier notice."""
    successor = change.diff.get("successor") if change is not None and isinstance(change.diff, dict) else None
    if isinstance(successor, dict):
        return successor_summary_md(successor)
    rows = [c for c in diff_changes(change) if c.get("material", True)][:MAX_SUMMARY_ROWS]
    if not rows:
        return "_无条款级差异（新发布文件或仅措辞变化）_"
    out = ["| 条款 | 类型 | 原文 | 新文 |", "|---|---|---|---|"]
    for c in rows:
        ref = c.get("new_ref") or c.get("old_ref") or ""
        cells = [ref, c.get("kind", ""), _cell(c.get("old_text", "")), _cell(c.get("new_text", ""))]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


_SUCCESSOR_KINDS = {"new_obligation": "新增义务", "changed": "变化", "new": "新增", "dropped": "不再规定"}


def successor_summary_md(successor: dict) -> str:
    """Rows of a successor comparison (yibao.diff.successor): kind, provision, what changed."""
    items = [i for i in successor.get("items", []) if isinstance(i, dict)][:MAX_SUMMARY_ROWS]
    if not items:
        return "_与前一通知相比无实质变化_"
    out = ["| 条款 | 与前一通知相比 | 内容 |", "|---|---|---|"]
    for i in items:
        ref = i.get("new_ref") or i.get("old_ref") or ""
        what = "；".join(i.get("numbers") or []) or _cell(i.get("new_text") or i.get("old_text") or "")
        out.append(f"| {_cell(ref, 20)} | {_SUCCESSOR_KINDS.get(i.get('kind'), i.get('kind', ''))} | {_cell(what, 80)} |")
    return "\n".join(out)


def _cell(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split()).replace("|", "｜")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def review_body(session: Session, lesson: Lesson) -> str:
    from yibao.review.apply import lesson_link

    change = session.get(Change, lesson.change_id)
    return "\n\n".join([
        f"**[在审核页面中编辑并处理]({lesson_link(lesson.id)})**",
        "### 条款对照（摘要）", diff_summary_md(change),
        "### 课程草稿", lesson.body_md or lesson.drafted_md or "_（空）_",
    ])


def diff_table_html(change: Change | None) -> str:
    """The side-by-side 对照表 (yibao.diff.render_html); a malformed diff gets a plain table."""
    if change is None or not change.diff:
        return "<p class='muted'>无条款差异数据（新发布文件）。</p>"
    try:
        document = render_html(DiffResult.from_dict(change.diff))
    except Exception:  # noqa: BLE001 - a malformed diff still gets the plain table below
        pass
    else:
        # a whole HTML document with its own <style> (body font, margins): isolated in an
        # iframe so it cannot restyle the review page around it
        return (f'<iframe class="diff-frame" title="条款对照表" '
                f'srcdoc="{html.escape(document, quote=True)}"></iframe>')
    rows = "".join(
        f"<tr><td>{html.escape(c.get('new_ref') or c.get('old_ref') or '')}</td>"
        f"<td>{html.escape(c.get('kind', ''))}</td><td class='old'>{html.escape(c.get('old_text', ''))}</td>"
        f"<td class='new'>{html.escape(c.get('new_text', ''))}</td></tr>" for c in diff_changes(change))
    return ("<table class='diff-fallback'><thead><tr><th>条款</th><th>类型</th><th>原文</th><th>新文</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")
