"""Generators of realistic CJK attachment files (PDF / XLSX / DOCX) for tests,
the site mirror and benchmarks.

PDFs are drawn with reportlab and the WenQuanYi Micro Hei TrueType font, which
is embedded as a subset with a ToUnicode map, so text extraction round-trips
(domain.md §6.1). The font is a system package: ``apt-get install -y
fonts-wqy-microhei``. When it is missing, :class:`CJKFontMissing` is raised with
that hint; tests turn it into a skip.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

FONT_PACKAGE = "fonts-wqy-microhei"
FONT_FILE = "wqy-microhei.ttc"
FONT_NAME = "WQYMicroHei"
_FONT_DIRS = (
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".fonts"),
    str(Path.home() / ".local/share/fonts"),
    "/Library/Fonts",
)


class CJKFontMissing(RuntimeError):
    """The CJK TrueType font needed for PDF fixtures is not installed."""


def find_cjk_font() -> Path:
    """Path of wqy-microhei.ttc, searched in the usual font folders."""
    for folder in _FONT_DIRS:
        base = Path(folder)
        direct = base / FONT_FILE
        if direct.is_file():
            return direct
        if base.is_dir() and folder.endswith("fonts"):
            for hit in base.rglob(FONT_FILE):
                return hit
    raise CJKFontMissing(
        f"CJK font {FONT_FILE} not found; install it with: apt-get install -y {FONT_PACKAGE}"
    )


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(find_cjk_font()), subfontIndex=0))
    return FONT_NAME


def make_policy_pdf(path: str | Path, lines: Sequence[str], *, font_size: float = 12,
                    lines_per_page: int = 34, page_numbers: bool = True,
                    char_space: float = 0.0) -> Path:
    """A plain 公文-style PDF: one drawn line per item of ``lines``.

    ``page_numbers`` adds GB/T 9704 footers (``— 3 —``); ``char_space`` widens
    the character spacing (justified text, which makes naive extractors emit
    spaces between Chinese characters).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font()
    path = Path(path)
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1, invariant=1)
    width, height = A4
    chunks = [list(lines[i:i + lines_per_page]) for i in range(0, max(len(lines), 1), lines_per_page)]
    for page_no, chunk in enumerate(chunks, start=1):
        y = height - 72
        for line in chunk:
            text = c.beginText(72, y)
            text.setFont(font, font_size)
            text.setCharSpace(char_space)
            text.textLine(line)
            c.drawText(text)
            y -= font_size * 1.8
        if page_numbers:
            c.setFont(font, 10)
            c.drawCentredString(width / 2, 40, f"— {page_no} —")
        c.showPage()
    c.save()
    return path


CATALOGUE_HEADER = ["编号", "药品分类", "药品名称", "剂型", "医保支付标准", "备注", "协议有效期"]
_DRUGS = [
    ("艾司奥美拉唑镁肠溶胶囊", "胶囊剂"), ("注射用紫杉醇（白蛋白结合型）", "注射剂"),
    ("甲磺酸奥希替尼片", "片剂"), ("司美格鲁肽注射液", "注射剂"), ("复方氨基酸注射液（14AA-SF）", "注射剂"),
    ("门冬氨酸鸟氨酸颗粒", "颗粒剂"), ("丹红注射液", "注射剂"), ("盐酸二甲双胍缓释片", "缓释片"),
]
_CLASSES = ["消化道和代谢方面的药物", "抗肿瘤药及免疫调节剂", "神经系统药物", "血液和造血器官药物"]
_NOTES = ["限EGFR L858R突变的非小细胞肺癌患者", "限二线及以上治疗", "", "限有明确诊断的患者使用", ""]


def catalogue_rows(rows: int) -> list[list[str]]:
    """Deterministic drug-catalogue rows (cells as they should read after extraction)."""
    out = []
    for i in range(rows):
        name, form = _DRUGS[i % len(_DRUGS)]
        price = f"{(i * 37 % 900) + 12.5:.2f}元" if i % 7 else "*"
        out.append([str(i + 1), _CLASSES[i % len(_CLASSES)], name, form, price,
                    _NOTES[i % len(_NOTES)], "2025年1月1日至2026年12月31日"])
    return out


def make_catalogue_pdf(path: str | Path, rows: int = 40, pages: int | None = None) -> Path:
    """A ruled drug-catalogue table whose CJK cells wrap inside their cells.

    With ``pages`` set, ``rows`` is raised so the document has at least that
    many pages.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    font = _register_font()
    rows_per_page = 12  # a slight underestimate: the result has at least ``pages`` pages
    if pages is not None:
        rows = max(rows, pages * rows_per_page)
    style = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    data = [[Paragraph(h, style) for h in CATALOGUE_HEADER]]
    data += [[Paragraph(cell, style) for cell in row] for row in catalogue_rows(rows)]
    table = LongTable(data, colWidths=[36, 90, 120, 50, 70, 150, 80], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    path = Path(path)

    def footer(canvas, doc):
        canvas.setFont(font, 9)
        canvas.drawCentredString(landscape(A4)[0] / 2, 20, f"第 {doc.page} 页")

    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), topMargin=36, bottomMargin=36, invariant=1)
    doc.build([table], onFirstPage=footer, onLaterPages=footer)
    if pages is not None and doc.page < pages:  # rows wrapped less than estimated: scale up once
        return make_catalogue_pdf(path, rows=rows * pages // doc.page + rows_per_page, pages=None)
    return path


def make_broken_tounicode_pdf(src: str | Path, dst: str | Path) -> Path:
    """Copy ``src`` with every font's /ToUnicode entry disabled.

    The key is renamed in place (``/ToUnicode`` → ``/ToUnicodX``, same length),
    so the cross-reference offsets stay valid and no PDF library is needed.
    reportlab writes font dictionaries uncompressed, so the key is visible.
    Extractors then fall back to the font's internal codes and return wrong
    characters or ``(cid:N)`` tokens, like real PDFs with a missing map.
    """
    data = Path(src).read_bytes()
    count = len(re.findall(rb"/ToUnicode\b", data))
    if count == 0:
        raise ValueError(f"{src}: no /ToUnicode entry found (compressed object streams?)")
    Path(dst).write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    return Path(dst)


def make_catalogue_xlsx(path: str | Path, rows: int = 40) -> Path:
    """The drug catalogue as an .xlsx: a title row, then the header, then rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("药品目录")
    ws.append(["青海省基本医疗保险药品目录（示例）"])
    ws.append(CATALOGUE_HEADER)
    for row in catalogue_rows(rows):
        ws.append([int(row[0])] + row[1:])
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    path = Path(path)
    wb.save(str(path))
    return _make_zip_stable(path)


def make_docx(path: str | Path, paragraphs: Sequence[str],
              table: Sequence[Sequence[str]] | None = None) -> Path:
    """A .docx with the given paragraphs and, optionally, one table after them."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(r) for r in table))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.core_properties.created = document.core_properties.modified = _FIXED_TIME
    path = Path(path)
    document.save(str(path))
    return _make_zip_stable(path)


_FIXED_TIME = __import__("datetime").datetime(2026, 1, 1)


def _make_zip_stable(path: Path) -> Path:
    """Rewrite an OOXML zip with fixed entry times, so the same content gives the same bytes
    (a mirror restart must not look like a revised attachment)."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # writers stamp the save time here
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    path.write_bytes(buf.getvalue())
    return path
