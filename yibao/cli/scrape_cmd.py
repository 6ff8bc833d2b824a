"""`yibao scrape`: poll the configured sources into the store, then diff what is new."""
from __future__ import annotations

import json
import sys

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("scrape", help="poll sources, store new versions, diff them",
                              description="Poll the sources in config/sources.yaml (page 0 + conditional GET; "
                                          "--deep pages further back), store new or revised documents and "
                                          "compare each with its predecessor.")
    p.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    p.add_argument("--deep", action="store_true", help="read deeper list pages (catch-up)")
    p.add_argument("--recheck", nargs="?", const="all", metavar="all|DAYS",
                   help="force a re-check cycle now: every known article (all, the default) or those published "
                        "in the last DAYS days (conditional GET; otherwise re-checks follow the schedule by age)")
    p.add_argument("--announce-baseline", action="store_true",
                   help="treat a source's first poll as news instead of a silent baseline")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from scrapers.errors import ConfigError
    from yibao.pipeline.compare import announceable, diff_versions
    from yibao.pipeline.watch import scrape
    from yibao.store import open_session

    recheck = _recheck_arg(args.recheck)
    progress = None if args.json else (lambda line: print(f"  {line}", file=sys.stderr))
    try:
        with open_session() as session:
            report = scrape(session, source_ids=args.source, deep=args.deep, progress=progress,
                            announce_baseline=args.announce_baseline, recheck=recheck)
            change_ids = announceable(session, diff_versions(session, report.version_ids))
    except (LookupError, ConfigError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps({**report.to_dict(), "change_ids": change_ids}, ensure_ascii=False, default=str))
    else:
        for src in report.sources:
            print(f"{src.source_id:10} {src.health:10} requests={src.requests} (list pages not modified: {src.not_modified}) "
                  f"articles={src.articles} new_versions={len(src.new_versions)} "
                  f"baseline={src.baseline_versions} errors={len(src.errors)}")
            print(f"    re-checked {src.rechecked} known article(s): {src.recheck_requests} request(s), "
                  f"{src.recheck_not_modified} answered 304, {src.recheck_deferred} deferred to the next poll; "
                  f"{len(src.revised_in_place)} revised in place")
            if src.archived:
                print(f"    archived ({len(src.archived)}, published before the news window, not announced): "
                      + "; ".join(src.archived[:10]) + (" …" if len(src.archived) > 10 else ""))
            for url in src.withdrawn:
                print(f"    ! possibly withdrawn (404 twice in a row; kept, 医保办 alerted): {url}")
            for err in src.errors[:5]:
                print(f"    ! {err}")
        print(f"changes to draft: {change_ids or 'none'}")
    return 0 if all(s.health == "ok" for s in report.sources) else 1


def _recheck_arg(value: str | None) -> str | int | None:
    if value is None or value == "all":
        return value
    if value.isdigit():
        return int(value)
    raise CliError(f"--recheck expects 'all' or a number of days, not {value!r}")
