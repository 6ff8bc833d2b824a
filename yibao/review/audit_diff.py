"""The readable diff of one audit row: title, body and quiz (answer key included).

    --- 标题 (before)
    +++ 标题 (after)
    -旧标题
    +新标题
    --- 正文 (before)
    ...
    --- 测验 (before)
    +++ 测验 (after)
    @@ -3,1 +3,1 @@
    -  答案: 甲类
    +  答案: 乙类

Each part is a unified line diff; parts that did not change are left out, so
an unchanged lesson gives "".
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class LessonSnapshot:
    title: str
    body_md: str
    quiz: tuple[dict, ...] = ()

    @classmethod
    def of(cls, title: str | None, body_md: str | None, quiz: list[dict] | None) -> "LessonSnapshot":
        return cls(title or "", body_md or "", tuple(quiz or ()))


def quiz_lines(quiz: tuple[dict, ...]) -> list[str]:
    """One block per item: the question, the answer key, the distractors, the reference."""
    lines: list[str] = []
    for n, item in enumerate(quiz, 1):
        lines.append(f"第{n}题 [{item.get('kind', '')}] {item.get('question', '')}")
        lines.append(f"  答案: {item.get('answer', '')}")
        for distractor in item.get("distractors", []) or []:
            lines.append(f"  干扰项: {distractor}")
        if item.get("ref"):
            lines.append(f"  出处: {item['ref']}")
        if item.get("explanation"):
            lines.append(f"  解析: {item['explanation']}")
    return lines


def _part(name: str, before: list[str], after: list[str]) -> list[str]:
    if before == after:
        return []
    return list(difflib.unified_diff(before, after, f"{name} (before)", f"{name} (after)", lineterm="", n=1))


def lesson_diff(before: LessonSnapshot, after: LessonSnapshot) -> str:
    lines = (_part("标题", [before.title], [after.title])
             + _part("正文", before.body_md.splitlines(), after.body_md.splitlines())
             + _part("测验", quiz_lines(before.quiz), quiz_lines(after.quiz)))
    return "\n".join(lines)
