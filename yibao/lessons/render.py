"""Render lessons (Markdown, HTML email, plain text, IM-sized markdown) and lesson packs.

Templates live in templates/lessons/ (override dir $YIBAO_TEMPLATES_OVERRIDE first):
lesson.<fmt>.j2 per format, and roles/<role>.j2 per role for the role's wording.
HTML templates autoescape; the text formats neutralise tag-like input instead.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, pass_eval_context

from . import facts
from .config import LessonConfigError, template_dirs
from .model import LessonDraft
from .roles import ROLES

FORMATS = ("md", "html", "text", "im")
IM_LIMIT = 4096
CONTINUED = "（续）"
_TAG = re.compile(r"<(?=[A-Za-z/!?])")


class RenderError(ValueError):
    """Unknown format or a template that cannot render."""


def _is_html(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))


@pass_eval_context
def _finalize(eval_ctx, value):
    """Text formats: keep '<5%' but stop '<script>' from becoming live HTML downstream.
    (HTML templates autoescape instead.)"""
    if eval_ctx.autoescape:
        return "" if value is None else value
    if isinstance(value, str) and "<" in value and not hasattr(value, "__html__"):
        return _TAG.sub("&lt;", value)
    return "" if value is None else value


def environment() -> Environment:
    """One cached Environment per template search path (templates reload when their files change)."""
    return _environment(tuple(str(d) for d in template_dirs() if d.is_dir()))


@lru_cache(maxsize=8)
def _environment(dirs: tuple[str, ...]) -> Environment:
    env = Environment(loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
                      autoescape=_is_html, finalize=_finalize, trim_blocks=False, lstrip_blocks=False,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["cn_date"] = lambda d: facts.fmt_cn_date(d if isinstance(d, dt.date) else facts.parse_cn_date(str(d)) or None)
    return env


_LETTERS = "ABCDEFG"


def quiz_view(quiz: list[dict]) -> list[dict]:
    """Options with letters; the answer's position rotates with the item index (stable, not random)."""
    out = []
    for i, q in enumerate(quiz):
        if q["kind"] == "truefalse":
            texts = ["正确", "错误"]
            q = {**q, "answer": "正确" if str(q["answer"]).strip() in ("正确", "对", "是") else "错误"}
        elif q["kind"] == "numeric":
            texts = [q["answer"]] + list(q.get("distractors", []))
            texts = texts[1:i % len(texts) + 1] + [texts[0]] + texts[i % len(texts) + 1:]
        else:
            others = list(q.get("distractors", []))
            pos = i % (len(others) + 1)
            texts = others[:pos] + [q["answer"]] + others[pos:]
        options = [{"letter": _LETTERS[j], "text": t} for j, t in enumerate(texts)]
        letter = next(o["letter"] for o in options if o["text"] == q["answer"])
        out.append({**q, "options": options, "answer_letter": letter, "answer_label": f"{letter}. {q['answer']}"})
    return out


def _context(draft: LessonDraft | dict) -> dict:
    d = LessonDraft.from_dict(draft) if isinstance(draft, dict) else draft
    data = d.to_dict()
    if d.role not in ROLES:
        raise RenderError(f"draft has unknown role {d.role!r}")
    pub = facts.parse_cn_date("") if not data["source"].get("publish_date") else dt.date.fromisoformat(data["source"]["publish_date"][:10])
    return {"d": data, "role_name": ROLES[d.role], "quiz": quiz_view(data["quiz"]),
            "effective_cn": facts.fmt_cn_date(d.effective_date) or "施行之日",
            "effective_note": f"{facts.fmt_cn_date(d.effective_date)}起施行" if d.effective_date else "原文未写明施行日期",
            "deadline_cn": facts.fmt_cn_date(d.deadline), "publish_cn": (facts.fmt_cn_date(pub) or "未注明") +
            _PUBLISH_NOTE.get(data["source"].get("publish_date_origin") or "given", "")}


# where the publish date came from when the caller gave none
_PUBLISH_NOTE = {"text": "（原文成文日期）", "today": "（原文未注明，按起草日）"}


def _layout(ctx: dict) -> dict:
    """A first-issue document (no predecessor): the top section (要点, actions, scene, case) first, then
    its provisions by chapter under 条文（按章）; a revision keeps its 原 → 新 changes on top."""
    src = ctx["d"]["source"]
    first_issue = src.get("kind") == "new" and not src.get("predecessor_title")
    ctx["provisions_last"] = first_issue
    w = ctx["w"]
    ctx["h_changes"] = getattr(w, "h_provisions", None) or "条文（按章）" if first_issue else w.h_changes
    return ctx


def _role_module(env: Environment, role: str):
    try:
        return env.get_template(f"lessons/roles/{role}.j2").module
    except TemplateNotFound as exc:
        raise LessonConfigError(f"no role template lessons/roles/{role}.j2 in {template_dirs()}") from exc


def render_lesson(draft: LessonDraft | dict, fmt: str) -> str:
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    env = environment()
    ctx = _context(draft)
    ctx["w"] = _role_module(env, ctx["d"]["role"])
    _layout(ctx)
    if fmt != "im":
        return env.get_template(f"lessons/lesson.{fmt}.j2").render(**ctx).strip() + "\n"
    tpl = env.get_template("lessons/lesson.im.j2")
    for compact in (0, 1, 2):
        text = tpl.render(**ctx, compact=compact).strip() + "\n"
        if len(text.encode("utf-8")) <= IM_LIMIT:
            return text
    return split_im(text, IM_LIMIT - len("\n…（内容较长，请查看完整课件）".encode()))[0] + "\n…（内容较长，请查看完整课件）"


def _hard_split(line: str, limit: int) -> list[str]:
    parts, cur = [], ""
    for ch in line:
        if len((cur + ch).encode("utf-8")) > limit:
            parts.append(cur)
            cur = ""
        cur += ch
    return parts + ([cur] if cur else [])


def split_im(text: str, limit: int = IM_LIMIT) -> list[str]:
    """Split on line boundaries into parts of ≤ limit UTF-8 bytes; parts after the first start with （续）."""
    if limit < 64:
        raise RenderError(f"IM limit {limit} is too small")
    marker = CONTINUED + "\n"
    budget = limit - len(marker.encode("utf-8"))
    parts: list[str] = []
    cur: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _hard_split(line, budget) if len(line.encode("utf-8")) > budget else [line]:
            n = len(piece.encode("utf-8")) + 1
            if cur and size + n > budget:
                parts.append("\n".join(cur))
                cur, size = [], 0
            cur.append(piece)
            size += n
    if cur:
        parts.append("\n".join(cur))
    return [p if i == 0 else marker + p for i, p in enumerate(parts)]


def render_lesson_pack(drafts: list[LessonDraft | dict], title: str) -> str:
    """One self-contained HTML file (inline CSS, no external assets) with print styles."""
    if not drafts:
        raise RenderError("a lesson pack needs at least one draft")
    env = environment()
    lessons = []
    for draft in drafts:
        ctx = _context(draft)
        ctx["w"] = _role_module(env, ctx["d"]["role"])
        lessons.append(_layout(ctx))
    return env.get_template("lessons/pack.html.j2").render(
        title=title, lessons=lessons, generated=facts.fmt_cn_date(dt.date.today()))
