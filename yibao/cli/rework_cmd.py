"""`yibao rework check|list`: 返工 — lessons whose first quiz attempts show people did not learn them."""
from __future__ import annotations

import contextlib
import json
import sys

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("rework", help="返工: send poorly learned lessons back to review",
                              description="check: flag approved lessons whose first-attempt quiz figures break the "
                                          "thresholds in config/rework.yaml (back to the review queue, 医保办 alerted). "
                                          "list: every rework with the pass rate before and after.")
    sub = p.add_subparsers(dest="rework_command", metavar="ACTION")
    check = sub.add_parser("check", help="flag lessons that need rework (what the daily round does)",
                           epilog="exit status 1: lessons were flagged but the alert to the 医保办 could not be "
                                  "sent (the flags stand; the alert stays queued for the next delivery run)")
    check.add_argument("--lesson", type=int, action="append", help="only this lesson id (repeatable)")
    check.add_argument("--dry-run", action="store_true", help="show what would be flagged; change nothing")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=run_check)
    listing = sub.add_parser("list", help="every rework with its figures, before and after")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)
    p.set_defaults(func=lambda args: (_ for _ in ()).throw(CliError("choose an action: check or list")))


def run_check(args) -> int:
    from yibao.review.rework import ReworkConfigError, check_all, load_rules, send_alerts, weak_line
    from yibao.store.db import open_session
    from yibao.store.models import Lesson, utcnow

    try:
        rules = load_rules()
    except ReworkConfigError as exc:
        raise CliError(str(exc)) from None
    now = utcnow()
    with open_session() as session:
        missing = [i for i in args.lesson or [] if session.get(Lesson, i) is None]
        if missing:
            raise CliError(f"no such lesson {', '.join(map(str, missing))}")
        report = check_all(session, rules=rules, now=now, lesson_ids=args.lesson, dry_run=args.dry_run)
        # (Airflow, asked for the SMTP connection, may log to stdout: keep it off --json)
        with contextlib.redirect_stdout(sys.stderr):
            send_alerts(session, report, now)
    status = 0
    if report.alert_error:
        status = 1
        print(f"error: the lesson(s) stay flagged for rework, but the alert to the 医保办 was not sent: "
              f"{report.alert_error} — it stays queued and the next delivery run (yibao deliver) retries it",
              file=sys.stderr)
    if args.json:
        print(json.dumps({**report.to_dict(), "flagged_ids": report.flagged_ids}, ensure_ascii=False, indent=1))
        return status
    verb = "would flag" if args.dry_run else "flagged"
    print(f"checked {report.checked} approved lesson(s); {verb} {len(report.flagged)} for rework (返工); "
          f"{len(report.under_rework)} already under rework")
    for verdict in report.flagged:
        print(f"#{verdict['lesson_id']} {verdict['title']}")
        for reason in verdict["reasons"]:
            print(f"  {reason}")
        for weak in verdict["figures"]["weakest"]:
            print(f"  {weak_line(weak)}")
    return status


def run_list(args) -> int:
    from yibao.review.rework import rework_rows
    from yibao.store.db import open_session

    with open_session() as session:
        rows = rework_rows(session)
        session.commit()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no lesson has been sent back for rework")
    for r in rows:
        before = _pct(r["before"]["pass_rate"])
        after = _pct(r["after"]["pass_rate"]) if r["after"] else "—"
        answered = f", {r['after']['responses']} answered" if r["after"] else ""
        print(f"#{r['lesson_id']} round {r['round']} {r['state']}: first-attempt pass rate {before} → {after} "
              f"(re-sent to {r['redelivered']}{answered}) {r['title']}")
    sys.stdout.flush()
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
