"""case_quiz: "遇到这种情况，该怎么做？" items from conditional duties."""
from yibao.lessons.case_quiz import actions_in, case_item, situation

DOC = ["当事人拒绝签收的，应当在行政处罚决定书上注明。",
       "符合立案标准的，医疗保障行政部门应当及时立案。",
       "两个以上医疗保障行政部门因管辖权发生争议的，应当自发生争议之日起七个工作日内协商解决。",
       "当事人提出回避申请的，医疗保障行政部门应当依法审查。"]


def test_a_conditional_duty_has_a_situation_and_an_action():
    assert situation(DOC[1]) == ("符合立案标准的", "医疗保障行政部门", "及时立案")
    assert situation("医疗保障行政部门应当依法审查。") is None                 # no situation
    assert situation("发现违约情形的，根据协议约定采取相应处理措施。") is None   # 相应 is no 应


def test_the_wrong_options_are_other_situations_actions():
    item = case_item("第四十九条", DOC[0], actions_in(DOC), "行政处罚程序暂行规定")
    assert item.question.startswith("情境题：") and "当事人拒绝签收的，应当怎么做？" in item.question
    assert item.answer == "在行政处罚决定书上注明"
    assert set(item.distractors) == {"及时立案", "自发生争议之日起七个工作日内协商解决", "依法审查"}


def test_an_action_on_the_situation_s_own_subject_is_never_a_wrong_option():
    doc = ["乙方为门诊慢特病参保人员提供医疗服务的，应当严格执行门诊慢特病医疗保障相关规定。",
           "乙方认定门诊慢特病的，应当严格按照门诊慢特病病种认定标准进行认定。",
           "参保人员委托他人代为购药的，乙方应当核验委托人和受托人的身份证明。"]
    assert case_item("第十五条", doc[0], actions_in(doc), "协议") is None   # one wrong option left: too few


def test_an_action_sharing_a_word_with_the_answer_is_never_a_wrong_option():
    doc = ["当事人拒绝签收的，应当在笔录或者其他材料上注明情况。", "当事人拒绝接受调查的，应当记入笔录。",
           "符合立案标准的，应当及时立案。", "当事人提出回避申请的，应当依法审查。"]
    item = case_item("第二十条", doc[0], actions_in(doc), "规定")
    assert "记入笔录" not in item.distractors


def test_a_vague_situation_is_not_asked():
    assert situation("乙方具备条件的，应为参保人员开具电子外配处方。") is None
