"""The scrape DAG's compare step also brings the 政策问答 index up to date."""
from yibao import flows
from yibao.qa.corpus import store_text
from yibao.qa.index import QaIndex
from yibao.store.db import open_session


def test_compare_indexes_the_new_versions_for_questions(yibao_db):
    with open_session() as s:
        v = store_text(s, title="某市门诊慢特病管理办法", text="第一条 门诊慢特病待遇认定有效期为3年。")
    flows.compare_versions([v.id])
    assert QaIndex().count()[0] == 1
    with open_session() as s:
        assert QaIndex().sync(s) == 0     # nothing left for a question to index
