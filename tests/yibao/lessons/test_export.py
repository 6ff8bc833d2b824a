import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from yibao.lessons import QuizItem
from yibao.lessons.export import GiftParseError, parse_gift, to_gift, to_moodle_xml

_spec = importlib.util.spec_from_file_location("lesson_render_helpers2", Path(__file__).with_name("test_render.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
make_draft = _helpers.make_draft


def _tricky_draft():
    d = make_draft("pharmacy")
    d.quiz.append(QuizItem("choice", "比例 = 多少? {注意} 符号~#:都要转义", "50%:A", ["40%=B", "#60%", "{70%}"], "第七条", "见第七条#说明"))
    d.quiz.append(QuizItem("numeric", "支付标准提高至多少元？", "520元", ["300元"], "二、", "二、原文"))
    return d


def test_gift_round_trip():
    drafts = [_tricky_draft(), make_draft("doctor")]
    gift = to_gift(drafts)
    items = parse_gift(gift)
    expected = [(d, q) for d in drafts for q in d.quiz]
    assert len(items) == len(expected)
    for got, (d, q) in zip(items, expected):
        assert got["question"] == q.question
        assert got["category"].endswith(d.role_name)
        if q.kind == "numeric":
            assert got["kind"] == "numeric" and got["answer"] == "520"
        else:
            assert got["kind"] == q.kind and got["answer"] == q.answer
            assert got["distractors"] == q.distractors
            assert got["feedback"] == (q.explanation or None)


def test_gift_reader_rejects_broken_input():
    with pytest.raises(GiftParseError):
        parse_gift("::q1::没有答案块的题目")
    with pytest.raises(GiftParseError):
        parse_gift("题目{~只有错误答案}")


def test_moodle_xml_is_well_formed_and_complete():
    xml = to_moodle_xml([_tricky_draft()])
    root = ET.fromstring(xml.encode("utf-8"))
    types = [q.get("type") for q in root.findall("question")]
    assert types[0] == "category" and types.count("multichoice") == 3 and "truefalse" in types and "numerical" in types
    mc = [q for q in root.findall("question") if q.get("type") == "multichoice"][-1]
    answers = {a.findtext("text"): a.get("fraction") for a in mc.findall("answer")}
    assert answers == {"50%:A": "100", "40%=B": "0", "#60%": "0", "{70%}": "0"}
    tags = [t.findtext("text") for t in mc.find("tags").findall("tag")]
    assert "role:pharmacy" in tags and "文号:X医保发〔2025〕9号" in tags
    tf = next(q for q in root.findall("question") if q.get("type") == "truefalse")
    assert {a.findtext("text"): a.get("fraction") for a in tf.findall("answer")} == {"true": "100", "false": "0"}
