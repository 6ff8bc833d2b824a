"""Optional: let the on-prem model word the answer, from the retrieved provisions only.

Off by default (`yibao ask --llm`, or YIBAO_QA_LLM=1 for the page and the group robot).  Uses the
LLM drafter's endpoint (connection `yibao_llm` / YIBAO_LLM_URL).  The model sees the question and
the numbered provisions and must answer sentence by sentence, each sentence ending with the
markers of the provisions it rests on ([1], [2]).  The answer is kept only when every sentence
carries a marker that exists and every number in a sentence is in the provisions it cites;
otherwise (or when the endpoint fails) the caller keeps the quotes.
"""
from __future__ import annotations

import json
import logging
import os
import re

from yibao.lessons.llm_drafter import LLMError, chat, llm_config

log = logging.getLogger(__name__)
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_MARK = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

SYSTEM = ("你是医院医保办的政策问答助手。只能依据用户给出的编号条款回答，不得使用条款以外的任何知识。"
          "每一句话末尾都必须标注所依据条款的编号，如[1]或[1][2]。条款不足以回答时，只回答“没有找到依据”。"
          '只输出 JSON：{"answer": "…"}。')


def enabled() -> bool:
    return os.environ.get("YIBAO_QA_LLM") == "1"


def build_messages(question: str, citations) -> list[dict]:
    numbered = "\n".join(f"[{n}] 《{c.document}》{c.doc_number or ''}{c.clause}：{c.text}"
                         for n, c in enumerate(citations, 1))
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"条款：\n{numbered}\n\n问题：{question}"}]


def check(answer: str, citations) -> list[str]:
    """Why the answer cannot be shown (empty when it can)."""
    problems = []
    sentences = [s.strip() for s in _SENTENCE.findall(answer or "") if s.strip(" 。；;\n")]
    if not sentences:
        return ["empty answer"]
    for sentence in sentences:
        marks = [int(m) for m in _MARK.findall(sentence)]
        if not marks:
            problems.append(f"sentence without a citation: {sentence[:40]}")
            continue
        if any(not 1 <= m <= len(citations) for m in marks):
            problems.append(f"citation that does not exist: {sentence[:40]}")
            continue
        cited = "".join(citations[m - 1].text for m in marks)
        for number in _NUMBER.findall(_MARK.sub("", sentence)):
            if number not in cited:
                problems.append(f"number {number} is not in the cited provisions: {sentence[:40]}")
    return problems


def synthesise_answer(question: str, citations) -> str | None:
    """The model's answer when it passes `check`, else None (the caller keeps the quotes)."""
    cfg = llm_config()
    if cfg is None or not citations:
        return None
    try:
        content = chat(cfg, build_messages(question, citations))
    except LLMError as exc:
        log.warning("QA synthesis skipped: %s", exc)
        return None
    text = content.strip()
    fenced = re.search(r"\{.*\}", text, re.S)
    try:
        answer = str(json.loads(fenced.group(0) if fenced else text).get("answer", "")).strip()
    except (ValueError, AttributeError):
        log.warning("QA synthesis skipped: the model did not answer JSON: %s", text[:80])
        return None
    problems = check(answer, citations)
    if problems:
        log.warning("QA synthesis rejected, quotes kept: %s", "; ".join(problems[:3]))
        return None
    return answer
