"""The private PostgreSQL and Redis servers: start on a free port, answer, and are gone after stop()."""
from __future__ import annotations

import os
import socket

import sqlalchemy as sa

from yibao.devservers.postgres import LocalPostgres
from yibao.devservers.redis import LocalRedis


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as f:   # exited but not yet reaped by its parent
        return f.read().split()[2] == "Z"


def test_postgres_runs_in_its_own_folder_and_stops_by_pid(tmp_path):
    pg = LocalPostgres(tmp_path / "pg").start()
    pid = pg.pid
    try:
        url = pg.create_database("probe")
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SHOW port")) == str(pg.port)
        engine.dispose()
        assert (pg.root / "data" / "PG_VERSION").exists()
    finally:
        pg.stop()
    assert _gone(pid)


def test_redis_answers_and_stops_by_pid(tmp_path):
    with LocalRedis(tmp_path / "redis") as redis:
        pid = redis.process.pid
        with socket.create_connection(("127.0.0.1", redis.port), timeout=2) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(16).startswith(b"+PONG")
    assert _gone(pid)
