"""Zones on every real text of the shared corpus: header, 主送, 公布 block, signature and date
lines never end up inside a provision; the labelled metadata is read off the right zones."""
import json
import re

import pytest

from yibao.cli.extract_cmd import build_report, load_target
from yibao.document import iter_provisions, parse_document
from yibao.document.textview import compact

from .conftest import corpus_pages, corpus_texts

WHOLE_LINES = {"addressee", "promulgation", "colophon"}   # long lines: never inside a provision at all
FOOT = {"signature", "date", "doc_number"}                # short: an organ name may be cited in the text
_DATE_ONLY = re.compile(r"^(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}日$")


def _assert_clean(doc):
    banned = [compact(z.text) for z in doc.zones if z.kind in WHOLE_LINES and len(compact(z.text)) >= 4]
    foot = {compact(z.text) for z in doc.zones if z.kind in FOOT}
    sig_date = [compact(a.text) + compact(b.text) for a, b in zip(doc.zones, doc.zones[1:])
                if a.kind == "signature" and b.kind == "date"]
    for p in iter_provisions(doc):
        text = compact(p.text)
        assert text not in {compact(z.text) for z in doc.zones if z.kind == "title"}, f"{p.id}: a title line"
        for line in banned:
            assert line not in text, f"{p.id}: zone line {line!r} inside the provision"
        for line in sig_date:
            assert line not in text, f"{p.id}: signature and date {line!r} inside the provision"
        assert not any(text.endswith(f) for f in foot if f), f"{p.id}: ends with a signature/date/文号 line"
        for s in p.sentences:
            assert compact(s.text) not in foot, f"{p.id}: a foot line is a sentence"
            assert not _DATE_ONLY.match(compact(s.text)), f"{p.id}: a bare date line is a sentence"
            assert not re.search(r"现予(?:以)?公布|局\s*长[:：]", s.text), f"{p.id}: 公布 block inside: {s.text}"


@pytest.mark.parametrize("path", corpus_texts(), ids=lambda p: p.name)
def test_no_header_or_footer_line_in_provisions(path, corpus):
    doc = parse_document(path.read_text(encoding="utf-8"))
    _assert_clean(doc)
    assert doc.provisions, "a real policy text has body provisions"


@pytest.mark.parametrize("path", corpus_pages(), ids=lambda p: p.parent.name + "/" + p.name)
def test_article_pages_through_the_page_reader(path, corpus):
    report, text, _ = build_report(load_target(str(path)))
    if not text.strip():
        pytest.skip("a list page, no article text")
    _assert_clean(parse_document(text, title=report.get("title")))


@pytest.mark.parametrize("path", sorted(p for p in corpus_texts() if p.parent.name == "nhsa-texts"), ids=lambda p: p.name)
def test_labelled_head_and_foot(path, corpus):
    label = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    doc = parse_document(path.read_text(encoding="utf-8"))
    assert (doc.doc_numbers[0] if doc.doc_numbers else None) == label["doc_number"]
    assert (doc.signed_date.isoformat() if doc.signed_date else None) == label["written_date"]
    if label["issuer"]:
        assert "".join(doc.issuers) == label["issuer"].replace(" ", "").replace("、", "")


def test_a_regulation_keeps_its_promulgation_out_of_the_body(corpus):
    doc = parse_document((corpus / "nhsa-texts" / "nhsa_fjjc_2023.txt").read_text(encoding="utf-8"))
    assert doc.promulgation and "现予以公布" in doc.promulgation
    assert doc.provisions[0].label == "第一章"
    first_article = doc.provisions[0].children[0]
    assert first_article.label == "第一条" and first_article.is_purpose


def test_a_cover_notice_and_the_document_it_issues(corpus):
    doc = parse_document((corpus / "nhsa-texts" / "nhsa_ypjg_2019.txt").read_text(encoding="utf-8"))
    assert doc.addressees == ["各省、自治区、直辖市及新疆生产建设兵团医疗保障局"]
    assert doc.issuers == ["国家医疗保障局"]
    assert any("现印发你们" in p for p in doc.preamble)          # the cover's text is preamble
    assert [p.label for p in doc.provisions][:3] == ["一、", "二、", "三、"]
    assert not any("国家医保局" in p.text and "财政部" in p.text for p in iter_provisions(doc))


def test_a_neighbouring_documents_cover_is_not_this_documents(corpus):
    doc = parse_document((corpus / "nhsa-texts" / "nhsa_zfzg_2024.txt").read_text(encoding="utf-8"))
    assert doc.doc_numbers == [] and doc.signed_date is None
    assert not any("医保办发" in p.text for p in iter_provisions(doc))
    assert any(z.kind == "other" and "医保办发" in z.text for z in doc.zones)
