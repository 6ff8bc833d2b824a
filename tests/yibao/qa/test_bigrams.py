"""The character-pair view of a question: independent of jieba's cut, weighted by rarity."""
from yibao.qa.bigrams import bigram_scores, question_bigrams


def test_pairs_of_the_content_without_question_words():
    pairs = question_bigrams("特例单议申请没通过的病例怎么付费")
    assert "通过" in pairs and "病例" in pairs
    assert "怎么" not in pairs and "么付" not in pairs      # 怎么 is stripped, no pair crosses the gap


def test_english_abbreviations_are_one_unit():
    assert "drg" in question_bigrams("DRG的支付标准是怎么算出来的")


def test_a_text_holding_the_rare_pairs_scores_higher():
    pairs = question_bigrams("评审不通过的病例")
    texts = ["对评审通过的病例，可实行项目付费。对评审不通过的病例，按病种付费规定执行。",
             "病例的医保费用按规定结算。", "定点医疗机构应当规范病例管理。"]
    scores = bigram_scores(pairs, texts)
    assert scores[0] == max(scores) and scores[0] > scores[1]
    assert bigram_scores((), texts) == [0.0, 0.0, 0.0]
