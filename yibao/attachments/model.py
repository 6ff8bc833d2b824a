"""Result and limit types of attachment text extraction."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

KINDS = ("pdf", "docx", "xlsx", "xls", "doc", "wps", "ofd", "zip", "html", "text", "unknown")
STATUSES = ("ok", "garbled", "not_extracted", "too_large", "error")


@dataclass(frozen=True)
class Limits:
    """Caps applied to one attachment. Exceeding one gives status "too_large"."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    timeout_s: float = 120.0
    max_zip_members: int = 200
    max_zip_depth: int = 2


@dataclass
class AttachmentText:
    """Text (and tables) extracted from one attachment file.

    ``status`` is "ok" only when ``text`` is trustworthy. When it is not
    ("garbled", "not_extracted", "error"), ``text`` is empty and ``reason``
    says why. "too_large" may carry a partial text; ``partial`` is then True
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
