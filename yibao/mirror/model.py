"""What the mirror serves: sites, documents, attachments, requests, responses."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

FAILURE_MODES = (None, "challenge_412", "ruishu", "503", "redesign", "slow", "empty")


@dataclass
class MirrorAttachment:
    name: str  # display name, e.g. "检验类医疗服务价格项目立项指南（试行）"
    filename: str  # e.g. "7b4f347cc282425d833c41266be0063e.xlsx"
    data: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "filename": self.filename, "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MirrorAttachment":
        return cls(name=d["name"], filename=d["filename"], data=base64.b64decode(d.get("data") or b""))


@dataclass
class MirrorDocument:
    site: str  # mirror site id (= source id)
    column: str  # column id, e.g. "104"
    doc_id: str  # unique within the site, e.g. "21766"
    title: str
    publish_date: str  # "YYYY-MM-DD"
    body: str  # plain paragraphs separated by "\n"
    doc_number: str | None = None
    issuer: str | None = None
    written_date: str | None = None
    attachments: list[MirrorAttachment] = field(default_factory=list)
    validity: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in (
            "site", "column", "doc_id", "title", "publish_date", "body", "doc_number",
            "issuer", "written_date", "validity", "extra")}
        d["attachments"] = [a.to_dict() for a in self.attachments]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MirrorDocument":
        missing = [k for k in ("site", "column", "doc_id", "title", "publish_date", "body") if not d.get(k)]
        if missing:
            raise ValueError(f"MirrorDocument is missing required field(s): {', '.join(missing)}")
        return cls(
            site=d["site"], column=str(d["column"]), doc_id=str(d["doc_id"]), title=d["title"],
            publish_date=d["publish_date"], body=d["body"], doc_number=d.get("doc_number"),
            issuer=d.get("issuer"), written_date=d.get("written_date"),
            attachments=[MirrorAttachment.from_dict(a) for a in d.get("attachments") or []],
            validity=d.get("validity"), extra=dict(d.get("extra") or {}),
        )


@dataclass
class MirrorSite:
    id: str  # = source id in config/sources.yaml, URL prefix "/<id>"
    family: str  # renderer family: hanweb | gd_nfcms | sh_static | zj_jpaas | sc_trs
    columns: list[str]  # column ids
    documents: list[MirrorDocument] = field(default_factory=list)
    failure: str | None = None  # one of FAILURE_MODES
    name: str = ""  # display name, e.g. "国家医疗保障局"
    column_names: dict[str, str] = field(default_factory=dict)  # column id -> name
    robots_txt: str = "User-agent: *\nDisallow: /private/\n"
    extra: dict = field(default_factory=dict)  # family-specific settings

    def column_documents(self, column: str) -> list[MirrorDocument]:
        """Documents of one column, newest first (stable by doc_id)."""
        docs = [d for d in self.documents if d.column == column]
        return sorted(docs, key=lambda d: (d.publish_date, d.doc_id), reverse=True)

    def find_document(self, doc_id: str) -> MirrorDocument | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def find_attachment(self, filename: str) -> MirrorAttachment | None:
        for doc in self.documents:
            for att in doc.attachments:
                if att.filename == filename:
                    return att
        return None


@dataclass
class Request:
    method: str  # "GET" | "POST"
    path: str  # relative to the site prefix, e.g. "/col/col104/index.html"
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def live(doc: MirrorDocument | None) -> bool:
    """A document whose page is served (a withdrawn one answers 404 but stays on its list page)."""
    return doc is not None and not doc.extra.get("gone")


def html_response(html: str, status: int = 200, *, charset: str = "utf-8", headers: dict | None = None) -> Response:
    """An HTML page encoded in ``charset`` with a matching Content-Type."""
    h = {"Content-Type": f"text/html; charset={charset}"}
    h.update(headers or {})
    return Response(status=status, body=html.encode(charset), headers=h)


def bytes_response(data: bytes, content_type: str, *, filename: str | None = None) -> Response:
    h = {"Content-Type": content_type}
    if filename:
        h["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(status=200, body=data, headers=h)


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "txt": "text/plain; charset=utf-8",
    "zip": "application/zip",
}


def attachment_response(att: MirrorAttachment) -> Response:
    ext = att.filename.rsplit(".", 1)[-1].lower() if "." in att.filename else ""
    return bytes_response(att.data, CONTENT_TYPES.get(ext, "application/octet-stream"), filename=att.filename)
