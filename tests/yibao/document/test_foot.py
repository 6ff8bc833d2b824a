"""落款 (co-issuers on one line or several), 成文日期 (Arabic and Chinese numerals), 附件 list and 版记."""
import datetime as dt

import pytest

from yibao.document import iter_provisions, parse_document

HEAD = "关于调整门诊待遇的通知\n医保发〔2024〕30号\n各省、自治区、直辖市医疗保障局、财政厅（局）：\n"
BODY = "一、定点医疗机构应当执行新的起付标准。\n二、各地要于2024年12月底前完成系统改造。\n"


@pytest.mark.parametrize("foot,issuers", [
    ("国家医保局财政部\n2024年9月5日\n", ["国家医保局", "财政部"]),
    ("国家医保局 财政部\n2024年9月5日\n", ["国家医保局", "财政部"]),
    ("国家医疗保障局\n财政部\n2024年9月5日\n", ["国家医疗保障局", "财政部"]),
    ("国家医疗保障局\n国家卫生健康委员会\n财政部\n2024年9月5日\n", ["国家医疗保障局", "国家卫生健康委员会", "财政部"]),
    ("国家医疗保障局办公室\n2024年9月5日\n", ["国家医疗保障局办公室"]),
    ("国家医疗保障局\n二〇二四年九月五日\n", ["国家医疗保障局"]),
    ("国家医疗保障局\n2024 年 9 月 5 日\n", ["国家医疗保障局"]),
])
def test_signature_and_date(foot, issuers):
    doc = parse_document(HEAD + BODY + foot)
    assert doc.issuers == issuers
    assert doc.signed_date == dt.date(2024, 9, 5)
    assert [p.label for p in doc.provisions] == ["一、", "二、"]
    for p in iter_provisions(doc):
        assert "财政部" not in p.text and "9月5日" not in p.text and "九月" not in p.text


def test_addressee_attachments_and_colophon():
    text = (HEAD + BODY + "特此通知。\n附件：1.门诊待遇标准表\n2.系统改造要求\n国家医疗保障局\n2024年9月5日\n"
            "（此件主动公开）\n抄送：国家卫生健康委办公厅。\n国家医疗保障局办公室 2024年9月6日印发\n")
    doc = parse_document(text)
    assert doc.addressees == ["各省、自治区、直辖市医疗保障局、财政厅（局）"]
    assert doc.attachments == ["门诊待遇标准表", "系统改造要求"]
    assert doc.colophon["抄送"] == "国家卫生健康委办公厅。"
    assert "印发" in doc.colophon["印发"]
    kinds = [z.kind for z in doc.zones]
    for kind in ("title", "doc_number", "addressee", "body", "closing", "attachment_list", "signature", "date", "colophon"):
        assert kind in kinds
    assert all("特此通知" not in p.text and "附件" not in p.text for p in iter_provisions(doc))


def test_a_notice_without_markers_keeps_its_paragraphs_as_provisions():
    text = ("关于做好备案工作的通知\n各有关单位：\n为做好异地就医备案工作，现就有关事项通知如下。\n"
            "参保人员跨省就医原则上先备案、后结算。\n经办机构应当在5个工作日内办结备案。\n某某局\n2025年3月1日\n")
    doc = parse_document(text)
    assert doc.preamble == ["为做好异地就医备案工作，现就有关事项通知如下。"]
    assert [p.text for p in doc.provisions] == ["参保人员跨省就医原则上先备案、后结算。", "经办机构应当在5个工作日内办结备案。"]
    assert doc.provisions[1].modality == "obligation"


def test_signature_inside_the_last_line_of_a_page_per_line_text():
    text = "某某服务协议\n第一条 乙方应当遵守协议。 第二条 甲方应当按时拨付。 青海省医疗保障局 2024年8月30日\n"
    doc = parse_document(text)
    assert doc.issuers == ["青海省医疗保障局"] and doc.signed_date == dt.date(2024, 8, 30)
    assert all("2024年8月30日" not in p.text for p in iter_provisions(doc))


def test_an_attached_table_after_the_signature_is_not_preamble_or_provisions():
    text = (HEAD + BODY + "附件：定点机构名单\n国家医疗保障局\n2024年9月5日\n附件\n定点机构名单\n序号\n机构名称\n1\n某某医院\n2\n某某卫生院\n")
    doc = parse_document(text)
    assert [p.label for p in doc.provisions] == ["一、", "二、"]
    assert not any("某某医院" in p for p in doc.preamble)
    attached = [z for z in doc.zones if z.kind == "attachment"]
    assert attached and "某某卫生院" in attached[0].text


def test_addressees_split_by_commas():
    doc = parse_document("关于调整政策的通知\n各市、自治州医疗保障局，省级定点医疗机构：\n一、定点医疗机构应当执行。\n")
    assert doc.addressees == ["各市、自治州医疗保障局", "省级定点医疗机构"]


def test_attached_documents_after_the_signature_keep_their_printed_labels():
    text = (HEAD + BODY + "附件：1.结算规则\n2.监管要求\n国家医疗保障局\n2024年9月5日\n"
            "附件1\n结算规则\n一、经办机构应当按月结算。\n二、定点医疗机构应当按时申报。\n"
            "附件2\n监管要求\n一、定点医疗机构不得分解住院。\n")
    doc = parse_document(text)
    ids = [p.id for p in iter_provisions(doc)]
    assert ids == ["一", "二", "附件1/一", "附件1/二", "附件2/一"]
    assert doc.title == "关于调整门诊待遇的通知" and doc.signed_date == dt.date(2024, 9, 5)
    assert doc.provisions[-1].modality == "prohibition" and doc.provisions[-1].ref == "附件2/一、"


def test_a_joint_national_notice_with_its_attached_rules():
    text = ("国家医保局 财政部关于做好跨省就医结算工作的通知\n医保发〔2022〕22号\n"
            "各省、自治区、直辖市及新疆生产建设兵团医疗保障局、财政厅（局）：\n"
            "为做好跨省就医结算工作，现就有关事项通知如下：\n一、总体要求\n（一）工作目标。2025年底前，住院费用跨省直接结算率提高到70%以上。\n"
            "（二）明确备案人员范围。参保人员跨省就医前，应当通过线上或线下渠道办理备案，有效期不少于6个月。\n"
            "附件：1.跨省就医结算经办规程\n国家医保局 财政部\n2022年6月30日\n（此件主动公开）\n附件1\n跨省就医结算经办规程\n"
            "第一章 总则\n第一条 为了规范经办服务，制定本规程。\n第二条 定点医药机构不得拒绝为符合条件的参保人员直接结算。\n")
    doc = parse_document(text)
    assert doc.issuers == ["国家医保局", "财政部"] and doc.signed_date == dt.date(2022, 6, 30)
    assert doc.preamble == ["为做好跨省就医结算工作，现就有关事项通知如下："]
    assert [p.id for p in doc.provisions] == ["一", "附件1/第一章"]
    goal, scope = doc.provisions[0].children
    assert goal.heading == "工作目标" and goal.modality == "obligation"
    assert [f.text for f in goal.facts] == ["2025年底前", "70%以上"]
    assert scope.subjects == ("insured",) and any(f.text == "6个月" for f in scope.facts)
    rules = doc.provisions[1].children
    assert rules[0].is_purpose and rules[1].modality == "prohibition" and rules[1].ref == "附件1/第二条"
    assert not any("此件" in p.text for p in iter_provisions(doc))


@pytest.mark.parametrize("text", ["", "  \n\n", "hello world", "第一条", "附件", "抄送：某某。", "x" * 50_000,
                                  "国家医疗保障局\n2024年9月5日"])
def test_odd_input_parses_without_error(text):
    doc = parse_document(text)
    assert all(s.text.strip() for p in iter_provisions(doc) for s in p.sentences)
    assert doc.title != "国家医疗保障局"


def test_not_a_string_is_a_clear_error():
    with pytest.raises(TypeError, match="expects str"):
        parse_document(b"bytes")


def test_long_runs_of_organ_like_words_do_not_backtrack():
    """A page-per-line text full of 局/部/委 words: the foot patterns stay linear (nested repetition made this
    take minutes; it now parses in well under a second, see bench/bench_document.py for timings)."""
    text = "第一条 乙方应当遵守协议。" + "医疗保障局财政部卫生院委员会办公室" * 400 + "。 青海省医疗保障局 2024年8月30日"
    doc = parse_document(text)
    assert doc.issuers == ["青海省医疗保障局"] and doc.signed_date == dt.date(2024, 8, 30)
