"""`yibao deadline DATE`: the training deadline, publication + 7 Chinese working days."""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from yibao.cli import CliError
from yibao.workdays import TRAINING_WINDOW_WORKDAYS, add_workdays

MAX_DAYS = 2500   # about ten years of working days: any real window fits, a typo does not spin for minutes


def register(subparsers) -> None:
    p = subparsers.add_parser("deadline", help="publication date → training deadline (调休-aware)",
                              description="Print the Nth Chinese working day after DATE "
                                          "(default N=7, the training window).")
    p.add_argument("date", help="publication date, YYYY-MM-DD")
    p.add_argument("--days", type=int, default=TRAINING_WINDOW_WORKDAYS, help="working days (default 7)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        published = dt.date.fromisoformat(args.date)
    except ValueError:
        raise CliError(f"{args.date!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-07") from None
    if not 0 <= args.days <= MAX_DAYS:
        raise CliError(f"--days must be between 0 and {MAX_DAYS} working days")
    logging.getLogger("yibao.workdays").setLevel(logging.ERROR)   # its warning is printed below, once
    try:
        deadline = add_workdays(published, args.days)
    except OverflowError:
        raise CliError(f"{args.days} working days after {published} is past the last date Python knows (9999-12-31)") \
            from None
    if args.json:
        print(json.dumps({"published": published.isoformat(), "workdays": args.days,
                          "deadline": deadline.date.isoformat(), "provisional": deadline.provisional,
                          "warning": deadline.warning}, ensure_ascii=False))
    else:
        print(deadline.date.isoformat())
        if deadline.provisional:
            print(f"warning: {deadline.warning}", file=sys.stderr)
    return 0
