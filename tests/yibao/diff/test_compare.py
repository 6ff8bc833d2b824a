import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yibao.clauses import normalize_text
from yibao.diff import DiffResult, apply_changes, compare_texts, render_html, render_markdown

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "qinghai-texts"
CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


BODIES = ["参保人员住院费用报销比例为50%。", "甲方应当在10个工作日内拨付医保费用。", "乙方不得串换药品。",
          "本办法自2025年1月1日起施行。", "违反规定的，处以罚款5000元。", "定点药店应建立进销存台账。",
          "统筹基金起付线为800元。", "乙方可以对审核结果提出申辩。"]


def doc(bodies: list[str], first: int = 1) -> str:
    return "".join(f"第{cn(first + i)}条 {b}\n" for i, b in enumerate(bodies))


def test_number_change_is_exact():
    r = compare_texts(doc(BODIES), doc([BODIES[0].replace("50%", "60%")] + BODIES[1:]))
    [ch] = r.changes
    assert (ch.kind, ch.old_ref, ch.new_ref, ch.category) == ("modified", "第一条", "第一条", "number")
    assert ch.old_values == ["50%"] and ch.new_values == ["60%"]
    assert [s.text for s in ch.spans if s.op != "equal"] == ["50%", "60%"]
    assert "第一条: 50% → 60% (number" in render_markdown(r)


def test_categories():
    new = list(BODIES)
    new[1] = "甲方可以在10个工作日内拨付医保费用。"
    new[3] = "本办法自2026年1月1日起施行。"
    new[4] = "违反规定的，处以罚款10000元。"
    r = compare_texts(doc(BODIES), doc(new))
    cats = {c.old_ref: c.categories for c in r.changes}
    assert "obligation" in cats["第二条"] and cats["第四条"][0] == "date" and "penalty" in cats["第五条"]


def test_wording_only_is_hidden_by_default():
    new = [b.replace("，", ",") for b in BODIES]
    new[2] = "乙方不 得串换药品。"
    r = compare_texts(doc(BODIES), doc(new))
    assert r.changes == [] and r.hidden_wording == 1  # the PDF space is removed by normalize_text
    shown = compare_texts(doc(BODIES), doc(new), show_wording=True)
    assert shown.changes and all(c.category == "wording" and not c.material for c in shown.changes)


def test_renumber_insert_move_remove():
    new = BODIES[:2] + ["新增条款：医保药师实行登记管理。"] + BODIES[2:]
    r = compare_texts(doc(BODIES), doc(new))
    kinds = {c.kind for c in r.changes}
    assert kinds == {"added", "renumbered"}
    added = [c for c in r.changes if c.kind == "added"]
    assert added[0].new_ref == "第三条"
    moved = compare_texts(doc(BODIES), doc(BODIES[1:6] + [BODIES[0]] + BODIES[6:]))
    assert any(c.kind == "moved" and c.old_ref == "第一条" for c in moved.changes)
    removed = compare_texts(doc(BODIES), doc(BODIES[:3] + BODIES[4:]))
    assert any(c.kind == "removed" and c.old_ref == "第四条" for c in removed.changes)


def test_merge_and_split():
    merged_body = BODIES[0][:-1] + "，" + BODIES[1]
    r = compare_texts(doc(BODIES), doc([merged_body] + BODIES[2:]))
    assert any(c.kind == "merged" and c.old_ref == "第一条+第二条" for c in r.changes)
    r2 = compare_texts(doc([merged_body] + BODIES[2:]), doc(BODIES))
    assert any(c.kind == "split" and c.new_ref == "第一条+第二条" for c in r2.changes)


def test_truncated_tail_option_and_autodetect():
    old = doc(BODIES)
    new = doc(BODIES[:5]) + "第六条 定点药店应建立进销存"
    assert any(c.kind == "removed" for c in compare_texts(old, new, truncated_tail=False).changes)
    auto = compare_texts(old, new)
    assert auto.stats["truncated_new"] and auto.changes == []


def test_json_roundtrip_and_html():
    r = compare_texts(doc(BODIES), doc([BODIES[0].replace("50%", "60%")] + BODIES[1:]))
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert set(d["changes"][0]) >= {"kind", "old_ref", "new_ref", "old_path", "new_path", "old_text", "new_text",
                                    "spans", "category", "categories", "material", "old_values", "new_values"}
    assert DiffResult.from_dict(d).to_dict() == d
    html = render_html(r, title_old="2024版", title_new="2025版")
    assert html.startswith("<!DOCTYPE html>") and "<del>50%</del>" in html and "<ins>60%</ins>" in html
    assert "line-break: strict" in html and "@media print" in html
    box = html[html.index('<div class="summary">'):html.index("</div>")]
    assert "<li><b>第一条</b>：50% → 60%" in box and "##" not in box and "- " not in box   # HTML, not raw Markdown


def test_real_pair_fanli_numbers():
    r = compare_texts((CORPUS / "qh_fanli_2024.normalized.txt").read_text(encoding="utf-8"),
                      (CORPUS / "qh_fanli_2025.normalized.txt").read_text(encoding="utf-8"))
    ch = next(c for c in r.changes if c.new_ref == "一、（二）")
    assert ch.old_values == ["395种"] and ch.new_values == ["393种"]


# ---------------------------------------------------------------- properties

body_st = st.lists(st.sampled_from(BODIES), min_size=1, max_size=12)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(body_st)
def test_self_diff_is_empty(bodies):
    text = doc(bodies)
    r = compare_texts(text, text, show_wording=True)
    assert r.changes == [] and r.hidden_wording == 0


@SETTINGS
@given(st.lists(st.text(alphabet="甲乙方应当参保人员医保费用50%元。，的", min_size=3, max_size=30), min_size=1, max_size=10,
                unique=True), st.integers(1, 5))
def test_renumbering_reports_only_renumbering(bodies, shift):
    bodies = [b + f"（{i}）。" for i, b in enumerate(bodies)]  # distinct clause bodies
    r = compare_texts(doc(bodies), doc(bodies, first=1 + shift), show_wording=True)
    assert {c.kind for c in r.changes} <= {"renumbered"}
    assert len(r.changes) == len(bodies)
    assert all(not c.material for c in r.changes)


edit_st = st.lists(st.tuples(st.sampled_from(["keep", "edit", "drop", "insert", "wording"]), st.sampled_from(BODIES)),
                   min_size=1, max_size=10)


@SETTINGS
@given(body_st, edit_st, st.booleans())
def test_applying_changes_reproduces_new(bodies, edits, move):
    new = []
    for i, b in enumerate(bodies):
        op, other = edits[i % len(edits)]
        if op == "keep":
            new.append(b)
        elif op == "edit":
            new.append(b.replace("。", "，并报医保部门备案。"))
        elif op == "insert":
            new += [b, other.replace("。", "（新增）。")]
        elif op == "wording":
            new.append(b.replace("。", "．"))
    if move and len(new) > 2:
        new = new[1:] + new[:1]
    old_text, new_text = doc(bodies), doc(new)
    r = compare_texts(old_text, new_text, show_wording=True, truncated_tail=False)
    assert apply_changes(old_text, r) == normalize_text(new_text)
    # the JSON form carries everything needed
    assert apply_changes(old_text, DiffResult.from_dict(r.to_dict())) == normalize_text(new_text)


@pytest.mark.parametrize("a,b", [("qh_fanli_2024", "qh_fanli_2025"), ("qh_ydxy_2024", "qh_ydxy_2025"),
                                 ("qh_ydxy_2025", "qh_ydxy_2025r"), ("qh_yyxy_2025", "qh_yyxy_2025r")])
def test_apply_reproduces_real_pairs(a, b):
    old = (CORPUS / f"{a}.txt").read_text(encoding="utf-8")
    new = (CORPUS / f"{b}.txt").read_text(encoding="utf-8")
    r = compare_texts(old, new, show_wording=True, truncated_tail=False)
    assert apply_changes(old, r) == normalize_text(new)
