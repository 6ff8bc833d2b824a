"""Text extraction from policy attachments (PDF, DOCX, XLSX, XLS, DOC/WPS, OFD, ZIP).

    from yibao.attachments import extract_bytes, extract_file, Limits
    result = extract_file("附件1.pdf")
    if result.ok: ...            # result.text, result.tables, result.rows
    else: print(result.status, result.reason)
"""
from .api import extract_bytes, extract_file
from .detect import detect_kind
from .garble import check_text
from .model import AttachmentError, AttachmentText, Limits

__all__ = ["AttachmentError", "AttachmentText", "Limits", "check_text", "detect_kind",
           "extract_bytes", "extract_file"]
