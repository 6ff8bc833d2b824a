"""Text extraction from policy attachments (PDF, DOCX, XLSX, XLS, DOC/WPS, OFD, ZIP).

    from yibao.attachments import extract_bytes, extract_file, Limits
    result = extract_file("附件1.pdf")
    if result.ok: ...            # result.text, result.tables, result.rows
    else: print(result.status, result.reason)   # e.g. "refused", "archive member … inflates to …"

Limits (sizes, pages, cells, time) come from YIBAO_EXTRACT_* settings: see Limits.
"""
from .api import extract_bytes, extract_file
from .detect import detect_kind
from .garble import check_text
from .model import AttachmentError, AttachmentText, ContentMismatch, ExtractionRefused, Limits

__all__ = ["AttachmentError", "AttachmentText", "ContentMismatch", "ExtractionRefused", "Limits", "check_text",
           "detect_kind", "extract_bytes", "extract_file"]
