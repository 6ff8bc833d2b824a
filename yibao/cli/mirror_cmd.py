"""`yibao mirror serve|publish-demo|failure|revise|withdraw`: the local mirror of the 医保局 sites."""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from yibao.cli import CliError

SCENARIOS = ("default",)


def register(subparsers) -> None:
    p = subparsers.add_parser("mirror", help="serve a local mirror of the 医保局 sites (tests, demo)")
    sub = p.add_subparsers(dest="mirror_command", metavar="ACTION")
    serve = sub.add_parser("serve", help="serve the mirror until Ctrl-C",
                           description="Serve the saved pages of the bureau sites over real HTTP. Point the scrapers "
                                       "at it with the YIBAO_MIRROR_URL it prints (e.g. export "
                                       "YIBAO_MIRROR_URL=http://127.0.0.1:8765), then run yibao scrape.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--scenario", default="default", choices=SCENARIOS)
    serve.add_argument("--failure", action="append", default=[], metavar="SITE=MODE",
                       help="start a site in a failure mode (challenge_412, ruishu, 503, redesign, slow, empty)")
    serve.set_defaults(func=run_serve)
    demo = sub.add_parser("publish-demo", help="publish the demo update to a running mirror")
    demo.add_argument("--url", required=True, help="mirror base URL, e.g. http://127.0.0.1:8765")
    demo.set_defaults(func=run_publish_demo)
    fail = sub.add_parser("failure", help="switch a site of a running mirror into a failure mode")
    fail.add_argument("--url", required=True)
    fail.add_argument("site")
    fail.add_argument("mode", help="challenge_412 | ruishu | 503 | redesign | slow | empty | none")
    fail.set_defaults(func=run_failure)
    revise = sub.add_parser("revise", help="revise an article of a running mirror in place (list pages unchanged)")
    revise.add_argument("--url", required=True)
    revise.add_argument("site")
    revise.add_argument("doc_id")
    revise.add_argument("old", help="a passage of the article's body")
    revise.add_argument("new", help="what it becomes")
    revise.set_defaults(func=run_revise)
    withdraw = sub.add_parser("withdraw", help="make an article of a running mirror answer 404")
    withdraw.add_argument("--url", required=True)
    withdraw.add_argument("site")
    withdraw.add_argument("doc_id")
    withdraw.set_defaults(func=run_withdraw)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_serve(args) -> int:
    from yibao.mirror.content import default_sites
    from yibao.mirror.server import MirrorServer

    server = MirrorServer(host=args.host, port=args.port, sites=default_sites())
    for item in args.failure:
        site, _, mode = item.partition("=")
        try:
            server.set_failure(site, None if mode in ("", "none") else mode)
        except (KeyError, ValueError) as exc:
            raise CliError(str(exc)) from None
    try:
        server.start()
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    print(f"mirror serving {server.base_url}  (sites: {', '.join(sorted(server.sites))})")
    print("point the scrapers at it with:")
    print(f"  export YIBAO_MIRROR_URL={server.base_url}")
    sys.stdout.flush()
    server.serve_forever()
    return 0


def _post(url: str, payload: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise CliError(f"mirror refused (HTTP {exc.code}): {_error_text(exc.read())}") from None
    except urllib.error.URLError as exc:
        raise CliError(f"cannot reach mirror at {url}: {exc.reason}") from None


def run_publish_demo(args) -> int:
    import datetime as dt
    from dataclasses import replace

    from yibao.mirror.content import demo_update

    # dated today (Beijing): a document older than the news window would be archived, not announced
    today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    doc = replace(demo_update(), publish_date=today.isoformat())
    answer = _post(args.url.rstrip("/") + "/__mirror__/publish", doc.to_dict())
    print(f"published {answer.get('published')} on {answer.get('site')}: {doc.title}")
    return 0


def run_revise(args) -> int:
    _post(args.url.rstrip("/") + "/__mirror__/revise",
          {"site": args.site, "doc_id": args.doc_id, "old": args.old, "new": args.new})
    print(f"{args.site}/{args.doc_id}: revised in place ({args.old} → {args.new})")
    return 0


def run_withdraw(args) -> int:
    _post(args.url.rstrip("/") + "/__mirror__/withdraw", {"site": args.site, "doc_id": args.doc_id})
    print(f"{args.site}/{args.doc_id}: now answers 404")
    return 0


def run_failure(args) -> int:
    mode = None if args.mode.lower() == "none" else args.mode
    answer = _post(args.url.rstrip("/") + "/__mirror__/failure", {"site": args.site, "mode": mode})
    print(f"{answer.get('site')}: failure mode {answer.get('mode')}")
    return 0


def _error_text(body: bytes) -> str:
    """The mirror's {"error": "..."} message, or the raw body."""
    text = body.decode("utf-8", "replace")
    try:
        return str(json.loads(text)["error"])
    except (ValueError, KeyError, TypeError):
        return text
