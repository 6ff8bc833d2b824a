"""The default drafter: deterministic, rule-based, offline.

Builds one LessonDraft for one role from the document context and the changes
that concern the role, in that role's language (config/roles.yaml).
"""
from __future__ import annotations

import re

from . import facts
from . import notes as notes_mod
from .model import DocContext, LessonDraft
from .quiz import build_quiz
from .relevance import change_categories, roles_config
from .roles import ROLES
from .scenarios import fill
from .selection import is_boilerplate

_CAT_ORDER = {"number": 0, "date": 1, "penalty": 2, "obligation": 3, "scope": 4, "other": 5, "wording": 6}
MAX_CHANGES = 8
MAX_ACTIONS = 6


_LEADING_MARKER = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+条|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])\s*")


def _gist(change: dict, limit: int = 70) -> str:
    """The changed sentence (without its clause marker), shortened."""
    return facts.shorten(_LEADING_MARKER.sub("", _gist_raw(change, 10_000)).strip(), limit)


def _gist_raw(change: dict, limit: int = 70) -> str:
    new = change.get("new_text") or ""
    old = change.get("old_text") or ""
    for v in change.get("new_values") or []:
        s = facts.sentence_with(new, v)
        if s:
            return facts.shorten(s, limit)
    for span in change.get("spans") or []:
        if span.get("op") in ("insert", "replace", "+", "added") and len(span.get("text", "").strip()) >= 2:
            s = facts.sentence_with(new, span["text"].strip()[:12])
            if s:
                return facts.shorten(s, limit)
    if change.get("kind") == "removed":
        return facts.shorten(facts.sentences(old)[0] if facts.sentences(old) else old, limit)
    sents = facts.sentences(new)
    return facts.shorten(sents[0] if sents else new, limit)


def display_ref(ref: str | None) -> str:
    """Clause label for readers: '¶1' (unnumbered paragraph) → '文首第1段'."""
    if not ref:
        return "（未编号段落）"
    return re.sub(r"¶(\d+)", r"文首第\1段", ref)


def lesson_change(change: dict) -> dict:
    """Diff change → the lesson's compact form {ref, old, new, text, category, kind}."""
    cats = change_categories(change)
    cat = cats[0] if cats[0] != "wording" or len(cats) == 1 else cats[1]
    ref = display_ref(change.get("new_ref") or change.get("old_ref"))
    # the diff may list modal verbs (应, 有权) as values: keep only numbers and dates here
    old_vals = [str(v) for v in change.get("old_values") or [] if re.search(r"\d", str(v))]
    new_vals = [str(v) for v in change.get("new_values") or [] if re.search(r"\d", str(v))]
    if change.get("provision"):
        pairs = facts.from_to_pairs(change.get("new_text") or "")
        if pairs:
            old, new = "、".join(a for a, _ in pairs), "、".join(b for _, b in pairs)
            # quiz on the new values; the replaced ones serve as distractors
            new_vals = [b for _, b in pairs] + [v for v in new_vals if v not in {x for p in pairs for x in p}]
        else:
            old, new = "", "、".join(new_vals[:4]) or facts.shorten(change.get("new_text") or "", 60)
    elif old_vals or new_vals:
        old, new = "、".join(old_vals[:4]) or "（无）", "、".join(new_vals[:4]) or "（删除）"
    else:
        old = facts.shorten(change.get("old_text") or "", 60) or "（无）"
        new = facts.shorten(change.get("new_text") or "", 60) or "（删除）"
    return {"ref": ref, "old": old, "new": new, "text": _gist(change), "category": cat,
            "kind": change.get("kind", "modified"),
            # kept only while drafting:
            "quiz_values": new_vals, "provision": bool(change.get("provision")), "new_text": change.get("new_text") or "", "old_text": change.get("old_text") or "", "old_values": old_vals,
            "full_text": change.get("new_text") or change.get("old_text") or ""}


# a date that is a bureau's deadline: "各省级医疗保障部门应于…前完成…"
_BUREAU_DUTY = re.compile(r"[^，。；]{0,20}(?:医疗保障(?:行政)?部门|医保(?:行政)?部门|医疗保障局|医保局|经办机构)"
                          r"[^，。；]{0,6}(?:应当|应|要|须)")
_COVER = re.compile(r"印发给你们|现(?:予|将)?印发|请(?:认真)?(?:贯彻执行|遵照执行|抓好落实)|^[^。]{2,80}：$")


def _routine(ch: dict) -> bool:
    """A change every revision makes: its 施行 / 废止 / 解释 line, or the notice's 主送 and cover sentence."""
    text = (ch.get("full_text") or "").strip()
    return is_boilerplate(text) or (ch["ref"].startswith("文首") and bool(_COVER.search(text)))


def _rank(ch: dict) -> tuple[int, ...]:
    """Quantities first; changes whose only values are serial numbers (第197号) after the rest."""
    vals = ch["quiz_values"] + ch["old_values"]
    serial_only = bool(vals) and all(v.endswith("号") or re.fullmatch(r"[\d\-–]+", v) for v in vals)
    kind_rank = {"modified": 0, "moved": 1, "renumbered": 1, "merged": 1, "split": 1, "added": 2, "removed": 3}
    unnumbered = ch["ref"].startswith("文首")  # cover/preamble paragraphs: titles, signatures
    return (1 if serial_only else 0, int(unnumbered), kind_rank.get(ch["kind"], 2), _CAT_ORDER.get(ch["category"], 9))


def _plain(text: str, terms: dict[str, str], used: set[str]) -> str:
    """Jargon → plain words at first use: in the line where it is first used, a plain word for a term
    (统筹基金 → 医保报销资金) replaces it throughout, so one sentence never says both; an explanation that keeps the
    term (起付线 → 起付线（…）) is given once. "疾病诊断分组（DRG）" keeps its own explanation, minus the acronym."""
    for term in terms:
        text = re.sub(rf"[（(]{re.escape(term)}[）)]", "", text)
    for term, plain in terms.items():
        if term in text and term not in used and plain not in text:
            text = text.replace(term, plain) if term not in plain else text.replace(term, plain, 1)
            used.add(term)
    return text


def _action(template_set: dict, ch: dict, effective_cn: str, provision: bool, plain: bool) -> str:
    values = {"ref": ch["ref"], "old": ch["old"], "new": ch["new"], "gist": ch["text"], "effective": effective_cn,
              "plain_what": "相关标准"}
    if provision and (plain or ch["category"] in ("number", "date")):
        tpl = "{gist}（{ref}）" if plain else "落实{ref}：{gist}"
    elif provision:
        tpl = template_set.get(ch["category"]) or "落实{ref}：{gist}"
    elif ch["kind"] in ("added", "removed") and not ch.get("provision"):
        tpl = template_set.get(ch["kind"]) or template_set.get("other", "{ref}：{gist}")
    else:
        tpl = template_set.get(ch["category"]) or template_set.get("other", "{ref}：{gist}")
    if plain and ch["category"] == "number":
        tpl = "{gist}（{ref}）"
    if ch["category"] == "date" and _BUREAU_DUTY.match(ch.get("full_text") or ""):
        tpl = "知晓{ref}：{gist}（医保部门的时限，本院据此做好衔接）"   # not "督促科室…完成" a bureau's task
    text = fill(tpl, values).replace("。（医保部门的时限", "（医保部门的时限")
    return text.replace("调整后的", "规定的") if provision or ch.get("provision") else text


def _headline_intro(rc: dict, values: dict, is_new: bool, plain: bool, fyi: bool, role: str) -> tuple[str, str]:
    short, n, lens = values["short_title"], values["n"], rc.get("lens", "本岗位")
    if is_new:
        headline = f"医保新规定：{values['plain_gist']}" if plain else f"新政策《{short}》：{n}项要点涉及{lens}"
        intro = f"医保出了新规定，有{n}点和您有关。" if plain else f"《{short}》为新发布文件，以下{n}项要点与您的{lens}有关。"
    else:
        headline = fill(rc.get("headline", "{short_title}：{n}处变化"), values)
        intro = fill(rc.get("intro", "本次修订有{n}处与您有关的变化。"), values)
    if fyi and not plain:
        headline = f"【了解】{headline}"
        intro = f"本文件与{ROLES[role]}的工作没有直接相关的变化，以下为主要内容，供了解。"
    return headline, intro


def _key_line(first: dict | None, is_new: bool, plain: bool, role: str) -> str:
    if not first:
        return f"本文件与{ROLES[role]}直接相关的内容较少，请了解全文要点。"
    label = "要点" if is_new else "最主要的变化"
    as_values = (not plain and first["old"] and first["kind"] not in ("added", "removed")
                 and first["category"] in ("number", "date"))
    if as_values:
        return f"{label}（{first['ref']}）：{first['old']} → {first['new']}。"
    return f"{label}（{first['ref']}）：{first['text']}"


def _when_line(effective_cn: str | None, deadline_cn: str, plain: bool) -> str:
    if effective_cn:
        return f"{effective_cn}起执行。" if plain else f"自{effective_cn}起施行；请在{deadline_cn}前完成学习、测验并确认。"
    return ("什么时候开始执行，以官方通知为准。" if plain
            else f"原文未写明施行日期，以发文通知为准；请在{deadline_cn}前完成学习、测验并确认。")


def _actions(rc: dict, lc: list[dict], directives, effective_cn: str, deadline_cn: str, plain: bool) -> list[str]:
    actions = ["培训重点：" + "；".join(directives.emphasis)] if directives.emphasis else []
    if plain:  # short, practical, no repetition of the change list
        return actions + [f"{effective_cn}起到医保定点医院、药店看病买药，按新规定结算。",
                          "有疑问可拨打医保服务热线12393或咨询医院医保窗口。"]
    templates = rc.get("actions") or {}
    actions += [_action(templates, ch, effective_cn, ch["provision"] and not ch["old"], plain) for ch in lc[:MAX_ACTIONS]]
    actions.append(f"{effective_cn}起按上述新规定执行；{deadline_cn}前完成本课学习与测验。")
    return actions


def _plainify(rc: dict, headline: str, summary: list[str], lc: list[dict], actions: list[str],
              scenario: dict, quiz: list) -> tuple[str, list[str], list[str]]:
    """参保人 version: jargon explained at first use (config roles.insured.plain_terms), short lines."""
    terms = rc.get("plain_terms") or {}
    used: set[str] = set()
    headline = _plain(headline, terms, used)
    summary = [_plain(x, terms, used) for x in summary]
    for ch in lc:
        ch["text"] = _plain(facts.shorten(ch["text"], 48), terms, used)
    actions = [_plain(a, terms, used) for a in actions]
    if scenario.get("text"):
        scenario["text"] = _plain(scenario["text"], terms, used)
    for q in quiz:
        q.question, q.explanation = _plain(q.question, terms, used), _plain(q.explanation, terms, used)
        q.answer = _plain(q.answer, terms, set())
        q.distractors = [_plain(x, terms, set()) for x in q.distractors]
    return headline, summary, actions


def draft_for_role(doc: DocContext, role: str, topics: list[str], changes: list[dict], *,
                   notes: str | None = None, fyi: bool = False,
                   background: list[dict] | None = None) -> LessonDraft:
    """One lesson: the role's changes (ranked, filtered by trainer notes), in the role's words."""
    rc = roles_config()["roles"].get(role) or {}
    plain = bool(rc.get("plain"))
    directives = notes_mod.parse_notes(notes)
    is_new = doc.kind == "new"
    short = facts.short_title(doc.title)
    flags: list[str] = (["trainer_notes"] if directives.raw else []) + (["no_changes_for_role"] if fyi else [])

    every = sorted((lesson_change(c) for c in changes), key=_rank)
    # 施行 / 废止 lines and a notice's cover sentence changed in every revision: the summary states the
    # start date; the list keeps them only when nothing else changed
    lc = notes_mod.apply([c for c in every if not _routine(c)] or every, directives)
    lc = lc[: int(rc.get("max_changes", MAX_CHANGES))]
    effective = doc.effective_date or facts.effective_date_in(doc.text)
    if effective is None:
        flags.append("effective_date_missing")
    effective_cn = facts.fmt_cn_date(effective) if effective else "文件施行之日"
    deadline_cn = facts.fmt_cn_date(doc.deadline)
    first = lc[0] if lc else None
    values = {"title": doc.title, "short_title": short, "n": str(len(lc)), "effective": effective_cn,
              "ref": first["ref"] if first else "", "old": first["old"] if first else "",
              "new": first["new"] if first else "", "gist": first["text"] if first else short,
              "kind_word": "新文件" if is_new else "修订", "lens": rc.get("lens", ""),
              "plain_gist": facts.shorten(first["text"] if first else short, 26)}

    headline, intro = _headline_intro(rc, values, is_new, plain, fyi, role)
    summary = [intro, _key_line(first, is_new, plain, role),
               _when_line(facts.fmt_cn_date(effective) if effective else None, deadline_cn, plain)]
    actions = _actions(rc, lc, directives, effective_cn, deadline_cn, plain)
    # scene and case from the changed text; the curated library only by topic AND actor
    from yibao.document.annotate import actors_of
    from . import stories
    actors = {a for c in lc for a in actors_of(c["full_text"])}
    scenario = (stories.curated("scenarios", role, topics, actors, values, origin="trainer")
                or stories.change_scene(role, lc) or stories.curated("scenarios", role, topics, actors, values) or {})
    case = (stories.curated("cases", role, topics, actors, values, origin="trainer")
            or stories.change_case(role, lc) or stories.curated("cases", role, topics, actors, values) or {})
    quiz = build_quiz(lc, short, effective, _effective_ref(doc.text) or "施行条款",
                      unchanged_refs=None if is_new else _unchanged_refs(doc, lc),
                      background=[lesson_change(c) for c in (background or []) if c not in changes][:8])
    if len(quiz) < 3:
        flags.append("quiz_short")
    if plain:
        headline, summary, actions = _plainify(rc, headline, summary, lc, actions, scenario, quiz)

    public_changes = [{k: ch[k] for k in ("ref", "old", "new", "text", "category", "kind")} for ch in lc]
    return LessonDraft(
        role=role, topics=list(topics), headline=headline, summary=summary, changes=public_changes,
        actions=actions, effective_date=effective, scenario=scenario, case=case, quiz=quiz,
        source={"title": doc.title, "doc_number": doc.doc_number, "url": doc.url,
                "publish_date": doc.publish_date.isoformat(), "issuer": doc.issuer,
                "source_name": doc.source_name, "kind": doc.kind, "predecessor_title": doc.predecessor_title},
        deadline=doc.deadline, drafter="rules", flags=flags, notes=directives.raw or None)


def _unchanged_refs(doc: DocContext, lc: list[dict]) -> list[str]:
    """第N条 labels of the new text that no change touches (for yes/no quiz items)."""
    from yibao.document.clauses import normalize_text, parse_clauses
    changed = {c["ref"] for c in lc}
    out = []
    for c in parse_clauses(normalize_text(doc.text)):
        if c.level == "条" and not any(r.startswith(c.label) for r in changed):
            out.append(c.label)
    return out[len(out) // 3:][:3]  # from the middle of the document, not its 总则


def _effective_ref(text: str) -> str | None:
    """Clause label holding the 施行 sentence, or None."""
    from yibao.document.clauses import normalize_text, parse_clauses
    norm = normalize_text(text or "")
    m = facts.EFFECTIVE_RE.search(norm)
    if not m:
        return None
    for c in parse_clauses(norm):
        if c.start <= m.start() < c.end and c.level != "para":
            return c.ref
    return None
