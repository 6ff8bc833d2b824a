"""Question words are stripped before matching; English abbreviations stay content words."""
from yibao.qa.segment import query_terms, strip_asking


def test_question_words_are_stripped():
    assert "怎么" not in strip_asking("药店跟经办闹了协议纠纷怎么解决")
    assert "解决" not in strip_asking("药店跟经办闹了协议纠纷怎么解决")
    assert strip_asking("含天然麝香的中成药医保给不给报") == "含天然麝香的中成药医保给报"
    assert "算不算" not in strip_asking("打电话去问政策算不算举报")


def test_abbreviations_are_kept():
    assert "drg" in query_terms("DRG的支付标准是多少")
    assert "otc" in query_terms("OTC药品能进医保目录吗")


def test_english_function_words_are_not_question_words():
    assert "and" not in query_terms("医保基金 AND") and "医保" in query_terms("医保基金 AND")
    assert query_terms("DRG OR DIP") == ["drg", "dip"]


def test_second_line_drugs_are_one_word():
    from yibao.qa.segment import query_terms
    assert "二线用药" in query_terms("医生说这个药是二线用药，能报吗")
