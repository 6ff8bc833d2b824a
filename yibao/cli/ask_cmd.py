"""`yibao ask "问题" [--role 收费员] [--json]`: 政策智能问答 over every stored document version."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="answer a policy question from the stored documents, with citations",
                              description="Answer from the provisions of every stored document version. "
                                          "Prints 没有找到依据 when no provision supports an answer.")
    p.add_argument("question", nargs="?", help="the question, e.g. 跨省就医要先备案吗")
    p.add_argument("--role", help="the asker's role (收费员, 临床医生, …): its own provisions rank higher")
    p.add_argument("--json", action="store_true", help='print {"answer", "citations": [...]}')
    p.add_argument("--top", type=int, default=3, help="citations to give (default 3)")
    p.add_argument("--llm", action="store_true", help="let the on-prem model (connection yibao_llm) word the "
                                                      "answer from the quoted provisions only")
    p.add_argument("--load", metavar="DIR", help="first store the policy texts in DIR (<id>.txt + <id>.json)")
    p.add_argument("--index", action="store_true", help="bring the provision index up to date and print its size "
                                                        "(e.g. after a scrape), then answer QUESTION if given")
    p.add_argument("--explain", action="store_true", help="show why: the question's words and weights, the kind "
                                                          "of answer it asks for, and why the best provisions do or "
                                                          "do not support an answer")
    p.set_defaults(func=run)


def run(args) -> int:
    question = (args.question or "").strip()
    if args.load and not Path(args.load).is_dir():
        raise CliError(f"--load: {args.load} is not a folder")
    if not question and not (args.index or args.load):
        raise CliError("the question is empty")
    if len(question) > 500:
        raise CliError("the question is longer than 500 characters")
    if args.top < 1:
        raise CliError("--top must be 1 or more")
    # checked before the heavy imports (the index, jieba, the sentence model): bad input answers at once
    from yibao.lessons.roles import UnknownRoleError, role_id
    from yibao.qa import ask
    from yibao.store import Version
    from yibao.store.db import open_session

    if args.role:
        try:
            role_id(args.role)
        except UnknownRoleError as exc:
            raise CliError(str(exc)) from None
    if args.llm:
        from yibao.lessons.llm_drafter import CONN_ID, llm_config
        if llm_config() is None:
            raise CliError(f"--llm needs an endpoint: set YIBAO_LLM_URL (and YIBAO_LLM_KEY, YIBAO_LLM_MODEL) "
                           f"or the Airflow connection '{CONN_ID}'")
    with open_session() as session:
        if args.load:
            _load(session, Path(args.load))
        if args.load or args.index:   # loaded texts are indexed now, with progress, not at the question
            from yibao.qa.index import QaIndex
            index = QaIndex()
            def progress(n, total, what="versions"):
                print(f"\rindexing {n}/{total} {what}", end="\n" if n == total else "", file=sys.stderr)
            added = index.sync(session, progress=progress)
            versions, provisions = index.count()
            meaning = "ready" if index.vectors is not None and index.vectors_ready() else "off (answers use words only)"
            print(f"indexed {added} new versions; {versions} versions, {provisions} provisions in {index.path}; "
                  f"sentence vectors {meaning}", file=sys.stderr)
            if not question:
                return 0
        if args.explain:
            return _explain(session, question, args.json)
        answer = ask(question, args.role, session=session, top_k=args.top, synthesise=args.llm)
        if args.llm and answer.found and not answer.synthesised:
            print("note: the model's wording was not used (no answer, or a sentence without a valid citation; "
                  "see the log) — the quotes follow", file=sys.stderr)
        if not answer.found and not session.query(Version.id).limit(1).first():
            print("note: no policy texts are stored yet — run a scrape (yibao scrape) or "
                  "yibao ask --load DIR first", file=sys.stderr)
    if args.json:
        data = answer.to_dict()
        print(json.dumps({"answer": data["answer"], "citations": data["citations"]}, ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    for n, c in enumerate(answer.citations, 1):
        print(f"\n[{n}] 《{c.document}》 {c.doc_number or ''} {c.clause}  {c.date or ''}  {c.status}")
        print(f"    原文: {c.url or '（本地收录文本，无在线原文）'}")
        if c.diff_url:
            print(f"    对照表: {c.diff_url}")
        if c.successor:
            print(f"    现行: 《{c.successor['title']}》 {c.successor['url']}")
    return 0


def _explain(session, question: str, as_json: bool) -> int:
    from dataclasses import asdict

    from yibao.qa.explain import explain, render
    from yibao.qa.index import ASK_ENCODE_LIMIT, QaIndex
    from yibao.store import Document

    index = QaIndex()
    index.sync(session, encode_limit=ASK_ENCODE_LIMIT)
    why = explain(index, question)
    if as_json:
        print(json.dumps(asdict(why), ensure_ascii=False, indent=2))
    else:
        print(render(why, dict(session.query(Document.id, Document.title).all())))
    return 0


def _load(session, folder: Path) -> None:
    """Store the texts of FOLDER; say how many were new, already stored or left out, and why."""
    from yibao.qa.corpus import LabelError, load_folder
    from yibao.store import Version

    before = session.query(Version).count()
    skipped: list = []
    try:
        versions = load_folder(session, folder, skipped=skipped)
    except LabelError as exc:
        raise CliError(f"--load: {exc}") from None
    session.commit()
    new = session.query(Version).count() - before
    print(f"stored {new} new texts from {folder} ({len(versions) - new} already stored)", file=sys.stderr)
    for name, reason in skipped:
        print(f"  left out {name}: {reason}", file=sys.stderr)
    if not versions and not skipped:
        print(f"  {folder} holds no <id>.json label files (each text needs <id>.txt + <id>.json with a title)",
              file=sys.stderr)
