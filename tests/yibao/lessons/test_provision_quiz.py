"""provision_quiz: false statements staff could believe, and no row of printed sentences to mark 正确."""
from yibao.lessons.model import QuizItem
from yibao.lessons.provision_quiz import fewer_verbatim_true, swap_department


def test_a_duty_given_to_another_department_is_the_false_version():
    assert swap_department("受到卫生健康部门行政处罚的，应当报告。") == "受到医疗保障行政部门行政处罚的，应当报告。"
    # a 医保 body stays within 医保 ("卫生健康行政部门应当书面告知" in a 医保 text is a give-away), and is
    # swapped only where the act is one side's alone: the key is never arguable
    assert swap_department("医疗保障行政部门作出行政处罚决定前，应当告知当事人。") == \
        "医疗保障经办机构作出行政处罚决定前，应当告知当事人。"
    assert swap_department("统筹地区经办机构应当按月与定点医疗机构结算。") == "统筹地区医疗保障行政部门应当按月与定点医疗机构结算。"
    assert swap_department("上级医保经办机构应当及时拨付。") == "上级医保行政部门应当及时拨付。"
    assert swap_department("医疗保障行政部门应当书面告知当事人。") is None          # both may tell: no act of one side
    assert swap_department("国务院医疗保障行政部门负责全国的行政处罚工作。") is None  # no such 国务院…经办机构
    assert swap_department("经办机构应报医疗保障行政部门备案。") is None      # both named: no false version
    assert swap_department("定点医疗机构应当公开医保药品价格。") is None   # no department: nothing to swap


def _tf(text: str, answer: str = "正确") -> QuizItem:
    return QuizItem("truefalse", f"判断：根据《通知》一，“{text}”", answer, ["错误" if answer == "正确" else "正确"], "一")


def test_printed_sentences_marked_true_are_cut_to_one_but_the_quiz_keeps_three_items():
    choice = QuizItem("choice", "根据《通知》二，填空：……", "30个工作日", ["15个工作日", "60个工作日"], "二")
    quiz = [_tf("甲。"), choice, _tf("乙。"), _tf("丙。", "错误"), _tf("丁。")]
    kept = fewer_verbatim_true(quiz)
    assert [q.answer for q in kept] == ["正确", "30个工作日", "错误"]
    assert len(fewer_verbatim_true([_tf("甲。"), _tf("乙。"), _tf("丙。")])) == 3   # never below three


def test_a_ban_is_flipped_only_with_a_condition_and_a_vague_duty_never():
    from yibao.lessons.provision_quiz import plausible_flip
    assert plausible_flip("乙方不得重复收费、超标准收费、分解项目收费。") is None        # nobody believes "可以重复收费"
    assert plausible_flip("未经甲方同意，乙方不得将医保结算设备转借他人。") is not None
    assert plausible_flip("乙方进销存台账中的药品信息数据应与实际情况一致。") is None   # "可与…一致" is a quibble
    assert plausible_flip("现场检查应当制作现场笔录，并由当事人签名确认。") is not None


def test_a_number_in_another_document_s_title_is_never_blanked():
    from yibao.document.model import Fact
    from yibao.lessons.provision_quiz import _blankable
    sentence = "《关于将注射用托拉塞米等2种药品调出试点名单的通知》不再执行，21种试点药品的支付范围执行新目录。"
    assert not _blankable(sentence, Fact("number", "2种", "2", "种", None))
    assert _blankable(sentence, Fact("number", "21种", "21", "种", None))


def test_a_duty_flipped_is_one_that_may_be_skipped():
    """"可以制作现场笔录" is still true of a duty; "可以不制作" is not."""
    from yibao.lessons.provision_quiz import flip
    assert flip("现场检查应当制作现场笔录。") == "现场检查可以不制作现场笔录。"
    assert flip("当事人确有经济困难的，可以提出延期缴纳罚款的申请。") == "当事人确有经济困难的，应当提出延期缴纳罚款的申请。"


def test_as_many_printed_sentences_true_as_false_statements():
    quiz = [_tf("甲。"), _tf("乙。", "错误"), _tf("丙。"), _tf("丁。", "错误"), _tf("戊。")]
    assert [q.answer for q in fewer_verbatim_true(quiz)] == ["正确", "错误", "正确", "错误"]


def test_the_same_blank_is_asked_once():
    from yibao.lessons.provision_quiz import without_repeats
    a = QuizItem("choice", "根据《规程》第二十九条，填空：记分达到（　　）的，暂停…", "9分", ["6分", "12分"], "第二十九条")
    b = QuizItem("choice", "根据《规程》第二十九条第二款，填空：记分达到（　　）的，暂停…", "9分", ["12分", "6分"], "第二十九条")
    assert without_repeats([a, b, _tf("甲。"), _tf("乙。")]) == [a, _tf("甲。"), _tf("乙。")]


def test_a_sentence_is_judged_once_and_the_flipped_statement_is_kept():
    from yibao.lessons.model import QuizItem
    from yibao.lessons.provision_quiz import without_repeats
    printed = QuizItem("truefalse", "判断：根据《办法》第十七条，“定点医药机构应当核验参保状态，不得拒绝结算。”", "正确", ["错误"],
                       "第十七条", "第十七条原文如此。")
    flipped = QuizItem("truefalse", "判断：根据《办法》第十七条，“定点医药机构应当核验参保状态，可以拒绝结算。”", "错误", ["正确"],
                       "第十七条", "第十七条原文：…不得拒绝结算。")
    assert [q.answer for q in without_repeats([printed, flipped])] == ["错误"]


def test_options_are_worded_as_the_answer_is():
    from yibao.lessons.provision_quiz import same_form
    assert same_form("15个工作日", ["10个工作日内", "2个工作日内", "3个工作日"]) == ["10个工作日", "2个工作日", "3个工作日"]
    assert same_form("30日内", ["15日", "60日以内"]) == ["15日内", "60日内"]


def test_a_bound_read_the_wrong_way_round_and_a_payment_granted_are_false_statements():
    from yibao.lessons.provision_quiz import swap_bound, swap_payment
    assert swap_bound("以二级及以下定点基层医疗机构为依托。") == "以二级及以上定点基层医疗机构为依托。"
    assert swap_bound("原则上不超过6个月。") == "原则上不少于6个月。"
    assert swap_bound("不超过规定的标准。") is None          # no number after it: no believable reversal
    assert swap_payment("暂停期间发生的医保费用，医保基金不予结算。") == "暂停期间发生的医保费用，医保基金照常结算。"


def test_the_key_has_at_most_one_more_true_than_false():
    from yibao.lessons.model import QuizItem
    from yibao.lessons.provision_quiz import balance_key, truefalse_item
    printed = ["定点医疗机构不得重复收费的，应当退还。", "相关人员记分累计不超过12分。", "医保基金不予结算暂停期间的费用。",
               "经办机构应当在10个工作日内办结。"]
    quiz = [truefalse_item("第一条", s, "某办法", false_version=None) for s in printed]
    balanced = balance_key(quiz)
    true = sum(q.answer == "正确" for q in balanced)
    assert true <= (len(balanced) - true) + 1 and len(balanced) == 4
    assert all(isinstance(q, QuizItem) for q in balanced)


def test_who_does_it_is_a_believable_false_statement():
    from yibao.lessons.provision_quiz import swap_actor
    assert swap_actor("定点医疗机构应当在参保患者出院结算后上传结算清单。") == "医疗保障经办机构应当在参保患者出院结算后上传结算清单。"
    assert swap_actor("一是经办机构应当按月拨付。") == "一是定点医疗机构应当按月拨付。"
    assert swap_actor("参保人员应当持卡就医。") is None
