"""passages_of reads the document model: body provisions (and a 令's order of promulgation), each with
its heading path and actors."""
from pathlib import Path

from yibao.qa.provisions import PROMULGATION, passages_of

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"

NOTICE = """国家医疗保障局关于做好某项工作的通知
医保发〔2025〕9号
各省、自治区、直辖市医疗保障局：
为做好某项工作，现将有关事项通知如下：
一、强化结算机制建设
（一）规范资金拨付机制。定点医疗机构原则上在次月10日前申报医药费用。
（二）健全风险预警机制。经办机构加强对异常数据的监测。
二、加强工作保障
各省级医保部门要高度重视。
国家医疗保障局
2025年3月1日
"""


def test_body_provisions_only_with_heading_path_and_actors():
    passages = passages_of(NOTICE)
    clauses = [p.clause for p in passages]
    assert "一、（一）" in clauses and "一、（二）" in clauses
    quotes = " ".join(p.quote for p in passages)
    assert "2025年3月1日" not in quotes and "医保发〔2025〕9号" not in quotes and "各省、自治区" not in quotes
    first = passages[clauses.index("一、（一）")]
    assert "强化结算机制建设" in first.heading and "规范资金拨付机制" in first.heading
    assert "medical_institution" in first.actors
    assert "一、" not in clauses   # a heading-only line is its children's heading, not a passage


def test_articles_carry_chapter_titles():
    text = (CORPUS / "nhsa-texts" / "nhsa_ddyl_2020.txt").read_text(encoding="utf-8")
    passages = passages_of(text)
    by_clause = {p.clause: p for p in passages}
    assert "第六条" in by_clause and "定点医疗机构的确定" in by_clause["第六条"].heading
    assert not any(p.clause.startswith("第") and p.clause.endswith("章") for p in passages)


def test_the_order_of_promulgation_is_a_passage_when_it_gives_the_start_date():
    corpus = CORPUS / "nhsa-texts"
    text = (corpus / "nhsa_fjjc_2023.txt").read_text(encoding="utf-8")
    order = [p for p in passages_of(text) if p.clause == PROMULGATION]
    assert len(order) == 1 and "自2023年5月1日起施行" in order[0].quote
    notice = (corpus / "nhsa_jsjs_2025.txt").read_text(encoding="utf-8")   # a 通知: no order of promulgation
    assert not [p for p in passages_of(notice) if p.clause == PROMULGATION]
