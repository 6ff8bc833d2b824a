"""`yibao sources`: health of every watched source (challenged or drifted sources in red)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
RED, GREEN, YELLOW, RESET = "\033[31m", "\033[32m", "\033[33m", "\033[0m"


def register(subparsers) -> None:
    p = subparsers.add_parser("sources", help="source health: last poll, last success, problems",
                              description="Every configured source with its last poll, last success, last full "
                                          "re-check, archived and possibly withdrawn documents, and current problems.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from sqlalchemy import func, select

    from yibao.pipeline.watch import configured_sources
    from yibao.store import Document, Source, open_session

    from scrapers.errors import ConfigError

    from yibao.cli import CliError

    try:
        configured = {s.id: s for s in configured_sources()}
    except ConfigError as exc:   # a bad YIBAO_SOURCES or sources file
        raise CliError(str(exc)) from None
    with open_session() as session:
        rows = {r.id: r for r in session.query(Source)}
        archived = dict(session.execute(select(Document.source_id, func.count()).where(Document.archived.is_(True))
                                        .group_by(Document.source_id)).all())
        withdrawn = dict(session.execute(select(Document.source_id, func.count())
                                         .where(Document.possibly_withdrawn_at.is_not(None))
                                         .group_by(Document.source_id)).all())
    table = []
    for sid in sorted(set(configured) | set(rows)):
        row = rows.get(sid)
        # a stored source no longer (or never) configured — texts stored by `yibao ask --load`, a
        # source taken out of sources.yaml — is not watched: listed, never an alarm
        health = ("not watched" if sid not in configured else row.health if row else "never polled")
        table.append({"id": sid, "name": (row.name if row else configured[sid].name),
                      "health": health,
                      "last_poll": str(row.last_poll_at or "") if row else "",
                      "last_success": str(row.last_success_at or "") if row else "",
                      "failures": row.consecutive_failures if row else 0,
                      "last_full_recheck": str(row.last_full_recheck_at or "") if row else "",
                      "archived": archived.get(sid, 0), "possibly_withdrawn": withdrawn.get(sid, 0),
                      "detail": row.health_detail if row else ""})
    if args.json:
        print(json.dumps(table, ensure_ascii=False))
        return 0
    colour = sys.stdout.isatty()
    print("times: Beijing (北京时间, UTC+8)")
    for t in table:
        c = {"ok": GREEN, "never polled": YELLOW, "not watched": YELLOW}.get(t["health"], RED) if colour else ""
        print(f"{t['id']:10} {c}{t['health']:12}{RESET if colour else ''} last ok: {beijing(t['last_success']):16} "
              f"failures: {t['failures']}  {t['name']}  {t['detail'][:120]}")
        print(f"{'':10} last full re-check: {beijing(t['last_full_recheck'])}  archived: {t['archived']}  "
              f"possibly withdrawn: {t['possibly_withdrawn']}")
    return 1 if any(t["health"] not in ("ok", "never polled", "not watched") for t in table) else 0


def beijing(stored_utc: str) -> str:
    """A stored (naive UTC) time as Beijing time, to the minute; '—' when there is none."""
    if not stored_utc:
        return "—"
    at = dt.datetime.fromisoformat(stored_utc)
    at = at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
