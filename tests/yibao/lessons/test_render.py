import datetime as dt

import pytest

from yibao.lessons import LessonDraft, QuizItem
from yibao.lessons.render import IM_LIMIT, RenderError, render_lesson, render_lesson_pack, split_im


def make_draft(role="cashier", n_changes=2, headline="起付线调整：2处变化影响结算", text="起付标准由800元调整为600元。"):
    return LessonDraft(
        role=role, topics=["outpatient_pooling"], headline=headline,
        summary=["以下2处变化影响结算。", "最主要的变化（第五条）：800元 → 600元。", "自2026年1月1日起施行。"],
        changes=[{"ref": f"第{i + 5}条", "old": "800元", "new": "600元", "text": text, "category": "number",
                  "kind": "modified"} for i in range(n_changes)],
        actions=["结算时按第五条的新标准：800元→600元。"], effective_date=dt.date(2026, 1, 1),
        scenario={"title": "窗口结算", "text": "患者问报销为什么变了。"},
        case={"title": "旧标准结算被追回", "text": "（示例）……", "kind": "警示"},
        quiz=[QuizItem("choice", "第五条起付标准调整为？", "600元", ["800元", "720元", "480元"], "第五条", "第五条原文"),
              QuizItem("truefalse", "判断：应当在10日内备案。", "正确", ["错误"], "第六条", "第六条原文"),
              QuizItem("choice", "何时施行？", "2026年1月1日", ["2026年2月1日", "2025年12月1日"], "第九条", "")],
        source={"title": "关于调整门诊统筹起付标准的通知", "doc_number": "X医保发〔2025〕9号", "url": "https://example.gov.cn/a.html",
                "publish_date": "2025-12-05", "issuer": "X市医疗保障局"},
        deadline=dt.date(2025, 12, 16))


@pytest.mark.parametrize("fmt", ["md", "html", "text", "im"])
def test_every_format_has_the_key_facts(fmt):
    out = render_lesson(make_draft(), fmt)
    for fact in ("600元", "第五条", "X医保发〔2025〕9号"):
        assert fact in out, (fmt, fact)
    if fmt != "im":
        assert "2025年12月16日" in out and "2025年12月5日" in out and "关于调整门诊统筹起付标准的通知" in out
        assert "患者问报销为什么变了" in out and "警示" in out


def test_dict_input_renders_the_same():
    d = make_draft()
    assert render_lesson(d.to_dict(), "md") == render_lesson(d, "md")


def test_html_autoescapes_and_text_formats_neutralise_tags():
    d = make_draft(headline="<script>alert(1)</script>标题", text="费用<5%时 <img src=x onerror=alert(1)>")
    html = render_lesson(d, "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<img" not in html
    md = render_lesson(d, "md")
    assert "<script>" not in md and "<img" not in md and "<5%" in md


def test_unknown_format_is_refused():
    with pytest.raises(RenderError, match="md, html, text, im"):
        render_lesson(make_draft(), "pdf")


def test_im_stays_within_wecom_limit_for_long_lessons():
    long_text = "按照本条规定执行相关要求，" * 40
    d = make_draft(n_changes=8, text=long_text)
    d.actions = [long_text] * 6
    d.scenario["text"] = long_text * 3
    out = render_lesson(d, "im")
    assert len(out.encode("utf-8")) <= IM_LIMIT
    assert "第五条" in out and "2025年12月16日" in out


def test_split_im_on_line_boundaries_with_continuation_marker():
    text = "\n".join(f"第{i}行：" + "医保" * 50 for i in range(200))
    parts = split_im(text, 4096)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)
    assert all(p.startswith("（续）\n") for p in parts[1:])
    rebuilt = "\n".join(p.removeprefix("（续）\n") for p in parts)
    assert rebuilt == text


def test_split_im_hard_splits_a_single_huge_line():
    parts = split_im("医" * 5000, 4096)
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts) and "".join(p.removeprefix("（续）\n") for p in parts) == "医" * 5000


def test_lesson_pack_is_self_contained_with_print_css():
    html = render_lesson_pack([make_draft("cashier"), make_draft("insured")], "门诊统筹培训课件")
    assert "@media print" in html and "page-break-after" in html
    assert "<link" not in html and "<script" not in html and "src=\"http" not in html
    assert html.count('class="lesson-page"') == 2 and "参保人" in html and "收费员" in html


def test_insured_template_uses_plain_headings():
    md = render_lesson(make_draft("insured"), "md")
    assert "一分钟看懂" in md and "考考您" in md


@pytest.mark.parametrize("fmt", ["md", "html", "text", "im"])
def test_added_is_marked_only_on_a_revision_not_on_every_provision_of_a_new_document(fmt):
    d = make_draft()
    d.changes = [dict(c, kind="added") for c in d.changes]
    assert "（新增）" in render_lesson(d, fmt)
    d.source = dict(d.source, kind="new")
    assert "（新增）" not in render_lesson(d, fmt)
