"""Sentence vectors: stored once per text, filled in when the model is turned on later, off on request."""
import math

from yibao.qa import vectors
from yibao.qa.index import QaIndex
from yibao.qa.corpus import store_text
from yibao.store.db import open_session

TEXT = "第一条 参保人员跨省异地就医，应当先办理备案手续。\n第二条 定点医疗机构应当如实上传结算清单。"


def _stored_text(tmp_path, monkeypatch, title="测试办法", text=TEXT):
    """TEXT in the store (committed), its vectors to go to tmp_path/v.sqlite; returns that path."""
    vector_file = tmp_path / "v.sqlite"
    monkeypatch.setenv("YIBAO_QA_VECTORS_PATH", str(vector_file))
    with open_session() as s:
        store_text(s, title=title, text=text)
        s.commit()
    return vector_file


def test_a_text_is_encoded_once_and_comes_back_unit_length(tmp_path):
    store = vectors.VectorStore(tmp_path / "v.sqlite")
    texts = {vectors.text_key(t): t for t in ("跨省就医要先备案", "结算清单如实上传")}
    assert store.add(texts) == 2
    assert store.add(texts) == 0                    # stored by text hash: nothing to encode again
    got = store.get(list(texts))
    assert set(got) == set(texts)
    for vector in got.values():
        assert len(vector) == 384 and math.isclose(sum(x * x for x in vector), 1.0, rel_tol=1e-3)


def test_the_closest_provision_in_meaning_scores_highest(yibao_db, tmp_path):
    with open_session() as s:
        store_text(s, title="测试办法", text=TEXT)
        index = QaIndex(tmp_path / "index.sqlite", vectors.VectorStore(tmp_path / "v.sqlite"))
        index.sync(s)
    hits = index.search(["备案", "结算清单"])
    scores = index.similarities("去外省看病之前要办什么", hits)
    by_clause = dict(zip((h.clause for h in hits), scores))
    assert by_clause["第一条"] > by_clause["第二条"]


def test_provisions_indexed_with_the_model_off_get_vectors_once_it_is_on(yibao_db, tmp_path, monkeypatch):
    vector_file = tmp_path / "v.sqlite"
    monkeypatch.setenv("YIBAO_QA_VECTORS_PATH", str(vector_file))
    monkeypatch.setenv("YIBAO_QA_VECTORS", "0")
    with open_session() as s:
        store_text(s, title="测试办法", text=TEXT)
        index = QaIndex(tmp_path / "index.sqlite")
        index.sync(s)
        assert index.vectors is None and index.similarities("备案", index.search(["备案"])) is None
        monkeypatch.setenv("YIBAO_QA_VECTORS", "1")
        QaIndex(tmp_path / "index.sqlite").sync(s)          # nothing new to index, but vectors to fill
    keys = [k for (k,) in QaIndex(tmp_path / "index.sqlite")._db().execute("SELECT vector_key FROM passages")]
    assert len(keys) == 2 and not vectors.VectorStore(vector_file).missing(keys)


def test_a_question_does_not_wait_for_a_large_backlog_and_answers_on_words(yibao_db, tmp_path, monkeypatch):
    from yibao.qa import ask
    from yibao.qa import index as index_module

    monkeypatch.setattr(index_module, "ASK_ENCODE_LIMIT", 1)
    monkeypatch.setattr("yibao.qa.answer.ASK_ENCODE_LIMIT", 1)
    monkeypatch.setenv("YIBAO_QA_VECTORS_PATH", str(tmp_path / "v.sqlite"))
    with open_session() as s:
        store_text(s, title="测试办法", text=TEXT)     # two provisions to encode: more than the question may wait for
        s.commit()
        index = QaIndex(tmp_path / "index.sqlite")
        answer = ask("跨省异地就医要先备案吗", session=s, index=index)
        assert answer.citations and answer.citations[0].clause == "第一条"      # answered on words
        assert not index.vectors_ready() and index.similarities("备案", index.search(["备案"])) is None
        index.sync(s)                                    # the scrape DAG / yibao ask --index: everything
        assert index.vectors_ready() and index.similarities("备案", index.search(["备案"]))


def test_a_new_version_makes_the_vectors_incomplete_until_it_is_encoded(yibao_db, tmp_path, monkeypatch):
    _stored_text(tmp_path, monkeypatch)
    with open_session() as s:
        index = QaIndex(tmp_path / "index.sqlite")
        index.sync(s)
        assert index.vectors_ready()
        store_text(s, title="另一办法", text="第一条 定点零售药店应当凭处方销售处方药。")
        s.commit()
        index.sync(s, encode_limit=10)                   # one new provision: a question may wait for it
        assert index.vectors_ready()


def test_a_lost_vectors_file_means_words_alone_then_encoding_again_never_no_basis(yibao_db, tmp_path, monkeypatch):
    from yibao.qa import ask

    vector_file = _stored_text(tmp_path, monkeypatch)
    with open_session() as s:
        QaIndex(tmp_path / "index.sqlite").sync(s)
        for leftover in tmp_path.glob("v.sqlite*"):
            leftover.unlink()                              # the vectors' file is lost
        index = QaIndex(tmp_path / "index.sqlite")
        answer = ask("跨省异地就医要先备案吗", session=s, index=index)
        assert answer.citations and answer.citations[0].clause == "第一条"   # on words, not 没有找到依据
        assert not index.vectors_ready()
        index.sync(s)
        assert index.vectors_ready()


def test_an_unopenable_vectors_path_means_words_alone(yibao_db, tmp_path, monkeypatch):
    from yibao.qa import ask

    (tmp_path / "a-folder").mkdir()
    monkeypatch.setenv("YIBAO_QA_VECTORS_PATH", str(tmp_path / "a-folder"))
    with open_session() as s:
        store_text(s, title="测试办法", text=TEXT)
        s.commit()
        answer = ask("跨省异地就医要先备案吗", session=s, index=QaIndex(tmp_path / "index.sqlite"))
    assert answer.citations and answer.citations[0].clause == "第一条"


def test_vectors_are_marked_complete_only_if_no_provision_came_in_meanwhile(yibao_db, tmp_path, monkeypatch):
    _stored_text(tmp_path, monkeypatch)
    with open_session() as s:
        index = QaIndex(tmp_path / "index.sqlite")
        store = index.vectors
        encode = store.add

        def encode_while_another_process_indexes(texts, progress=None):
            done = encode(texts, progress)
            index._db().execute("INSERT INTO passages(version_id, document_id, seq, clause, quote, vector_key) "
                                "VALUES (999, 999, 0, '第一条', '另一进程刚写入的条款。', 'not-encoded')")
            return done
        monkeypatch.setattr(store, "add", encode_while_another_process_indexes)
        index.sync(s)
        assert not index.vectors_ready()        # the newcomer has no vector: not complete


def test_a_broken_character_or_another_model_s_vectors_do_not_break_a_question(yibao_db, tmp_path, monkeypatch):
    import sqlite3

    from yibao.qa import ask
    vector_file = _stored_text(tmp_path, monkeypatch)
    with open_session() as s:
        index = QaIndex(tmp_path / "index.sqlite")
        index.sync(s)
        assert ask("\udcff跨省异地就医要先备案吗", session=s, index=index).citations   # a lone surrogate (robot)
        db = sqlite3.connect(vector_file)
        db.execute("UPDATE vectors SET vector = zeroblob(768 * 4)")          # a 768-dimension model's
        db.commit()
        answer = ask("跨省异地就医要先备案吗", session=s, index=QaIndex(tmp_path / "index.sqlite"))
        assert answer.citations and answer.citations[0].clause == "第一条"


def test_a_long_provision_is_also_encoded_sentence_by_sentence():
    quote = "各地要加快推进年度基金清算工作。要按协议落实结余留用机制；医疗机构不得将病组支付标准作为限额考核医务人员。"
    assert len(vectors.sentences(quote)) == 3
    assert vectors.sentences("参保人员跨省异地就医，应当先办理备案手续。") == []     # one sentence: the whole is enough
    assert vectors.sentences("其中：\n医疗机构应当如实上传结算清单。") == []           # "其中：" is too short to count
    assert len(vectors.encoded_texts(quote)) == 4


def test_a_provision_is_as_close_as_its_closest_sentence(yibao_db, tmp_path):
    """The DRG case: the answer is the last of three sentences on other things."""
    text = ("第一条 各地要加快推进年度基金清算工作，确保次年6月底前全面完成清算。按季度反馈入组、结算等情况。"
            "医疗机构不得将病组支付标准作为限额对医务人员进行考核或与绩效分配指标挂钩。")
    with open_session() as s:
        store_text(s, title="测试通知", text=text)
        index = QaIndex(tmp_path / "index.sqlite", vectors.VectorStore(tmp_path / "v.sqlite"))
        index.sync(s)
    hit = index.search(["病组"])[0]
    question = "科室能不能把病组支付标准当成医生绩效的考核限额"
    whole = float(index.vectors.get([hit.vector_key])[hit.vector_key] @ vectors.query_vector(question))
    assert index.similarities(question, [hit])[0] > whole


def test_an_index_completed_before_sentences_were_encoded_keeps_its_vectors_and_gets_them(yibao_db, tmp_path):
    text = "第一条 各地要加快推进年度基金清算工作。医疗机构不得将病组支付标准作为限额考核医务人员。"
    store = vectors.VectorStore(tmp_path / "v.sqlite")
    with open_session() as s:
        store_text(s, title="测试通知", text=text)
        index = QaIndex(tmp_path / "index.sqlite", store)
        index.sync(s)
        db = index._db()
        with db:   # as the previous release left it: provisions encoded, marked with the model alone
            db.execute("UPDATE meta SET value=? WHERE key='vectors'", (vectors.MODEL,))
        assert index.vectors_ready()                   # questions keep using the provisions' vectors
        index.sync(s)                                  # … and the next sync checks the sentences
    assert index._vectors_mark() == f"{vectors.MODEL}+sentences" and index.vectors_ready()
