"""`yibao draft`: role-tailored lesson drafts from the store or from two files.

  yibao draft --doc ID [--role ROLE] [--format md|html|text|im|gift|xml|pack|json]
  yibao draft --old FILE --new FILE [--role ROLE] [--title T] [--publish-date YYYY-MM-DD] [...]
  yibao draft --new FILE --title T ...            (a new document: its key provisions)

Without --role every relevant role is drafted. Exit codes: 0 ok, 2 bad input.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

FORMATS = ("md", "html", "text", "im", "gift", "xml", "pack", "json")


class DraftInputError(ValueError):
    """Bad command-line input: printed on stderr, exit code 2."""


def register(subparsers) -> None:
    p = subparsers.add_parser("draft", help="draft role-tailored lessons (md/html/im/GIFT/Moodle XML)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_argument_group("source (either --doc, or --new with optional --old)")
    src.add_argument("--doc", type=int, metavar="ID", help="document id in the store (its latest change)")
    src.add_argument("--old", metavar="FILE", help="previous version (txt/html/pdf/docx)")
    src.add_argument("--new", metavar="FILE", help="new version (txt/html/pdf/docx)")
    p.add_argument("--role", action="append", metavar="ROLE", help="role id or name (repeatable); default: all relevant")
    p.add_argument("--format", default="md", choices=FORMATS)
    p.add_argument("--drafter", default="rules", choices=("rules", "llm"))
    p.add_argument("--notes", help="trainer notes, e.g. 只保留第三条；强调起付线")
    p.add_argument("--title", help="document title (file mode; default: the file name)")
    p.add_argument("--doc-number", help="发文字号 (file mode)")
    p.add_argument("--publish-date", help="publish date YYYY-MM-DD (file mode; default: the text's 成文日期, else today)")
    p.add_argument("--effective-date", help="施行 date YYYY-MM-DD (file mode; default: read from the text)")
    p.add_argument("--url", help="source link (file mode)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def _date(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
        day + dt.timedelta(days=366)   # deadlines and 学习期限 are counted from it
        return day
    except OverflowError as exc:
        raise DraftInputError(f"{what} is out of range: {value!r}") from exc
    except ValueError as exc:
        raise DraftInputError(f"{what} must be YYYY-MM-DD, got {value!r}") from exc


def read_text(path: str) -> str:
    p = Path(path)
    if p.is_dir():
        raise DraftInputError(f"{path} is a folder; give a file")
    if not p.exists():
        raise DraftInputError(f"no such file: {path}")
    if not p.is_file():
        raise DraftInputError(f"{path} is not a regular file")
    from yibao.diff.sources import SourceError, load_source

    try:
        return load_source(str(p))
    except SourceError as exc:
        raise DraftInputError(str(exc)) from exc


def _squash(text: str) -> str:
    return "".join(text.split())


def _printed_title(path: str) -> str | None:
    """The document's own title as `yibao extract FILE` reads it (a page's heading, the text's title line)."""
    from yibao.cli.extract_cmd import ExtractInputError, build_report, load_target

    try:
        return build_report(load_target(path))[0].get("title") or None
    except (ExtractInputError, OSError, ValueError):
        return None


def _from_files(args):
    from yibao.lessons import DocContext
    from yibao.lessons.model import response_deadline
    from yibao.lessons.diffsource import compare

    new_text = read_text(args.new)
    old_text = read_text(args.old) if args.old else None
    publish, origin = _date(args.publish_date, "--publish-date"), "given"
    from yibao.document import parse_document
    parsed = parse_document(new_text, title=args.title)
    if publish is None:   # no date given: the document's own 成文日期, else today (the lesson says which)
        publish, origin = parsed.signed_date, "text"
        if publish is None:
            publish, origin = dt.date.today(), "today"
    # the title the text prints (as `yibao extract` reads it), else the file's name
    printed = _printed_title(args.new) or parsed.title
    title = args.title or printed or Path(args.new).stem
    if args.title and printed and _squash(printed) != _squash(args.title):
        print(f"yibao draft: note: the text prints its title as 《{printed}》; the lessons use --title 《{args.title}》",
              file=sys.stderr)
    if old_text is None and re.search(r"修订|修正|修改", title):
        print("yibao draft: note: the title says this is a revision; give --old FILE (the earlier text) to teach "
              "what changed, clause by clause", file=sys.stderr)
    doc = DocContext(
        doc_id=None, title=title, doc_number=args.doc_number or next(iter(parsed.doc_numbers), None), issuer=None,
        publish_date=publish, effective_date=_date(args.effective_date, "--effective-date"),
        # staff answer within 7 working days of receiving the lesson, not of a 2020 成文日期
        deadline=response_deadline(dt.date.today()) if origin == "text" else None,
        url=args.url or Path(args.new).resolve().as_uri(), source_name="file",
        kind="revised" if old_text is not None else "new",
        predecessor_title=Path(args.old).stem if args.old else None, text=new_text, publish_date_origin=origin)
    diff = compare(old_text, new_text) if old_text is not None else None
    if diff is not None and (old_text == new_text or not diff.get("changes")):
        raise DraftInputError("--old and --new are identical texts: no change to teach")
    return doc, diff


def _from_store(doc_id: int):
    try:
        from sqlalchemy import select
        from yibao.store import Change, Document, open_session
    except ImportError as exc:
        raise DraftInputError(f"the store is not available ({exc}); use --old/--new files") from exc
    try:
        from yibao.pipeline.drafting import doc_context
    except ImportError:
        doc_context = None
    with open_session() as session:
        document = session.get(Document, doc_id)
        if document is None:
            raise DraftInputError(f"document {doc_id} is not in the store")
        change = session.scalars(select(Change).where(Change.document_id == doc_id)
                                 .order_by(Change.detected_at.desc(), Change.id.desc())).first()
        if change is None:
            raise DraftInputError(f"document {doc_id} has no recorded change yet")
        if doc_context is None:
            raise DraftInputError("yibao.pipeline.drafting.doc_context is not available")
        ctx = doc_context(change)
        diff = change.diff if change.kind != "new" else None
    return ctx, diff


def build(args) -> str:
    from yibao.lessons import draft_lessons, role_id
    from yibao.lessons.export import to_gift, to_moodle_xml
    from yibao.lessons.render import render_lesson, render_lesson_pack

    roles = list(dict.fromkeys(role_id(r) for r in args.role)) if args.role else None   # 医保办 and yibaoban: one lesson
    if args.drafter == "llm":
        from yibao.lessons.llm_drafter import CONN_ID, llm_config
        if llm_config() is None:
            raise DraftInputError(f"--drafter llm needs an endpoint: set YIBAO_LLM_URL (and YIBAO_LLM_KEY, "
                                  f"YIBAO_LLM_MODEL) or the Airflow connection '{CONN_ID}'")
    if args.doc is not None:
        if args.old or args.new:
            raise DraftInputError("use either --doc or --old/--new, not both")
        doc, diff = _from_store(args.doc)
    elif args.new:
        doc, diff = _from_files(args)
    else:
        raise DraftInputError("give --doc ID, or --new FILE (with --old FILE for a revision)")
    drafts = draft_lessons(doc, diff, roles=roles, drafter=args.drafter, notes=args.notes)
    if not drafts:
        raise DraftInputError("no role is concerned by this document; name one with --role")
    for d in drafts:
        if "not_concerned_added" in d.flags:
            print(f"yibao draft: note: this text binds no duty of {d.role_name}; drafted because --role named it "
                  "(flag not_concerned_added)", file=sys.stderr)
    if args.format == "gift":
        return to_gift(drafts)
    if args.format == "xml":
        return to_moodle_xml(drafts)
    if args.format == "pack":
        return render_lesson_pack(drafts, f"{doc.title} 培训课件")
    if args.format == "json":
        return json.dumps([d.to_dict() for d in drafts], ensure_ascii=False, indent=2) + "\n"
    sep = "\n\n---\n\n" if args.format in ("md", "im", "text") else "\n"
    return sep.join(render_lesson(d, args.format) for d in drafts)


def run(args: argparse.Namespace) -> int:
    from yibao.lessons import LessonConfigError, LessonInputError, UnknownRoleError

    try:
        out = build(args)
    except (DraftInputError, UnknownRoleError, LessonInputError, LessonConfigError) as exc:
        print(f"yibao draft: error: {exc}", file=sys.stderr)
        return 2
    if args.output:
        try:
            Path(args.output).write_text(out, encoding="utf-8")
        except OSError as exc:   # a directory, a read-only place: one line, as `yibao diff -o`
            print(f"yibao draft: error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yibao draft", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
