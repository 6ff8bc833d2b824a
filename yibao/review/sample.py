"""Demo rows for the review pages: a source, a revised policy, its clause diff and lessons.

Used by the tests, the browser test and docs/make_ui_screenshots.py.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from yibao.store.models import Change, Document, Lesson, Source, Version
from yibao.workdays import training_deadline

SAMPLE_DIFF = {"changes": [
    {"kind": "modified", "old_ref": "第五条", "new_ref": "第五条", "old_path": ["第五条"], "new_path": ["第五条"],
     "old_text": "第五条 门诊慢特病待遇认定有效期为2年。", "new_text": "第五条 门诊慢特病待遇认定有效期为3年。",
     "spans": [{"op": "equal", "text": "第五条 门诊慢特病待遇认定有效期为"}, {"op": "delete", "text": "2"},
               {"op": "insert", "text": "3"}, {"op": "equal", "text": "年。"}],
     "category": "number", "categories": ["number"], "material": True, "old_values": ["2年"], "new_values": ["3年"]},
    {"kind": "added", "old_ref": None, "new_ref": "第九条", "old_path": [], "new_path": ["第九条"], "old_text": "",
     "new_text": "第九条 定点医疗机构应当在患者出院前完成费用结算，不得要求患者垫付。",
     "spans": [{"op": "insert", "text": "第九条 定点医疗机构应当在患者出院前完成费用结算，不得要求患者垫付。"}],
     "category": "obligation", "categories": ["obligation"], "material": True},
], "hidden_wording": 0, "stats": {}}

SAMPLE_QUIZ = [
    {"kind": "choice", "question": "门诊慢特病待遇认定有效期调整为几年？", "answer": "3年",
     "distractors": ["1年", "2年", "5年"], "ref": "第五条", "explanation": ""},
    {"kind": "truefalse", "question": "出院前可以要求患者垫付费用。", "answer": "错",
     "distractors": ["对"], "ref": "第九条", "explanation": ""},
]


def lesson_md(role_label: str) -> str:
    return (f"# 门诊慢特病管理办法修订要点（{role_label}）\n\n"
            "## 变化\n\n- 待遇认定有效期由 **2年** 调整为 **3年**（第五条）\n"
            "- 新增：出院前完成结算，不得要求患者垫付（第九条）\n\n"
            "## 您需要做的\n\n1. 按新有效期核对在册患者\n2. 出院结算流程中取消垫付环节\n")


def seed(session: Session, *, published: dt.date, source_id: str = "nhsa", doc_number: str = "医保发〔2026〕12号",
         roles: tuple[str, ...] = ("doctor", "cashier"), title: str = "关于修订门诊慢特病管理办法的通知",
         source_health: str = "ok") -> list[int]:
    """Insert one revised policy with a lesson per role; returns the lesson ids."""
    source = session.get(Source, source_id)
    if source is None:
        source = Source(id=source_id, name="国家医疗保障局" if source_id == "nhsa" else source_id, family="static",
                        base_url=f"https://{source_id}.example.gov.cn/", health=source_health,
                        last_success_at=dt.datetime.combine(published, dt.time(2, 0)))
        session.add(source)
    deadline = training_deadline(published).date
    doc = Document(source_id=source_id, identity_key=f"no:{doc_number}", doc_number=doc_number, title=title,
                   norm_title=title, url=f"{source.base_url}art/{doc_number}.html", publish_date=published,
                   deadline=deadline)
    session.add(doc)
    session.flush()
    old = Version(document_id=doc.id, seq=1, content_hash=f"{doc.id}-a", raw_sha256="0" * 64, url=doc.url,
                  title=title, text="第五条 门诊慢特病待遇认定有效期为2年。")
    new = Version(document_id=doc.id, seq=2, content_hash=f"{doc.id}-b", raw_sha256="1" * 64, url=doc.url,
                  title=title, text="第五条 门诊慢特病待遇认定有效期为3年。\n第九条 定点医疗机构应当在患者出院前完成费用结算。")
    session.add_all([old, new])
    session.flush()
    change = Change(document_id=doc.id, old_version_id=old.id, new_version_id=new.id, kind="revised",
                    diff=SAMPLE_DIFF, material_count=2,
                    detected_at=dt.datetime.combine(published, dt.time(3, 0)))
    session.add(change)
    session.flush()
    ids = []
    for role in roles:
        from yibao.review.render import role_name

        md = lesson_md(role_name(role))
        lesson = Lesson(change_id=change.id, role=role, status="draft", title=f"{title}（{role_name(role)}）",
                        draft={"role": role, "quiz": [dict(q) for q in SAMPLE_QUIZ]}, body_md=md, drafted_md=md,
                        deadline=deadline, created_at=dt.datetime.combine(published, dt.time(4, 0)))
        session.add(lesson)
        session.flush()
        ids.append(lesson.id)
    return ids
