"""The LLM drafter against a real local HTTP server speaking /v1/chat/completions."""
import json

import pytest

from yibao.lessons import draft_lessons
from yibao.testing.chat_endpoint import ChatEndpoint
from yibao.lessons.llm_drafter import LLMConfig, LLMNotConfigured, llm_config, refine_with_llm

HONEST = {
    "headline": "生育门诊手术支付标准提高：300元→520元",
    "summary": ["二、提高门诊人工流产术支付标准。", "从300元提高至520元，节育器相关从360元提高至580元。", "自2025年9月1日起执行。"],
    "actions": ["收费系统按二、更新为520元和580元。"],
    "quiz": [
        {"kind": "choice", "question": "二、门诊人工流产术支付标准提高至？", "answer": "520元", "distractors": ["300元", "600元"],
         "ref": "二、", "explanation": "二、原文"},
        {"kind": "choice", "question": "本通知自何时执行？", "answer": "2025年9月1日", "distractors": ["2025年7月24日", "2025年10月1日"],
         "ref": "二、", "explanation": "本通知自2025年9月1日起执行"},
        {"kind": "truefalse", "question": "判断：放置节育器的支付标准提高至580元。", "answer": "正确", "distractors": ["错误"],
         "ref": "二、", "explanation": "二、原文"},
    ],
}
LIAR = {**HONEST, "summary": ["二、提高支付标准。", "从300元提高至650元。", "自2025年10月8日起执行。"]}


REPLIES = {"honest": json.dumps(HONEST, ensure_ascii=False),
           "liar": "```json\n" + json.dumps(LIAR, ensure_ascii=False) + "\n```",
           "chatty": "好的，下面是课件。"}


@pytest.fixture(scope="module")
def endpoint():
    with ChatEndpoint(REPLIES) as ep:
        yield ep


@pytest.fixture()
def server(endpoint):
    return endpoint.url


def _use(monkeypatch, server, model):
    monkeypatch.delenv("AIRFLOW_CONN_YIBAO_LLM", raising=False)
    monkeypatch.delenv("AIRFLOW_CTX_DAG_ID", raising=False)
    monkeypatch.setenv("YIBAO_LLM_URL", server + "/v1")
    monkeypatch.setenv("YIBAO_LLM_KEY", "sk-local-test")
    monkeypatch.setenv("YIBAO_LLM_MODEL", model)


def test_honest_answer_passes_the_check(qh, server, endpoint, monkeypatch):
    _use(monkeypatch, server, "honest")
    (d,) = draft_lessons(qh("qh_shengyu_2025"), None, roles=["cashier"], drafter="llm", notes="强调人工流产")
    assert d.drafter == "llm:honest", d.flags
    assert d.headline == HONEST["headline"] and d.quiz[0].answer == "520元"
    assert not [f for f in d.flags if f.startswith("llm")]
    req = endpoint.requests[-1]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-local-test"
    assert "强调人工流产" in req["body"]["messages"][1]["content"]  # trainer notes reach the model
    assert d.notes == "强调人工流产"
    assert d.changes and any("520元" in c["text"] for c in d.changes)  # provisions stay as the rules chose them
    material = json.loads(req["body"]["messages"][1]["content"])
    assert any("520元" in f for p in material["条款"] for f in p["事实"])  # the model gets the facts


def test_invented_number_and_date_fall_back_to_the_rule_draft(qh, server, monkeypatch):
    _use(monkeypatch, server, "liar")
    (d,) = draft_lessons(qh("qh_shengyu_2025"), None, roles=["cashier"], drafter="llm")
    assert d.drafter == "rules" and d.headline != LIAR["headline"]
    assert "llm_fact_check_failed" in d.flags
    joined = " ".join(d.flags)
    assert "650元 in summary[1]" in joined and "2025年10月8日 in summary[2]" in joined
    assert "300元" not in joined  # 300元 is in the source


def test_draft_cli_without_endpoint_exits_2(tmp_path, monkeypatch, capsys, corpus_dir):
    from yibao.cli import draft_cmd
    for var in ("YIBAO_LLM_URL", "AIRFLOW_CONN_YIBAO_LLM", "AIRFLOW_CTX_DAG_ID"):
        monkeypatch.delenv(var, raising=False)
    code = draft_cmd.main(["--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"), "--drafter", "llm"])
    err = capsys.readouterr().err
    assert code == 2 and "YIBAO_LLM_URL" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_non_json_or_failing_endpoint_is_flagged_not_silent(qh, server, monkeypatch):
    for model in ("chatty", "down"):
        _use(monkeypatch, server, model)
        (d,) = draft_lessons(qh("qh_shengyu_2025"), None, roles=["cashier"], drafter="llm")
        assert any(f.startswith("llm_failed") for f in d.flags), model
        assert d.drafter == "rules"


def test_llm_is_off_without_configuration(qh, monkeypatch):
    for var in ("YIBAO_LLM_URL", "AIRFLOW_CONN_YIBAO_LLM", "AIRFLOW_CTX_DAG_ID"):
        monkeypatch.delenv(var, raising=False)
    assert llm_config() is None
    with pytest.raises(LLMNotConfigured, match="yibao_llm"):
        draft_lessons(qh("qh_shengyu_2025"), None, roles=["cashier"], drafter="llm")


def test_endpoint_forms():
    assert LLMConfig("http://h:8000", None, "m").endpoint == "http://h:8000/v1/chat/completions"
    assert LLMConfig("http://h:8000/v1/", None, "m").endpoint == "http://h:8000/v1/chat/completions"
    assert LLMConfig("http://h/api/chat/completions", None, "m").endpoint == "http://h/api/chat/completions"


def test_airflow_connection_from_env_uri(monkeypatch, server):
    monkeypatch.delenv("YIBAO_LLM_URL", raising=False)
    host = server.removeprefix("http://")
    monkeypatch.setenv("AIRFLOW_CONN_YIBAO_LLM", json.dumps(
        {"conn_type": "http", "host": host, "schema": "http", "password": "sk-airflow", "extra": {"model": "honest"}}))
    cfg = llm_config()
    assert cfg is not None and cfg.key == "sk-airflow" and cfg.model == "honest"
    assert cfg.endpoint == f"http://{host}/v1/chat/completions"


def test_draft_cli_with_an_endpoint_keeps_the_rule_draft_when_the_model_invents(server, monkeypatch, capsys, corpus_dir):
    from yibao.cli import draft_cmd
    _use(monkeypatch, server, "liar")
    code = draft_cmd.main(["--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"), "--role", "cashier",
                           "--drafter", "llm", "--format", "json"])
    (lesson,) = json.loads(capsys.readouterr().out)
    assert code == 0 and lesson["role"] == "cashier" and lesson["drafter"] == "rules"
    assert "llm_fact_check_failed" in lesson["flags"] and all("distractors" in q for q in lesson["quiz"])
