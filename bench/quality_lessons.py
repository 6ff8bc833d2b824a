"""Quality of the drafted lessons on the labelled national texts in ../shared/corpus/nhsa-texts/.

Run: .venv/bin/python bench/quality_lessons.py [--md docs/quality-lessons.md] [--corpus DIR [--texts DIR]]
     the blind provincial labels: --corpus bench/lessons_qh --texts ../shared/corpus/qinghai-texts

Each document is drafted for every role exactly as `yibao draft --new FILE --title T --format json`
does (the CLI entry point, in process), then compared with `<id>.lessons.json`:
  core / brief  share of the key points covered: any must_mention phrase in the rendered lesson
                (Markdown, whitespace ignored)
  in own words  core key points covered by the lesson's own words (headline, summary, to-dos, scene, case,
                quiz), not only by its 条文 appendix: what a trainer reads first
  none drafted  roles labelled none that got a lesson anyway
  trap          lessons whose content (changes, summary, actions, scene, case, quiz) quotes a trap line
  invented      number+unit facts in a lesson's content (quiz distractors aside) the source never states
  shared        lessons whose scene or case has a sentence (≥ 12 chars) found in a lesson on another document
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "nhsa-texts"
WS = re.compile(r"\s+")
# a number with its unit, as the lesson prints it (dates are checked separately by the LLM verifier)
NUM_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(个百分点|个工作日|个自然日|个月|周岁|万元|亿元|元|%|％|日内|天|小时|种|项|倍|分|次|张|人|家|年内)")


def squash(s: str) -> str:
    return WS.sub("", s or "")


def draft_document(txt: Path, title: str) -> list[dict]:
    from yibao.cli import draft_cmd

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "drafts.json"
        rc = draft_cmd.main(["--new", str(txt), "--title", title, "--format", "json", "-o", str(out)])
        if rc != 0:
            raise RuntimeError(f"yibao draft exited {rc} on {txt.name}")
        return json.loads(out.read_text(encoding="utf-8"))


def content_fields(d: dict, *, distractors: bool = True) -> list[str]:
    """The lesson's own words (not the template chrome): what a trainer reviews."""
    out = [d["headline"], *d["summary"], *d["actions"]]
    for c in d["changes"]:
        out += [c.get("text") or "", c.get("old") or "", c.get("new") or "", c.get("quote") or ""]
    for part in (d.get("scenario") or {}, d.get("case") or {}):
        out += [part.get("title") or "", part.get("text") or ""]
    for q in d["quiz"]:
        out += [q["question"], q["answer"], q.get("explanation") or ""]
        if distractors:
            out += list(q.get("distractors") or [])
    return out


def own_words(d: dict) -> list[str]:
    """The lesson's own words: everything but the 条文 appendix (and the quiz's wrong options)."""
    out = [d["headline"], *d["summary"], *d["actions"]]
    for part in (d.get("scenario") or {}, d.get("case") or {}):
        out += [part.get("title") or "", part.get("text") or ""]
    for q in d["quiz"]:
        out += [q["question"], q["answer"], q.get("explanation") or ""]
    return out


def invented_facts(d: dict, source: str) -> list[str]:
    src = squash(source).replace("％", "%")
    bad = []
    for field in content_fields(d, distractors=False):
        for m in NUM_UNIT.finditer(squash(field).replace("％", "%")):
            if m.group(0) not in src:
                bad.append(m.group(0))
    return bad


def trap_hits(d: dict, traps: list[str], title: str = "") -> list[str]:
    """Trap lines a lesson quotes. The document's own title is cut out first: a joint title
    ("国家医保局　财政部　国家卫生健康委关于…") holds the signature line's issuers without being it."""
    fields = [squash(f).replace(squash(title), "") if title else squash(f) for f in content_fields(d)]
    hits = []
    for trap in traps:
        t = squash(trap)
        bare_name = not re.search(r"\d|：|:|。", t) and len(t) <= 14
        if any((f == t) if bare_name else (t in f) for f in fields):
            hits.append(trap)
    return hits


def story_sentences(d: dict) -> set[str]:
    out = set()
    for part in (d.get("scenario") or {}, d.get("case") or {}):
        for s in re.split(r"[。；！？\n]", squash(part.get("text") or "")):
            if len(s) >= 12:
                out.add(s)
    return out


def evaluate(corpus: Path, texts: Path | None = None) -> dict:
    """Draft every labelled document of CORPUS (`<id>.lessons.json`, its text `<id>.txt` beside it or in TEXTS)."""
    from yibao.lessons.render import render_lesson

    docs, stories = [], {}
    for labels_path in sorted(corpus.glob("*.lessons.json")):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        doc_id = labels["id"]
        txt = (texts or corpus) / f"{doc_id}.txt"
        source = txt.read_text(encoding="utf-8")
        drafts = {d["role"]: d for d in draft_document(txt, labels["title"])}
        row = {"id": doc_id, "core": [0, 0], "own": [0, 0], "brief": [0, 0], "none": [0, 0], "trap": 0, "invented": [],
               "lessons": len(drafts), "missed": [], "traps": []}
        for role, spec in labels["roles"].items():
            concern = spec["concern"]
            d = drafts.get(role)
            if concern == "none":
                row["none"][0] += d is not None
                row["none"][1] += 1
                continue
            text = squash(render_lesson(d, "md")) if d else ""
            own = squash("".join(own_words(d))) if d else ""
            for kp in spec["key_points"]:
                hit = any(squash(p) in text for p in kp["must_mention"])
                row[concern][0] += hit
                row[concern][1] += 1
                if concern == "core":
                    row["own"][0] += any(squash(p) in own for p in kp["must_mention"])
                    row["own"][1] += 1
                if not hit:
                    row["missed"].append(f"{role}:{kp['ref']}")
        for role, d in drafts.items():
            hits = trap_hits(d, labels["traps"], labels["title"])
            row["trap"] += bool(hits)
            row["traps"] += [f"{role}:{h}" for h in hits]
            row["invented"] += invented_facts(d, source)
            stories[(doc_id, role)] = story_sentences(d)
        docs.append(row)
    # shared scene/case text: a lesson shares when one of its story sentences occurs on another document
    owners: dict[str, set[str]] = {}
    for (doc_id, _), sents in stories.items():
        for s in sents:
            owners.setdefault(s, set()).add(doc_id)
    shared = {key for key, sents in stories.items() if any(len(owners[s]) > 1 for s in sents)}
    for row in docs:
        row["shared"] = sum(1 for (doc_id, _) in shared if doc_id == row["id"])
    return {"docs": docs, "shared": len(shared), "lessons": len(stories)}


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "—"


def table(result: dict) -> str:
    lines = ["| document | core covered | core in own words | brief covered | none drafted | trap lessons | invented facts "
             "| shared scene/case |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {"core": [0, 0], "own": [0, 0], "brief": [0, 0], "none": [0, 0], "trap": 0, "invented": 0, "shared": 0,
           "lessons": 0}
    for r in result["docs"]:
        lines.append(f"| {r['id']} | {r['core'][0]}/{r['core'][1]} | {r['own'][0]}/{r['own'][1]} | "
                     f"{r['brief'][0]}/{r['brief'][1]} | "
                     f"{r['none'][0]}/{r['none'][1]} | {r['trap']}/{r['lessons']} | {len(r['invented'])} | "
                     f"{r['shared']}/{r['lessons']} |")
        for k in ("core", "own", "brief", "none"):
            tot[k][0] += r[k][0]
            tot[k][1] += r[k][1]
        tot["trap"] += r["trap"]
        tot["invented"] += len(r["invented"])
        tot["shared"] += r["shared"]
        tot["lessons"] += r["lessons"]
    lines.append(f"| **total** | **{pct(*tot['core'])}** | **{pct(*tot['own'])}** | **{pct(*tot['brief'])}** | "
                 f"**{pct(*tot['none'])}** | "
                 f"**{tot['trap']}** | **{tot['invented']}** | **{pct(tot['shared'], tot['lessons'])}** |")
    lines.append("")
    lines.append("Targets: core ≥ 85%, brief ≥ 70%, none drafted ≤ 10%, 0 trap lessons, 0 invented facts, "
                 "shared ≤ 10%.")
    return "\n".join(lines)


# the general rules behind the figures (kept with the table so a reader of the figures sees why)
RULES = """## General rules the figures rest on

None of them names a phrase of these 12 documents; each has table-driven tests on sentences written for the tests
(`tests/yibao/document/test_duties_and_limits.py`, `test_enumerated.py`, `tests/yibao/lessons/`).

- How often something happens is a fact: "每年调整一次", "每季度更新一次" → kind `frequency`, unit `次/年`.
- A duration bounded by 不得超过/不超过/期限为/延长至/之日起… is a `time_limit`, in Arabic or Chinese numerals
  ("不得超过三十日", "十五个工作日", "六个月").
- A cap or floor on a quantity binds: "原则上不超过…5%", "控制在10%以内", "不低于百分之八十" → obligation.
- In a directive document (通知/意见/办法/规程…, not a 法 or 条例) a bare-verb sentence ("推进…", "加强…",
  "将…挂钩", "一是建立健全…") is an obligation of the addressee or the heading's subject (`Sentence.directive`).
- A provision enumerating "一是…二是…" or "第一，…第二，…" has each point as a child provision, quoted whole (a
  second enumeration in the same text keeps its own points); a one-sentence point ("一是高价药品；") is an item of
  its lead, and a short lead over points with text of their own ("做好三方面重点工作。") is a title, not a unit.
- A 定点零售药店 is its own actor (`retail_pharmacy`): its duties are not the hospital 药剂科's.
- A full lesson grows with the provisions about the role: two thirds of the units that bind the role or name it in
  a duty, between the configured 15 and 30, shown grouped by chapter, each provision once. A provision listing
  three or more items quotes up to 800 characters; items after a later 款 ending in "：" stay with their article.

## The top section (after the trainer review)

`bench/lesson_top_section.py` on the same 12 texts, 61 hospital-audience lessons (医保经办 excluded), before → after:

| measure | before | after |
|---|---:|---:|
| action lines per lesson | 9.3 | 3.8 |
| to-dos and 要点 led by a bureau, inspector, firm or 甲方 subject (word match, an upper bound) | 140 | 3 |
| action lines cut at a "…的" clause | 11 | 0 |
| quiz true/false | 73% (212/287) | 34% (94/269) |
| packaged stock cases | 5 | 0 |

Rules (`yibao/lessons/duties.py`, tests on texts written for them in `tests/yibao/lessons/test_duties.py`):

- An action line or the 要点 is a duty whose subject is on the role's side; a bureau's duty naming the hospital is
  context ("医保部门将…（与我院相关）"), at most two lines. A party word before the modal verb or opening the sentence
  (检查组, 现场检查, 部门, 企业, 经营者, 采购机构, 甲方) is never the hospital; a party is named by a party word (机构,
  人员), not by its work (药品, 收费); the hospital after 向/对/给 is a recipient, not the one who acts. In a notice to the
  bureaus, a sentence that does not open with the hospital is the bureau's. A penalty the bureau imposes when the
  role's people violate ("…达到9分…的，经办机构…暂停") is a top line; the bureau's own procedure is not.
- Lines quote whole sentences: a lead-in "…：" with its items, an item with its lead-in.
- Not duties: definitions (是指, 应当是), rights (有权), purpose clauses, conditions to apply for 定点, a region's option,
  headings (≤ 14 characters with no modal verb or number), short list items without their lead, PDF fragments (a
  modal + 将/按照 whose verb never comes).
- The quiz asks the top section's duties, in turn fill-in / single choice / true/false (only with a modality flip).
- A 警示 quotes a consequence or prohibition in the sentence itself; no packaged stock case for a new document.
- A first-issue document shows 要点 → actions → scene → case → 条文（按章） → quiz; its publish date, when the caller gives
  none, is the text's 成文日期 and the lesson says so.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the folder of <id>.lessons.json labels")
    ap.add_argument("--texts", type=Path, help="the folder of the <id>.txt texts, when not beside the labels "
                                               "(bench/lessons_qh: ../shared/corpus/qinghai-texts)")
    ap.add_argument("--md", type=Path, help="also write the table (and the misses) to this Markdown file")
    ap.add_argument("-v", "--verbose", action="store_true", help="list missed key points and invented facts")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"quality_lessons: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    result = evaluate(args.corpus, args.texts)
    out = table(result)
    print(out)
    if args.verbose:
        for r in result["docs"]:
            if r["missed"] or r["invented"] or r["traps"]:
                print(f"{r['id']}: missed {', '.join(r['missed']) or '—'}; invented {', '.join(r['invented']) or '—'}; "
                      f"traps {', '.join(r['traps']) or '—'}")
    if args.md:
        title = ("the labelled national texts" if args.texts is None else
                 f"the labels of {args.corpus.name} (texts in {args.texts.name}), written by a helper who never "
                 "read the drafter")
        args.md.write_text(f"# Lesson quality on {title}\n\n"
                           "Made by `bench/quality_lessons.py` (`make bench`).\n\n" + out + "\n\n" + RULES,
                           encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
