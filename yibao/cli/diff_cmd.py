"""`yibao diff OLD NEW [--json|--html|--md] [--show-wording] [--truncated-tail|--no-truncated-tail]
[--successor|--versions] [-o FILE]`.

OLD/NEW: stored version id, file (.txt/.md/.html/.pdf/.docx) or http(s) URL.
Two versions of one document get the clause-by-clause 对照表.  A successor (a later notice with its own
发文字号, on the same topic, that does not repeal the earlier one) gets "what is new or different":
new obligations, changed numbers with units, provisions dropped.  The choice is automatic (both texts
print a 发文字号 and they differ); --successor / --versions force it.
Exit codes: 0 ok, 2 bad input (missing/unreadable file, unknown version).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from yibao.diff import compare_texts, render_html, render_markdown
from yibao.diff.sources import SourceError, load_source


def register(subparsers) -> None:
    p = subparsers.add_parser("diff", help="clause-by-clause comparison (对照表) of two versions",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="change list as JSON")
    fmt.add_argument("--html", dest="format", action="store_const", const="html", help="side-by-side redline page")
    fmt.add_argument("--md", dest="format", action="store_const", const="md", help="short Markdown summary (default)")
    p.add_argument("--show-wording", action="store_true", help="include wording-only changes (punctuation, spacing)")
    trunc = p.add_mutually_exclusive_group()
    trunc.add_argument("--truncated-tail", dest="truncated_tail", action="store_const", const=True,
                       help="texts are excerpts: ignore clauses beyond the common coverage")
    trunc.add_argument("--no-truncated-tail", dest="truncated_tail", action="store_const", const=False)
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--successor", dest="successor", action="store_const", const=True,
                      help="NEW is a successor document: show what is new or different, provision by provision")
    kind.add_argument("--versions", dest="successor", action="store_const", const=False,
                      help="OLD and NEW are versions of one document: clause-by-clause 对照表")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=run, format="md", truncated_tail=None, successor=None)


def _fail(message: str) -> int:
    print(f"yibao diff: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        old, new = load_source(args.old), load_source(args.new)
    except SourceError as exc:
        return _fail(str(exc))
    successor = args.successor
    if successor is not False:
        from yibao.document import parse_document
        old_doc, new_doc = parse_document(old), parse_document(new)
        if successor is None:
            successor = bool(old_doc.doc_numbers and new_doc.doc_numbers
                             and not set(old_doc.doc_numbers) & set(new_doc.doc_numbers))
    if successor:
        from yibao.diff.successor import compare_successor, render_successor_html, render_successor_markdown
        cmp = compare_successor(old_doc, new_doc)
        if args.format == "json":
            out = json.dumps(cmp.to_dict() | {"mode": "successor"}, ensure_ascii=False, indent=2) + "\n"
        elif args.format == "html":
            out = render_successor_html(cmp)
        else:
            out = render_successor_markdown(cmp)
        return _write(args, out)
    result = compare_texts(old, new, show_wording=args.show_wording, truncated_tail=args.truncated_tail)
    if args.format == "json":
        out = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        out = render_html(result, title_old=Path(args.old).name, title_new=Path(args.new).name)
    else:
        out = render_markdown(result)
    return _write(args, out)


def _write(args: argparse.Namespace, out: str) -> int:
    if args.output:
        try:
            Path(args.output).write_text(out, encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror}")
    else:
        sys.stdout.write(out)
    return 0
