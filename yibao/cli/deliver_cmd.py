"""`yibao deliver [--lesson ID ...] [--dry-run]`: send approved lessons to their subscribers."""
from __future__ import annotations

import json
import sys

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("deliver", help="send approved lessons by email / IM (exactly once)",
                              description="Sync people from subscriptions.yaml, plan a digest per person and "
                                          "channel for approved lessons, and send everything due. Safe to re-run.")
    p.add_argument("--lesson", type=int, action="append", metavar="ID", help="only these lessons (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="show what would be sent; write and send nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--retry-failed", action="store_true",
                   help="first put permanently failed messages back in the queue (after fixing an address/robot)")
    p.add_argument("--person", action="append", metavar="ID",
                   help="with --retry-failed only: requeue only these people's failed messages "
                        "(the run still sends everything due to everyone; refused without --retry-failed)")
    p.set_defaults(func=run)


def run(args) -> int:
    from yibao.delivery.service import deliver
    from yibao.delivery.subscriptions import SubscriptionFileError, load_subscriptions, sync_people
    from yibao.delivery.tokens import LinkSecretMissing
    from yibao.store.db import open_session

    if args.person and not args.retry_failed:   # deliver never narrows to a person: refuse, never mail everyone
        raise CliError("--person works only with --retry-failed")
    try:
        config = load_subscriptions()
    except SubscriptionFileError as exc:
        raise CliError(str(exc)) from None
    for message in config.errors:
        print(f"warning: {message}", file=sys.stderr)
    with open_session() as session:
        if args.lesson:
            from yibao.store.models import Lesson
            missing = [i for i in args.lesson if session.get(Lesson, i) is None]
            if missing:
                raise CliError(f"no lesson with id {', '.join(map(str, missing))}")
        if not args.dry_run:
            sync_people(session, config)
            session.commit()
            if args.retry_failed:
                from yibao.delivery.service import requeue_failed
                print(f"requeued {requeue_failed(session, person_ids=args.person)} failed message(s)")
        try:
            report = deliver(session, lesson_ids=args.lesson, config=config, dry_run=args.dry_run)
        except LinkSecretMissing as exc:   # nothing was sent: every message carries signed links
            raise CliError(f"nothing sent: no link secret for the staff links — {exc}") from None
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        verb = "would send" if args.dry_run else "planned"
        print(f"{verb} {report.planned} message(s); sent {report.sent}, retry later {report.failed_retryable}, "
              f"failed {report.failed_permanent}, skipped {report.skipped}, waiting for digest {report.deferred}"
              + (f", re-sent after a killed run {report.resent_after_lease}" if report.resent_after_lease else ""))
        for row in report.planned_rows if args.dry_run else []:
            print(f"  {row['person']:<20} {row['channel']:<24} lessons {row['lessons']}")
        for channel, counts in sorted(report.per_channel.items()):
            print(f"  {channel:<10} sent {counts.sent}, retry {counts.failed_retryable}, "
                  f"failed {counts.failed_permanent}, skipped {counts.skipped}")
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
    return 1 if (report.failed_permanent or report.failed_retryable or report.errors) else 0
