"""`yibao extract FILE|URL [--json] [--text]`: document metadata of a page, text or attachment.

FILE may be .txt, .html/.htm (an article page), or an attachment
(.pdf/.docx/.xlsx/.xls/.doc/.wps/.ofd/.zip; the type is taken from the bytes).
Exit codes: 0 ok, 1 the file was read but its text could not be extracted
(garbled, no converter, too large), 2 bad input (missing file, unsupported
type, bytes that do not match the name, fetch failure, a file refused at a
limit: archive members inflating too far, too many cells, too slow — see
yibao.attachments.Limits for the YIBAO_EXTRACT_* settings).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from yibao.attachments import Limits, extract_bytes
from yibao.attachments.detect import detect_kind
from yibao.attachments.files import EXPECTED_KINDS, sniff_file
from yibao.attachments.model import ContentMismatch
from yibao.attachments.plain import decode_text, read_text
from yibao.extract import extract_metadata

FETCH_TIMEOUT_S = 30.0


class ExtractInputError(Exception):
    """The target cannot be read: missing file, unsupported type, fetch failure."""


@dataclass
class Loaded:
    source: str
    data: bytes
    kind: str                      # "text" | "html" | an attachment kind
    url: str | None = None
    extra: dict = field(default_factory=dict)


def _fetch(url: str) -> Loaded:
    import httpx

    limit = _limits().max_bytes
    try:
        with httpx.stream("GET", url, timeout=FETCH_TIMEOUT_S, follow_redirects=True,
                          headers={"User-Agent": "yibao-extract/0.1"}) as resp:
            resp.raise_for_status()
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ExtractInputError(f"{url} is larger than the limit of {limit} bytes "
                                            f"({Limits.env_name('max_bytes')})")
                chunks.append(chunk)
            content, content_type, final_url = b"".join(chunks), resp.headers.get("content-type", ""), str(resp.url)
    except httpx.HTTPError as exc:
        raise ExtractInputError(f"fetch failed for {url}: {type(exc).__name__}: {exc}") from exc
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    kind = detect_kind(content, name)
    if "html" in content_type and kind in ("html", "text", "unknown"):
        kind = "html"
    return Loaded(url, content, kind, url=final_url)


def load_target(target: str) -> Loaded:
    if target.startswith(("http://", "https://")):
        return _fetch(target)
    path = Path(target)
    if not path.exists():
        raise ExtractInputError(f"no such file: {target}")
    if not path.is_file():
        raise ExtractInputError(f"not a file: {target}")
    limits = _limits()
    if path.stat().st_size > limits.max_bytes:
        raise ExtractInputError(f"{target} is {path.stat().st_size} bytes, over the limit of {limits.max_bytes} "
                                f"({Limits.env_name('max_bytes')})")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        kind = sniff_file(path.name, data)
    except ContentMismatch as exc:
        raise ExtractInputError(exc.reason) from None
    if suffix not in EXPECTED_KINDS and kind == "text":
        raise ExtractInputError(f"unsupported file type {suffix or '(no extension)'}: {target} "
                                "(expected .txt, .html, .pdf, .docx, .xlsx, .xls, .doc, .wps, .ofd or .zip)")
    return Loaded(target, data, kind)


def _limits() -> Limits:
    try:
        return Limits.from_env()
    except ValueError as exc:
        raise ExtractInputError(str(exc)) from None


def parse_page(html: str, url: str | None):
    """Site parser when one recognises the page, else the generic fallback."""
    try:
        from scrapers.registry import parse_article

        return parse_article(html, url or "")
    except Exception:  # registry missing, unknown family or layout drift → generic reader
        from yibao.extract.html import parse_generic

        return parse_generic(html, url)


def _page_hints(page) -> dict:
    return {k: getattr(page, k, None) for k in ("title", "publish_date", "doc_number", "issuer", "written_date")}


def _attachment_links(page) -> list[dict]:
    out = []
    for item in getattr(page, "attachments", []) or []:
        if isinstance(item, (list, tuple)):
            out.append({"name": item[0], "url": item[1]})
        else:
            out.append({"name": getattr(item, "name", ""), "url": getattr(item, "url", "")})
    return out


def build_report(loaded: Loaded) -> tuple[dict, str, int]:
    """(report dict, body text, exit code) for a loaded target."""
    extra: dict = {"source": loaded.source}
    code = 0
    if loaded.kind == "html":
        page = parse_page(decode_text(loaded.data), loaded.url)
        text = page.body_text or ""
        meta = extract_metadata(text, hints=_page_hints(page))
        extra["page_attachments"] = _attachment_links(page)
        extra["parser"] = type(page).__module__
    elif loaded.kind == "text":
        try:
            text = read_text(loaded.data, Path(loaded.source).name)
        except ContentMismatch as exc:
            raise ExtractInputError(exc.reason) from None
        meta = extract_metadata(text)
    else:
        result = extract_bytes(loaded.data, Path(loaded.source).name, limits=_limits())
        if result.status == "refused":
            raise ExtractInputError(f"refused: {result.reason}")
        extra["extraction"] = {k: getattr(result, k) for k in
                               ("kind", "status", "reason", "engine", "pages", "partial", "warnings")}
        extra["extraction"]["tables"] = len(result.tables)
        text = result.text
        if result.status not in ("ok", "too_large"):
            code = 1
        meta = extract_metadata(text)
    report = meta.to_dict() | extra
    return report, text, code


def _print_human(report: dict, out) -> None:
    keys = ("title", "doc_number", "issuer", "written_date", "publish_date", "effective_date",
            "effective_basis", "expiry", "expiry_years")
    for key in keys:
        if report.get(key) is not None:
            print(f"{key}: {report[key]}", file=out)
    for r in report.get("repeals", []):
        print(f"repeals: {r.get('title') or ''} {r.get('doc_number') or ''}".rstrip(), file=out)
    for name in report.get("attachments", []):
        print(f"attachment: {name}", file=out)
    ext = report.get("extraction")
    if ext:
        print(f"extraction: {ext['kind']} {ext['status']} via {ext['engine'] or '-'}"
              + (f" ({ext['reason']})" if ext["reason"] else ""), file=out)
    for warning in report.get("warnings", []):
        print(f"warning: {warning}", file=out)


def run(args: argparse.Namespace) -> int:
    try:
        loaded = load_target(args.target)
        report, text, code = build_report(loaded)
    except ExtractInputError as exc:
        print(f"yibao extract: error: {exc}", file=sys.stderr)
        return 2
    doc = None
    if getattr(args, "provisions", False):
        from yibao.document import parse_document
        from yibao.document.show import document_dict, outline_lines
        doc = parse_document(text, title=report.get("title"))
        report["document"] = document_dict(doc)
    if getattr(args, "text", False):
        report["text"] = text
    if getattr(args, "json", False):
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_human(report, sys.stdout)
        if doc is not None:
            print("\n" + "\n".join(outline_lines(doc)))
        if getattr(args, "text", False):
            print("\n" + text)
    if code:
        ext = report.get("extraction", {})
        print(f"yibao extract: {ext.get('status')}: {ext.get('reason')}", file=sys.stderr)
    return code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="FILE|URL", help="a .txt/.html/.pdf/.docx/.xlsx/.xls/.doc file or an http(s) URL")
    parser.add_argument("--json", action="store_true", help="print the metadata as JSON")
    parser.add_argument("--text", action="store_true", help="also print the extracted body text")
    parser.add_argument("--provisions", action="store_true",
                        help="also show the document model: zones and the annotated provisions (modality, actors, facts)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "extract", help="document metadata (发文字号, dates, 施行, 废止, 附件) of a page, text or attachment",
        description="Read one saved page (.html), text (.txt) or attachment (.pdf, .docx, .doc, .wps, .xlsx, .xls, "
                    ".ofd, .zip) and print its 公文 metadata; --provisions shows the document model.")
    add_arguments(parser)
    parser.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yibao extract")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
