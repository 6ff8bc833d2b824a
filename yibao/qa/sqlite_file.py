"""One SQLite connection per thread to a file of the Q&A's own (sqlite3 connections are not shared
between threads): autocommit, WAL so the api-server, CLI and DAG tasks read while one writes."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class PerThreadConnection:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db
