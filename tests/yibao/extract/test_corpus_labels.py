"""extract_metadata on the real 青海 texts, compared field by field with the human labels.

Labels that are not unambiguous readings of the text are not asserted:
- the 凡例 titles ("…药品目录（2024年）凡例") are composed by the labeller from a
  cover heading and a section heading; the text prints no such title line.
The labels' publish_date is the 成文日期 printed at the end (see the sidecar
notes), so it is compared with ``written_date``; a plain text has no page
publish date.
"""
import json

import pytest

from yibao.extract import extract_metadata

FIELDS = ("title", "doc_number", "issuer", "publish_date", "effective_date", "repeals")
AMBIGUOUS = {("qh_fanli_2024", "title"), ("qh_fanli_2025", "title")}


def _labels(corpus_dir):
    folder = corpus_dir / "qinghai-texts"
    for sidecar in sorted(folder.glob("*.json")):
        label = json.loads(sidecar.read_text("utf-8"))
        yield label, (folder / f"{label['id']}.txt").read_text("utf-8")


def _got(meta, field):
    if field == "publish_date":
        return meta.written_date
    if field == "repeals":
        return sorted(r["doc_number"] for r in meta.repeals)
    return getattr(meta, field)


def _want(label, field):
    if field == "repeals":
        return sorted(d["ref"] for d in label.get("repeals_detail", [])) if label["repeals"] else []
    return label[field]


def _compare(corpus_dir):
    rows = []
    for label, text in _labels(corpus_dir):
        meta = extract_metadata(text)
        for field in FIELDS:
            rows.append((label["id"], field, _got(meta, field), _want(label, field)))
    return rows


def test_every_unambiguous_label(corpus_dir):
    wrong = [(i, f, got, want) for i, f, got, want in _compare(corpus_dir)
             if (i, f) not in AMBIGUOUS and got != want]
    assert wrong == []


def test_per_field_accuracy_report(corpus_dir, capsys):
    rows = _compare(corpus_dir)
    lines = []
    for field in FIELDS:
        hits = [got == want for _, f, got, want in rows if f == field]
        lines.append(f"{field:15s} {sum(hits):2d}/{len(hits)} = {sum(hits) / len(hits):.0%}")
    total = sum(got == want for *_, got, want in rows)
    lines.append(f"{'all fields':15s} {total}/{len(rows)} = {total / len(rows):.0%}")
    with capsys.disabled():
        print("\nqinghai-texts per-field accuracy (all labels, ambiguous included):\n" + "\n".join(lines))
    for field in ("doc_number", "issuer", "publish_date", "effective_date", "repeals"):
        hits = [got == want for _, f, got, want in rows if f == field]
        assert sum(hits) == len(hits), field
    title_hits = [got == want for _, f, got, want in rows if f == "title"]
    assert sum(title_hits) >= len(title_hits) - len(AMBIGUOUS)


@pytest.mark.parametrize("doc_id", ["qh_nrdl_2024", "qh_rjss_2024", "qh_ydxy_2025"])
def test_normalized_copy_gives_the_same_core_fields(corpus_dir, doc_id):
    folder = corpus_dir / "qinghai-texts"
    raw = extract_metadata((folder / f"{doc_id}.txt").read_text("utf-8"))
    norm = extract_metadata((folder / f"{doc_id}.normalized.txt").read_text("utf-8"))
    assert (norm.doc_number, norm.effective_date) == (raw.doc_number, raw.effective_date)


def test_nrdl_details(corpus_dir):
    text = (corpus_dir / "qinghai-texts" / "qh_nrdl_2024.txt").read_text("utf-8")
    meta = extract_metadata(text)
    assert meta.issuers == ["青海省医疗保障局", "青海省人力资源和社会保障厅"]
    titles = {r["doc_number"]: r["title"] for r in meta.repeals}
    assert titles["青医保局发〔2021〕193号"] == "青海省医疗保障局关于开展医保药品支付标准试点工作的通知"
    # the 附件 block: one catalogue, printed as a name wrapped over two lines, then its six parts
    assert meta.attachments[0] == "青海省基本医疗保险、工伤保险和生育保险药品目录（2024年）"
    assert meta.attachments[1:] == ["凡例", "西药部分", "中成药部分", "协议期内谈判药品（含竞价药品）",
                                    "中药饮片部分", "青海省增补民族药部分"]
    # references are not the document's own number
    assert "医保发〔2023〕30号" not in meta.doc_numbers


def test_shengyu_has_no_repeal_only_a_conflict_rule(corpus_dir):
    meta = extract_metadata((corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt").read_text("utf-8"))
    assert meta.repeals == [] and meta.printed_date == "2025-07-24"
