from pathlib import Path

import pytest

from yibao.clauses import ClauseParseError, cn_to_int, normalize_text, outline, parse_clauses

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "qinghai-texts"


@pytest.mark.parametrize("numeral,value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105),
                                           ("两百", 200), ("二〇二五", 2025), ("１２", 12), ("三十一", 31)])
def test_cn_to_int(numeral, value):
    assert cn_to_int(numeral) == value


def test_cn_to_int_rejects_garbage():
    with pytest.raises(ClauseParseError):
        cn_to_int("第三")


def test_legal_structure_and_paths():
    text = ("第一章 总则\n第一条 为了规范管理，制定本办法。\n第一条之一 补充规定。\n"
            "第二章 待遇\n第二条 报销比例为50%，费用3.42元，2.0版。\n（一）门诊；\n（二）住院：\n1.甲类\n2.乙类\n（1）子项\n")
    cs = parse_clauses(text)
    assert [c.label for c in cs] == ["第一章", "第一条", "第一条之一", "第二章", "第二条", "（一）", "（二）", "1.", "2.", "（1）"]
    assert cs[4].path == ("第二章", "第二条")
    assert cs[-1].path == ("第二章", "第二条", "（二）", "2.", "（1）")
    assert cs[0].title == "总则" and cs[0].level == "章"
    assert cs[2].sub == 1 and cs[2].number == 1
    for c in cs:
        assert text[c.start:c.start + len(c.label)] == c.label.replace(" ", "")


def test_cross_references_and_decimals_are_not_markers():
    text = "第一条 依照第十二条规定执行，费用3.42元，2.0版，2024.1.1起。\n第二条 见第一条。\n"
    assert [c.label for c in parse_clauses(text)] == ["第一条", "第二条"]


def test_inline_markers_in_pdf_page_lines():
    text = normalize_text("— 2 — 第一章 总 则 第一条 甲方为经办机构。 第二条 乙方为 药店，\n— 3 — 第三条 甲方享有以下权利： （一）审核； （二）检查。")
    assert [c.label for c in parse_clauses(text)] == ["第一章", "第一条", "第二条", "第三条", "（一）", "（二）"]


def test_plain_paragraphs_for_notices_without_markers():
    cs = parse_clauses("各市州医保局：\n现将有关事项通知如下。\n特此通知。\n")
    assert [c.label for c in cs] == ["¶1", "¶2", "¶3"] and all(c.level == "para" for c in cs)


def test_normalize_strips_furniture_and_cjk_spaces_without_nfkc():
    raw = "意 见\n— 3 —\n第 4 页\n西药部分 1398 种，使 用效率（一）：\n- 5 -\n"
    out = normalize_text(raw)
    assert "—" not in out and "页" not in out and "- 5 -" not in out
    assert "意见" in out and "1398种" in out and "使用效率（一）：" in out


def test_normalize_rejoins_soft_wraps_but_keeps_markers():
    out = normalize_text("第一条 甲乙双方应当严格执行国家\n和青海省相关规定。\n第二条 其他。\n")
    assert out == "第一条甲乙双方应当严格执行国家和青海省相关规定。\n第二条其他。\n"


def test_outline_headings():
    heads = outline("第一章 总则\n第一条 内容。\n第二章 附则\n第二条 内容。\n")
    assert [(h["label"], h["title"]) for h in heads] == [("第一章", "总则"), ("第二章", "附则")]


@pytest.mark.parametrize("name", ["qh_ydxy_2024", "qh_yyxy_2025r", "qh_fanli_2024"])
def test_raw_and_normalized_corpus_parse_alike(name):
    raw = parse_clauses(normalize_text((CORPUS / f"{name}.txt").read_text(encoding="utf-8")))
    norm = parse_clauses((CORPUS / f"{name}.normalized.txt").read_text(encoding="utf-8"))
    marked = lambda cs: [c.path for c in cs if c.level != "para"]
    assert marked(raw) == marked(norm)
    assert len(marked(norm)) > 20


def test_agreement_clause_sequence_is_complete():
    cs = parse_clauses((CORPUS / "qh_ydxy_2024.normalized.txt").read_text(encoding="utf-8"))
    tiao = [c.number for c in cs if c.level == "条"]
    assert tiao == list(range(1, len(tiao) + 1)) and len(tiao) >= 39
