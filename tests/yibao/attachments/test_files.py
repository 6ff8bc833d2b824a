"""The shared file reader: the bytes must match the name; text is UTF-8 or GBK/GB18030."""
from __future__ import annotations

import pytest

from yibao.attachments import ContentMismatch
from yibao.attachments.files import sniff_file
from yibao.attachments.plain import read_text
from yibao.testing import hostile


def test_names_and_bytes_that_agree():
    assert sniff_file("a.txt", "第一条".encode()) == "text"
    assert sniff_file("a.md", b"<html><body>x</body></html>") == "text"
    assert sniff_file("a.html", "第一条".encode()) == "html"
    assert sniff_file("a.doc", b"<html><body>Word HTML</body></html>") == "html"   # a legacy disguise
    assert sniff_file("a.pdf", hostile.encrypted_pdf()) == "pdf"


@pytest.mark.parametrize("name, data, says", [
    ("a.txt", hostile.random_bytes(), "a.txt is not a TXT file: its bytes are binary data"),
    ("a.docx", "第一条".encode(), "a.docx is not a DOCX file: its bytes are text"),
    ("a.pdf", b"<html><body>x</body></html>", "a.pdf is not a PDF file: its bytes are HTML"),
    ("a.txt", b"", "a.txt is empty"),
    ("a.txt", b" \r\n\t\n", "a.txt holds nothing but blank space"),
    ("a.txt", b"\xef\xbb\xbf\n", "a.txt holds nothing but blank space"),       # a BOM alone
    ("a.txt", "第一条".encode("utf-16"), "a.txt is UTF-16 text (saved as Windows \"Unicode\"): save it as UTF-8"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "unsupported file type .png"),
])
def test_mismatches_are_one_line(name, data, says):
    with pytest.raises(ContentMismatch) as err:
        sniff_file(name, data)
    assert says in err.value.reason and "\n" not in err.value.reason


def test_read_text_takes_gbk_and_refuses_binary():
    assert read_text(hostile.gbk_text()).startswith("关于调整门诊慢特病待遇的通知")
    assert read_text("\ufeff第一条".encode("utf-8")) == "第一条"
    with pytest.raises(ContentMismatch, match="not text"):
        read_text("第一条\n".encode() * 100 + b"\x00\x01" * 50, "a.txt")
