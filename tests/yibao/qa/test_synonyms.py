"""Staff words and phrases → the words policy texts use."""
from yibao.qa.synonyms import equivalents, pattern_words, phrases_in


def test_a_phrase_jieba_glued_to_a_lone_character_is_found():
    # jieba cuts 几天内到账 as 几天 | 内到 | 账
    assert "到账" in phrases_in("即时结算款几天内到账？")
    assert "拨付" in equivalents("到账")


def test_a_phrase_inside_one_longer_word_is_not():
    assert "处方" not in phrases_in("非处方药能不能刷医保")


def test_everyday_words_of_staff():
    assert "谈判药品" in equivalents("国谈药")
    assert "预先告知" in equivalents("打招呼")
    assert "床位" in equivalents("张床")
    assert "购药" in equivalents("买药")


def test_not_leaving_a_name_is_anonymous():
    assert pattern_words("想举报但不想留名字，行不行？") == ["匿名"]
    assert pattern_words("举报要留名字吗") == []


def test_no_real_name_is_anonymous():
    assert pattern_words("可以不报真名吗") == ["匿名"]
    assert pattern_words("能不能不留真名") == ["匿名"]


def test_the_points_someone_was_given_are_记分():
    assert pattern_words("医生今年被记的分到明年还算吗") == ["记分"]
    assert pattern_words("扣的分能消吗") == ["记分"]


def test_not_passed_is_the_text_s_不通过():
    assert pattern_words("特例单议申请没通过的病例怎么付费") == ["不通过"]
    assert pattern_words("结果专家没给通过") == ["不通过"]


def test_short_forms_of_fund_words():
    from yibao.qa.synonyms import equivalents
    assert "质量保证金" in equivalents("质保金")


def test_at_least_is_the_policy_word_for_the_fewest():
    from yibao.qa.synonyms import equivalents
    assert "至少" in equivalents("最少")


def test_never_discovered_is_the_time_limit_of_a_penalty():
    from yibao.qa.synonyms import pattern_words
    assert "未被发现" in pattern_words("2022年有一笔重复收费一直没人发现，今年才被查出来，还会被处罚吗")


def test_staff_words_for_other_provinces_and_paying_oneself():
    from yibao.qa.synonyms import equivalents
    assert "异地" in equivalents("外省") and "省级" in equivalents("省里")
    assert "个人负担" in equivalents("自己掏")


def test_paying_a_share_first_is_the_patients_first_payment():
    from yibao.qa.synonyms import equivalents, pattern_words
    assert "先行自付" in pattern_words("有的药我还得先自己掏一截才给报")
    assert "滋补" in equivalents("补身子")
    assert "次年" in equivalents("第二年")
    assert "手工报销" in equivalents("先垫")


def test_more_ways_to_say_not_discovered_and_not_passed():
    from yibao.qa.synonyms import pattern_words
    assert "未被发现" in pattern_words("两年半前多收过一笔床位费，最近才被查出来，过了这么久还能罚我们吗")
    assert "未被发现" in pattern_words("医保违规过了几年没被查出来，就不再罚了？")
    assert "不通过" in pattern_words("特例单议没评上的病例，最后按什么付钱？")


def test_adding_a_procedure_is_what_the_texts_call_纳入():
    from yibao.qa.synonyms import equivalents
    assert "纳入" in equivalents("加进") and "手术" in equivalents("术式")
    assert "停止执行" in equivalents("先不交") and "结论" in equivalents("下结论") and "提供" in equivalents("补交")


def test_seals_talks_and_money_held_back_in_staff_words():
    assert "封存" in equivalents("封条") and "封存" in equivalents("查封")
    assert "约谈" in equivalents("谈话")
    assert "预留" in equivalents("压着")
    assert "加处罚款" in equivalents("滞纳金")


def test_a_fine_growing_while_unpaid_is_the_daily_extra_fine():
    assert pattern_words("罚单一直没交，拖着会不会越罚越多？") == ["加处罚款"]
    assert pattern_words("罚款能分期交吗") == []


def test_working_at_two_hospitals_is_多点执业():
    assert pattern_words("张医生在我们医院和民营医院两头坐诊") == ["多点执业"]
    assert pattern_words("他在两家医院都上班，那边停了这边呢") == ["多点执业"]
    assert pattern_words("医生每周坐诊几天") == []


def test_proof_is_the_texts_佐证():
    assert "佐证" in equivalents("证明")


def test_how_long_a_shop_has_been_open_is_its_经营():
    assert "经营" in equivalents("开张") and "经营" in equivalents("开满")
    assert "营业" not in equivalents("开张")      # 营业时间 is the hours a pharmacist is on duty


def test_changing_a_drug_s_class_on_one_s_own_is_自行调整_甲乙分类():
    assert pattern_words("州医保局能不能自己把目录里某个药从乙类改成甲类？") == ["自行"]
    assert pattern_words("自己掏钱买的药能报吗") == []
    assert "调整" in equivalents("改成") and "甲乙分类" in equivalents("甲类")


def test_after_how_many_years_no_fine_is_the_time_limit_of_a_penalty():
    assert pattern_words("医保违规的事过了几年就不会再罚了") == ["未被发现"]
    assert pattern_words("违规收费过了两年还能罚吗") == ["未被发现"]
    assert pattern_words("过了几年才能再申请定点") == []


def test_the_prefectures_are_the_texts_各地():
    assert "各地" in equivalents("市州") and "各地" in equivalents("州里")
