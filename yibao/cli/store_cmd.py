"""`yibao store migrate|copy`: the domain store's schema, and moving it to another database.

    yibao store migrate [--url URL]                 bring a store to the newest schema
    yibao store copy --from URL --to URL            copy every row into an empty store (e.g. SQLite → PostgreSQL)
"""
from __future__ import annotations

import sys

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("store", help="migrate the domain store, or copy it to another database")
    sub = p.add_subparsers(dest="store_command", metavar="ACTION")
    mig = sub.add_parser("migrate", help="bring the store to the newest schema (idempotent)")
    mig.add_argument("--url", help="SQLAlchemy URL (default: YIBAO_DATABASE_URL or var/yibao.db)")
    mig.set_defaults(func=run_migrate)
    cp = sub.add_parser("copy", help="copy all rows into an EMPTY store; both are migrated first",
                        description="Copy the whole store, e.g. from SQLite to PostgreSQL: "
                                    "yibao store copy --from sqlite:///var/yibao.db "
                                    "--to postgresql+psycopg2://yibao@db-host/yibao")
    cp.add_argument("--from", dest="source", required=True, metavar="URL", help="the store to read")
    cp.add_argument("--to", dest="target", required=True, metavar="URL", help="the empty store to fill")
    cp.set_defaults(func=run_copy)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def _shown(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url   # never print a password


def run_migrate(args) -> int:
    from yibao.settings import get_settings
    from yibao.store.db import migrate

    url = args.url or get_settings().database_url
    try:
        migrate(url)
    except Exception as exc:
        raise CliError(f"cannot migrate {_shown(url)}: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    print(f"store migrated: {_shown(url)}")
    return 0


def run_copy(args) -> int:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from yibao.store.copy import StoreCopyError, copy_store

    try:
        report = copy_store(args.source, args.target, progress=lambda line: print(f"  {line}", file=sys.stderr))
    except StoreCopyError as exc:
        raise CliError(str(exc)) from None
    except (ArgumentError, OperationalError) as exc:
        raise CliError(f"cannot open the store: {str(exc).splitlines()[0]}") from None
    print(f"copied {report.total} rows in {len(report.rows)} tables from {_shown(args.source)} "
          f"to {_shown(args.target)}")
    return 0
