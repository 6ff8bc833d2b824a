"""The provision index: which question words are handed to FTS5."""
from yibao.qa.corpus import store_text
from yibao.qa.index import QaIndex
from yibao.store.db import open_session


def test_words_in_up_to_half_the_provisions_are_searched_only_commoner_ones_are_not(yibao_db):
    # 10 provisions: 备案 in 4 (a mid-frequency word, searched since s4-qa2: a provision holding
    # only such words of the question must still be a candidate), 医院 in 6 (too common)
    with open_session() as s:
        for i in range(10):
            words = ("医院" if i < 6 else "药店") + ("应当备案" if i < 4 else "应当登记")
            store_text(s, title=f"某市办法{i}", text=f"第一条 {words}，第{i}号事项。")
        index = QaIndex()
        index.sync(s)
    terms = ["备案", "医院"]
    idf = index.idf(terms)
    assert idf["医院"] > 0 and idf["备案"] > idf["医院"]
    assert index.search_terms(terms, idf) == ["备案"]
    assert all("备案" in h.quote for h in index.search(["备案"]))


def test_a_second_whole_build_waits_for_the_first_and_a_question_does_not(yibao_db, caplog):
    import threading
    with open_session() as s:
        store_text(s, title="某市办法", text="第一条 医院应当备案。")
    index = QaIndex()
    done = threading.Event()

    def build():
        with open_session() as s:
            QaIndex(index.path).sync(s)
        done.set()

    with index._build_lock():           # as another `yibao ask --index` holding it
        worker = threading.Thread(target=build)
        worker.start()
        assert not done.wait(1.0)          # the second build waits …
        with open_session() as s:
            index.sync(s, encode_limit=64)   # … a question does not
    assert done.wait(60) and index.count()[0] == 1
    worker.join()
    assert "is being built by process" in caplog.text


def test_a_build_goes_ahead_after_waiting_its_limit_and_reads_a_lock_it_cannot_write(yibao_db, caplog, monkeypatch):
    from yibao.qa import index as index_module
    with open_session() as s:
        store_text(s, title="某市办法", text="第一条 医院应当备案。")
    index = QaIndex()
    monkeypatch.setattr(index_module, "LOCK_WAIT_S", 1)
    with index._build_lock():            # a builder that stopped (Ctrl-Z) holds it for ever
        with open_session() as s:
            QaIndex(index.path).sync(s)      # waits a second, then builds anyway
    assert "still locked after 1 s" in caplog.text and index.count()[0] == 1
    import builtins

    def open_as_another_account(path, mode="r", *args, **kwargs):
        if "a" in mode or "w" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return builtins.open(path, mode, *args, **kwargs)
    monkeypatch.setattr(index_module, "open", open_as_another_account, raising=False)
    with open_session() as s:
        store_text(s, title="某市办法二", text="第一条 药店应当登记。")
    with open_session() as s:
        assert QaIndex(index.path).sync(s) == 1   # no Permission denied: a read-only lock file still locks
