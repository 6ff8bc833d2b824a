"""Small hostile or broken files, generated on demand for tests and the README's checks.

Each is a few KB to a few hundred KB on disk and hostile only when something trusts it:
archives whose members inflate far beyond their size (zip bombs, also with lying headers),
HTML nested 1,000 levels deep, random bytes named .txt, a .docx that is not a zip, GBK text,
a PDF that needs a user password, a sheet whose used range spans a billion cells, a DOCX
body of ten million empty paragraphs.
"""
from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

MIB = 1024 * 1024

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/content-types"/>')


def _write_padded(zf: zipfile.ZipFile, name: str, head: bytes, inflated_bytes: int) -> None:
    """A member of `inflated_bytes`: `head` then spaces, streamed (never held in memory)."""
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as out:
        out.write(head)
        left, block = inflated_bytes - len(head), b" " * MIB
        while left > 0:
            out.write(block[:min(left, MIB)])
            left -= MIB


def _package(members: dict[str, bytes], bomb: str, inflated_bytes: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in members.items():
            if name == bomb:
                _write_padded(zf, name, content, inflated_bytes)
            else:
                zf.writestr(name, content)
    return buf.getvalue()


def docx_bomb(inflated_bytes: int = 150 * MIB) -> bytes:
    """A DOCX whose word/document.xml inflates to `inflated_bytes` (150 MiB: about 150 KB on disk)."""
    document = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1</w:t>'
                b'</w:r></w:p></w:body></w:document>')
    return _package({"[Content_Types].xml": _CONTENT_TYPES.encode(), "word/document.xml": document},
                    "word/document.xml", inflated_bytes)


def xlsx_bomb(inflated_bytes: int = 150 * MIB) -> bytes:
    """An XLSX whose first sheet inflates to `inflated_bytes`."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData/></worksheet>')
    return _package({"[Content_Types].xml": _CONTENT_TYPES.encode(), "xl/worksheets/sheet1.xml": sheet},
                    "xl/worksheets/sheet1.xml", inflated_bytes)


def zip_bomb(inflated_bytes: int = 150 * MIB) -> bytes:
    """A plain ZIP with one text member inflating to `inflated_bytes`."""
    return _package({"附件1.txt": "第一条 正文。".encode()}, "附件1.txt", inflated_bytes)


def ofd_bomb(inflated_bytes: int = 150 * MIB) -> bytes:
    """An OFD package whose first page inflates to `inflated_bytes`."""
    page = b'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>'
    return _package({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>",
                     "Doc_0/Pages/Page_0/Content.xml": page}, "Doc_0/Pages/Page_0/Content.xml", inflated_bytes)


def dense_docx(paragraphs: int = 10_000_000) -> bytes:
    """A real DOCX whose body holds `paragraphs` empty paragraphs: 10 million is 60 MiB of XML
    (under the member cap) but a tree of over 1 GB in lxml."""
    import tempfile

    from yibao.testing.pdfgen import make_docx

    with tempfile.TemporaryDirectory(prefix="yibao-hostile-") as tmp:
        source = zipfile.ZipFile(make_docx(Path(tmp) / "base.docx", ["第一条 正文。"]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in source.infolist():
                if info.filename != "word/document.xml":
                    out.writestr(info.filename, source.read(info))
                    continue
                head, tail = source.read(info).split(b"<w:body>", 1)
                part = zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0))
                part.compress_type = zipfile.ZIP_DEFLATED
                with out.open(part, "w") as stream:
                    stream.write(head + b"<w:body>")
                    for start in range(0, paragraphs, 100_000):
                        stream.write(b"<w:p/>" * min(100_000, paragraphs - start))
                    stream.write(tail)
        source.close()
    return buf.getvalue()


def lying_header(archive: bytes, member: str, declared: int = 1000) -> bytes:
    """`archive` with `member`'s uncompressed size rewritten to `declared` in both its headers."""
    data = bytearray(archive)
    name = member.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
        at = data.find(signature)
        while at != -1:
            name_len = struct.unpack_from("<H", data, at + name_len_at)[0]
            if data[at + name_at:at + name_at + name_len] == name:
                size = struct.unpack_from("<I", data, at + size_at)[0]
                if size != 0xFFFFFFFF:  # not a zip64 placeholder
                    struct.pack_into("<I", data, at + size_at, declared)
                else:
                    _patch_zip64(data, at, name_at + name_len, name_len_at, declared)
            at = data.find(signature, at + 4)
    return bytes(data)


def _patch_zip64(data: bytearray, at: int, extra_from: int, name_len_at: int, declared: int) -> None:
    """The real size is in the zip64 extra field (id 1); its first 8 bytes are the uncompressed size."""
    extra_len = struct.unpack_from("<H", data, at + name_len_at + 2)[0]
    pos, end = at + extra_from, at + extra_from + extra_len
    while pos + 4 <= end:
        tag, size = struct.unpack_from("<HH", data, pos)
        if tag == 1:
            struct.pack_into("<Q", data, pos + 4, declared)
            return
        pos += 4 + size


def deep_html(levels: int = 1000, tag: str = "div") -> str:
    """An article page nested `levels` deep, with a clause at every level."""
    opening = "".join(f"<{tag}>第{i}条 内容{i}。" for i in range(1, levels + 1))
    return f"<html><head><title>嵌套</title></head><body>{opening}{f'</{tag}>' * levels}</body></html>"


def random_bytes(size: int = 4096, seed: int = 12) -> bytes:
    return random.Random(seed).randbytes(size)


def gbk_text() -> bytes:
    return ("关于调整门诊慢特病待遇的通知\n第一条 门诊慢特病待遇认定有效期为2年。\n"
            "第二条 定点医疗机构应当在患者出院前完成费用结算。\n").encode("gbk")


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """A one-page PDF that opens only with `user_password` (reportlab's standard encryption)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner-" + user_password,
                                                                   strength=128))
    pdf.drawString(72, 720, "Article 1. Confidential.")
    pdf.save()
    return buf.getvalue()


def sparse_xlsx() -> bytes:
    """A tiny XLSX with cells at A1 and XFD1048576: its used range spans 17 billion cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "药品名称"
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(path: str | Path, data: bytes | str) -> Path:
    path = Path(path)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path
