"""`yibao report --since DATE [--until DATE] [--csv]`: completion by department and role."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="training completion by department and role",
                              description="Sent, read, acknowledged, first-attempt quiz pass rate, quiz attempts and on-time completion per "
                                          "科室 and role, for lessons first delivered since DATE.")
    p.add_argument("--since", required=True, help="first day (Beijing date), YYYY-MM-DD")
    p.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.add_argument("--detail", action="store_true",
                   help="one CSV line per person and lesson (the attestation ledger) instead of totals")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(func=run)


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-01") from None


def run(args) -> int:
    from yibao.delivery.report import attestation_csv, completion, to_csv, to_table
    from yibao.store.db import open_session

    since = _date(args.since, "--since")
    until = _date(args.until, "--until") if args.until else None
    if until and until < since:
        raise CliError("--until is before --since")
    with open_session() as session:
        rows = completion(session, since, until)
        detail = attestation_csv(session, since, until) if args.detail else ""
    if args.detail:
        text = detail
    elif args.csv:
        text = to_csv(rows)
    elif rows:
        text = to_table(rows) + "\n"
    else:
        text = f"no deliveries since {since.isoformat()}\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0
