"""Optional drafter: an OpenAI-compatible chat endpoint (e.g. a hospital's on-prem model).

Off by default. Configured by the Airflow Connection ``yibao_llm`` (host = base URL,
password = API key, extra {"model": ...}); outside Airflow by env YIBAO_LLM_URL /
YIBAO_LLM_KEY / YIBAO_LLM_MODEL. The model rewrites headline, summary, actions and
quiz of the rule draft; the change list, source, scenario and case stay as drafted
by rules. Every number and date in the model's text must appear in the source or
the diff; a draft that fails this check is dropped: the rule draft stays, flagged
``llm_fact_check_failed`` with the reasons (never silently passed). New documents go through
``refine_from_provisions``: the model sees the selected provisions and their facts, and its numbers
with units, dates and actors are checked against them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, replace

import httpx

from . import facts
from .model import DocContext, LessonDraft, QuizItem, LessonInputError
from .relevance import roles_config

CONN_ID = "yibao_llm"
# numbers the rule templates use on their own (7 working days, the 12393 hotline)
ALLOWED_CONSTANTS = {"7", "12393"}
_COUNT_WORDS = "项处条点步个方面"


class LLMNotConfigured(RuntimeError):
    """drafter='llm' was asked for but no endpoint is configured."""


class LLMError(RuntimeError):
    """The endpoint failed or answered something that is not a lesson."""


@dataclass
class LLMConfig:
    url: str
    key: str | None
    model: str
    timeout: float = 120.0

    @property
    def endpoint(self) -> str:
        u = self.url.rstrip("/")
        if u.endswith("/chat/completions"):
            return u
        return u + ("/chat/completions" if u.endswith("/v1") else "/v1/chat/completions")


def _from_airflow() -> LLMConfig | None:
    """The Airflow Connection, when running inside Airflow or when AIRFLOW_CONN_YIBAO_LLM is set."""
    if not (os.environ.get("AIRFLOW_CTX_DAG_ID") or os.environ.get(f"AIRFLOW_CONN_{CONN_ID.upper()}")):
        return None
    try:
        from airflow.sdk import BaseHook  # Airflow 3
    except ImportError:
        try:
            from airflow.hooks.base import BaseHook  # type: ignore
        except ImportError:
            return None
    try:
        conn = BaseHook.get_connection(CONN_ID)
    except Exception:  # connection not defined: fall back to env
        return None
    host = conn.host or ""
    if host and "://" not in host:
        scheme = conn.schema if conn.schema in ("http", "https") else "https"
        host = f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")
    extra = conn.extra_dejson or {}
    if not host:
        return None
    return LLMConfig(url=host, key=conn.password or extra.get("api_key"), model=extra.get("model") or conn.login or "default")


def llm_config() -> LLMConfig | None:
    cfg = _from_airflow()
    if cfg:
        return cfg
    url = os.environ.get("YIBAO_LLM_URL")
    if not url:
        return None
    return LLMConfig(url=url, key=os.environ.get("YIBAO_LLM_KEY"), model=os.environ.get("YIBAO_LLM_MODEL", "default"))


def chat(cfg: LLMConfig, messages: list[dict]) -> str:
    headers = {"Content-Type": "application/json"}
    if cfg.key:
        headers["Authorization"] = f"Bearer {cfg.key}"
    body = {"model": cfg.model, "messages": messages, "temperature": 0.2, "response_format": {"type": "json_object"}}
    try:
        r = httpx.post(cfg.endpoint, json=body, headers=headers, timeout=cfg.timeout)
    except httpx.HTTPError as exc:
        raise LLMError(f"LLM endpoint {cfg.endpoint} unreachable: {exc}") from exc
    if r.status_code != 200:
        raise LLMError(f"LLM endpoint {cfg.endpoint} answered HTTP {r.status_code}: {r.text[:200]}")
    try:
        return r.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"LLM endpoint answered no choices[0].message.content: {r.text[:200]}") from exc


def build_messages(draft: LessonDraft, doc: DocContext, changes: list[dict], notes: str | None) -> list[dict]:
    rc = roles_config()["roles"].get(draft.role) or {}
    system = (
        "你是医院医保培训讲师。根据给定的政策变化，为指定岗位改写培训课件。只能使用给定材料中的数字和日期，"
        "不得编造任何数字、日期、金额或比例；每条内容注明条款号。"
        + ("面向参保群众：语言通俗、简短，不用DRG/DIP/清算/结算清单等术语。" if rc.get("plain") else "")
        + "只输出JSON：{\"headline\": str, \"summary\": [3个str], \"actions\": [str], "
        "\"quiz\": [{\"kind\": \"choice|truefalse\", \"question\": str, \"answer\": str, \"distractors\": [str], "
        "\"ref\": str, \"explanation\": str}]}，quiz 3到5题，答案必须来自原文。"
    )
    material = {
        "岗位": draft.role_name, "关注点": rc.get("lens", ""), "文件": doc.title, "文号": doc.doc_number,
        "施行日期": draft.effective_date.isoformat() if draft.effective_date else None,
        "变化": [{"条款": c.get("new_ref") or c.get("old_ref"), "原文": c.get("old_text"), "新文": c.get("new_text"),
                 "类别": c.get("category")} for c in changes[:12]],
        "规则草稿": {"headline": draft.headline, "summary": draft.summary, "actions": draft.actions},
    }
    if notes:
        material["培训师意见"] = notes
    return [{"role": "system", "content": system},
            {"role": "user", "content": json.dumps(material, ensure_ascii=False)}]


def _parse_json(content: str) -> dict:
    s = content.strip()
    s = re.sub(r"^```(?:json)?\s*|\s*```$", "", s)
    start, end = s.find("{"), s.rfind("}")
    if start < 0 or end < 0:
        raise LLMError(f"LLM answer is not JSON: {content[:120]!r}")
    try:
        data = json.loads(s[start:end + 1])
    except json.JSONDecodeError as exc:
        raise LLMError(f"LLM answer is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMError("LLM answer JSON is not an object")
    return data


# --------------------------------------------------------------------------- verification

_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _dates(text: str) -> tuple[set[dt.date], str]:
    """Dates in text (中文 and ISO forms) and the text with them blanked out."""
    found: set[dt.date] = set()

    def grab(m: re.Match, y: str, mo: str, d: str | None) -> str:
        try:
            found.add(dt.date(int(y), int(mo), int(d or 1)))
        except ValueError:
            pass
        return " "
    text = facts.DATE_RE.sub(lambda m: grab(m, m["y"], m["m"], m["d"]), text)
    text = _ISO_DATE.sub(lambda m: grab(m, m.group(1), m.group(2), m.group(3)), text)
    return found, text


def _numbers(text: str) -> list[tuple[str, str]]:
    """(number, following char) pairs, digits normalised."""
    text = facts.normalise_number_token(text)
    return [(m.group(1), text[m.end():m.end() + 1]) for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)", text)]


def source_facts(doc: DocContext, changes: list[dict], draft: LessonDraft) -> tuple[set[dt.date], set[str]]:
    blob = "\n".join([doc.text, doc.title, doc.doc_number or ""] +
                     [f"{c.get('old_text') or ''}\n{c.get('new_text') or ''}" for c in changes])
    dates, rest = _dates(blob)
    dates |= {d for d in (doc.publish_date, doc.effective_date, doc.deadline, draft.effective_date) if d}
    nums = {n for n, _ in _numbers(rest)} | ALLOWED_CONSTANTS
    # 2025年 alone (no month) is a number too
    nums |= {str(d.year) for d in dates} | {str(d.month) for d in dates} | {str(d.day) for d in dates}
    return dates, nums


def unverified_values(text: str, allowed_dates: set[dt.date], allowed_numbers: set[str]) -> list[str]:
    dates, rest = _dates(text)
    bad = [facts.fmt_cn_date(d) for d in sorted(dates) if d not in allowed_dates]
    for num, after in _numbers(rest):
        canon = num.rstrip("0").rstrip(".") if "." in num else num
        if num in allowed_numbers or canon in allowed_numbers:
            continue
        if after and after in _COUNT_WORDS and len(num) <= 2:
            continue  # "3项", "2处": counts of the lesson's own items
        bad.append(num + (after if after and not after.isspace() else ""))
    return bad


def check_draft(draft: LessonDraft, doc: DocContext, changes: list[dict]) -> list[str]:
    """Flags for every number/date in the LLM-written fields that is not in the source or diff."""
    dates, nums = source_facts(doc, changes, draft)
    flags = []
    fields = [("headline", draft.headline)] + [(f"summary[{i}]", s) for i, s in enumerate(draft.summary)] + \
             [(f"actions[{i}]", a) for i, a in enumerate(draft.actions)]
    for i, q in enumerate(draft.quiz):
        fields += [(f"quiz[{i}].question", q.question), (f"quiz[{i}].answer", q.answer),
                   (f"quiz[{i}].explanation", q.explanation)]
    for where, text in fields:
        for value in unverified_values(text or "", dates, nums):
            flags.append(f"llm_unverified_value: {value} in {where}")
    return flags


def _draft_from_answer(draft: LessonDraft, data: dict, cfg: LLMConfig) -> LessonDraft:
    """The model's JSON answer as a draft; LLMError when it lacks a headline, 3 summary lines or 3–5 quiz items."""
    summary = [str(s) for s in data.get("summary") or []]
    if len(summary) != 3 or not data.get("headline"):
        raise LLMError("LLM answer needs a headline and exactly 3 summary lines")
    quiz = []
    for q in data.get("quiz") or []:
        try:
            quiz.append(QuizItem.from_dict({"kind": q.get("kind", "choice"), "question": q["question"],
                                            "answer": q["answer"], "distractors": q.get("distractors") or [],
                                            "ref": q.get("ref", ""), "explanation": q.get("explanation", "")}))
        except (KeyError, LessonInputError, AttributeError) as exc:
            raise LLMError(f"bad quiz item from LLM: {exc}") from exc
    if not 3 <= len(quiz) <= 5:
        raise LLMError(f"LLM gave {len(quiz)} quiz items, need 3–5")
    return replace(draft, headline=str(data["headline"]), summary=summary,
                   actions=[str(a) for a in data.get("actions") or draft.actions], quiz=quiz,
                   drafter=f"llm:{cfg.model}", flags=list(draft.flags))


def refine_with_llm(draft: LessonDraft, doc: DocContext, changes: list[dict], *, notes: str | None = None,
                    config: LLMConfig | None = None) -> LessonDraft:
    cfg = config or llm_config()
    if cfg is None:
        raise LLMNotConfigured(f"drafter 'llm' needs the Airflow connection '{CONN_ID}' or env YIBAO_LLM_URL "
                               "(and YIBAO_LLM_KEY, YIBAO_LLM_MODEL)")
    try:
        data = _parse_json(chat(cfg, build_messages(draft, doc, changes, notes)))
        out = _draft_from_answer(draft, data, cfg)
    except LLMError as exc:
        flagged = replace(draft, flags=list(draft.flags) + [f"llm_failed: {exc}"], drafter="rules")
        return flagged
    problems = check_draft(out, doc, changes)
    if problems:  # the rule draft stays; the trainer sees why the model's draft was dropped
        return replace(draft, drafter="rules", flags=list(draft.flags) + ["llm_fact_check_failed"] + problems[:8])
    return out


# --------------------------------------------------------------------------- new documents: from provisions

_NUM_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(个百分点|个工作日|个自然日|个月|周岁|万元|亿元|元|%|％|日|天|小时|种|项|倍|分|次|张|人|家|年)")


def provision_material(draft: LessonDraft, doc: DocContext) -> list[dict]:
    """The selected provisions as the model sees them: quote, modality, actors, facts."""
    return [{"条款": c["ref"], "原文": c["text"], "类型": c.get("modality"), "事实": c.get("facts", [])}
            for c in draft.changes]


def build_provision_messages(draft: LessonDraft, doc: DocContext, plan, notes: str | None) -> list[dict]:
    rc = roles_config()["roles"].get(draft.role) or {}
    system = (
        "你是医院医保培训讲师。只根据给定的条款为指定岗位写培训课件：数字必须带单位，只能使用条款中出现的数字、"
        "日期和主体，不得编造；引用原文用整句。"
        + ("本文件主送各地医保部门，请说明对医院和患者意味着什么，不要写成医院是收文单位。" if plan.addressed_to_bureaus else "")
        + ("面向参保群众：语言通俗、简短。" if rc.get("plain") else "")
        + "只输出JSON：{\"headline\": str, \"summary\": [3个str], \"actions\": [str], "
        "\"quiz\": [{\"kind\": \"choice|truefalse\", \"question\": str, \"answer\": str, \"distractors\": [str], "
        "\"ref\": str, \"explanation\": str}]}，quiz 3到5题，答案必须来自给定条款。"
    )
    material = {"岗位": draft.role_name, "关注点": rc.get("lens", ""), "文件": doc.title, "文号": doc.doc_number,
                "条款": provision_material(draft, doc),
                "规则草稿": {"headline": draft.headline, "summary": draft.summary, "actions": draft.actions}}
    if notes:
        material["培训师意见"] = notes
    return [{"role": "system", "content": system},
            {"role": "user", "content": json.dumps(material, ensure_ascii=False)}]


def fact_problems(out: LessonDraft, rule_draft: LessonDraft, doc: DocContext, plan) -> list[str]:
    """Numbers with units, dates and actors the model wrote that the selected provisions do not state."""
    allowed_text = re.sub(r"\s+", "", "\n".join([c["text"] for c in rule_draft.changes] +
                                                 [c.get("heading") or "" for c in rule_draft.changes] +
                                                 [doc.title or "", doc.doc_number or ""]))
    selected_facts = {re.sub(r"\s+", "", f) for c in rule_draft.changes for f in c.get("facts", [])}
    dates, _ = _dates(allowed_text)
    dates |= {d for d in (doc.publish_date, doc.effective_date, doc.deadline, rule_draft.effective_date) if d}
    chosen_actors = {a for u in plan.units for s in u.sentences for a in s.actors
                     if any(s.text in c["text"] for c in rule_draft.changes)}
    chosen_actors |= set(plan.concerns[rule_draft.role].actors)  # the lesson speaks to the role
    from .docmodel import actor_words
    problems = []
    fields = [("headline", out.headline)] + [(f"summary[{i}]", s) for i, s in enumerate(out.summary)] + \
             [(f"actions[{i}]", a) for i, a in enumerate(out.actions)]
    for i, q in enumerate(out.quiz):
        fields += [(f"quiz[{i}].question", q.question), (f"quiz[{i}].answer", q.answer)]
    for where, text in fields:
        flat = re.sub(r"\s+", "", text or "")
        for d in _dates(flat)[0]:
            if d not in dates:
                problems.append(f"date {facts.fmt_cn_date(d)} in {where}")
        for m in _NUM_UNIT.finditer(_dates(flat)[1]):
            if m.group(0) not in allowed_text and m.group(0) not in selected_facts:
                problems.append(f"number {m.group(0)} in {where}")
        for actor, words in actor_words().items():
            if actor not in chosen_actors and any(w in flat and w not in allowed_text for w in words):
                problems.append(f"actor {actor} in {where}")
    return problems


def refine_from_provisions(draft: LessonDraft, doc: DocContext, plan, *, notes: str | None = None,
                           config: LLMConfig | None = None) -> LessonDraft:
    """The model rewrites headline, summary, actions and quiz from the selected provisions. A draft whose
    numbers, dates or actors the provisions do not state is discarded: the rule draft stays, flagged."""
    cfg = config or llm_config()
    if cfg is None:
        raise LLMNotConfigured(f"drafter 'llm' needs the Airflow connection '{CONN_ID}' or env YIBAO_LLM_URL "
                               "(and YIBAO_LLM_KEY, YIBAO_LLM_MODEL)")
    try:
        data = _parse_json(chat(cfg, build_provision_messages(draft, doc, plan, notes)))
        out = _draft_from_answer(draft, data, cfg)
    except LLMError as exc:
        return replace(draft, flags=list(draft.flags) + [f"llm_failed: {exc}"], drafter="rules")
    problems = fact_problems(out, draft, doc, plan)
    if problems:
        return replace(draft, drafter="rules",
                       flags=list(draft.flags) + ["llm_fact_check_failed"] + [f"llm_unsupported: {p}" for p in problems[:8]])
    return out
