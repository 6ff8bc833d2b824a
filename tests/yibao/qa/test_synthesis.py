"""LLM synthesis against a local OpenAI-compatible endpoint: kept only when every sentence cites."""
import json
from pathlib import Path

import pytest

from yibao.qa import ask
from yibao.qa.corpus import load_folder
from yibao.store.db import open_session
from yibao.testing.chat_endpoint import ChatEndpoint

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "nhsa-texts"
ANSWERS = {
    "honest": "可以匿名举报，但鼓励实名举报[1]。实名举报的，医保部门会对举报人信息严格保密[1]。",
    "uncited": "可以匿名举报[1]。匿名举报同样会得到奖励。",
    "phantom": "可以匿名举报[4]。",
    "inventor": "可以匿名举报，奖励最高10万元[1]。",
}


@pytest.fixture(scope="module")
def chat():
    with ChatEndpoint({model: json.dumps({"answer": text}, ensure_ascii=False)
                       for model, text in ANSWERS.items()}) as ep:
        yield ep


@pytest.fixture(scope="module")
def endpoint(chat):
    return chat.url + "/v1"


@pytest.fixture()
def store(yibao_db, monkeypatch, endpoint):
    monkeypatch.delenv("AIRFLOW_CONN_YIBAO_LLM", raising=False)
    monkeypatch.delenv("AIRFLOW_CTX_DAG_ID", raising=False)
    monkeypatch.setenv("YIBAO_LLM_URL", endpoint)
    with open_session() as s:
        load_folder(s, CORPUS)
    return monkeypatch


QUESTION = "举报医保违法可以匿名吗"


def test_cited_answer_is_used_and_the_model_saw_only_the_provisions(store, chat):
    store.setenv("YIBAO_LLM_MODEL", "honest")
    chat.requests.clear()
    a = ask(QUESTION, synthesise=True)
    assert a.synthesised and a.answer == ANSWERS["honest"]
    assert a.citations[0].clause == "第八条"            # the quotes stay with the answer
    prompt = chat.requests[-1]["body"]["messages"][-1]["content"]
    assert "[1]" in prompt and "匿名举报" in prompt and QUESTION in prompt


@pytest.mark.parametrize("model", ["uncited", "phantom", "inventor", "down"])
def test_unsupported_answer_falls_back_to_the_quotes(store, model):
    store.setenv("YIBAO_LLM_MODEL", model)
    a = ask(QUESTION, synthesise=True)
    assert not a.synthesised and a.answer.startswith("依据以下条款") and "第八条" in a.answer


def test_off_by_default_and_never_asked_without_provisions(store, chat):
    store.setenv("YIBAO_LLM_MODEL", "honest")
    chat.requests.clear()
    assert not ask(QUESTION).synthesised
    assert ask("食堂每个月的餐补是多少钱", synthesise=True).answer == "没有找到依据"
    assert chat.requests == []
