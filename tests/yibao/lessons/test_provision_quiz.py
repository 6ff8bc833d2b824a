"""provision_quiz: false statements staff could believe, and no row of printed sentences to mark 正确."""
from yibao.lessons.model import QuizItem
from yibao.lessons.provision_quiz import fewer_verbatim_true, swap_department


def test_a_duty_given_to_another_department_is_the_false_version():
    assert swap_department("各地医疗保障部门要认真研究本地区药品价格形势。") == "各地卫生健康行政部门要认真研究本地区药品价格形势。"
    assert swap_department("定点医疗机构应当公开医保药品价格。") is None   # no department: nothing to swap


def _tf(text: str, answer: str = "正确") -> QuizItem:
    return QuizItem("truefalse", f"判断：根据《通知》一，“{text}”", answer, ["错误" if answer == "正确" else "正确"], "一")


def test_printed_sentences_marked_true_are_cut_to_one_but_the_quiz_keeps_three_items():
    choice = QuizItem("choice", "根据《通知》二，填空：……", "30个工作日", ["15个工作日", "60个工作日"], "二")
    quiz = [_tf("甲。"), choice, _tf("乙。"), _tf("丙。", "错误"), _tf("丁。")]
    kept = fewer_verbatim_true(quiz)
    assert [q.answer for q in kept] == ["正确", "30个工作日", "错误"]
    assert len(fewer_verbatim_true([_tf("甲。"), _tf("乙。"), _tf("丙。")])) == 3   # never below three
