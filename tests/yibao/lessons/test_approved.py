from yibao.lessons.approved import approved_view, read_headline_and_summary

DRAFT = {"role": "doctor", "headline": "旧标题", "summary": ["甲", "乙", "丙"], "source": {"title": "某通知"}}

BODY = """# 住院病案首页填报新要求（已审核）

> 面向：临床医生｜依据：某通知

## 要点速览
1. 自2026年1月1日起施行。
2. 主要诊断选择按新规则。

## 具体变化
1. 这一条不是摘要。
"""


def test_reads_trainer_edited_headline_and_summary():
    assert read_headline_and_summary(BODY) == (
        "住院病案首页填报新要求（已审核）", ["自2026年1月1日起施行。", "主要诊断选择按新规则。"])
    view = approved_view(DRAFT, BODY)
    assert view["headline"] == "住院病案首页填报新要求（已审核）"
    assert view["summary"] == ["自2026年1月1日起施行。", "主要诊断选择按新规则。"]
    assert view["source"] == DRAFT["source"] and DRAFT["headline"] == "旧标题"   # the draft itself is untouched


def test_rewritten_layout_keeps_the_drafted_values():
    assert approved_view(DRAFT, "培训内容改为线下讲解。") == DRAFT
    assert approved_view(DRAFT, "") == DRAFT
    assert approved_view(DRAFT, None) == DRAFT
