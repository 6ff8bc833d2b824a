"""Why each labelled key point is missing from the drafted lessons (a companion to quality_lessons.py).

Run: .venv/bin/python bench/lesson_misses.py [DOC_ID ...]

For every key point of ../shared/corpus/nhsa-texts/<id>.lessons.json that no drafted provision quotes, prints
the role (label concern -> drafted concern), the label's ref and point, and the reason:
  ROLE none            the role got no lesson (concern.py)
  NOT IN UNITS         no teachable unit holds the phrase (a document-model boundary or a dropped heading)
  chosen, not quoted   the unit was chosen but the sentence with the phrase was trimmed (QUOTE_LIMIT)
  rank R/N (cut C)     the unit ranked below the lesson's size; with its score and per-sentence bound actors
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from yibao.lessons import DocContext, classify
from yibao.lessons.concern import concern_config
from yibao.lessons.document_drafter import lesson_size, plan_document
from yibao.lessons.relevance import roles_config
from yibao.lessons.selection import choose, score

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "nhsa-texts"
WS = re.compile(r"\s+")


def explain(doc_id: str) -> None:
    labels = json.loads((CORPUS / f"{doc_id}.lessons.json").read_text(encoding="utf-8"))
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    ctx = DocContext(None, labels["title"], None, None, dt.date(2025, 12, 1), None, dt.date(2025, 12, 10),
                     None, None, "new", None, text)
    plan = plan_document(ctx, classify(ctx, None))
    cfg = concern_config()
    print(f"===== {doc_id} topics={plan.topics}{' (to bureaus)' if plan.addressed_to_bureaus else ''}")
    for role, spec in labels["roles"].items():
        if spec["concern"] == "none":
            continue
        con = plan.concerns[role]
        level = con.level if con.level != "none" else "brief"
        keywords = tuple((roles_config().get("keywords") or {}).get(role) or ())
        size = lesson_size(plan.units, con, keywords, int(cfg["size"][level]), level)
        ranked = sorted(((score(u, con.actors, con.brief_actors, affected_binds=con.affected, keywords=keywords), i, u)
                         for i, u in enumerate(plan.units)), key=lambda t: (-t[0], t[1]))
        chosen = choose(plan.units, con.actors, con.brief_actors, size, affected_binds=con.affected,
                        keywords=keywords, open_places=(cfg.get("open_places") or {}).get(level))
        for kp in spec["key_points"]:
            phrases = [WS.sub("", p) for p in kp["must_mention"]]
            if con.level != "none" and any(p in WS.sub("", c.quote) for c in chosen for p in phrases):
                continue
            where = [(r, s, u) for r, (s, _, u) in enumerate(ranked) if any(p in WS.sub("", u.text) for p in phrases)]
            if con.level == "none":
                why = "ROLE none"
            elif not where:
                why = "NOT IN UNITS"
            elif where[0][2] in [c.unit for c in chosen]:
                why = "chosen, not quoted"
            else:
                why = f"rank {where[0][0] + 1}/{len(ranked)} score {where[0][1]:.1f} (cut {size})"
            print(f"  {role}[{spec['concern']}->{con.level}] {kp['ref']} {kp['point']} | {why}")
            if where:
                u = where[0][2]
                print(f"      {u.ref} {u.modality} bound={[sorted(b) for b in u.bound]} {u.text[:90]}")


def main(argv: list[str]) -> int:
    ids = argv or sorted(p.name.removesuffix(".lessons.json") for p in CORPUS.glob("*.lessons.json"))
    for doc_id in ids:
        explain(doc_id)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
