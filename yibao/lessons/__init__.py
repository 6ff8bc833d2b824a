"""Role-tailored lessons and digests from 医保 policy changes.

    topics = classify(doc, diff)
    drafts = draft_lessons(doc, diff, roles=None, drafter="rules", notes=None)
    render.render_lesson(drafts[0], "md")
"""
from __future__ import annotations

from .config import LessonConfigError
from .diffsource import provisions_diff, with_table_changes
from .model import DocContext, LessonDraft, LessonInputError, QuizItem
from .relevance import is_teachable, relevant_roles
from .roles import ROLES, UnknownRoleError, role_id
from .topics import classify_text

DRAFTERS = ("rules", "llm")

__all__ = ["DocContext", "LessonDraft", "QuizItem", "ROLES", "role_id", "classify", "relevant_roles",
           "draft_lessons", "LessonInputError", "LessonConfigError", "UnknownRoleError", "DRAFTERS"]


def classify(doc: DocContext, diff: dict | None) -> list[str]:
    """Topic ids for the document (title weighs triple), best first."""
    changed = ""
    if diff:
        changed = "\n".join(f"{c.get('old_text') or ''}\n{c.get('new_text') or ''}" for c in diff.get("changes", []))
    return classify_text(doc.title, f"{doc.text}\n{changed}")


def _validate_diff(diff: dict | None) -> None:
    if diff is None:
        return
    if not isinstance(diff, dict) or not isinstance(diff.get("changes"), list):
        raise LessonInputError("diff must be the dict from compare_texts(...).to_dict() with a 'changes' list")
    for i, c in enumerate(diff["changes"]):
        if not isinstance(c, dict) or "kind" not in c:
            raise LessonInputError(f"diff change #{i} must be a dict with a 'kind'")


def draft_lessons(doc: DocContext, diff: dict | None, *, roles: list[str] | None = None,
                  drafter: str = "rules", notes: str | None = None) -> list[LessonDraft]:
    """One LessonDraft per relevant role (or per given role)."""
    from .rules_drafter import draft_for_role

    if drafter not in DRAFTERS:
        raise LessonInputError(f"unknown drafter {drafter!r}; use one of {', '.join(DRAFTERS)}")
    _validate_diff(diff)
    if diff is None and doc.kind != "new":
        raise LessonInputError(f"document kind {doc.kind!r} needs a diff; pass kind='new' for a first version")
    topics = classify(doc, diff)
    if doc.kind == "new":
        return _draft_new_document(doc, topics, roles, drafter, notes)
    work = with_table_changes(diff) if diff is not None else provisions_diff(doc.text)
    rel = _concerned_only(doc, topics, relevant_roles(topics, work))
    targets = [role_id(r) for r in roles] if roles else list(rel)
    drafts = []
    for role in targets:
        changes = [work["changes"][i] for i in rel.get(role, [])]
        fyi = not changes
        if fyi:  # a role asked for explicitly but not concerned: an FYI lesson on the main changes
            changes = [c for c in work["changes"] if is_teachable(c)][:3]
        background = [c for c in work["changes"] if is_teachable(c)]
        draft = draft_for_role(doc, role, topics, changes, notes=notes, fyi=fyi, background=background)
        if drafter == "llm":
            from .llm_drafter import refine_with_llm
            draft = refine_with_llm(draft, doc, changes, notes=notes)
        drafts.append(draft)
    return drafts


def _concerned_only(doc: DocContext, topics: list[str], rel: dict[str, list[int]]) -> dict[str, list[int]]:
    """A revision's roles, less those the revised document itself does not concern: it binds none of
    their people and its topics do not call for them (`roles.yaml` concern → topics: 物价 for 财务科)
    — a retail-pharmacy agreement and the hospital's nurses. All of them when the text binds no role
    at all (a short notice the document model cannot read), so no change goes untaught."""
    from .concern import concern_config
    from .document_drafter import plan_document

    concerns = plan_document(doc, topics).concerns
    by_topic = {r for t, roles in (concern_config().get("topics") or {}).items() if t in topics for r in roles or {}}
    kept = {r: v for r, v in rel.items()
            if r in by_topic or concerns.get(r) is None or concerns[r].level != "none"}
    return kept or rel


def document_concerns(doc: DocContext) -> dict[str, str]:
    """role id → core | brief | none for a new document (what the review queue shows)."""
    from .document_drafter import plan_document

    plan = plan_document(doc, classify(doc, None))
    return {r: c.level for r, c in plan.concerns.items()}


def _draft_new_document(doc: DocContext, topics: list[str], roles: list[str] | None, drafter: str,
                        notes: str | None) -> list[LessonDraft]:
    """A new document: one lesson per concerned role (core/brief); a role named in `roles` is drafted
    even when the document does not concern it (a trainer added it back)."""
    from .document_drafter import draft_role, plan_document

    plan = plan_document(doc, topics)
    targets = [role_id(r) for r in roles] if roles else [r for r, c in plan.concerns.items() if c.level != "none"]
    drafts = []
    for role in targets:
        draft = draft_role(doc, plan, role, notes=notes)
        if drafter == "llm":
            from .llm_drafter import refine_from_provisions
            draft = refine_from_provisions(draft, doc, plan, notes=notes)
        drafts.append(draft)
    return drafts
