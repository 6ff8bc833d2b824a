"""The quiz section of a lesson's Markdown (its heading, the questions and the <details> answer
key): dropped on the staff page, which asks the quiz in its own form, and rewritten from the
structured quiz when a trainer edits it, so the text and the graded quiz never disagree."""
from __future__ import annotations

from yibao.lessons.render import quiz_view


def section_span(lines: list[str]) -> tuple[int, int] | None:
    """[start, end] line numbers of the quiz section: from the last `## ` heading before the
    answer key to the key's closing </details>; None when the text has no answer key."""
    key = next((i for i, line in enumerate(lines) if line.lstrip().startswith("<details>")), None)
    if key is None:
        return None
    end = next((i for i in range(key, len(lines)) if lines[i].strip().endswith("</details>")), len(lines) - 1)
    start = next((i for i in range(key - 1, -1, -1) if lines[i].startswith("## ")), key)
    return start, end


def without_quiz(body_md: str) -> str:
    lines = (body_md or "").split("\n")
    span = section_span(lines)
    return body_md or "" if span is None else "\n".join(lines[:span[0]] + lines[span[1] + 1:])


def with_quiz(body_md: str, quiz: list[dict]) -> str:
    """The text with its quiz section rendered again from `quiz` (its heading kept)."""
    lines = (body_md or "").split("\n")
    span = section_span(lines)
    if span is None:
        return body_md
    start, end = span
    heading = lines[start] if lines[start].startswith("## ") else "## 小测验"
    return "\n".join(lines[:start] + section_lines(heading, quiz) + lines[end + 1:])


def section_lines(heading: str, quiz: list[dict]) -> list[str]:
    """The section as templates/lessons/lesson.md.j2 renders it."""
    view = quiz_view(quiz)
    out = [heading, ""]
    for n, q in enumerate(view, 1):
        out.append(f"{n}. {q['question']}")
        out += [f"   - {o['letter']}. {o['text']}" for o in q["options"]]
    out += ["", "<details><summary>答案</summary>", ""]
    out += [f"{n}. {q['answer_label']}（{q.get('ref', '')}）{q.get('explanation', '')}" for n, q in enumerate(view, 1)]
    out += ["", "</details>"]
    return out
