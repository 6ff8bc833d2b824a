import datetime as dt

from yibao.lessons import DocContext, classify
from yibao.lessons.topics import classify_text


def _doc(title, text):
    return DocContext(None, title, None, None, dt.date(2025, 3, 3), None, None, None, None, "new", None, text)


def test_real_documents_get_their_topics(qh):
    assert classify(qh("qh_shengyu_2025"), None) == ["maternity"]
    assert classify(qh("qh_rjss_2024"), None)[0] == "drg_dip"
    assert "drug_catalogue" in classify(qh("qh_nrdl_2024"), None)
    assert "jicai" in classify(qh("qh_nrdl_2024"), None)
    assert classify(qh("qh_ydxy_2025"), None)[0] == "agreement_mgmt"


def test_catalogue_name_is_not_maternity(qh):
    # "基本医疗保险、工伤保险和生育保险药品目录" names the catalogue, it is not about 生育保险
    assert "maternity" not in classify(qh("qh_fanli_2025"), None)


def test_yibaoma_payment_sense_vs_coding_sense():
    pay = classify_text("关于推进医保码全场景应用的通知", "参保人可使用医保码扫码就医、移动支付，刷码结算。")
    code = classify_text("关于做好医保码贯标工作的通知", "各定点医疗机构要完成医保码与院内编码的对照，落实贯标要求。")
    assert "ybcode_payment" in pay and "info_coding" not in pay
    assert "info_coding" in code and "ybcode_payment" not in code


def test_all_required_topics_exist():
    from yibao.lessons.topics import _topic_table
    topics, _ = _topic_table()
    for t in ("drg_dip", "drug_catalogue", "negotiated_drugs", "jicai", "outpatient_pooling", "cross_region",
              "service_price", "fund_supervision", "ltc", "ybcode_payment", "maternity", "agreement_mgmt"):
        assert topics[t]["keywords"], t
