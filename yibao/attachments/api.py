"""Entry points: extract_bytes / extract_file."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from .detect import detect_kind
from .guard import time_budget
from .model import AttachmentText, ExtractionRefused, Limits

log = logging.getLogger(__name__)


def extract_bytes(data: bytes, filename: str = "", *, limits: Limits | None = None,
                  want_tables: bool | None = None, _depth: int = 0) -> AttachmentText:
    """Extract the text (and tables) of one attachment.

    The type is detected from the bytes; ``filename`` only breaks ties
    (.doc vs .wps). Failures never raise: they come back as a status
    ("garbled", "not_extracted", "too_large", "refused", "error") with a reason.
    ``limits``: default :meth:`Limits.from_env`. ``want_tables``: see
    :mod:`yibao.attachments.pdf` (None = auto).
    """
    limits = limits or Limits.from_env()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"extract_bytes needs bytes, got {type(data).__name__}")
    data = bytes(data)
    kind = detect_kind(data, filename)
    if len(data) > limits.max_bytes:
        return AttachmentText(kind=kind, status="too_large", filename=filename,
                              reason=f"{len(data)} bytes exceed the limit of {limits.max_bytes} bytes")
    try:
        with time_budget(limits):
            result = _dispatch(kind, data, filename, limits, want_tables, _depth)
    except ExtractionRefused as exc:
        result = AttachmentText(kind=kind, status="refused", reason=exc.reason)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        result = AttachmentText(kind=kind, status="error", reason=f"{kind} file could not be read: {exc}")
    except Exception as exc:  # a corrupt file must not stop a whole crawl; keep the reason
        log.exception("attachment extraction failed: %s", filename)
        result = AttachmentText(kind=kind, status="error", reason=f"{type(exc).__name__}: {exc}")
    result.filename = result.filename or filename
    if result.status != "ok" and result.status != "too_large":
        result.text = ""
    return result


def _dispatch(kind: str, data: bytes, filename: str, limits: Limits, want_tables: bool | None,
              depth: int) -> AttachmentText:
    if kind == "pdf":
        from .office import rows_from_tables
        from .pdf import extract_pdf

        result = extract_pdf(data, limits, want_tables)
        result.rows = rows_from_tables(result.tables)
        return result
    if kind == "docx":
        from .office import extract_docx
        return extract_docx(data, limits)
    if kind == "xlsx":
        from .office import extract_xlsx
        return extract_xlsx(data, limits)
    if kind == "xls":
        from .office import extract_xls
        return extract_xls(data, limits)
    if kind in ("doc", "wps"):
        from .legacy import extract_doc
        return extract_doc(data, kind, limits)
    if kind == "ofd":
        from .ofd import extract_ofd
        return extract_ofd(data, limits)
    if kind == "zip":
        from .archive import extract_zip
        return extract_zip(data, limits, extract_bytes, depth)
    if kind in ("html", "text"):
        from .plain import extract_plain
        return extract_plain(data, kind)
    return AttachmentText(kind="unknown", status="not_extracted",
                          reason=f"unsupported file type (first bytes {data[:8]!r})")


def extract_file(path: str | Path, *, limits: Limits | None = None,
                 want_tables: bool | None = None) -> AttachmentText:
    """Like :func:`extract_bytes` for a file on disk. A missing file raises FileNotFoundError."""
    path = Path(path)
    limits = limits or Limits.from_env()
    size = path.stat().st_size
    if size > limits.max_bytes:
        return AttachmentText(kind="unknown", status="too_large", filename=path.name,
                              reason=f"{size} bytes exceed the limit of {limits.max_bytes} bytes")
    return extract_bytes(path.read_bytes(), path.name, limits=limits, want_tables=want_tables)
