"""Points enumerated in one provision ("一是…二是…", "第一，…第二，…") become its children."""
import pytest

from yibao.document import parse_document
from yibao.document.enumerated import enumerated_points


@pytest.mark.parametrize("text,lead,labels", [
    ("抓好三项工作。一是加强费用审核。二是规范病案首页。三是做好培训。", "抓好三项工作。", ["一是", "二是", "三是"]),
    ("一是按月对账；二是按季清算。", "", ["一是", "二是"]),
    ("要求如下：第一，核验身份。第二，如实记录。", "要求如下：", ["第一", "第二"]),
])
def test_points_are_found_in_order(text, lead, labels):
    found_lead, points = enumerated_points(text)
    assert found_lead == lead
    assert [label for label, _ in points] == labels
    assert "".join(p for _, p in points) == text[len(lead):]


@pytest.mark.parametrize("text", [
    "统一是改革的方向。",                       # 一是 inside a word, not at a sentence start
    "一是加强审核。",                           # a single point is not an enumeration
    "二是规范病案。三是做好培训。",             # no first point
    "唯一是指本人。这是第二，也是最后一次。",
])
def test_no_enumeration(text):
    assert enumerated_points(text) is None


def test_each_point_is_a_child_provision_quoted_whole():
    doc = parse_document("关于加强病案管理的通知\n\n各省医疗保障局：\n一、重点任务\n（一）做好两方面工作。"
                         "一是加强病案首页质控，定点医疗机构应当按月自查。二是规范编码上传，不得虚报诊断。\n")
    item = doc.provisions[0].children[0]
    assert item.text == "做好两方面工作。"
    first, second = item.children
    assert first.label == "一是" and first.ref.endswith("一是")
    assert first.text == "一是加强病案首页质控，定点医疗机构应当按月自查。"
    assert second.modality == "prohibition" and second.text.startswith("二是规范编码上传")


def test_two_enumerations_in_one_text_keep_their_points_apart():
    text = "盯住两类药品。一是高价药品；二是短缺药品。清单每年公布。盯住两类行为：一是超量购药；二是冒名购药。"
    lead, pieces = enumerated_points(text)
    assert lead == "盯住两类药品。"
    assert pieces == [("一是", "一是高价药品；"), ("二是", "二是短缺药品。"), ("", "清单每年公布。盯住两类行为："),
                      ("一是", "一是超量购药；"), ("二是", "二是冒名购药。")]
    doc = parse_document("关于加强药品监管的通知\n\n各省医疗保障局：\n一、重点\n（一）" + text + "\n")
    ids = [c.id for c in doc.provisions[0].children[0].children]
    assert len(ids) == len(set(ids)) == 5


def test_a_fields_options_inside_its_line_are_no_new_list():
    from yibao.document import parse_document
    doc = parse_document("某填写规范\n（三）住院诊疗信息部分\n11.住院医疗类型：1.住院 2.日间手术。\n"
                         "12.入院途径：1.急诊 2.门诊 9.其他。\n13.治疗类别：按实际填写。\n")
    items = doc.provisions[0].children
    assert [p.label for p in items] == ["11.", "12.", "13."]
    assert "日间手术" in items[0].text
