"""The top section of the drafted lessons on the labelled national texts: what a trainer edits first.

Run: .venv/bin/python bench/lesson_top_section.py
Counts over every hospital-audience lesson (医保经办 excluded) drafted as `yibao draft --new` does:
  action lines per lesson; action lines (and 要点) led by a bureau, inspector, firm or 甲方 subject;
  action lines cut at a "…的" clause; quiz true/false share; packaged stock cases.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "nhsa-texts"
TODO = r"^(?:照此办理|守住红线|可以这样做)（[^）]*(?:）[^）]*)?）："
BUREAU_LED = re.compile(TODO + r"(?:[^，。]{0,6})?(?:经办机构|医疗保障|医保部门|各地|省|国家|检查组|飞行检查组|现场检查|甲方|药品经营者|各级)")
CUT = re.compile(r"^(?:照此办理|守住红线|知晓后果|可以这样做)（.*?）：[^，]*的。$")
ACTION = re.compile(r"^(?:照此办理|守住红线|知晓后果|可以这样做|按此结算|您的待遇)")


def main() -> None:
    from yibao.lessons import DocContext, draft_lessons

    n = acts = bureau = cut = tf = quiz = stock = 0
    for labels_path in sorted(CORPUS.glob("*.lessons.json")):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        text = labels_path.with_name(labels_path.name.replace(".lessons.json", ".txt")).read_text(encoding="utf-8")
        doc = DocContext(None, labels["title"], labels["doc_number"], None, dt.date(2025, 12, 1), None, None, None,
                         "file", "new", None, text)
        for d in draft_lessons(doc, None):
            if d.role == "agency":
                continue
            n += 1
            lines = [a for a in d.actions if ACTION.match(a)]
            acts += len(lines)
            key = "照此办理（要点）：" + d.summary[1].split("：", 1)[-1]
            bureau += sum(bool(BUREAU_LED.match(a)) for a in lines + [key])
            cut += sum(bool(CUT.match(a)) for a in lines)
            quiz += len(d.quiz)
            tf += sum(q.kind == "truefalse" for q in d.quiz)
            stock += bool(d.case) and not str(d.case.get("id", "")).startswith("doc:")
    print(f"| lessons | action lines / lesson | bureau-led to-dos | cut lines | true/false | stock cases |\n"
          f"|---:|---:|---:|---:|---:|---:|\n"
          f"| {n} | {acts / max(n, 1):.1f} | {bureau} | {cut} | {tf}/{quiz} ({100 * tf // max(quiz, 1)}%) | {stock} |")


if __name__ == "__main__":
    main()
