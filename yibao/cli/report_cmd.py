"""`yibao report --since DATE [--until DATE] [--csv]`: completion by department and role;
`yibao report --html FILE`: the self-contained report with charts for the monthly meeting."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="training completion by department and role",
                              description="Sent, read, acknowledged, first-attempt quiz pass rate, quiz attempts and on-time completion per "
                                          "科室 and role, for lessons first delivered since DATE.")
    p.add_argument("--since", help="first day (Beijing date), YYYY-MM-DD (required, except with --html: "
                                   "then the first day of the month a year ago)")
    p.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.add_argument("--detail", action="store_true",
                   help="one CSV line per person and lesson (the attestation ledger) instead of totals")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report with charts (printable) to FILE")
    p.set_defaults(func=run)


EARLIEST = dt.date(2000, 1, 1)   # no training record is older; a typo such as 0001-01-01 is refused


def _date(value: str, flag: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-01") from None
    if day < EARLIEST:
        raise CliError(f"{flag} {value} is before {EARLIEST.isoformat()}; no training record is that old")
    return day


def _range(args) -> tuple[dt.date, dt.date | None]:
    """--since/--until checked: not before EARLIEST, --since not after today, --until not before --since;
    an --until after today ends the report today (no empty future months)."""
    from yibao.review.queue import today_local   # Beijing date

    today = today_local()
    until = _date(args.until, "--until") if args.until else None
    if until and until > today:
        print(f"note: --until {until.isoformat()} is after today; the report ends today ({today.isoformat()})",
              file=sys.stderr)
        until = None
    since = _date(args.since, "--since") if args.since else dt.date((until or today).year - 1, (until or today).month, 1)
    if since > today:
        raise CliError(f"--since {since.isoformat()} is after today ({today.isoformat()})")
    if until and until < since:
        raise CliError("--until is before --since")
    return since, until


def _write_html(path: Path, since: dt.date, until: dt.date | None) -> int:
    from yibao.delivery.html_report import render_html_report
    from yibao.delivery.service import load_config_quietly
    from yibao.settings import get_settings, public_url_warning
    from yibao.store.db import open_session

    if path.is_dir():
        raise CliError(f"--html {path}: is a folder; give a file name, e.g. {path / 'report.html'}")
    if not path.parent.exists():
        raise CliError(f"--html {path}: folder {path.parent} does not exist")
    config = load_config_quietly()
    with open_session() as session:
        page = render_html_report(session, since, until, hospital=config.hospital if config else "",
                                  public_url=get_settings().public_url)
        session.commit()   # (closing an approved rework while reading it is kept)
    path.write_text(page, encoding="utf-8")
    if warning := public_url_warning():
        print(f"yibao report: warning: {warning}", file=sys.stderr)
    print(f"wrote {path} ({len(page) // 1024} KB): lessons first sent {since.isoformat()} to "
          f"{(until.isoformat() if until else 'today')}")
    return 0


def run(args) -> int:
    from yibao.delivery.report import attestation_csv, completion, to_csv, to_table
    from yibao.store.db import open_session

    if args.since is None and not args.html:
        raise CliError("--since is required (or use --html FILE)")
    if args.html and (args.csv or args.detail or args.output):
        raise CliError("--html FILE writes the whole report to FILE; --csv, --detail and -o do not apply to it")
    since, until = _range(args)
    if args.html:
        return _write_html(Path(args.html), since, until)
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
