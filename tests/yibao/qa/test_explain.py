"""Why a question got its answer: the explanation agrees with the answer, and says why."""
from pathlib import Path

import pytest

from yibao.qa import ask
from yibao.qa.corpus import load_folder
from yibao.qa.explain import explain, render
from yibao.qa.index import QaIndex
from yibao.store.db import open_session

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "nhsa-texts"


@pytest.fixture()
def index(yibao_db):
    with open_session() as s:
        load_folder(s, CORPUS)
        s.commit()
        idx = QaIndex()
        idx.sync(s)
    return idx


def test_the_explanation_agrees_with_the_answer_and_says_why(index):
    with open_session() as s:
        for question in ("举报医保违法行为可以匿名吗", "飞检一般要查几天", "食堂每个月的餐补是多少钱"):
            answered = ask(question, session=s, index=index).found
            assert explain(index, question).supported == answered, question
    why = explain(index, "飞检一般要查几天")
    assert why.unit and not why.supported
    assert any("不含所问单位的数字" in c.reasons for c in why.by_meaning)
    words = {w["word"]: w for w in why.words}
    assert "飞行检查" in words["飞检"]["equivalents"] and words["飞检"]["topic"]
    assert render(why, {}).splitlines()[-1].endswith("没有找到依据")
