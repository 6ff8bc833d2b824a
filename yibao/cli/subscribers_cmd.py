"""`yibao subscribers list|validate|add|remove|sync`: manage config/subscriptions.yaml;
`unsubscribed|resubscribe`: the opt-outs people made through unsubscribe links (in the store)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("subscribers", help="list, validate or add subscribers; undo opt-outs")
    p.add_argument("--file", help="subscriptions file (default: $YIBAO_SUBSCRIPTIONS_FILE or config/subscriptions.yaml)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="people, roles, departments and channels")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    val = sub.add_parser("validate", help="check the file; errors name file:line (exit 1 when any)")
    val.add_argument("--no-secrets", action="store_true",
                     help="do not look up the robots' Airflow connections")
    val.set_defaults(func=run_validate)

    add = sub.add_parser("add", help="append a person (validated before the file is written)")
    add.add_argument("--id", required=True, help="stable id, e.g. zhang.wei")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True, help="role id or Chinese name (repeatable)")
    add.add_argument("--department", default="")
    add.add_argument("--region", help="'national' or a province code such as 44")
    add.add_argument("--email")
    add.add_argument("--channel", action="append", help="email or <wecom|dingtalk|feishu>:<robot> (repeatable)")
    add.add_argument("--period", choices=["immediate", "daily", "weekly"])
    add.add_argument("--liaison", action="store_true", help="the department's 医保联络员")
    add.set_defaults(func=run_add)

    rm = sub.add_parser("remove", help="delete a person's entry (their history stays; sync deactivates them)")
    rm.add_argument("--id", required=True)
    rm.set_defaults(func=run_remove)

    sync = sub.add_parser("sync", help="write people and their roles to the store (deactivates removed people)")
    sync.set_defaults(func=run_sync)

    opted = sub.add_parser("unsubscribed", help="people who opted out of a channel through an unsubscribe link")
    opted.add_argument("--id", help="only this person")
    opted.set_defaults(func=run_unsubscribed)

    resub = sub.add_parser("resubscribe", help="undo a person's opt-out (all their channels, or --channel)")
    resub.add_argument("--id", required=True)
    resub.add_argument("--channel", action="append", help="email or <platform>:<robot> (repeatable)")
    resub.add_argument("--actor", default="cli", help="who asked for it (kept in the audit event)")
    resub.set_defaults(func=run_resubscribe)


def _path(args) -> Path:
    from yibao.delivery.subscriptions import default_path
    return Path(args.file) if args.file else default_path()


def _load(args, check: bool = False):
    from yibao.delivery.subscriptions import SubscriptionFileError, airflow_connection_exists, load_subscriptions
    try:
        return load_subscriptions(_path(args), check_secret=airflow_connection_exists if check else None)
    except SubscriptionFileError as exc:
        raise CliError(str(exc)) from None


def _read(path: Path) -> str:
    from yibao.delivery.subscriptions import SubscriptionFileError, read_subscriptions_text
    try:
        return read_subscriptions_text(path)
    except SubscriptionFileError as exc:
        raise CliError(str(exc)) from None


def run_list(args) -> int:
    cfg = _load(args)
    if args.json:
        print(json.dumps([{"id": p.id, "name": p.name, "department": p.department, "region": p.region,
                           "roles": [{"role": r.role, "period": r.period} for r in p.roles], "email": p.email,
                           "channels": list(p.channels), "liaison": p.is_liaison} for p in cfg.people],
                         ensure_ascii=False, indent=2))
    else:
        from yibao.lessons.roles import ROLES
        for p in cfg.people:
            roles = "、".join(ROLES[r.role] + ("" if r.period == "immediate" else f"({r.period})") for r in p.roles)
            mark = " [联络员]" if p.is_liaison else ""
            print(f"{p.id:<16} {p.name:<6} {p.department or '-':<10} {roles:<16} {', '.join(p.channels)}{mark}")
        print(f"{len(cfg.people)} people, {len(cfg.robots)} robots", file=sys.stderr)
    for message in cfg.errors:
        print(f"error: {message}", file=sys.stderr)
    return 1 if cfg.errors else 0


def run_validate(args) -> int:
    cfg = _load(args, check=not args.no_secrets)
    for message in cfg.errors:
        print(f"error: {message}")
    for message in cfg.warnings:
        print(f"warning: {message}")
    print(f"{_path(args)}: {len(cfg.people)} people, {len(cfg.robots)} robots, "
          f"{len(cfg.errors)} error(s), {len(cfg.warnings)} warning(s)")
    return 1 if cfg.errors else 0


def run_add(args) -> int:
    from yibao.delivery.subscriptions import SubscriptionFileError, parse_subscriptions
    path = _path(args)
    text = _read(path) if path.exists() else ""
    before = _parse(text, path)
    if before.person(args.id):
        raise CliError(f"a person with id {args.id!r} exists already ({path}:{before.person(args.id).line})")
    entry: dict = {"id": args.id, "name": args.name}
    for key in ("department", "region", "email", "period"):
        if getattr(args, key):
            entry[key] = getattr(args, key)
    entry["roles"] = args.role
    entry["channels"] = args.channel or (["email"] if args.email else [])
    if args.liaison:
        entry["liaison"] = True
    new_text = insert_person(text, entry)
    try:
        after = parse_subscriptions(new_text, str(path))
    except SubscriptionFileError as exc:
        raise CliError(f"the new entry would break the file: {exc}") from None
    new_errors = [e for e in after.errors if e not in before.errors and not _same_error(e, before.errors)]
    if new_errors or not after.person(args.id):
        raise CliError("not added: " + "; ".join(new_errors or ["the entry was rejected"]))
    path.write_text(new_text, encoding="utf-8")
    print(f"added {args.id} to {path}:{after.person(args.id).line}")
    return 0


def run_remove(args) -> int:
    path = _path(args)
    if not path.exists():
        raise CliError(f"{path}: subscriptions file not found")
    text = _read(path)
    new_text = remove_person(text, args.id)
    if new_text is None:
        raise CliError(f"no person with id {args.id!r} in {path}")
    after = _parse(new_text, path)
    path.write_text(new_text, encoding="utf-8")
    print(f"removed {args.id} from {path}")
    for message in after.errors:
        if repr(args.id) in message:   # e.g. still named in alerts.recipients
            print(f"warning: {message}", file=sys.stderr)
    return 0


def remove_person(text: str, person_id: str) -> str | None:
    """The text without the list item whose id is person_id (None if absent)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    people = next((v for k, v in root.value if getattr(k, "value", None) == "people"), None) \
        if isinstance(root, yaml.MappingNode) else None
    if not isinstance(people, yaml.SequenceNode) or people.flow_style:
        return None
    lines = text.splitlines(keepends=True)
    for n, item in enumerate(people.value):
        ids = [v.value for k, v in getattr(item, "value", []) if getattr(k, "value", None) == "id"]
        if ids and str(ids[0]).strip() == person_id:
            start = item.start_mark.line
            if n + 1 < len(people.value):
                end = people.value[n + 1].start_mark.line
            else:
                end = item.end_mark.line if item.end_mark.column == 0 else item.end_mark.line + 1
            while end > start + 1 and not lines[end - 1].strip():   # keep the blank line before the next entry
                end -= 1
            if end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
                end += 1
            return "".join(lines[:start] + lines[end:])
    return None


def run_sync(args) -> int:
    from yibao.delivery.subscriptions import sync_people
    from yibao.store.db import open_session
    cfg = _load(args, check=True)
    for message in cfg.errors:
        print(f"warning: {message}", file=sys.stderr)
    with open_session() as session:
        sync_people(session, cfg)
    print(f"synced {len(cfg.people)} people")
    return 0


def run_unsubscribed(args) -> int:
    from yibao.delivery.unsubscribes import list_unsubscribes
    from yibao.store.db import open_session
    with open_session() as session:
        rows = list_unsubscribes(session, args.id)
        for row in rows:
            print(f"{row.person_id:<16} {row.channel:<24} {row.at:%Y-%m-%d %H:%M} UTC")
    print(f"{len(rows)} opt-out(s)", file=sys.stderr)
    return 0


def run_resubscribe(args) -> int:
    from yibao.delivery.subscriptions import CHANNEL_FORMS, is_channel
    from yibao.delivery.unsubscribes import UnknownPerson, resubscribe
    from yibao.store.db import open_session
    unknown = [c for c in args.channel or [] if not is_channel(c)]
    if unknown:
        raise CliError(f"unknown channel {', '.join(map(repr, unknown))}: a channel is {CHANNEL_FORMS}")
    with open_session() as session:
        try:
            channels = resubscribe(session, args.id, args.channel, actor=args.actor)
        except UnknownPerson as exc:
            raise CliError(f"{exc} (run `yibao subscribers sync` first?)") from None
    if not channels:
        wanted = ", ".join(args.channel) if args.channel else "any channel"
        print(f"{args.id} has no opt-out on {wanted}; nothing changed", file=sys.stderr)
        return 1
    print(f"resubscribed {args.id} to {', '.join(channels)}")
    return 0


def _parse(text: str, path: Path):
    from yibao.delivery.subscriptions import SubscriptionFileError, parse_subscriptions
    try:
        return parse_subscriptions(text, str(path))
    except SubscriptionFileError as exc:
        raise CliError(str(exc)) from None


def _same_error(error: str, old: list[str]) -> bool:
    """Errors of existing entries shift their line numbers when we insert above them."""
    tail = error.split(": ", 1)[-1]
    return any(o.split(": ", 1)[-1] == tail for o in old)


def insert_person(text: str, entry: dict) -> str:
    """Insert one block-style person after the last item of `people:` (comments elsewhere are kept)."""
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    people = None
    if isinstance(root, yaml.MappingNode):
        people = next((v for k, v in root.value if getattr(k, "value", None) == "people"), None)
    if people is None or (isinstance(people, yaml.ScalarNode) and people.value in ("", "~", "null")):
        if people is not None:
            raise CliError("people: is empty; replace it with a list by hand or remove the line")
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + "people:\n" + _indent(block, 2)
    if not isinstance(people, yaml.SequenceNode) or people.flow_style:
        raise CliError("people: is not a block list ('- id: …' lines); add the person by hand")
    column = people.value[0].start_mark.column - 2 if people.value else 2
    lines = text.splitlines(keepends=True)
    end = people.end_mark.line if people.end_mark.column == 0 else people.end_mark.line + 1
    while end > 0 and not lines[end - 1].strip():   # keep blank lines after the list
        end -= 1
    if lines and end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end]) + _indent(block, max(column, 0)) + "".join(lines[end:])


def _indent(block: str, n: int) -> str:
    return "".join(" " * n + line if line.strip() else line for line in block.splitlines(keepends=True))
