"""Result and limit types of attachment text extraction."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Mapping

KINDS = ("pdf", "docx", "xlsx", "xls", "doc", "wps", "ofd", "zip", "html", "text", "unknown")
STATUSES = ("ok", "garbled", "not_extracted", "too_large", "refused", "error")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps applied to one attachment.

    A file over `max_bytes` or a PDF/OFD over `max_pages` gives status "too_large" (pages: a
    partial text). An archive member (DOCX, XLSX, ZIP, OFD parts) inflating beyond
    `max_member_bytes`, archives inflating beyond `max_unpacked_bytes` in all, sheets beyond
    `max_cells`, an XML part loaded whole (DOCX parts, XLSX shared strings and styles, OFD
    pages) beyond `max_xml_elements` (a tree that size takes about 0.5 GB), or work beyond
    `timeout_s` give status "refused" with the reason.
    Each can be set in the environment: YIBAO_EXTRACT_<FIELD NAME IN CAPITALS>.
    """

    max_bytes: int = 50 * MIB
    max_pages: int = 500
    timeout_s: float = 120.0
    max_zip_members: int = 200
    max_zip_depth: int = 2
    max_member_bytes: int = 64 * MIB
    max_unpacked_bytes: int = 256 * MIB
    max_cells: int = 2_000_000
    max_xml_elements: int = 3_000_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        """Defaults, overridden by YIBAO_EXTRACT_MAX_MEMBER_BYTES=… etc.; a bad value raises ValueError."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f"YIBAO_EXTRACT_{f.name.upper()}")
            if raw is None or not raw.strip():
                continue
            try:
                values[f.name] = float(raw) if f.name == "timeout_s" else int(raw)
            except ValueError:
                raise ValueError(f"YIBAO_EXTRACT_{f.name.upper()}={raw!r} is not a number") from None
        return cls(**values)

    @staticmethod
    def env_name(field_name: str) -> str:
        return f"YIBAO_EXTRACT_{field_name.upper()}"


@dataclass
class AttachmentText:
    """Text (and tables) extracted from one attachment file.

    ``status`` is "ok" only when ``text`` is trustworthy. When it is not
    ("garbled", "not_extracted", "refused", "error"), ``text`` is empty and
    ``reason`` says why ("refused": a limit stopped the extraction). "too_large" may carry a partial text; ``partial`` is then True
    and ``reason`` names the part that was read.
    """

    kind: str = "unknown"
    status: str = "ok"
    reason: str = ""
    text: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    pages: int = 0
    engine: str = ""
    warnings: list[str] = field(default_factory=list)
    partial: bool = False
    filename: str = ""
    members: list["AttachmentText"] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return asdict(self)


class AttachmentError(Exception):
    """An attachment could not be read (corrupt file, converter failure)."""


class ExtractionRefused(AttachmentError):
    """Extraction stopped at a limit (size, cells, time); `reason` says which and how to raise it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ContentMismatch(AttachmentError):
    """The bytes are not what the file name says (a .txt that is binary, a .docx that is no zip)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
