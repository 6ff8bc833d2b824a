"""`yibao audit verify` / `yibao audit show --lesson ID`: the hash-chained audit trail of lessons.

verify walks every audit row in order and reports the first broken link (row id and what
differs): exit 0 when the chain is intact, 1 when it is broken.
show prints a lesson's audit rows with their readable diffs (title, body, quiz).
"""
from __future__ import annotations

import argparse
import sys

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="verify or show the hash-chained audit trail",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    sub.add_parser("verify", help="walk the chain; exit 1 at the first broken link").set_defaults(func=run_verify)
    show = sub.add_parser("show", help="a lesson's audit rows with their diffs")
    show.add_argument("--lesson", type=int, required=True, metavar="ID", help="lesson id")
    show.set_defaults(func=run_show)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def run_verify(_args) -> int:
    from yibao.store.audit_chain import verify_chain
    from yibao.store.db import open_session

    with open_session() as session:
        report = verify_chain(session)
    if report.intact:
        print(f"audit chain intact: {report.rows} rows")
        return 0
    print(f"audit chain BROKEN at {report.broken}", file=sys.stderr)
    return 1


def run_show(args) -> int:
    from yibao.review.decisions import audit_rows
    from yibao.review.errors import LessonNotFound
    from yibao.store.db import open_session

    with open_session() as session:
        try:
            rows = audit_rows(session, args.lesson)
        except LessonNotFound:
            raise CliError(f"no lesson with id {args.lesson}") from None
    for row in rows:
        comment = f"  — {row['comment']}" if row["comment"] and row["action"] != "request" else ""
        print(f"#{row['id']} {row['at'][:19].replace('T', ' ')} UTC  {row['actor']}  {row['action']}{comment}"
              f"  [{(row['row_hash'] or 'unhashed')[:12]}]")
        if row["edit_diff"]:
            print("\n".join("    " + line for line in row["edit_diff"].splitlines()))
    if not rows:
        print(f"lesson {args.lesson} has no audit rows")
    return 0
