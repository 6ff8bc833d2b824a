"""政策智能问答 over real corpus texts in a fresh store: cites, refuses, ranks in-force first, stays current."""
import json
from pathlib import Path

import pytest

from yibao.qa import NO_BASIS, ask
from yibao.qa.corpus import load_folder, store_text
from yibao.qa.index import QaIndex
from yibao.store.db import open_session

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "nhsa-texts"


def _text(stem: str) -> str:
    return (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")


@pytest.fixture()
def store(yibao_db):
    with open_session() as s:
        load_folder(s, CORPUS)
        s.commit()
        QaIndex().sync(s)    # as the scrape DAG does: provisions and their sentence vectors
    return yibao_db


def test_answer_quotes_the_provision_with_its_document(store):
    a = ask("举报医保违法行为可以匿名吗")
    assert a.citations, a.answer
    top = a.citations[0]
    assert top.document == "医疗保障基金使用监督管理举报处理暂行办法"
    assert top.doc_number == "国家医疗保障局令第5号" and top.clause == "第八条"
    assert "匿名举报" in top.text and top.in_force and top.url == ""   # a local file: no web address, no path
    assert "[1]" in a.answer and "第八条" in a.answer


def test_question_the_texts_cannot_answer_gets_no_basis(store):
    for q in ("护士夜班补贴怎么算", "年休假一年可以休几天"):
        a = ask(q)
        assert a.citations == [] and a.answer == NO_BASIS


def test_superseded_document_is_marked_and_ranks_after_its_successor(store):
    with open_session() as s:
        old = store_text(s, title="医疗保障基金飞行检查管理办法（旧）", doc_number="医保发〔2019〕1号",
                         text=_text("nhsa_fjjc_2023").replace("不预先告 知", "提前三日书面告 知"))
        store_text(s, title="医疗保障基金飞行检查管理办法（新）", doc_number="医保发〔2026〕1号",
                   text=_text("nhsa_fjjc_2023"), supersedes=old.document)
    a = ask("飞行检查会不会提前通知医院", top_k=12)
    states = [(c.document, c.in_force) for c in a.citations]
    assert a.citations[0].in_force, states
    old_cites = [c for c in a.citations if c.document.endswith("（旧）")]
    assert old_cites and not old_cites[0].in_force
    assert old_cites[0].successor["title"] == "医疗保障基金飞行检查管理办法（新）"
    first_old = a.citations.index(old_cites[0])
    assert all(c.in_force for c in a.citations[:first_old])


def test_revised_version_of_the_same_document_is_not_in_force(store):
    with open_session() as s:
        v1 = store_text(s, title="某市门诊慢特病备案办法", text="第一条 参保人员申请门诊慢特病待遇，应当先到定点医疗机构备案。")
        store_text(s, title="某市门诊慢特病备案办法", text="第一条 参保人员申请门诊慢特病待遇，可以在线备案，无需到定点医疗机构。")
    a = ask("门诊慢特病待遇怎么备案", top_k=5)
    mine = [c for c in a.citations if c.document == "某市门诊慢特病备案办法"]
    assert [c.in_force for c in mine] == [True, False]
    assert mine[1].version_id == v1.id and "已被修订" in mine[1].status


def test_role_ranks_its_own_provisions_higher(store):
    plain = ask("药品目录内的药品怎么支付")
    pharmacy = ask("药品目录内的药品怎么支付", role="药剂科")
    assert plain.citations and pharmacy.citations
    assert pharmacy.role == "药剂科"
    assert any(w in pharmacy.citations[0].text for w in ("药品", "药师", "处方", "药店"))


def test_index_is_persisted_and_updated_incrementally(yibao_db, tmp_path):
    index = QaIndex()
    with open_session() as s:
        load_folder(s, CORPUS)
        assert index.sync(s) == 12
        assert index.sync(s) == 0              # nothing new: nothing re-indexed
        store_text(s, title="某省关于日间手术医保结算的通知", text="一、日间手术费用纳入住院统筹基金支付，不设起付线。")
        assert index.sync(s) == 1
    assert QaIndex().count()[0] == 13          # a new process sees the same index file
    a = ask("日间手术要付起付线吗")
    assert a.citations and a.citations[0].document == "某省关于日间手术医保结算的通知"


def test_json_shape(store):
    data = ask("谈判药品协议有效期几年").to_dict()
    json.dumps(data, ensure_ascii=False)
    assert set(data["citations"][0]) >= {"document", "doc_number", "clause", "text", "url", "in_force"}


def test_identical_words_in_a_repealed_and_its_successor_cite_the_one_in_force(yibao_db):
    text = "第一条 参保人员跨省异地就医前，应当先办理异地就医备案。"
    with open_session() as s:
        old = store_text(s, title="某省异地就医管理办法（2019）", doc_number="某医保发〔2019〕3号", text=text)
        store_text(s, title="某省异地就医管理办法（2026）", doc_number="某医保发〔2026〕3号", text=text,
                   supersedes=old.document)
    (c,) = ask("跨省就医要先备案吗").citations
    assert c.document == "某省异地就医管理办法（2026）" and c.in_force


def test_how_often_needs_a_provision_that_says_how_often(store):
    a = ask("护士执业证多久注册一次")   # 护士, 执业, 注册 are all in a provision, but no frequency
    assert a.citations == [] and a.answer == NO_BASIS


def test_colloquial_question_finds_the_clause_despite_the_cut(store, monkeypatch):
    # 没通过 / 不通过: the word view alone missed it; the character pairs meet (words only: with
    # sentence vectors it ranks fourth, behind three other 特例单议 provisions)
    monkeypatch.setenv("YIBAO_QA_VECTORS", "0")
    a = ask("特例单议申请没通过的病例怎么付费")
    assert any(c.document.startswith("关于印发《按病种付费") and c.clause == "第二十三条" for c in a.citations[:3]), \
        [(c.document, c.clause) for c in a.citations]


def test_a_rate_no_text_states_gets_no_basis(store):
    # 乙类 and 自付 are in 用药管理办法 第二十五条, which leaves the rate to the province
    a = ask("乙类药品病人先自付的比例是百分之几")
    assert a.citations == [] and a.answer == NO_BASIS


def test_sentence_vectors_find_what_the_words_miss(store, monkeypatch):
    # the PDF's line break split "书面飞行 检查报告": the words find no 报告 to support an answer; the meaning
    # puts 第二十二条 first. (Until session 12 this test asked "DRG的支付标准是怎么算出来的", whose clause sits
    # third to fifth by cosine margins of 0.001: it passed in session 11's CI and failed in session 12's on the
    # same retriever. A test must not hang on such a margin.)
    question = "飞行检查结束后会出书面报告吗"
    a = ask(question)
    assert a.citations and a.citations[0].clause == "第二十二条" and "书面飞行" in a.citations[0].text, \
        [(c.document, c.clause) for c in a.citations]
    monkeypatch.setenv("YIBAO_QA_VECTORS", "0")
    assert not any(c.clause == "第二十二条" and "书面飞行" in c.text for c in ask(question).citations[:3])


def test_a_provision_far_in_meaning_supports_no_answer(store, monkeypatch):
    # 医保局 and 办公 appear in the texts, a telephone number nowhere
    assert ask("医保局的办公电话是多少").answer == NO_BASIS


def _store_local(title: str, text: str) -> None:
    with open_session() as s:
        store_text(s, title=title, text=text)


def test_how_many_days_needs_a_provision_with_days(yibao_db):
    _store_local("某市门诊慢特病管理办法", "第一条 门诊慢特病病种认定由定点医疗机构按照认定标准办理，认定结果报经办机构备案。")
    question = "门诊慢特病病种认定要几个工作日"
    assert ask(question).answer == NO_BASIS        # the words are there, a number of days is not
    _store_local("某市门诊慢特病认定规程", "第一条 门诊慢特病病种认定应当自受理申请之日起10个工作日内办结。")
    assert ask(question).citations[0].text.endswith("10个工作日内办结。")


def test_which_papers_cites_a_provision_that_lists_them(store):
    a = ask("医院申请医保定点需要准备哪些材料")
    assert a.citations and "材料" in a.citations[0].text


def test_papers_asked_for_must_be_papers_of_the_subject_asked_about(store):
    # 备案 ~ 登记 and 手续 meet in "先行登记保存 … 补办批准手续" (行政处罚程序), which is not about 异地就医
    a = ask("异地就医备案在哪里办，需要什么手续")
    assert a.citations == [] and a.answer == NO_BASIS


def test_a_text_loaded_from_a_file_is_cited_without_a_file_path(yibao_db):
    _store_local("某市门诊慢特病管理办法", "第一条 门诊慢特病病种认定由定点医疗机构按照认定标准办理。")
    a = ask("门诊慢特病病种认定由谁办理")
    assert a.citations and a.citations[0].url == ""
    assert "file://" not in json.dumps(a.to_dict(), ensure_ascii=False)


def test_who_decides_a_rate_is_answered_by_who_not_by_a_figure(store):
    # "比例由谁定" asks who: the provision naming the 医疗保障行政部门 answers, though it holds no %
    a = ask("乙类药病人先自己付的比例由谁定")
    assert any(c.clause.startswith("第二十五条") and "行政部门确定" in c.text for c in a.citations[:3]), a.answer


def test_which_day_is_not_answered_by_how_often(store):
    # the texts say 特例单议 is filed quarterly or monthly, never by which day
    assert ask("DRG特例单议每个季度最晚哪一天之前要把病例报给医保").answer == NO_BASIS


@pytest.fixture()
def every_text(yibao_db):
    """The national and the Qinghai texts (agreements with 医保凭证, 转借 … in other words)."""
    with open_session() as s:
        load_folder(s, CORPUS)
        load_folder(s, CORPUS.parent / "qinghai-texts")
        s.commit()
        QaIndex().sync(s)
    return yibao_db


def test_where_to_apply_is_not_answered_by_a_provision_naming_the_subject(every_text):
    # the texts name 医保凭证 but say nowhere how to replace a lost card
    assert ask("病人的医保卡丢了去哪里补办").answer == NO_BASIS


def test_staff_words_for_things(every_text):
    # 机器 → 设备, 借给 → 转借: "将医保结算设备转借或赠与他人" (定点零售药店管理暂行办法 第四十条)
    a = ask("药店的医保结算机器能借给别的店用吗")
    assert any(c.clause.startswith("第四十条") and "转借" in c.text for c in a.citations[:3]), a.answer


@pytest.mark.parametrize("question, clause, words", [
    ("罚款逾期不交是不是按天加罚", "第五十五条", "每日"),                     # 按天 → 每日
    ("目录里标了方框的中药饮片能单独报销吗", "四、（十六）", "□"),            # 方框 → the symbol itself
    ("乙类药自付比例是国家定的还是省里定的", "第二十五条", "行政部门确定"),   # "…定的还是…" asks who
])
def test_staff_words_and_who_decides(every_text, question, clause, words):
    a = ask(question)
    assert any(c.clause.startswith(clause) and words in c.text for c in a.citations[:3]), a.answer


def test_the_start_date_of_a_decree_is_answered_from_its_order(store):
    a = ask("飞行检查办法几号施行")
    assert a.citations and a.citations[0].clause == "公布令" and "2023年5月1日" in a.citations[0].text, a.answer
    # "开始执行 / 生效" is 施行 in a 令's words
    a = ask("定点医疗机构管理办法什么时候开始执行")
    assert a.citations and "2021年2月1日起施行" in a.citations[0].text, a.answer


def test_within_how_long_needs_a_provision_with_a_time_limit(yibao_db):
    _store_local("某省日间手术管理通知", "一、医疗机构新增日间手术病种，应当报省医疗保障局备案。")
    question = "我们新增一个日间手术病种，报到省医保局以后多久能批下来？"
    assert ask(question).answer == NO_BASIS        # the subject is there, a time limit is not
    _store_local("某省日间手术备案规程", "一、省医疗保障局应当自收到医疗机构新增日间手术病种备案之日起20个工作日内完成审核。")
    assert "20个工作日" in ask(question).citations[0].text


def test_a_long_question_full_of_context_is_answered_by_meaning(store):
    # most of the question's words are its setting (县里, 班子会, 管得太严); the provision close in
    # meaning holds two of them whole (定点医疗机构 for 医院, 申请 … 解除): 定点医疗机构管理暂行办法 第四十四条
    a = ask("我们是县里的公立医院，班子会上有人说医保管得太严，干脆不做定点了，公立医院可以自己申请退出吗？")
    assert any(c.clause.startswith("第四十四条") for c in a.citations[:3]), a.answer


def test_points_taken_is_the_doctors_record(store):
    # "被扣了10分" is 记分 (医保支付资格管理); its "10" must not pull in "10个工作日内拨付"
    from yibao.qa.synonyms import pattern_words
    assert pattern_words("医生被扣了10分") == ["记分"] and pattern_words("等了30分钟") == []
    a = ask("科里一个医生今年医保已经被扣了10分，接下来会怎么处理他？")
    assert any(c.clause.startswith("第二十九条") and "记分" in c.text for c in a.citations[:3]), a.answer


def test_a_short_question_held_by_plain_words_is_not_overruled_by_a_low_cosine(store):
    # short questions score low cosines (0.86 here): 飞检 and 提前 (预先) hold most of it in
    # 飞行检查管理暂行办法 第二条 ("不预先告知的现场监督检查")
    a = ask("飞检会提前打招呼吗")
    assert any(c.clause.startswith("第二条") and "不预先告知" in c.text for c in a.citations[:3]), a.answer


def test_is_it_too_late_to_be_fined_finds_the_time_limit_of_a_penalty(store):
    # "三年前的事…还能罚吗" asks the time limit: "违法行为在二年内未被发现的，不再给予行政处罚"
    from yibao.qa.synonyms import pattern_words
    assert pattern_words("三年前的罚款还没交") == []
    a = ask("三年前多收病人的钱一直没人发现，现在被医保查出来了，还会被处罚吗？")
    assert any(c.clause.startswith("第六条") and "二年内未被发现" in c.text for c in a.citations[:3]), a.answer


def test_since_when_is_refused_when_the_text_prints_no_date(yibao_db):
    _store_local("某市药品价格管理工作的意见", "一、各地要加强药品价格监测，及时发现价格异常。")
    assert ask("药品价格管理工作的意见什么时候开始执行").answer == NO_BASIS


def test_a_word_that_says_when_is_not_the_subject():
    # "每个月几号前报": the provision must hold a date, not the word 每个月
    from yibao.qa.answer import WHEN
    assert WHEN.fullmatch("每个月") and WHEN.fullmatch("期限") and not WHEN.fullmatch("即时结算")


def test_a_noun_the_texts_never_use_is_read_by_its_head():
    from yibao.qa.answer import _head_words
    assert "药品" in _head_words("降压药")      # a kind of 药品
    assert _head_words("分会") == ("分",)       # "记分到多少分会被停": 分 glued to 会
    assert _head_words("住宿费") == ()          # 费 → 费用 would answer "住宿费谁出"


def test_a_provision_holding_the_rate_asked_for_needs_a_little_less_closeness():
    """"DRG质保金最多扣几个点" is short: the provision stating "不超过5%" scores a low cosine."""
    from yibao.qa.answer import MIN_SIMILARITY, Needs, _Scored, why_not
    from yibao.qa.index import Hit
    from yibao.qa.intent import unit_asked, wanted
    hit = Hit(1, 1, 1, "第二十六条", "可预留一定比例（不超过5%）作为质量保证金。", 1.0, frozenset({"质量保证金", "不超过"}))
    need = Needs(2, tuple(k for k in wanted("质保金最多扣几个点") if k == "ratio"), unit_asked("质保金最多扣几个点"))
    close = _Scored(hit, 0.51, 2, 1.0, 4, whole=2, topic=True, similarity=MIN_SIMILARITY - 0.004)
    far = _Scored(hit, 0.51, 2, 1.0, 4, whole=2, topic=True, similarity=MIN_SIMILARITY - 0.02)
    assert need.kinds == ("ratio",) and why_not(close, need) == []
    assert why_not(far, need) != []
    no_rate = _Scored(Hit(2, 1, 1, "第十四条", "被扣除的质量保证金不得作为医保欠费处理。", 1.0, frozenset()), 0.51, 2, 1.0, 4,
                      whole=2, topic=True, similarity=MIN_SIMILARITY - 0.004)
    assert why_not(no_rate, need) != []        # without the rate it gets no slack


def test_a_noun_jieba_glued_to_用_is_read_by_its_head():
    from yibao.qa.answer import _head_words
    assert _head_words("店用") == ("店",)
