"""The provision index: SQLite FTS5 over jieba tokens, in its own file beside the store.

Why FTS5 (not an in-memory BM25): the index is persisted and queried in place, so a question
from the CLI costs no index loading, several processes (api-server, CLI, DAG tasks) share it
safely, and new versions are added row by row.  jieba does the Chinese segmentation before
FTS5 sees the text (tokens joined by spaces, `unicode61` splits on them), so FTS5's own BM25
ranks whole words rather than single characters.
"""
from __future__ import annotations

import fcntl
import logging
import math
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.qa import vectors
from yibao.qa.provisions import passages_of
from yibao.qa.segment import VOCABULARY_VERSION, tokens
from yibao.qa.sqlite_file import PerThreadConnection
from yibao.settings import get_settings
from yibao.store import Document, Version

SCHEMA = """
CREATE TABLE IF NOT EXISTS indexed_versions (
    version_id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL, content_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL, document_id INTEGER NOT NULL,
    seq INTEGER NOT NULL, clause TEXT NOT NULL, quote TEXT NOT NULL, actors TEXT NOT NULL DEFAULT '',
    vector_key TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_passages_version ON passages(version_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passage_fts USING fts5(body, heading, title, tokenize='unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS passage_vocab USING fts5vocab(passage_fts, 'row');
"""
log = logging.getLogger(__name__)
TITLE_WEIGHT = 0.3     # a document-title word counts for less than the provision's own words
HEADING_WEIGHT = 0.8   # a heading-path word (章 title, 一、/（一） lead phrase) nearly as much
CANDIDATES = 200       # rows FTS5 hands to the re-ranker
COMMON_SHARE = 0.5     # a term in more than this share of the provisions is not searched for (see search_terms)
SENTENCE_MARGIN = 0.01  # a provision's cosine: its own, or its closest sentence's less this
ASK_ENCODE_LIMIT = 64  # texts (provisions, their sentences) a question may wait to have encoded; more: words only
LOCK_WAIT_S = 600      # how long a whole build waits for another before going ahead
RECHECK_S = 60.0       # while vectors are incomplete, how often a question looks whether they are done
_last_check: dict[str, float] = {}   # index path → when a question last looked (per process)
# the mark of vectors complete for every provision and its sentences (vectors.MODEL alone: an index
# completed before sentences were encoded; its provisions' vectors serve while the sentences come)
_WITH_SENTENCES = f"{vectors.MODEL}+sentences"


@dataclass
class Hit:
    passage_id: int
    version_id: int
    document_id: int
    clause: str
    quote: str
    bm25: float          # FTS5 bm25, made positive: higher is better
    terms: frozenset[str]  # the passage's tokens (body + heading + title)
    actors: tuple[str, ...] = ()   # actor ids the provision binds
    title_terms: frozenset[str] = frozenset()   # its document title's tokens
    heading: str = ""    # its heading path's tokens, run together (for character matching)
    vector_key: str = ""  # where its sentence vector is stored (vectors.py)


def default_path() -> Path:
    return get_settings().home / "qa" / f"index-v{VOCABULARY_VERSION}.sqlite"


class QaIndex:
    def __init__(self, path: Path | str | None = None, vector_store: vectors.VectorStore | None = None):
        self.path = Path(path or default_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = PerThreadConnection(self.path)
        with self._db() as db:
            db.executescript(SCHEMA)
        self._vectors: vectors.VectorStore | None | bool = vector_store

    @property
    def vectors(self) -> vectors.VectorStore | None:
        """The provisions' sentence vectors, or None when the model is off, cannot load here, or
        its file cannot be opened (then questions are answered on words alone, with a warning)."""
        if not vectors.enabled() or self._vectors is False:
            return None
        if self._vectors is None:
            try:
                self._vectors = vectors.VectorStore()
            except (sqlite3.Error, OSError) as exc:
                log.warning("sentence vectors off: cannot open %s: %s", vectors.default_path(), exc)
                self._vectors = False    # said once
                return None
        return self._vectors

    # ------------------------------------------------------------------ keeping it current
    def sync(self, session: Session, *, progress=None, encode_limit: int | None = None) -> int:
        """Index every stored version not yet indexed; drop versions gone from the store; encode
        the provisions' sentence vectors — all of them, or, for a question (`encode_limit`), only
        as many as it may wait for (the scrape DAG and `yibao ask --index` encode the rest).
        Returns the number of versions added.  Whole syncs (`yibao ask --index`, the scrape DAG) take
        turns: a second one waits for the first, then finds the work done."""
        if encode_limit is None:
            with self._build_lock():
                return self._sync(session, progress, encode_limit)
        return self._sync(session, progress, encode_limit)

    @contextmanager
    def _build_lock(self):
        """An exclusive lock on the index file's companion `.lock` (released if the process dies).
        A build waits at most LOCK_WAIT_S for another (a stopped one would hold it for ever), then
        goes ahead without it: two builds at once are safe, only wasteful."""
        path = self.path.with_suffix(".lock")
        try:
            lock = open(path, "a+")
        except PermissionError:   # made by another account: flock needs only a readable file
            lock = open(path)
        with lock:
            held = self._take(lock, path)
            try:
                yield
            finally:
                if held:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _take(self, lock, path: Path) -> bool:
        deadline = time.monotonic() + LOCK_WAIT_S
        warned = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning("the Q&A index is still locked after %d s (%s): building anyway", LOCK_WAIT_S, path)
                    return False
                if not warned:
                    lock.seek(0)
                    holder = lock.read().strip() or "another process"
                    log.warning("the Q&A index %s is being built by %s: waiting for it (at most %d s)",
                                self.path, holder, LOCK_WAIT_S)
                    warned = True
                time.sleep(0.5)
        if lock.writable():
            lock.seek(0)
            lock.truncate()
            lock.write(f"process {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            lock.flush()
        return True

    def _sync(self, session: Session, progress, encode_limit: int | None) -> int:
        db = self._db()
        stored = {vid: (did, h) for vid, did, h in
                  session.execute(select(Version.id, Version.document_id, Version.content_hash))}
        indexed = {vid: h for vid, h in db.execute("SELECT version_id, content_hash FROM indexed_versions")}
        stale = [vid for vid, h in indexed.items() if vid not in stored or stored[vid][1] != h]
        new = sorted(vid for vid in stored if vid not in indexed or vid in stale)
        if not new and not stale:
            self._fill_vectors(progress, encode_limit)
            return 0
        titles = {i: t for i, t in session.execute(select(Document.id, Document.title))}
        with _write(db):
            for vid in stale:
                self._drop(db, vid)
        added = 0
        for n, vid in enumerate(new, 1):
            version = session.get(Version, vid)
            rows = [(p.clause, p.quote, " ".join(tokens(p.quote)), " ".join(tokens(p.heading)), " ".join(p.actors),
                     vectors.text_key(vectors.passage_text(p.quote)))
                    for p in passages_of(version.text, title=version.title)]
            title_terms = " ".join(tokens(version.title or titles.get(version.document_id, "")))
            with _write(db):
                if db.execute("SELECT 1 FROM indexed_versions WHERE version_id=?", (vid,)).fetchone():
                    continue  # another process got there first
                for seq, (clause, quote, body, heading, actors, key) in enumerate(rows):
                    cur = db.execute("INSERT INTO passages(version_id, document_id, seq, clause, quote, actors, "
                                     "vector_key) VALUES (?,?,?,?,?,?,?)",
                                     (vid, version.document_id, seq, clause, quote, actors, key))
                    db.execute("INSERT INTO passage_fts(rowid, body, heading, title) VALUES (?,?,?,?)",
                               (cur.lastrowid, body, heading, title_terms))
                db.execute("INSERT INTO indexed_versions VALUES (?,?,?)",
                           (vid, version.document_id, version.content_hash))
                db.execute("DELETE FROM meta WHERE key='vectors'")   # new provisions to encode
                added += 1
            if progress:
                progress(n, len(new))
        _last_check.pop(str(self.path), None)
        self._fill_vectors(progress, encode_limit)
        return added

    def vectors_ready(self) -> bool:
        """Every provision has its sentence vector (else questions are answered on words alone); the
        vectors of its sentences may still be coming (an index built before they were encoded)."""
        return self._vectors_mark() in (vectors.MODEL, _WITH_SENTENCES)

    def _vectors_mark(self) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key='vectors'").fetchone()
        return row[0] if row else None

    def _fill_vectors(self, progress=None, limit: int | None = None) -> None:
        """Encode the provisions that have no sentence vector (new ones, or all of them when the
        model was off when they were indexed), unless there are more than `limit`."""
        store = self.vectors
        if store is None or self._vectors_mark() == _WITH_SENTENCES:
            return
        if limit is not None:
            now = time.monotonic()
            if now - _last_check.get(str(self.path), -RECHECK_S) < RECHECK_S:
                return
            _last_check[str(self.path)] = now
            try:   # a question is answered on words rather than fail on its vectors' file
                self._encode_missing(store, progress, limit)
            except (sqlite3.Error, OSError) as exc:
                log.warning("sentence vectors not updated (%s): answering on words alone", exc)
            return
        self._encode_missing(store, progress, limit)

    def _encode_missing(self, store: vectors.VectorStore, progress, limit: int | None) -> None:
        texts = self._texts_to_encode()
        missing = store.missing(list(texts))
        if limit is not None and len(missing) > limit:
            log.warning("%d provisions or sentences have no vector yet: %s until `yibao ask --index` or the "
                        "scrape DAG encodes them", len(missing),
                        "answering without the sentences'" if self.vectors_ready() else "answering on words alone")
            return
        added = store.add({key: texts[key] for key in missing},
                          progress=(lambda n, total: progress(n, total, "provisions encoded")) if progress else None)
        if added:
            log.debug("encoded %d provisions and sentences", added)
        with _write(self._db()):   # complete only if no provision came in meanwhile (another process)
            if not store.missing(list(self._texts_to_encode())):
                self._db().execute("INSERT OR REPLACE INTO meta VALUES ('vectors', ?)", (_WITH_SENTENCES,))

    def _texts_to_encode(self) -> dict[str, str]:
        """key → text of every provision and of its sentences."""
        texts: dict[str, str] = {}
        for (quote,) in self._db().execute("SELECT DISTINCT quote FROM passages"):
            texts.update(vectors.encoded_texts(quote))
        return texts

    @staticmethod
    def _drop(db: sqlite3.Connection, version_id: int) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM passages WHERE version_id=?", (version_id,))]
        db.executemany("DELETE FROM passage_fts WHERE rowid=?", [(i,) for i in ids])
        db.execute("DELETE FROM passages WHERE version_id=?", (version_id,))
        db.execute("DELETE FROM indexed_versions WHERE version_id=?", (version_id,))

    # ------------------------------------------------------------------ asking
    def doc_freq(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """Passages holding each term, and the number of passages."""
        db = self._db()
        total = db.execute("SELECT count(*) FROM passages").fetchone()[0] or 1
        marks = ",".join("?" * len(terms))
        df = dict(db.execute(f"SELECT term, doc FROM passage_vocab WHERE term IN ({marks})", terms)) if terms else {}
        return df, total

    def idf(self, terms: list[str]) -> dict[str, float]:
        """BM25-style idf per term (0 for a term no provision holds)."""
        df, total = self.doc_freq(terms)
        return {t: (math.log(1 + (total - df[t] + 0.5) / (df[t] + 0.5)) if t in df else 0.0) for t in terms}

    def search_terms(self, terms: list[str], idf: dict[str, float]) -> list[str]:
        """The terms worth handing to FTS5: common words (in more than COMMON_SHARE of the
        provisions) only widen the candidate set and slow the query; the re-ranker still sees them."""
        limit = math.log(1 + (1 - COMMON_SHARE) / COMMON_SHARE)
        rare = [t for t in terms if idf.get(t, 0) > limit]
        return rare or sorted((t for t in terms if idf.get(t, 0) > 0), key=lambda t: -idf[t])[:3]

    def unseen_idf(self) -> float:
        """The idf of a word no provision holds."""
        total = self._db().execute("SELECT count(*) FROM passages").fetchone()[0] or 1
        return math.log(1 + (total + 0.5) / 0.5)

    def search(self, terms: list[str], limit: int | None = None) -> list[Hit]:
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self._db().execute(
            "SELECT p.id, p.version_id, p.document_id, p.clause, p.quote, p.actors, "
            f"bm25(passage_fts, 1.0, {HEADING_WEIGHT}, {TITLE_WEIGHT}) AS score, f.body, f.heading, f.title, "
            "p.vector_key "
            "FROM passage_fts f JOIN passages p ON p.id = f.rowid "
            "WHERE passage_fts MATCH ? ORDER BY score LIMIT ?", (match, limit or CANDIDATES)).fetchall()
        return [Hit(pid, vid, did, clause, quote, -score, frozenset(f"{body} {heading} {title}".split()),
                    tuple(actors.split()), frozenset(title.split()), heading.replace(" ", ""), key)
                for pid, vid, did, clause, quote, actors, score, body, heading, title, key in rows]

    def similarities(self, question: str, hits: list[Hit]) -> list[float] | None:
        """Each hit's cosine with the question, or None when sentence vectors are off."""
        store = self.vectors
        if store is None or not hits or not self.vectors_ready():
            return None
        try:
            query = vectors.query_vector(question)
            stored = store.get([h.vector_key for h in hits])
        except Exception as exc:  # noqa: BLE001 - the vectors only re-rank: words alone still answer
            log.warning("sentence vectors unusable (%s): answering on words alone", exc)
            return None
        if any(h.vector_key not in stored for h in hits):
            # the vectors' file was replaced or emptied since they were complete: answer on words (a
            # missing vector must not read as "far in meaning") and encode them again at the next sync
            log.warning("sentence vectors missing for some provisions: answering on words alone until re-encoded")
            with _write(self._db()) as db:
                db.execute("DELETE FROM meta WHERE key='vectors'")
            return None
        # unit vectors: the cosine is the dot product; a provision is as close as its closest
        # sentence, less SENTENCE_MARGIN (a sentence is shorter, so closer to a short question)
        parts = {h.passage_id: [vectors.text_key(t) for t in vectors.sentences(h.quote)] for h in hits}
        pieces = store.get([k for keys in parts.values() for k in keys])
        out = []
        for h in hits:
            whole = float(stored[h.vector_key] @ query)
            closest = max((float(pieces[k] @ query) for k in parts[h.passage_id] if k in pieces), default=whole)
            out.append(max(whole, closest - SENTENCE_MARGIN))
        return out

    def count(self) -> tuple[int, int]:
        db = self._db()
        return (db.execute("SELECT count(*) FROM indexed_versions").fetchone()[0],
                db.execute("SELECT count(*) FROM passages").fetchone()[0])


class _write:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error) on an autocommit connection."""
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
