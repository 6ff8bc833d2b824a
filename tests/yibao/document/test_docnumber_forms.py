"""Every printed form of the 发文字号 is read off the head and normalised."""
import pytest

from yibao.document import parse_document

BODY = "各有关单位：\n一、定点医疗机构应当按规定执行。\n某某局\n2024年9月5日\n"

FORMS = [
    ("医保发〔2021〕27号", "医保发〔2021〕27号"),
    ("医保发〔2021〕27 号", "医保发〔2021〕27号"),              # PDF space before 号
    ("医保发 〔 2021 〕 27 号", "医保发〔2021〕27号"),
    ("（医保发〔2021〕27 号）", "医保发〔2021〕27号"),           # in （…） under the title
    ("(医保发〔2021〕27号)", "医保发〔2021〕27号"),
    ("医保发[2021]27号", "医保发〔2021〕27号"),                 # square brackets
    ("医保发［2021］27号", "医保发〔2021〕27号"),
    ("医保发（2021）27号", "医保发〔2021〕27号"),               # round brackets for the year
    ("医保发【2021】27号", "医保发〔2021〕27号"),
    ("医保发〔２０２１〕２７号", "医保发〔2021〕27号"),          # full-width digits
    ("医保发〔2021〕第27号", "医保发〔2021〕27号"),
    ("国家医疗保障局令第2号", "国家医疗保障局令第2号"),
    ("（国家医疗保障局令第 6 号）", "国家医疗保障局令第6号"),
    ("医保办发〔2024〕9号 / 财社〔2024〕12号", "医保办发〔2024〕9号"),
]


@pytest.mark.parametrize("printed,canonical", FORMS)
def test_number_under_the_title(printed, canonical):
    doc = parse_document(f"关于做好某项工作的通知\n{printed}\n{BODY}")
    assert doc.doc_numbers and doc.doc_numbers[0] == canonical
    assert doc.title == "关于做好某项工作的通知"
    assert [p.label for p in doc.provisions] == ["一、"]


@pytest.mark.parametrize("printed,canonical", FORMS[:6])
def test_number_above_the_title(printed, canonical):
    doc = parse_document(f"{printed}\n某某局关于做好\n某项工作的通知\n{BODY}")
    assert doc.doc_numbers[0] == canonical
    assert doc.title == "某某局关于做好某项工作的通知"


def test_two_numbers_of_a_joint_notice():
    doc = parse_document(f"关于做好某项工作的通知\n医保办发〔2024〕9号 / 财社〔2024〕12号\n{BODY}")
    assert doc.doc_numbers == ["医保办发〔2024〕9号", "财社〔2024〕12号"]


def test_state_council_decree_header_over_two_lines():
    text = ("中华人民共和国国务院令\n第 735 号\n《某某条例》已经2020年12月9日国务院第117次常务会议通过，现予公布，"
            "自2021年5月1日起施行。\n总理 李克强\n2021年1月15日\n某某条例\n第一章 总则\n第一条 为了加强管理，制定本条例。\n"
            "第二条 定点医药机构不得分解住院。\n")
    doc = parse_document(text)
    assert doc.doc_numbers == ["中华人民共和国国务院令第735号"]
    assert "常务会议通过" in doc.promulgation
    assert doc.signed_date.isoformat() == "2021-01-15"
    texts = [p.text for p in doc.provisions[0].children] if doc.provisions else []
    assert not any("常务会议" in t or "李克强" in t for t in texts)


def test_a_cited_number_in_the_body_is_not_the_documents_own():
    doc = parse_document("关于做好某项工作的通知\n各有关单位：\n一、按照医保发〔2021〕27号文件执行。\n")
    assert doc.doc_numbers == []
