"""Lessons on new national documents, drafted through the CLI path, on every labelled text in
../shared/corpus/nhsa-texts/: facts, traps, quotes, quiz and stories hold for every role."""
import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from yibao.lessons import ROLES, DocContext, draft_lessons
from yibao.lessons.provision_quiz import FLIPS, swap_actor, swap_bound, swap_department, swap_payment
from yibao.lessons.render import render_lesson

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "nhsa-texts"
IDS = sorted(p.name.removesuffix(".lessons.json") for p in CORPUS.glob("*.lessons.json"))
NUM_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(个百分点|个工作日|个自然日|个月|周岁|万元|亿元|元|%|％|日|天|小时|种|项|倍|次|张|人|家|年)")
DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")

pytestmark = pytest.mark.skipif(not IDS, reason="no labelled corpus at ../shared/corpus/nhsa-texts")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


@lru_cache(maxsize=None)
def corpus(doc_id: str):
    labels = json.loads((CORPUS / f"{doc_id}.lessons.json").read_text(encoding="utf-8"))
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    doc = DocContext(None, labels["title"], labels["doc_number"], None, dt.date(2025, 12, 1), None, None,
                     None, "file", "new", None, text)
    return labels, doc, {d.role: d for d in draft_lessons(doc, None, roles=list(ROLES))}


def without_distractors(draft):
    d = draft.to_dict()
    for q in d["quiz"]:
        q["distractors"] = []
        if q["kind"] == "choice":  # options are rendered from answer + distractors: keep the answer only
            q["distractors"] = []
    return d


@pytest.mark.parametrize("doc_id", IDS)
def test_every_number_with_unit_in_a_rendered_lesson_is_in_the_source(doc_id):
    labels, doc, drafts = corpus(doc_id)
    source = squash(doc.text).replace("％", "%")
    for role, draft in drafts.items():
        for fmt in ("md", "text"):
            rendered = DATE.sub("", squash(render_lesson(without_distractors(draft), fmt)).replace("％", "%"))
            invented = [m.group(0) for m in NUM_UNIT.finditer(rendered) if m.group(0) not in source]
            assert not invented, (role, fmt, invented)


@pytest.mark.parametrize("doc_id", IDS)
def test_no_trap_line_is_lesson_content(doc_id):
    labels, doc, drafts = corpus(doc_id)
    for role, d in drafts.items():
        content = [c["text"] for c in d.changes] + d.summary + [q.question for q in d.quiz] + \
                  [q.answer for q in d.quiz] + [d.scenario.get("text", ""), d.case.get("text", "")]
        for trap in labels["traps"]:
            t = squash(trap)
            bare_name = not re.search(r"\d|：|:|。", t) and len(t) <= 14
            assert not any((squash(x) == t) if bare_name else (t in squash(x)) for x in content), (role, trap)


@pytest.mark.parametrize("doc_id", IDS)
def test_quotes_are_whole_sentences_and_the_key_line_is_the_top_provision(doc_id):
    _, doc, drafts = corpus(doc_id)
    source = squash(doc.text)
    for role, d in drafts.items():
        assert d.changes, role
        for c in d.changes:
            assert "…" not in c["text"] and c["text"][-1] in "。；！？：:", (role, c["text"][-20:])
        if "不需要自行办理新事项" in d.summary[1]:
            continue   # no duty of its own: a bureau's duty is never the role's 要点
        assert any(d.summary[1].startswith(f"要点（{c['ref']}）") for c in d.changes), (role, d.summary[1])
        first = d.summary[1].split("：", 1)[1]
        for part in first.split("……"):   # a list item comes with its lead-in
            assert squash(part) in source or role == "insured", role  # 参保人: jargon explained in place


@pytest.mark.parametrize("doc_id", IDS)
def test_quiz_items_come_from_the_lesson_and_false_ones_flip_or_swap(doc_id):
    _, doc, drafts = corpus(doc_id)
    source = squash(doc.text)
    for role, d in drafts.items():
        lesson = squash("".join(c["text"] for c in d.changes))
        assert 3 <= len(d.quiz) <= 5 or "quiz_short" in d.flags, role
        for q in d.quiz:
            if "情境题" in q.question:   # a situation's action among other situations' actions, all printed
                assert squash(q.answer) in lesson or role == "insured", (role, q.answer)
                assert all(squash(w) in source for w in q.distractors), (role, q.question)
                continue
            if q.kind == "choice" and "填空：" not in q.question:   # which statement is the original
                assert squash(q.answer) in lesson or role == "insured", (role, q.answer)
                assert all(squash(w) not in source for w in q.distractors), (role, q.question)
                continue
            stem = q.question.split("“", 1)[1].rstrip("”") if q.kind == "truefalse" else q.question.split("填空：", 1)[1]
            if q.kind == "choice":
                filled = squash(stem.replace("（\u3000\u3000）", q.answer))
                assert filled in lesson or role == "insured", (role, q.question)  # the answer is in the lesson
                i = stem.index("（\u3000\u3000）")
                before, after = stem[i - 1:i], stem[i + 4:i + 5]
                assert not re.match(r"[\d.〔]", before or " ") and not re.match(r"[\d.〕号版]", after or " "), q.question
            elif role == "insured":
                continue
            elif q.answer == "正确":
                assert squash(stem) in lesson, (role, stem)
            else:
                original = squash(q.explanation.split("原文：", 1)[1])
                assert original in lesson and squash(stem) not in source, (role, stem)
                flipped = any(squash(stem) == rx.sub(to, original, count=1) for rx, to in FLIPS)
                swapped = len(squash(stem)) - len(original) in range(-6, 7) and re.search(r"\d", stem)
                printed = q.explanation.split("原文：", 1)[1]
                wrong_department = squash(stem) == squash(swap_department(printed) or "")
                reversed_ = squash(stem) in (squash(swap_bound(printed) or ""), squash(swap_payment(printed) or ""),
                                             squash(swap_actor(printed) or ""))
                assert flipped or swapped or wrong_department or reversed_, (role, stem)


def test_roles_the_document_does_not_concern_get_no_lesson_but_can_be_added_back():
    labels, doc, _ = corpus("nhsa_ddyl_2020")
    drafted = {d.role: d for d in draft_lessons(doc, None)}
    assert "employer_hr" not in drafted  # no 用人单位 in a regulation on hospitals
    assert {"yibaoban", "doctor", "management"} <= set(drafted)
    assert all(d.concern in ("core", "brief") for d in drafted.values())
    (added,) = draft_lessons(doc, None, roles=["employer_hr"])
    assert added.concern == "none" and "not_concerned_added" in added.flags


def test_doctor_lesson_on_the_hospital_regulation_leads_with_conduct():
    _, _, drafts = corpus("nhsa_ddyl_2020")
    md = squash(render_lesson(drafts["doctor"], "md"))
    for phrase in ("分解住院", "挂床住院", "过度诊疗", "超量开药"):
        assert phrase in md
    assert drafts["doctor"].case.get("kind") == "警示"


def test_notice_to_provincial_bureaus_says_what_changes_for_the_hospital():
    _, _, drafts = corpus("nhsa_clky_2025")
    d = drafts["yibaoban"]
    assert "addressed_to_bureaus" in d.flags
    assert "医院不是收文单位" in d.summary[0] and "医院和患者" in d.summary[0]
    assert "以本省（市）的实施办法为准" in d.summary[0]   # the national figures are not the local rate
    agency = drafts["agency"]   # the 经办 is the addressee itself
    assert "医院不是收文单位" not in agency.summary[0] and "要落实" in agency.summary[0]


def test_a_text_without_a_start_date_never_sends_the_reader_to_look_for_one():
    _, _, drafts = corpus("nhsa_clky_2025")
    md = render_lesson(drafts["yibaoban"], "md")
    assert "施行日期见原文" not in md and "原文未写明施行日期" in md


def test_lessons_on_documents_of_different_topics_share_no_scene_or_case_sentence():
    owners: dict[str, set[str]] = {}
    topics: dict[str, set[str]] = {}
    for doc_id in IDS:
        for d in corpus(doc_id)[2].values():
            topics[doc_id] = set(d.topics)
            for part in (d.scenario, d.case):
                for s in re.split(r"[。；！？]", squash(part.get("text", ""))):
                    if len(s) >= 12:
                        owners.setdefault(s, set()).add(doc_id)
    for s, ids in owners.items():
        ids = sorted(ids)
        for a in ids:
            for b in ids:
                assert a == b or topics[a] & topics[b], (s, a, b)  # only a curated entry of their common topic


def test_cases_come_from_a_prohibition_or_penalty_of_the_document():
    for doc_id in IDS:
        _, doc, drafts = corpus(doc_id)
        source = squash(doc.text)
        for role, d in drafts.items():
            if d.case.get("kind") == "案例":   # a situation the text settles, in its own words
                m = re.fullmatch(r"情况：(.+)。怎么办：按[^，]+，(.+)。", d.case["text"])
                assert m and all(squash(part) in source for part in m.groups()), (doc_id, role, d.case["text"])
            elif d.case.get("id", "").startswith("doc:"):
                quoted = re.search(r"“(.+)”", d.case["text"]).group(1)
                assert all(squash(part) in source for part in quoted.split("……")) and re.search(r"罚|暂停|解除|追回|中止|终止|处理|处分|记分|责令|拒付|不予支付|扣|约谈|约束|惩戒|曝光|通报|取消|退回|没收|吊销|停止|移交|处置", quoted), (doc_id, role, quoted)


def _long_regulation(n_articles: int) -> str:
    """A 办法 written for the test: n articles, each a distinct duty of the hospital, in 4 chapters."""
    duties = ["核验参保人员身份", "上传费用明细", "公示收费项目", "保存病历资料", "开展内部自查", "培训医务人员",
              "报送结算清单", "维护药品目录", "执行价格政策", "配合监督检查"]
    lines, k = ["某某定点医疗机构管理办法", ""], 0
    for ch in range(4):
        lines.append(f"第{'一二三四'[ch]}章 管理要求{ch + 1}")
        for _ in range(n_articles // 4):
            k += 1
            lines.append(f"第{k}条 定点医疗机构应当按规定{duties[k % len(duties)]}，并于每月{k % 28 + 1}日前"
                         f"完成第{k}项工作。")
    return "\n".join(lines) + "\n"


def test_a_long_regulation_gets_a_longer_lesson_grouped_by_chapter_without_repeats():
    from yibao.lessons.document_drafter import lesson_size

    text = _long_regulation(40)
    doc = DocContext(None, "某某定点医疗机构管理办法", None, None, dt.date(2025, 12, 1), None, None,
                     None, "file", "new", None, text)
    lesson = {d.role: d for d in draft_lessons(doc, None, roles=["management"])}["management"]
    refs = [c["ref"] for c in lesson.changes]
    assert 15 < len(refs) <= 30                      # grows with the duties, up to twice the configured size
    assert len(set(refs)) == len(refs)               # no provision twice
    groups = [c["group"] for c in lesson.changes[1:]]
    runs = [g for i, g in enumerate(groups) if i == 0 or g != groups[i - 1]]
    assert len(runs) == len(set(runs)) >= 2          # after the 要点: chapter by chapter, each chapter once
    assert lesson_size([], None, (), 5, "brief") == 5   # a brief notice stays short


def test_a_topic_alone_gives_no_lesson_to_a_role_the_text_never_names():
    """A drug-price notice to the bureaus: its topic (药品目录) would raise the doctor, but the text never
    names doctors and binds none: no lesson for them; the pharmacy keeps its duty."""
    import datetime as dt
    from pathlib import Path
    from yibao.lessons import DocContext, document_concerns
    text = (Path(__file__).parent / "texts" / "price_notice.txt").read_text(encoding="utf-8")
    doc = DocContext(None, "某省医疗保障局关于做好药品价格管理工作的通知", None, None, dt.date(2025, 1, 20), None,
                     None, None, "file", "new", None, text)
    concerns = document_concerns(doc)
    assert concerns["doctor"] == "none"
    assert concerns["pharmacy"] != "none"


def test_a_warning_quotes_a_consequence_never_a_reporting_duty():
    """"受到…行政处罚的，…5日内…报送行政处罚相关信息" is a duty, not a consequence; "…的，经办机构不予支付" is."""
    from yibao.lessons.stories import consequence_at
    assert consequence_at("受到市场监管部门行政处罚的，在决定书送达之日起5日内向医疗保障行政部门报送行政处罚相关信息；") < 0
    assert consequence_at("定点医疗机构违规申报费用，经审查核实的，经办机构不予支付。") > 0
    assert consequence_at("被检查对象不配合检查的，应当如实记录，并及时移交主管部门依法依规进行处置。") > 0


def test_the_summary_says_which_earlier_text_is_repealed():
    from yibao.lessons.document_drafter import repealed
    text = "本通知自2030年1月1日起执行，原《某省关于手术付费有关问题的通知》（某医保发〔2019〕7号）同时废止。"
    assert repealed(text) == "原《某省关于手术付费有关问题的通知》（某医保发〔2019〕7号）"
    assert repealed("本办法自2030年1月1日起施行。") is None


def test_a_title_whose_leading_words_were_cut_off_is_still_read_inside_its_brackets():
    from yibao.lessons.document_drafter import doc_title
    from yibao.lessons.facts import short_title
    cut = "《按病种付费医疗保障经办管理规程（2025 版）》的通知"   # the PDF lost "关于印发"
    assert doc_title(cut) == short_title(cut) == "按病种付费医疗保障经办管理规程（2025 版）"
    assert doc_title("关于印发\n《医疗保障基金飞行检查管理暂行办法》的通知") == "医疗保障基金飞行检查管理暂行办法"


def test_the_start_is_worded_as_the_text_prints_it():
    from yibao.lessons.document_drafter import printed_start
    text = "五、执行时间\n《2024年药品目录》自2024年1月1日起正式执行。"
    assert printed_start(text, dt.date(2024, 1, 1)) == "自2024年1月1日起正式执行"
    assert printed_start(text, dt.date(2024, 3, 1)) == "自2024年3月1日起施行"   # another date: the usual words


def test_an_old_text_is_not_news_and_its_passed_targets_are_background():
    """A 2021 notice taught in 2026: "医保规定", not "医保新规定"; "到2024年底…" is an expired stage target."""
    text = ("国家医疗保障局关于推进支付方式改革的通知\n\n各省、自治区、直辖市医疗保障局：\n"
            "一、推进改革。各级医疗保障部门要在2024年底前全面开展支付方式改革工作，按月调度进度。\n"
            "二、参保人员待遇。参保人员住院发生的费用按规定纳入统筹基金支付，个人负担比例不变。\n"
            "国家医疗保障局\n2021年11月19日\n")
    def draft(deadline):
        doc = DocContext(None, "国家医疗保障局关于推进支付方式改革的通知", None, None, dt.date(2021, 11, 26), None,
                         deadline, None, "file", "new", None, text)
        return {d.role: d for d in draft_lessons(doc, None, roles=["insured", "agency"])}
    late = draft(dt.date(2026, 12, 15))
    assert late["insured"].headline.startswith("医保规定：") and "2021年印发" in late["insured"].summary[0]
    assert any(a.startswith("已到期的阶段目标（一）") for a in late["agency"].actions)
    fresh = draft(dt.date(2021, 12, 8))
    assert fresh["insured"].headline.startswith("医保新规定：")
    assert not any("已到期" in a for a in fresh["agency"].actions)


def test_the_repealed_texts_keep_their_qualifier_and_a_state_council_text_is_sent_to_the_governments():
    from yibao.lessons.document_drafter import repealed
    # the new 规范 bears the old one's name: "此前印发的" says which goes
    assert repealed("此前印发的《医疗保障基金结算清单》《医疗保障基金结算清单填写规范》同时废止。") == \
        "此前印发的《医疗保障基金结算清单》《医疗保障基金结算清单填写规范》"
    text = ("国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见\n国办发〔2021〕42号\n"
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "一、救助水平。对低保对象原则上取消起付标准，救助比例不低于70%。定点医疗机构要做好一站式结算。\n")
    doc = DocContext(None, "国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见", None, None, dt.date(2021, 10, 28),
                     None, None, None, "file", "new", None, text)
    for d in draft_lessons(doc, None, roles=["yibaoban", "agency"]):
        assert "发给各省级人民政府和国务院有关部门" in d.summary[0], d.summary[0]
        assert "addressed_to_bureaus" in d.flags
