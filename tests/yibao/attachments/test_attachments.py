"""Attachment extraction on generated CJK files (reportlab + wqy-microhei, openpyxl, python-docx)."""
import io
import zipfile

import pytest

from yibao.attachments import Limits, extract_bytes, extract_file
from yibao.attachments import legacy, pdf as pdf_mod
from yibao.attachments.detect import OLE_MAGIC, detect_kind
from yibao.attachments.garble import check_text
from yibao.attachments.textclean import clean_page_text, join_soft_wraps
from yibao.testing import pdfgen

POLICY = ["国家医疗保障局文件", "医保发〔2025〕12号", "国家医疗保障局关于印发《医疗保障基金管理办法》的通知",
          "各省、自治区、直辖市医疗保障局：", "第一条 为加强医疗保障基金管理，制定本办法。",
          "第二条 本办法自2025年3月1日起施行。原《基金管理暂行办法》（医保发〔2020〕7号）同时废止。",
          "附件：1．医疗保障基金管理办法", "国家医疗保障局", "2025年1月15日"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    try:
        pdfgen.find_cjk_font()
    except pdfgen.CJKFontMissing as exc:
        pytest.skip(str(exc))
    d = tmp_path_factory.mktemp("att")
    out = {
        "policy": pdfgen.make_policy_pdf(d / "policy.pdf", POLICY * 5),
        "spaced": pdfgen.make_policy_pdf(d / "spaced.pdf", POLICY, char_space=6),
        "catalogue": pdfgen.make_catalogue_pdf(d / "catalogue.pdf", rows=30),
        "xlsx": pdfgen.make_catalogue_xlsx(d / "catalogue.xlsx", rows=25),
        "docx": pdfgen.make_docx(d / "notice.docx", POLICY, table=[["编号", "药品名称"], ["1", "丹红注射液"]]),
    }
    out["broken"] = pdfgen.make_broken_tounicode_pdf(out["policy"], d / "broken.pdf")
    return out


def test_policy_pdf_fast_path_and_furniture(files):
    r = extract_file(files["policy"])
    assert (r.kind, r.status, r.engine, r.pages) == ("pdf", "ok", "pypdfium2", 2)
    assert "医保发〔2025〕12号" in r.text and "本办法自2025年3月1日起施行" in r.text
    assert "— 1 —" not in r.text and "— 2 —" not in r.text
    assert r.tables == [] and r.warnings == []


def test_spaced_out_cjk_is_rejoined(files):
    r = extract_file(files["spaced"])
    assert r.ok and "国家医疗保障局关于印发《医疗保障基金管理办法》的通知" in r.text
    assert "2025年1月15日" in r.text


def test_catalogue_tables_auto_with_soft_wraps_joined(files):
    r = extract_file(files["catalogue"])
    assert r.ok and r.engine == "pypdfium2+pdfplumber-tables"
    header, *rows = r.tables[0]
    assert header == pdfgen.CATALOGUE_HEADER
    expected = pdfgen.catalogue_rows(30)
    assert rows[0] == expected[0]   # '限EGFR L858R突变的非小细胞肺癌\n患者' joined; dates joined with ""
    assert rows[1][2] == "注射用紫杉醇（白蛋白结合型）"
    assert len(r.rows) == 30 and r.rows[0]["药品名称"] == "艾司奥美拉唑镁肠溶胶囊"
    assert r.rows[-1] == dict(zip(pdfgen.CATALOGUE_HEADER, expected[-1]))
    assert "第 1 页" not in r.text


def test_want_tables_false_skips_pdfplumber(files):
    r = extract_file(files["catalogue"], want_tables=False)
    assert r.ok and r.engine == "pypdfium2" and r.tables == []


def test_broken_tounicode_is_garbled_not_stored(files):
    r = extract_file(files["broken"])
    assert r.status == "garbled" and r.text == "" and "ToUnicode" in r.reason
    assert any("re-reading with pdfplumber" in w for w in r.warnings)


def test_fallback_to_pdfplumber_when_only_fast_path_is_garbled(files, monkeypatch):
    real = pdf_mod.clean_page_text
    monkeypatch.setattr(pdf_mod, "clean_page_text", lambda t: real(t) + "(cid:1)(cid:2)(cid:3)" * 20)
    monkeypatch.setattr(pdf_mod, "_plumber_text", lambda data, n: "国家医疗保障局关于印发《医疗保障基金管理办法》的通知")
    r = extract_file(files["policy"])
    assert r.ok and r.engine == "pdfplumber" and r.text.startswith("国家医疗保障局")
    assert any("garbled" in w for w in r.warnings)


def test_cid_tokens_and_control_chars_detected():
    assert check_text("(cid:12)(cid:13)(cid:14) 医保 (cid:15)").garbled
    assert check_text("\x01\x04\x05\x06\x07\x08 2025 \x0b\x0c").garbled
    assert not check_text("本办法自2025年3月1日起施行。").garbled


def test_page_limit_gives_marked_partial_text(files):
    r = extract_file(files["policy"], limits=Limits(max_pages=1))
    assert r.status == "too_large" and r.partial and "PARTIAL TEXT" in r.reason and "pages 1-1 of 2" in r.reason
    assert "医保发〔2025〕12号" in r.text


def test_byte_limit(files):
    r = extract_file(files["policy"], limits=Limits(max_bytes=1000))
    assert r.status == "too_large" and r.text == "" and "1000 bytes" in r.reason
    r2 = extract_bytes(files["policy"].read_bytes(), "policy.pdf", limits=Limits(max_bytes=1000))
    assert r2.status == "too_large" and r2.kind == "pdf"


def test_xlsx_rows_keyed_by_header(files):
    r = extract_file(files["xlsx"])
    assert (r.kind, r.status, r.engine) == ("xlsx", "ok", "openpyxl")
    assert len(r.rows) == 25 and r.rows[0]["编号"] == "1" and r.rows[0]["药品名称"] == "艾司奥美拉唑镁肠溶胶囊"
    assert "青海省基本医疗保险药品目录（示例）" in r.text


def test_docx_paragraphs_and_table(files):
    r = extract_file(files["docx"])
    assert (r.kind, r.status) == ("docx", "ok")
    assert "医保发〔2025〕12号" in r.text and r.tables == [[["编号", "药品名称"], ["1", "丹红注射液"]]]
    assert r.rows == [{"编号": "1", "药品名称": "丹红注射液"}]


def test_kind_by_magic_not_extension(files):
    data = files["xlsx"].read_bytes()
    assert detect_kind(data, "附件1.pdf") == "xlsx"
    assert extract_bytes(data, "附件1.pdf").kind == "xlsx"
    assert detect_kind(b"%PDF-1.7\n...", "x.doc") == "pdf"


FAKE_DOC = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64


def test_doc_without_converter_is_not_extracted_with_reason(monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    r = extract_bytes(FAKE_DOC, "通知.doc")
    assert (r.kind, r.status) == ("doc", "not_extracted")
    assert r.reason == "no DOC converter on this machine: install antiword or libreoffice"
    assert extract_bytes(FAKE_DOC, "通知.wps").kind == "wps"


def test_doc_converter_failure_is_an_error_not_a_silent_drop():
    if not legacy.available_converters():
        pytest.skip("no DOC converter installed")
    r = extract_bytes(FAKE_DOC, "broken.doc")
    assert r.status in ("error", "garbled") and r.reason and r.text == ""


class _GbkName(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Windows tools write it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def test_zip_members_with_gbk_names(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_GbkName("附件1.xlsx"), files["xlsx"].read_bytes())   # Windows zip, no UTF-8 flag
        zf.writestr("附件2.docx", files["docx"].read_bytes())
        zf.writestr("readme.bin", b"\x00\x01\x02")
    r = extract_bytes(buf.getvalue(), "附件.zip")
    assert r.kind == "zip" and r.status == "ok"
    assert [m.filename for m in r.members] == ["附件1.xlsx", "附件2.docx", "readme.bin"]
    assert [m.status for m in r.members] == ["ok", "ok", "not_extracted"]
    assert "=== 附件1.xlsx ===" in r.text and any("readme.bin" in w for w in r.warnings)


def test_ofd_text():
    buf = io.BytesIO()
    content = ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
               '<ofd:Layer><ofd:TextObject Boundary="10 10 100 5"><ofd:TextCode X="0" Y="4">医保发〔2025〕12号</ofd:TextCode>'
               '</ofd:TextObject><ofd:TextObject Boundary="10 20 100 5"><ofd:TextCode X="0" Y="4">本办法自2025年3月1日起施行。'
               '</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD/>")
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", content)
    r = extract_bytes(buf.getvalue(), "a.ofd")
    assert (r.kind, r.status, r.pages) == ("ofd", "ok", 1)
    assert r.text == "医保发〔2025〕12号\n本办法自2025年3月1日起施行。"


def test_corrupt_and_unknown_inputs():
    r = extract_bytes(b"%PDF-1.4\n garbage", "bad.pdf")
    assert r.status == "error" and r.reason
    r2 = extract_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png")
    assert (r2.kind, r2.status) == ("unknown", "not_extracted")
    with pytest.raises(TypeError):
        extract_bytes("not bytes")


def test_text_helpers():
    assert join_soft_wraps("限EGFR L858R突变的非小细胞肺癌\n患者") == "限EGFR L858R突变的非小细胞肺癌患者"
    assert join_soft_wraps("Extended\nRelease") == "Extended Release"
    assert join_soft_wraps("2025年1月1日至\n2026年12月31日") == "2025年1月1日至2026年12月31日"
    assert clean_page_text("正文\r\n— 3 —\r\n第 4 页\r\n- 5 -") == "正文"
    spaced = "第 二 条 本 办 法 自 2 0 2 5 年 1 月 1 日 起 施 行 。 第 三 条 由 医 保 局 负 责 解 释 。"
    assert clean_page_text(spaced) == "第二条本办法自2025年1月1日起施行。第三条由医保局负责解释。"
    assert clean_page_text("第二条 本办法自2025年1月1日起施行。") == "第二条 本办法自2025年1月1日起施行。"


def test_to_dict_roundtrip(files):
    d = extract_file(files["docx"]).to_dict()
    assert d["kind"] == "docx" and isinstance(d["tables"], list) and d["members"] == []
