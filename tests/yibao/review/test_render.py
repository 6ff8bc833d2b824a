"""The 对照表 embedded in the review page must not restyle the page around it."""
import html

from yibao.review.render import diff_table_html
from yibao.review.sample import SAMPLE_DIFF
from yibao.store.models import Change


def test_full_diff_document_is_isolated_in_an_iframe():
    out = diff_table_html(Change(diff=SAMPLE_DIFF))
    assert out.startswith('<iframe class="diff-frame"') and out.endswith("</iframe>")
    outside = out.split('srcdoc="', 1)[0]
    assert "<style" not in outside and "<body" not in outside
    document = html.unescape(out.split('srcdoc="', 1)[1].rsplit('"', 1)[0])
    assert "条款对照表" in document and "第九条" in document


def test_no_diff_says_so():
    assert "无条款差异数据" in diff_table_html(None)
