"""Lesson drafting and digest personalisation timings.

    .venv/bin/python bench/bench_lessons.py

Cases: rule drafting of all ten roles on real 青海 texts; rendering; a digest for
5,000 recipients rendered once + personalised (baseline: re-rendering per person,
measured on 200 recipients and scaled to 5,000).
"""
from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "qinghai-texts"


def _doc(doc_id, kind="new"):
    from yibao.lessons import DocContext
    meta = json.loads((CORPUS / f"{doc_id}.json").read_text(encoding="utf-8"))
    return DocContext(None, meta["title"], meta.get("doc_number"), meta.get("issuer"),
                      meta.get("publish_date") or dt.date(2025, 1, 2), meta.get("effective_date"), None,
                      "https://example.gov.cn/a", None, kind, None, (CORPUS / f"{doc_id}.txt").read_text("utf-8"))


def _median(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> list[dict]:
    from yibao.diff import compare_texts
    from yibao.lessons import ROLES, draft_lessons
    from yibao.lessons.digest import build_digest, personalise, placeholders
    from yibao.lessons.render import render_lesson

    rows: list[dict] = []
    roles = list(ROLES)
    shengyu = _doc("qh_shengyu_2025")
    old, new = _doc("qh_fanli_2024"), _doc("qh_fanli_2025", "revised")
    diff = compare_texts(old.text, new.text).to_dict()

    t_new = _median(lambda: draft_lessons(shengyu, None, roles=roles))
    t_rev = _median(lambda: draft_lessons(new, diff, roles=roles))
    rows.append({"bench": "lessons", "case": "draft 10 roles, new doc (shengyu)", "median_s": t_new,
                 "baseline": "self", "ratio": 1.0, "note": "rules drafter"})
    rows.append({"bench": "lessons", "case": "draft 10 roles, revision (fanli, real diff)", "median_s": t_rev,
                 "baseline": "draft 10 roles, new doc (shengyu)", "ratio": t_rev / t_new, "note": ""})
    drafts = draft_lessons(shengyu, None, roles=roles)
    t_md = _median(lambda: [render_lesson(d, "md") for d in drafts])
    t_html = _median(lambda: [render_lesson(d, "html") for d in drafts])
    rows.append({"bench": "lessons", "case": "render 10 lessons md", "median_s": t_md, "baseline": "self",
                 "ratio": 1.0, "note": ""})
    rows.append({"bench": "lessons", "case": "render 10 lessons html", "median_s": t_html,
                 "baseline": "render 10 lessons md", "ratio": t_html / t_md, "note": ""})

    rows += national_regulation_rows()

    items = [{"lesson_id": i, "draft": d.to_dict(), "deadline": d.deadline} for i, d in enumerate(drafts[:4], 1)]
    people = [f"员工{i:04d}" for i in range(5000)]

    def once_then_personalise():
        rendered = build_digest("⟦name⟧", items).render("html")
        keys = placeholders(rendered)
        for name in people:
            values = {k: f"https://lms/{k}/{name}" for k in keys}
            values["name"] = name
            personalise(rendered, values)

    def rerender_each(n):
        for name in people[:n]:
            rendered = build_digest(name, items).render("html")
            values = {k: f"https://lms/{k}/{name}" for k in placeholders(rendered)}
            values["name"] = name
            personalise(rendered, values)

    t_base = _median(lambda: rerender_each(200), repeat=3) * 25
    t_once = _median(once_then_personalise, repeat=3)
    rows.append({"bench": "lessons", "case": "digest html to 5000 people: re-render each", "median_s": t_base,
                 "baseline": "self", "ratio": 1.0, "note": "measured on 200, ×25"})
    rows.append({"bench": "lessons", "case": "digest html to 5000 people: render once + personalise",
                 "median_s": t_once, "baseline": "digest html to 5000 people: re-render each",
                 "ratio": t_once / t_base, "note": "one regex pass per person"})
    return rows


NHSA = REPO.parent / "shared" / "corpus" / "nhsa-texts"
REGULATIONS = ("nhsa_ddyl_2020", "nhsa_ddyd_2020", "nhsa_xzcf_2021", "nhsa_yygl_2020", "nhsa_fjjc_2023",
               "nhsa_jbcl_2022", "nhsa_zfzg_2024", "nhsa_abzjb_2025")


def national_regulation(target_chars: int = 50_000) -> str:
    """A 50,000-character 令-style regulation: the articles of the real national regulations, renumbered."""
    from bench_diff import cn
    from yibao.document import parse_document

    articles = []
    for doc_id in REGULATIONS:
        doc = parse_document((NHSA / f"{doc_id}.txt").read_text(encoding="utf-8"))
        for p in doc.provisions:
            for a in ([p] if p.level == "article" else [c for c in p.children if c.level == "article"]):
                articles.append(a.text + "".join(f"\n{c.label}{c.text}" for c in a.children))
    out, size, k = ["医疗保障定点医药机构综合管理办法", "（国家医疗保障局令第99号）"], 0, 0
    while size < target_chars:
        body = articles[k % len(articles)]
        k += 1
        if k % 20 == 1:
            out.append(f"第{cn(k // 20 + 1)}章 第{cn(k // 20 + 1)}部分")
        out.append(f"第{cn(k)}条 {body}")
        size += len(body) + 6
    return "\n".join(out) + "\n"


def national_regulation_rows() -> list[dict]:
    """Drafting all ten roles of a 50,000-character regulation (target < 1 s); baseline: parsing it once."""
    from yibao.document import parse_document
    from yibao.lessons import ROLES, DocContext, draft_lessons

    text = national_regulation()
    doc = DocContext(None, "医疗保障定点医药机构综合管理办法", "国家医疗保障局令第99号", "国家医疗保障局",
                     dt.date(2025, 12, 1), None, None, None, None, "new", None, text)
    t_parse = _median(lambda: parse_document(text), repeat=3)
    t_all = _median(lambda: draft_lessons(doc, None, roles=list(ROLES)), repeat=3)
    return [{"bench": "lessons", "case": f"parse a {len(text):,}-char national regulation", "median_s": t_parse,
             "baseline": "self", "ratio": 1.0, "note": "document model"},
            {"bench": "lessons", "case": f"draft 10 roles of a {len(text):,}-char national regulation",
             "median_s": t_all, "baseline": f"parse a {len(text):,}-char national regulation",
             "ratio": t_all / t_parse, "note": "target < 1 s (parse included)"}]


if __name__ == "__main__":
    result = main()
    print(f"{'case':58} {'median_s':>10} {'ratio':>8}  baseline / note")
    for r in result:
        print(f"{r['case']:58} {r['median_s']:10.4f} {r['ratio']:8.3f}  {r['baseline']} {r['note']}")
