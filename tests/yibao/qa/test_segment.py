"""Question words are stripped before matching; English abbreviations stay content words."""
from yibao.qa.segment import query_terms, query_words, strip_asking


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


def test_spoken_words_are_read_as_standard_chinese():
    from yibao.qa.segment import plain_question
    assert plain_question("新生儿咋参保") == "新生儿怎么参保"
    assert plain_question("收外伤病人 病历得写清啥") == "收外伤病人 病历得写清什么"
    assert plain_question("俺家娃住院了能不能给报") == "我家孩子住院了能不能给报销"
    assert plain_question("罚款没交咋办") == "罚款没交怎么办"
    assert plain_question("能给报告吗") == "能给报告吗"   # 报告 is not 报销


def test_who_is_asking_is_not_part_of_the_question():
    assert "财务科" not in strip_asking("财务科问：质量保证金最多能压几个点")
    assert "hr" not in strip_asking("hr想问一下，缴费基数按什么核定").lower()
    assert "质量保证金" in strip_asking("财务科问：质量保证金最多能压几个点")
    assert "财务科" not in strip_asking("财务科问 搞即时结算以后每个月几号之前要申报")   # chat: no punctuation


def test_who_the_asker_talks_about_is_context_not_the_subject():
    """"我表姐新开的药店": 表姐 is no word a provision must hold (it weighed 30% of the question)."""
    words = query_terms("我表姐新开的药店才营业两个月，俺爹在诊所挂水能报吗")
    assert "表姐" not in words and "俺爹" not in words and "药店" in words


def test_to_what_degree_is_how_one_asks():
    assert "程度" not in strip_asking("超量开药的智能监管，国家要求到2026年底要做到什么程度？")


def test_who_wants_to_know_is_dropped_but_a_word_with_ask_in_it_stays():
    assert strip_asking("财务科想知道医保跟医院的年度清算").startswith("，医保")
    assert strip_asking("医生问诊时要注意什么") == "医生问诊时要注意什么"
    assert "群里" not in strip_asking("群里问个事 我表姐新开的药店才营业两个月")


def test_is_it_true_is_how_one_asks():
    assert "真的" not in strip_asking("听说上了即时结算以后，医保就不再审我们的费用了，是真的吗？")


def test_which_ones_is_how_a_question_asks_not_what_about():
    words = [w.word for w in query_words("限生育保险的药具体是哪几种")]
    assert "哪几种" not in words and "生育保险" in words
