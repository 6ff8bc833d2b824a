"""case_quiz: "遇到这种情况，该怎么做？" items from the hospital side's conditional duties."""
from yibao.lessons.case_quiz import actions_in, case_item, situation

DOC = ["参保人员因特殊原因需要委托他人代为购药的，乙方应当核验委托人和受托人的身份证明并做好记录。",
       "参保人员出院时，乙方应当为其提供费用明细清单。",
       "乙方开展互联网复诊的，乙方应当核验参保人员为复诊患者并掌握必要的就诊信息。",
       "急诊抢救的参保人员未能及时提供医保凭证的，乙方应当先行救治并在出院前补办结算手续。",
       "参保人员对收费有异议的，乙方应当当场核对费用清单并作出解释。"]


def test_a_conditional_duty_has_a_situation_and_an_action():
    assert situation(DOC[4]) == ("参保人员对收费有异议的", "乙方", "当场核对费用清单并作出解释")
    assert situation("乙方应当按规定结算费用。") is None                                 # no situation
    assert situation("发现乙方违约情形的，甲方根据协议约定采取相应处理措施。") is None       # 相应 is no 应


def test_a_situation_where_the_bureau_acts_is_not_asked():
    assert situation("当事人拒绝签收的，应当在行政处罚决定书上注明。") is None         # the 办案人员 act
    assert situation("符合立案标准的，医疗保障行政部门应当及时立案。") is None


def test_the_wrong_options_are_other_situations_actions():
    item = case_item("第十条", DOC[0], actions_in(DOC), "服务协议")
    assert item.question.startswith("情境题：") and "代为购药的，乙方应当怎么做？" in item.question
    assert item.answer == "核验委托人和受托人的身份证明并做好记录"
    assert len(item.distractors) >= 2 and "当场核对费用清单并作出解释" in item.distractors


def test_an_action_on_the_situation_s_own_subject_is_never_a_wrong_option():
    doc = ["乙方为门诊慢特病参保人员提供医疗服务的，应当严格执行门诊慢特病医疗保障相关规定。",
           "乙方认定门诊慢特病的，应当严格按照门诊慢特病病种认定标准进行认定。",
           "参保人员委托他人代为购药的，乙方应当核验委托人和受托人的身份证明。"]
    assert case_item("第十五条", doc[0], actions_in(doc), "协议") is None   # one wrong option left: too few


def test_a_wrong_option_is_a_whole_action_sharing_no_word_with_the_answer():
    doc = ["参保人员拒绝签字的，乙方应当在病历中注明情况。", "参保人员要求查阅的，乙方应当记入病历。",
           "参保人员转院的，乙方应当提出申请。", "参保人员欠费的，乙方应当及时作出解除协议决定：",
           "参保人员对收费有异议的，乙方应当当场核对费用清单并作出解释。",
           "参保人员住院期间死亡的，乙方应当及时办理住院结算手续。"]
    item = case_item("第二十条", doc[0], actions_in(doc), "协议")
    assert item is not None
    assert "记入病历" not in item.distractors            # shares 病历 with the answer
    assert "提出申请" not in item.distractors            # a scrap
    assert all(not d.endswith("：") for d in item.distractors)


def test_a_vague_situation_is_not_asked():
    assert situation("乙方具备条件的，应为参保人员开具电子外配处方。") is None
