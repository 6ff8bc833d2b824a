"""`yibao diff OLD NEW [--json|--html|--md] [--show-wording] [--truncated-tail|--no-truncated-tail]
[--successor|--versions] [-o FILE]`.

OLD/NEW: stored version id, file (every type `yibao extract` reads: .txt/.md in UTF-8 or GBK,
.html, .pdf, .docx, .xlsx, .xls, .doc, .wps, .ofd, .zip) or http(s) URL (read as the watcher stores
it: the site family's parser, page furniture stripped, attachments extracted).
Two versions of one document get the clause-by-clause 对照表.  A successor (a later notice with its own
发文字号, on the same topic, that does not repeal the earlier one) gets "what is new or different":
new obligations, changed numbers with units, provisions dropped.  The choice is automatic (both texts
print a 发文字号 and they differ); --successor / --versions force it.
Exit codes: 0 ok, 2 bad input (missing/unreadable file and why, unknown version, a file refused
at an extraction limit) or the comparison took longer than --timeout.
"""
from __future__ import annotations

import argparse
import math
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

from yibao.diff import compare_texts, render_html, render_markdown
from yibao.diff.sources import SourceError, load_source

DEFAULT_TIMEOUT_S = 120.0


class DiffTimeout(BaseException):
    """The time budget of one `yibao diff` ran out. A BaseException (like KeyboardInterrupt) so
    that the extractors' catch-all `except Exception` cannot swallow it."""


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
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help=f"give up after this long (default: YIBAO_DIFF_TIMEOUT_S or {DEFAULT_TIMEOUT_S:g})")
    p.set_defaults(func=run, format="md", truncated_tail=None, successor=None)


def _seconds(value: str) -> float:
    """--timeout: a positive, finite number of seconds (nan, inf, 0 and negatives are refused)."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0 or seconds > 86400:
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of seconds between 0 and 86400")
    return seconds


def _fail(message: str) -> int:
    print(f"yibao diff: error: {message}", file=sys.stderr)
    return 2


def _timeout_s(args: argparse.Namespace) -> float:
    if getattr(args, "timeout", None) is not None:
        return args.timeout
    raw = os.environ.get("YIBAO_DIFF_TIMEOUT_S", "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise SourceError(f"YIBAO_DIFF_TIMEOUT_S={raw!r} is not a number of seconds") from None


@contextlib.contextmanager
def _time_budget(seconds: float):
    """Raise DiffTimeout in this (main) thread after `seconds`; elsewhere (no signals) no budget."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(_signum, _frame):
        raise DiffTimeout()

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(args: argparse.Namespace) -> int:
    try:
        budget = _timeout_s(args)
    except SourceError as exc:
        return _fail(str(exc))
    try:
        with _time_budget(budget):
            old, new = load_source(args.old), load_source(args.new)
            successor = _compare_successor(args, old, new)
            result = None if successor is not None else compare_texts(
                old, new, show_wording=args.show_wording, truncated_tail=args.truncated_tail)
    except SourceError as exc:
        return _fail(str(exc))
    except DiffTimeout:
        return _fail(f"gave up after {budget:g} s reading and comparing {args.old} and {args.new} "
                     "(very large or deeply nested input?); raise --timeout or YIBAO_DIFF_TIMEOUT_S to wait longer")
    if successor is not None:
        from yibao.diff.successor import render_successor_html, render_successor_markdown
        if args.format == "json":
            out = json.dumps(successor.to_dict() | {"mode": "successor"}, ensure_ascii=False, indent=2) + "\n"
        elif args.format == "html":
            out = render_successor_html(successor)
        else:
            out = render_successor_markdown(successor)
        return _write(args, out)
    if args.format == "json":
        out = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        out = render_html(result, title_old=Path(args.old).name, title_new=Path(args.new).name)
    else:
        out = render_markdown(result)
    return _write(args, out)


def _compare_successor(args: argparse.Namespace, old, new):
    """The successor comparison when NEW succeeds OLD (forced, or both print different 发文字号), else None."""
    if args.successor is False:
        return None
    from yibao.document import parse_document
    old_doc, new_doc = parse_document(old), parse_document(new)
    if args.successor is None and not (old_doc.doc_numbers and new_doc.doc_numbers
                                       and not set(old_doc.doc_numbers) & set(new_doc.doc_numbers)):
        return None
    from yibao.diff.successor import compare_successor
    return compare_successor(old_doc, new_doc)


def _write(args: argparse.Namespace, out: str) -> int:
    if args.output:
        try:
            Path(args.output).write_text(out, encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror}")
    else:
        sys.stdout.write(out)
    return 0
