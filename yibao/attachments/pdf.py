"""PDF text extraction: a fast pypdfium2 path, pdfplumber for tables and as fallback.

Modes (``want_tables``):
- ``False``: text only, pypdfium2 (≈100× faster than pdfplumber's text).
- ``True``: text from pypdfium2, tables from pdfplumber on every page.
- ``None`` (auto, the default): tables from pdfplumber only on pages that
  pypdfium2 shows to have ruled lines (≥6 path objects or ≥24 path segments);
  other pages never touch pdfplumber.

Every text is checked by :mod:`garble`; when the fast text looks garbled the
document is re-read with pdfplumber (a different decoder) and a warning says
so. If both are garbled the status is "garbled" and no text is kept.
"""
from __future__ import annotations

import io
import time

from .garble import check_text
from .model import AttachmentText, Limits
from .textclean import clean_page_text, clean_table

RULED_MIN_PATHS = 6
RULED_MIN_SEGMENTS = 24


def extract_pdf(data: bytes, limits: Limits, want_tables: bool | None = None) -> AttachmentText:
    import pypdfium2 as pdfium

    result = AttachmentText(kind="pdf", engine="pypdfium2")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        import pypdfium2.raw as pdfium_c

        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            return AttachmentText(kind="pdf", status="not_extracted", engine="pypdfium2",
                                  reason="the PDF is encrypted with a user password; it cannot be read without it")
        return AttachmentText(kind="pdf", status="error", reason=f"PDF could not be opened: {exc}",
                              engine="pypdfium2")
    try:
        total = len(doc)
        result.pages = total
        n_read = min(total, limits.max_pages)
        started = time.monotonic()
        texts: list[str] = []
        ruled: list[int] = []
        image_only = 0
        for i in range(n_read):
            if time.monotonic() - started > limits.timeout_s:
                _mark_partial(result, f"timed out after {limits.timeout_s:g}s", i, total)
                n_read = i
                break
            page = doc[i]
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            texts.append(clean_page_text(raw))
            if want_tables:
                ruled.append(i)
            elif want_tables is None or not raw.strip():  # object scan only when it can matter
                paths, segments, images = _page_objects(page)
                if want_tables is None and (paths >= RULED_MIN_PATHS or segments >= RULED_MIN_SEGMENTS):
                    ruled.append(i)
                if not raw.strip() and images:
                    image_only += 1
            textpage.close()
            page.close()
        if n_read < total and not result.partial:
            _mark_partial(result, f"{total} pages exceed the limit of {limits.max_pages}", n_read, total)
    finally:
        doc.close()

    text = "\n".join(t for t in texts if t)
    if not text.strip():
        if image_only:
            return _fail(result, "not_extracted",
                         f"no text layer: {image_only} of {n_read} pages are images only (scanned; OCR needed)")
        return _fail(result, "not_extracted", "the PDF contains no text")

    verdict = check_text(text)
    if verdict.garbled:
        result.warnings.append(f"fast path (pypdfium2) text looks garbled ({verdict.reason}); "
                               "re-reading with pdfplumber")
        fallback = _plumber_text(data, n_read)
        second = check_text(fallback)
        if second.garbled or not fallback.strip():
            return _fail(result, "garbled", f"text is garbled in both pypdfium2 and pdfplumber: {verdict.reason}")
        text = fallback
        result.engine = "pdfplumber"

    result.text = text
    if ruled and want_tables is not False:
        result.tables = _plumber_tables(data, ruled)
        if result.engine == "pypdfium2":
            result.engine = "pypdfium2+pdfplumber-tables"
        if any(check_text("".join(c for row in t for c in row)).garbled for t in result.tables):
            result.tables = []
            result.warnings.append("tables dropped: their cell text looks garbled")
    return result


def _page_objects(page) -> tuple[int, int, int]:
    """(path objects, path segments, image objects) on one page."""
    import pypdfium2.raw as pdfium_c

    paths = segments = images = 0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE), max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            segments += max(0, pdfium_c.FPDFPath_CountSegments(obj.raw))
        else:
            images += 1
    return paths, segments, images


def _plumber_text(data: bytes, n_pages: int) -> str:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:n_pages]:
            out.append(clean_page_text(page.extract_text() or ""))
            page.close()
    return "\n".join(t for t in out if t)


def _plumber_tables(data: bytes, page_indexes: list[int]) -> list[list[list[str]]]:
    import pdfplumber

    tables: list[list[list[str]]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in page_indexes:
            page = pdf.pages[i]
            for table in page.extract_tables():
                cleaned = clean_table(table)
                if cleaned:
                    tables.append(cleaned)
            page.close()
    return tables


def fast_text(data: bytes) -> str:
    """Text of every page via pypdfium2 only (the bench's "fast path")."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            out.append(clean_page_text(textpage.get_text_range()))
            textpage.close()
            page.close()
        return "\n".join(out)
    finally:
        doc.close()


def _mark_partial(result: AttachmentText, why: str, read: int, total: int) -> None:
    result.status = "too_large"
    result.partial = True
    result.reason = f"{why}; PARTIAL TEXT: only pages 1-{read} of {total} were read"


def _fail(result: AttachmentText, status: str, reason: str) -> AttachmentText:
    result.status = status
    result.reason = reason
    result.text = ""
    result.tables = []
    result.partial = False
    return result
