import datetime as dt
import re

import pytest

from yibao.lessons.model import LessonInputError, QuizItem
from yibao.lessons.quiz import build_quiz, date_distractors, number_distractors


def test_number_distractors_are_plausible_and_never_the_answer():
    ds = number_distractors("520元", ["300元"], ["580元"])
    assert "300元" in ds and "520元" not in ds and len(ds) == 3
    assert all(d.endswith("元") for d in ds)


def test_old_value_nearest_in_size_is_used():
    ds = number_distractors("1398种", ["93种", "1335种", "430种"], [])
    assert ds[0] == "1335种"


def test_decimal_answers_keep_their_precision():
    ds = number_distractors("8.3元", ["12.5元"], [])
    assert "12.5元" in ds and all("." in d for d in ds)


def test_date_distractors_use_old_date_and_shifted_months():
    ds = date_distractors(dt.date(2025, 9, 1), [dt.date(2025, 1, 1)])
    assert ds[0] == "2025年1月1日" and "2025年9月1日" not in ds and "2025年10月1日" in ds


def test_quiz_item_rejects_distractor_equal_to_answer():
    with pytest.raises(LessonInputError):
        QuizItem("choice", "Q", "5日", ["5日", "6日"])


def test_build_quiz_from_changes():
    changes = [
        {"ref": "第二条", "category": "number", "quiz_values": ["520元"], "old_values": ["300元"],
         "new_text": "门诊人工流产术支付标准从300元提高至520元。"},
        {"ref": "第四条", "category": "obligation", "quiz_values": [], "old_values": [],
         "new_text": "定点医疗机构应当在每月10日前完成对账。"},
    ]
    quiz = build_quiz(changes, "通知", dt.date(2025, 9, 1), "第九条")
    assert 3 <= len(quiz) <= 5
    assert quiz[0].answer == "520元" and "300元" in quiz[0].distractors and "（　　）" in quiz[0].question
    tf = [q for q in quiz if q.kind == "truefalse"]
    assert tf and tf[0].ref == "第四条" and tf[0].answer in ("正确", "错误")
    assert any(q.answer == "2025年9月1日" for q in quiz)
    for q in quiz:
        assert q.answer not in q.distractors


def test_a_wrong_department_is_a_distractor_from_the_document_s_own_bodies():
    from yibao.lessons.provision_quiz import bodies_in, recipient_item
    sentences = ["定点医疗机构应自批准之日起30个工作日内向统筹地区经办机构提出变更申请。",
                 "检查结果应当向医疗保障行政部门报告。", "采购情况应及时向药品集中采购机构报备。"]
    bodies = bodies_in(sentences)
    item = recipient_item("第四十条", sentences[0], bodies, "某办法")
    assert item is not None and item.answer == "统筹地区经办机构"
    assert set(item.distractors) == {"医疗保障行政部门", "药品集中采购机构"}
    assert "（\u3000\u3000）提出变更申请" in item.question


def test_a_duty_with_a_time_limit_is_asked_as_a_fill_in_not_a_modality_flip(tmp_path):
    import json
    from pathlib import Path
    from yibao.cli import draft_cmd
    out = tmp_path / "d.json"
    text = Path(__file__).parent / "texts" / "dingdian_banfa.txt"
    assert draft_cmd.main(["--new", str(text), "--title", "某某医疗机构医保定点管理办法", "--role", "yibaoban",
                           "--format", "json", "-o", str(out)]) == 0
    quiz = json.loads(out.read_text(encoding="utf-8"))[0]["quiz"]
    limits = [q for q in quiz if q["answer"] in ("20个工作日", "20个工作日内", "2个月", "提前2个月")]
    assert limits and all(q["kind"] == "choice" for q in limits)
    assert sum(q["kind"] == "truefalse" for q in quiz) <= 2


def test_never_two_questions_on_one_sentence(tmp_path):
    import json
    from pathlib import Path
    from yibao.cli import draft_cmd
    out = tmp_path / "d.json"
    text = Path(__file__).parent / "texts" / "inspection_banfa.txt"
    assert draft_cmd.main(["--new", str(text), "--title", "某省医疗保障基金现场检查办法", "--format", "json",
                           "-o", str(out)]) == 0
    for lesson in json.loads(out.read_text(encoding="utf-8")):
        sentences = [q["explanation"].split("原文", 1)[-1].lstrip("：如此；") for q in lesson["quiz"]
                     if "原文：" in q["explanation"]]
        assert len(sentences) == len(set(sentences)), lesson["role"]


def test_a_version_is_never_blanked_or_swapped():
    from yibao.document.model import Fact
    from yibao.lessons.provision_quiz import fill_item, swap_value
    version = Fact("number", "2.0版", "2.0", "版", None)
    other = Fact("number", "1版", "1", "版", None)
    sentence = "各地要加强2.0版分组培训解读。"
    assert fill_item("一", sentence, version, [version, other], "某通知") is None
    assert swap_value(sentence, [version, other], [version]) is None


def test_in_a_notice_to_the_bureaus_the_quiz_falls_back_on_the_hospital_s_sentences_only():
    from yibao.document import parse_document
    from yibao.lessons.duties import not_bureau_work
    from yibao.lessons.selection import teachable_units
    doc = parse_document("各省医疗保障局：\n一、加强预付管理。基金预付要向管理规范的医疗机构倾斜。定点医疗机构应当按月上传结算清单。")
    first, second = teachable_units(doc)[0].sentences
    assert not not_bureau_work(first, "finance", to_bureaus=True)
    assert not_bureau_work(second, "finance", to_bureaus=True)


def test_a_swapped_value_is_never_one_the_sentence_already_states():
    from yibao.document.model import Fact
    from yibao.lessons.provision_quiz import swap_value
    old, new, third = (Fact("number", t, None, "元", None) for t in ("300元", "520元", "360元"))
    sentence = "支付标准从300元提高至520元。"
    assert swap_value(sentence, [old, new, third], [old, new]) == "支付标准从360元提高至520元。"


def test_a_role_without_duties_is_quizzed_on_the_bureau_lines_it_was_shown(tmp_path):
    import json
    from pathlib import Path
    from yibao.cli import draft_cmd
    out = tmp_path / "d.json"
    text = Path(__file__).parent / "texts" / "bureau_notice.txt"
    assert draft_cmd.main(["--new", str(text), "--title", "某省医疗保障局关于加强超量开药监管工作的通知", "--role",
                           "doctor", "--format", "json", "-o", str(out)]) == 0
    lesson = json.loads(out.read_text(encoding="utf-8"))[0]
    shown = " ".join(a for a in lesson["actions"] if a.startswith("医保部门将"))
    assert lesson["quiz"] and lesson["quiz"][0]["ref"] in shown
    assert not any("试点地区" in q["question"] for q in lesson["quiz"][:2])


def test_made_up_values_do_not_always_put_the_answer_second_smallest():
    """A trainer's review: "48 among 58/38/53小时" — the answer was the second smallest in 18 of 23 items."""
    def rank(answer: str) -> int:
        value = lambda x: float(re.match(r"[\d.]+", x).group(0))   # noqa: E731
        return sorted([answer] + number_distractors(answer, [], []), key=value).index(answer) + 1
    ranks = {rank(a) for a in ("48小时", "30个工作日", "5日", "520元", "15个工作日", "12分", "9分", "3个月", "180日")}
    assert len(ranks) >= 3


def test_a_year_with_a_suffix_gets_neighbouring_years():
    options = number_distractors("2021年底前", [], [])
    assert options and all(o.endswith("年底前") and 2019 <= int(o[:4]) <= 2024 for o in options), options
