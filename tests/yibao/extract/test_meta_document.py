"""extract_metadata reads the head and foot through the document model."""
from yibao.extract import extract_metadata

BODY = "各省、自治区、直辖市医疗保障局：\n一、定点医疗机构应当执行新标准。\n"


def test_number_in_parentheses_under_the_title():
    meta = extract_metadata("关于调整门诊待遇的通知\n（医保发〔2021〕27 号）\n" + BODY + "国家医疗保障局\n2021年6月1日\n")
    assert meta.doc_number == "医保发〔2021〕27号" and meta.written_date == "2021-06-01"


def test_co_signing_bodies_on_separate_lines_are_all_issuers():
    meta = extract_metadata("关于调整门诊待遇的通知\n医保发〔2024〕30号\n" + BODY + "国家医疗保障局\n财政部\n2024年9月5日\n")
    assert meta.issuers == ["国家医疗保障局", "财政部"]


def test_co_signing_bodies_run_together_on_one_line():
    meta = extract_metadata("关于调整门诊待遇的通知\n医保发〔2024〕30号\n" + BODY + "国家医保局财政部\n二〇二四年九月五日\n")
    assert meta.issuers == ["国家医保局", "财政部"] and meta.written_date == "2024-09-05"


def test_a_decree_is_issued_by_the_body_of_its_number():
    meta = extract_metadata("某某暂行办法\n（国家医疗保障局令第 6 号）\n《某某暂行办法》已经2023年2月14日第5次局务会议审议通过，"
                            "现予以公布，自2023年5月1日起施行。\n局 长：某某某\n2023年3月13日\n第一条 为了规范管理，制定本办法。\n")
    assert meta.doc_number == "国家医疗保障局令第6号" and meta.issuer == "国家医疗保障局"
    assert meta.written_date == "2023-03-13" and meta.effective_date == "2023-05-01"
