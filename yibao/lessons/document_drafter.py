"""Lessons on a new document, built from the document model: per role, the provisions that bind it.

    plan = plan_document(doc_ctx)                  # parse once: units, concerns, topics
    draft = draft_role(doc_ctx, plan, "doctor")    # one LessonDraft (concern core → full, brief → short)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import facts
from . import notes as notes_mod
from . import duties as duties_mod
from . import know, parties, provision_quiz, stories
from .concern import Concern, concern_config, role_concerns
from .docmodel import parse_document
from .model import DocContext, LessonDraft
from .relevance import roles_config
from .roles import ROLES
from .selection import Chosen, Unit, all_facts, choose, outside_party, teachable_units, touches

CATEGORY = {"prohibition": "obligation", "obligation": "obligation", "penalty": "penalty",
            "permission": "scope", "statement": "other"}
# a notice to the bureaus (or, from the 国务院办公厅, to the provincial governments and ministries): not the hospital
_PROVINCIAL = re.compile(r"医疗保障局|医保局|医疗保障部门|卫生健康委|财政厅|人力资源|人民政府|国务院各部委|直属机构")


@dataclass
class DocumentPlan:
    doc: object                  # yibao.document Document
    units: list[Unit]
    concerns: dict[str, Concern]
    topics: list[str]
    facts: list
    addressed_to_bureaus: bool


def _addressees(doc, text: str) -> list[str]:
    found = list(getattr(doc, "addressees", []) or [])
    if found:
        return found
    head = text[:400]
    m = re.search(r"(?m)^\s*(各[^\n：:]{2,60}(?:医疗保障局|医保局|卫生健康委|财政厅|局))\s*[：:]", head)
    return [m.group(1)] if m else []


def plan_document(ctx: DocContext, topics: list[str]) -> DocumentPlan:
    doc = parse_document(ctx.text, title=ctx.title)
    units = teachable_units(doc)
    addressees = _addressees(doc, ctx.text)
    to_bureaus = bool(addressees) and all(_PROVINCIAL.search(a) for a in addressees)
    plan = DocumentPlan(doc, units, role_concerns(units, topics, bool(outside_party(doc))), topics, all_facts(doc),
                        to_bureaus)
    agency = plan.concerns.get("agency")
    if to_bureaus and agency is not None and agency.level == "none":   # the addressee learns what it is sent
        agency.level, agency.reason = "brief", "文件发给各地（医保部门或各级政府），医保经办须知晓"
    for role, concern in plan.concerns.items():
        named = any(set(s.actors) & set(concern.actors) for u in units for s in u.sentences)
        # … unless a duty of the hospital speaks of the role's work ("各医疗机构要根据临床需求…使用谈判药品")
        speaks_of_work = any(touches(u, (), _keywords(role)) and any("medical_institution" in b for b in u.bound)
                             for u in units)
        if concern.level != "none" and not concern.bound and not named and role not in duties_mod.OWN_SIDE \
                and not speaks_of_work and not any(d.own for d in _own_duties(plan, role)):
            # raised by its topic alone: the text never names the role's people, binds none of them, and
            # gives it no duty of its own (a price notice on drugs and the doctor) — no lesson; the trainer
            # can add it back
            concern.level = "none"
            concern.reason = f"文件只有医保部门等其他方面的工作安排，没有要求{ROLES[role]}办理的事项"
    return plan


def _chosen_for(plan: DocumentPlan, role: str, concern: Concern, level: str) -> tuple[list[Chosen], int]:
    """The role's provisions, best first, and the lesson's size (how many are quoted)."""
    size = int((concern_config().get("size") or {}).get(level, 6))
    open_places = (concern_config().get("open_places") or {}).get(level)
    keywords, reach = _keywords(role), _reach(role)
    size = lesson_size(plan.units, concern, keywords + reach, size, level)
    chosen = choose(plan.units, concern.actors, concern.brief_actors, size + 2, affected_binds=concern.affected,
                    keywords=keywords, open_places=open_places, reach=reach)
    return chosen, size


def _keywords(role: str) -> tuple[str, ...]:
    """The words of the role's work (roles.yaml keywords)."""
    return tuple((roles_config().get("keywords") or {}).get(role) or ())


def _reach(role: str) -> tuple[str, ...]:
    """The words of the work of the departments the role oversees (concern: oversees): the 医保办's lesson
    has room for what any of them must do."""
    oversees = ((concern_config().get("roles") or {}).get(role) or {}).get("oversees") or ()
    return tuple(dict.fromkeys(w for r in oversees for w in _keywords(r)))


def _own_duties(plan: DocumentPlan, role: str) -> list:
    concern = plan.concerns[role]
    chosen, size = _chosen_for(plan, role, concern, concern.level)
    return duties_mod.role_duties(chosen[:size], role, concern.actors, to_bureaus=plan.addressed_to_bureaus)


def _plain_ref(ref: str) -> str:
    return ref.replace("/", "")


def _change(c: Chosen) -> dict:
    quote = "".join(c.sentences_text())
    return {"ref": _plain_ref(c.unit.ref), "old": "", "new": "", "text": quote,
            "category": CATEGORY[c.unit.modality] if not c.unit.facts or c.unit.modality != "statement" else "number",
            "kind": "added", "modality": c.unit.modality, "heading": c.unit.heading,
            "facts": [f.text for s in c.sentences for f in s.facts], "group": c.unit.theme}


def _summary(ctx: DocContext, plan: DocumentPlan, role: str, concern: Concern, chosen: list[Chosen],
             plain: bool, deadline_cn: str, effective, duties: list, context: list[str]) -> list[str]:
    short = doc_title(ctx.title)
    name = ROLES[role]
    lead = duties_mod.lead_duty(chosen, duties, _keywords(role))
    # who the text is sent to, in its own terms: a 国办 text goes to the provincial governments, not the bureaus
    governments = any("人民政府" in a for a in (getattr(plan.doc, "addressees", None) or []))
    sent_to = "各省级人民政府和国务院有关部门" if governments else "各地医保部门"
    if plan.addressed_to_bureaus and role == "agency":   # the addressee itself
        intro = f"《{short}》发给{sent_to}，由各地组织落实；以下是{name}要落实的要点。"
    elif plan.addressed_to_bureaus and role == "employer_hr":
        intro = (f"《{short}》发给{sent_to}，由各地组织落实；下面这些变化会落到参保单位和职工身上，"
                 f"{name}需要知道。")
    elif plan.addressed_to_bureaus:
        intro = (f"《{short}》发给{sent_to}，由各地组织落实；医院不是收文单位，"
                 f"但下面这些变化会落到医院和患者身上，{name}需要知道；具体标准以本省（市）的实施办法为准。")
    elif not duties and context:
        intro = f"《{short}》没有要求{name}自己办理的事项；下面是医保部门将要做、与我院相关的内容。"
    elif not duties:
        intro = f"《{short}》没有要求{name}自己办理的事项；以下条文供了解。"
    elif concern.level == "brief":
        intro = f"《{short}》与{name}的工作有关的内容不多，以下是需要知道的要点。"
    else:
        intro = f"《{short}》对{name}的工作提出了明确要求，以下按重要程度列出。"
    if plain:
        year = _document_year(ctx, plan)
        news = f"医保出了新规定《{short}》" if not _is_old(ctx, year) else f"《{short}》是{year}年印发的医保规定"
        intro = f"{news}，下面是和您看病买药有关的内容。" + \
            ("具体怎么执行，以当地医保部门的规定为准。" if plan.addressed_to_bureaus else "")
    if lead:
        key = f"要点（{lead.ref}）：{lead.text}"
    elif plain and plan.addressed_to_bureaus:   # a notice to the bureaus: their work is never the patient's 要点
        key = "要点：您不需要自行办理新事项；这份文件是医保部门的工作安排，和您看病买药有关的内容见下文。"
    elif context or plan.addressed_to_bureaus:   # nothing the role must do itself: never a bureau's duty as 要点
        key = f"要点：{name}不需要自行办理新事项；医保部门的做法会影响医院和患者，见下文（仅供了解）。"
    elif (first := _first_whole(chosen)) is not None:
        key = f"要点（{first[0]}）：{first[1]}"
    else:
        key = "本文件与本岗位直接相关的内容较少。"
    if effective:
        when = (f"{facts.fmt_cn_date(effective)}起执行。" if plain
                else f"{printed_start(ctx.text, effective)}；请在{deadline_cn}前完成学习、测验并确认。")
    else:
        when = ("什么时候开始执行，以官方通知为准。" if plain
                else f"原文未写明施行日期（发布日期见文末）；请在{deadline_cn}前完成学习、测验并确认。")
    gone = repealed(ctx.text)
    if gone:   # what staff must stop following: "原《…》（…号）同时废止"
        when += f"{gone}同时废止。"
    return [intro, key, when]


_START = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*(?:正式\s*)?(?:施行|执行|实施)")


def printed_start(text: str, effective) -> str:
    """How the text words its start ("自2024年1月1日起正式执行"), else "自…起施行"."""
    for m in _START.finditer(text or ""):
        if tuple(map(int, m.groups())) == (effective.year, effective.month, effective.day):
            return re.sub(r"\s+", "", m.group(0))
    return f"自{facts.fmt_cn_date(effective)}起施行"


# "原《…》（…号）等…同时废止", "此前印发的《A》《B》同时废止": the qualifier says which version goes (the new
# text may bear the same name)
_REPEALED = re.compile(r"((?:原|此前印发的|此前发布的|之前印发的|\d{4}年(?:印发|发布)的)?"
                       r"(?:《[^》]{4,80}》(?:[（(][^）)]{4,30}[）)])?[、和及]?)+(?:等[^，。；]{0,16}?)?)(?:同时)?(?:予以)?废止")


def repealed(text: str) -> str | None:
    """The earlier texts the document repeals, as printed ("原《…的通知》（青医保局发〔2019〕78号）等日间手术相关政策")."""
    m = _REPEALED.search(text or "")
    return m.group(1) if m else None


def _first_whole(chosen: list[Chosen]) -> tuple[str, str] | None:
    """The first quoted sentence that reads whole (never a bare heading such as "三是加强…。")."""
    for c in chosen:
        for s in c.sentences:   # a list item comes with its lead-in ("…：……（一）…；")
            i = next((k for k, x in enumerate(c.unit.sentences) if x is s), None)
            text = duties_mod._whole(c, i) if i is not None else s.text
            if not duties_mod.is_fragment(s.text if not s.text.rstrip().endswith("：") else text):
                return _plain_ref(c.unit.ref), text
    return None


def _actions(duties: list, context: list[str], directives, deadline_cn: str, plain: bool,
             numbers: list = ()) -> list[str]:
    """The top section: the role's own duties (at most duties.MAX_ACTIONS, whole sentences), then what
    the bureau will do that reaches the hospital, never as the role's to-do."""
    out = ["培训重点：" + "；".join(directives.emphasis)] if directives.emphasis else []
    out += [d.line for d in duties[:duties_mod.MAX_ACTIONS]]
    out += [d.line for d in numbers]   # the numbers and time limits of its provisions the to-dos do not quote
    if context and not duties:   # the bureau's work is context, set apart from any to-do
        out.append("您不需要自行办理新事项；以下是医保部门将要做、和您看病买药有关的事：" if plain else
                   "本岗位无须自行办理新事项；以下是医保部门将要做、会影响我院的事，仅供了解：")
    if not duties:   # the role's own duties leave no room for the bureau's work in its to-do list
        out += [duties_mod.context_line(ref, text, plain=plain) for ref, text in context[:duties_mod.MAX_CONTEXT]]
    if plain:
        out.append("有疑问可咨询医院医保窗口或当地医保经办机构。")
    else:
        out.append(f"{deadline_cn}前完成本课学习与测验。")
    return out


def _outside_quotes(text: str, rewrite) -> str:
    """Rewrite the lesson's own words, never a quotation of the text (“…”)."""
    return "".join(part if part.startswith("“") else rewrite(part) for part in re.split(r"(“[^”]*”)", text))


def doc_title(title: str) -> str:
    """The title as printed inside 《》: the 印发《X》 document, else the whole title (never cut)."""
    m = re.search(r"(?:^|印发|转发|公布|发布)\s*《([^》]+)》", (title or "").strip())   # "《X》的通知": a cut-off 关于印发
    return m.group(1) if m else (title or "").strip()


def _apply_notes(chosen: list[Chosen], directives) -> list[Chosen]:
    if directives.keep:
        chosen = [c for c in chosen if any(_plain_ref(c.unit.ref).startswith(k) for k in directives.keep)]
    if directives.drop:
        chosen = [c for c in chosen if not any(_plain_ref(c.unit.ref).startswith(k) for k in directives.drop)]
    if directives.emphasis:
        hit = [c for c in chosen if any(e in c.unit.text for e in directives.emphasis)]
        chosen = hit + [c for c in chosen if c not in hit]
    return chosen


def _plainify(rc: dict, headline: str, summary: list[str], actions: list[str], changes: list[dict],
              scene: dict | None, case: dict | None, quiz: list) -> tuple[str, list[str], list[str]]:
    from .rules_drafter import _plain
    terms, used = rc.get("plain_terms") or {}, set()
    headline = _plain(headline, terms, used)
    summary = [_plain(x, terms, used) for x in summary]
    actions = [_plain(x, terms, set()) for x in actions]   # each line is read on its own (IM, checklist)
    for c in changes:
        c["text"] = _plain(c["text"], terms, used)
    for part in (scene, case):
        if part:
            part["text"] = _plain(part["text"], terms, used)
    for q in quiz:
        q.question, q.explanation = _plain(q.question, terms, used), _plain(q.explanation, terms, used)
    return headline, summary, actions


def _document_year(ctx: DocContext, plan: DocumentPlan) -> int | None:
    """The year the text was written in: its 成文日期, else a publish date read from the text itself."""
    signed = getattr(plan.doc, "signed_date", None)
    if signed:
        return signed.year
    return ctx.publish_date.year if getattr(ctx, "publish_date_origin", "") == "text" else None


def _is_old(ctx: DocContext, year: int | None) -> bool:
    """Written two calendar years or more before the lesson is due (a 2021 text taught in 2026): not news."""
    return bool(year) and ctx.deadline.year - year >= 2


def lesson_size(units: list[Unit], concern, keywords: tuple[str, ...], base: int, level: str) -> int:
    """A full lesson on a long regulation grows with the provisions about the role: a trainer prefers every
    duty quoted whole to a short lesson missing some. Two thirds of the units that touch the role (a duty naming its
    actors, or its work's words) or bind it, between the configured size and twice it; a brief notice stays short."""
    if level != "core":
        return base
    mine = concern.actors + concern.brief_actors
    about = sum(1 for u in units if touches(u, mine, keywords) or any(b & set(concern.actors) for b in u.bound))
    return max(base, min(2 * base, (2 * about + 2) // 3))


def draft_role(ctx: DocContext, plan: DocumentPlan, role: str, *, notes: str | None = None) -> LessonDraft:
    rc = roles_config()["roles"].get(role) or {}
    plain = bool(rc.get("plain"))
    concern = plan.concerns[role]
    directives = notes_mod.parse_notes(notes)
    level = concern.level if concern.level != "none" else "brief"
    chosen, size = _chosen_for(plan, role, concern, level)
    chosen = _apply_notes(chosen, directives)[:size]
    keywords = _keywords(role)
    flags = (["trainer_notes"] if directives.raw else []) + (["not_concerned_added"] if concern.level == "none" else [])
    if plan.addressed_to_bureaus:
        flags.append("addressed_to_bureaus")
    effective = ctx.effective_date or facts.effective_date_in(ctx.text)
    if effective is None:
        flags.append("effective_date_missing")
    deadline_cn = facts.fmt_cn_date(ctx.deadline)
    short = doc_title(ctx.title)
    own = duties_mod.role_duties(chosen, role, concern.actors, to_bureaus=plan.addressed_to_bureaus,
                                 keywords=keywords)
    own = duties_mod.about_the_role(own, role, concern.actors, keywords)
    if "retail_pharmacy" in outside_party(plan.doc):   # the agreement's 乙方 is a 药店: "药店须做到"
        for d in own:
            d.second_party = "药店"
    duties_mod.quote_duties(own[:duties_mod.MAX_ACTIONS])
    context = duties_mod.bureau_context(chosen, role, concern.actors)
    summary = _summary(ctx, plan, role, concern, chosen, plain, deadline_cn, effective, own, context)
    top = chosen[0] if chosen else None
    lead_duty = duties_mod.lead_duty(chosen, own, _keywords(role))
    headline_gist = duties_mod.gist(lead_duty.text) if lead_duty else None
    kind = '须知' if concern.level == 'brief' or not own else '要点'
    if plain:
        news = "医保新规定" if not _is_old(ctx, _document_year(ctx, plan)) else "医保规定"
        headline = f"{news}：{headline_gist or facts.short_title(ctx.title)}"
    else:
        headline = f"《{short}》：{ROLES[role]}{kind}" + (f"——{headline_gist}" if headline_gist else "")
    the_case = stories.case(role, chosen, plan.units, concern.actors)
    the_scene = stories.scene(role, own, avoid=(the_case or {}).get("sentence", ""))
    if the_case is None:   # no consequence stated: a situation one of the role's rules settles
        the_case = stories.situation_case(own[:duties_mod.MAX_ACTIONS], avoid_ref=(the_scene or {}).get("ref", ""))
    doc_actors = {a for u in plan.units for s in u.sentences for a in s.actors}
    valued = next((c for c in chosen if any(f.kind == "number" for s in c.sentences for f in s.facts)), top)
    number = next((f.text for s in valued.sentences for f in provision_quiz.new_values_first(s.text, s.facts)
                   if f.kind == "number"), None) if valued else None
    values = {"short_title": short, "ref": _plain_ref(valued.unit.ref) if valued else "", "gist": headline_gist or short,
              "effective": facts.fmt_cn_date(effective) if effective else "施行之日"}
    if number:
        values["new"] = number
    # a trainer's own library entry (topic AND actor match) comes first, then the document's own
    the_scene = stories.curated("scenarios", role, plan.topics, doc_actors, values, origin="trainer") or the_scene
    the_case = stories.curated("cases", role, plan.topics, doc_actors, values, origin="trainer") or the_case
    if the_scene is None:
        the_scene = stories.curated("scenarios", role, plan.topics, doc_actors, values)
    # no packaged case: a document that states no consequence for the role gets no case (a stock
    # story about 分解收费 under a notice on day surgery teaches the wrong thing)
    if the_case:
        the_case = {k: v for k, v in the_case.items() if k != "sentence"}
    limit = 5 if concern.level == "core" else 3
    numbers = duties_mod.key_facts(chosen, own[:duties_mod.MAX_ACTIONS], role, concern.actors, keywords)
    numbers += duties_mod.safeguards(chosen, plan.units, role)   # what an inspector must show at the door
    duties_mod.quote_duties(numbers)
    bodies = provision_quiz.bodies_in([s.text for u in plan.units for s in u.sentences])
    quiz = provision_quiz.build_on_duties(own[:duties_mod.MAX_ACTIONS], plan.facts, short, limit, bodies)
    seen = {q.question for q in quiz}   # then the numbers the lesson's top section quotes
    quiz += [q for q in provision_quiz.build_on_duties(numbers, plan.facts, short, limit, bodies)
             if q.question not in seen][:max(0, limit - len(quiz))]
    taught = " ".join(text for _, text in context[:duties_mod.MAX_CONTEXT])   # the bureau lines the lesson shows

    def any_whole(s) -> bool:   # any whole sentence of the 条文 that is not the bureau's own work
        return not duties_mod.is_fragment(s.text) and (role == "agency" or duties_mod.not_bureau_work(s))
    for fallback in (duties_mod.quoted_duties(chosen, role, plan.addressed_to_bureaus), "taught", "strong", None):
        if len(quiz) >= 3:
            break
        # too few duties of its own: the other duties the lesson quotes, the bureau lines its top section
        # shows, then any whole sentence of its 条文
        seen = {q.question for q in quiz}
        if fallback == "taught":
            more = provision_quiz.build(chosen, plan.facts, short, limit=limit,
                                        keep=lambda s: bool(taught) and s.text in taught
                                        and not duties_mod.is_fragment(s.text))
        elif fallback == "strong":   # a rule or a number of the 条文 that is not the bureau's, never a heading
            more = provision_quiz.build(chosen, plan.facts, short, limit=limit,
                                        keep=lambda s: not duties_mod.is_fragment(s.text)
                                        and (s.modality != "statement" or bool(s.facts))
                                        and (role == "agency" or duties_mod.not_bureau_work(
                                            s, role, plan.addressed_to_bureaus)))
        elif fallback is not None:
            more = provision_quiz.build_on_duties(fallback, plan.facts, short, limit, bodies)
        else:
            more = provision_quiz.build(chosen, plan.facts, short, limit=limit, keep=any_whole)
        quiz += [q for q in more if q.question not in seen][:limit - len(quiz)]
    quiz = provision_quiz.fewer_verbatim_true(provision_quiz.without_repeats(quiz))
    if len(quiz) < 3:   # a short text with nothing else to ask: a duty's modality flipped
        seen = {q.question for q in quiz}
        more = provision_quiz.build(chosen, plan.facts, short, limit=limit, flips=True, keep=any_whole)
        quiz += [q for q in more if q.question not in seen and q.answer == "错误"][:3 - len(quiz)]
        quiz = provision_quiz.fewer_verbatim_true(provision_quiz.without_repeats(quiz))
    quiz = provision_quiz.balance_key(quiz)
    if len(quiz) < 3:
        flags.append("quiz_short")
    # 条文（按章）: the provisions in reading order, grouped by the part (章, 一、) they sit in
    shown = sorted(chosen, key=lambda c: c.unit.order)
    changes = [_change(c) for c in shown]
    actions = _actions(own, context, directives, deadline_cn, plain, numbers)
    # what the role's provisions say of it without a to-do: a consequence, the bureau's part, how it works
    known = know.to_know(chosen, "\n".join(actions), concern.actors, keywords, level, plain=plain,
                         hospital=role not in duties_mod.OWN_SIDE)
    actions = actions[:-1] + known + actions[-1:]
    actions = [duties_mod.past_target(a, ctx.deadline.year) for a in actions]
    year = _document_year(ctx, plan)
    if year:   # "今年9月底前" → "2024年9月底前": the document's own year, never the reader's
        dated = lambda t: facts.date_relative_years(t, year)   # noqa: E731
        summary, actions = [dated(x) for x in summary], [dated(x) for x in actions]
        for c in changes:
            c["text"] = dated(c["text"])
        for part in (the_scene, the_case):
            if part and part.get("text"):
                part["text"] = dated(part["text"])
        for q in quiz:
            q.question, q.explanation, q.answer = dated(q.question), dated(q.explanation), dated(q.answer)
            q.distractors = [dated(x) for x in q.distractors]
    names = parties.party_names(ctx.text, plain=plain)
    if names:   # an agreement: "乙方" is this hospital, "甲方" the 医保经办机构 (the 条文 stay as printed)
        summary = [parties.in_own_words(x, names) for x in summary]
        actions = [parties.in_own_words(x, names) for x in actions]
        headline = parties.in_own_words(headline, names)
        for part in (the_scene, the_case):
            if part:
                for k in ("title", "text"):
                    if part.get(k):
                        part[k] = _outside_quotes(part[k], lambda t: parties.in_own_words(t, names))
    if plain:  # 参保人: jargon explained at first use (roles.yaml insured.plain_terms)
        headline, summary, actions = _plainify(rc, headline, summary, actions, changes, the_scene, the_case, quiz)
    return LessonDraft(
        role=role, topics=list(plan.topics), headline=headline, summary=summary,
        changes=changes, actions=actions,
        effective_date=effective, scenario=the_scene or {}, case=the_case or {}, quiz=quiz,
        source={"title": ctx.title, "doc_number": ctx.doc_number, "url": ctx.url,
                "publish_date": ctx.publish_date.isoformat(), "issuer": ctx.issuer,
                "publish_date_origin": getattr(ctx, "publish_date_origin", "given"),
                "source_name": ctx.source_name, "kind": ctx.kind, "predecessor_title": ctx.predecessor_title},
        deadline=ctx.deadline, drafter="rules", flags=flags, notes=directives.raw or None, concern=concern.level)
