"""A private PostgreSQL server from the Debian package, for tests and `make production-check`.

    with LocalPostgres(Path("var/postgres/test")) as pg:
        url = pg.create_database("store")     # postgresql+psycopg2://yibao@127.0.0.1:<port>/store

`initdb` makes its own data directory (trust auth for the `yibao` role, listening on
127.0.0.1 only, on a free port, with the unix socket in the data directory's `run/`).
PostgreSQL refuses to run as root: when we are root the directory is handed to the
`postgres` system user and every server command runs through `runuser -u postgres`.
`stop()` ends the postmaster (fast shutdown) and, if it does not go, kills it by PID.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROLE = "yibao"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed (run scripts/setup-system.sh)."""


def server_bin_dir() -> Path:
    """The newest installed server's bin/ (Debian keeps initdb off PATH, in /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresUnavailable("PostgreSQL server not installed: run `bash scripts/setup-system.sh` "
                              "(Debian package postgresql)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    def __init__(self, data_root: Path, *, port: int | None = None, fast_unsafe: bool = True) -> None:
        self.root = Path(data_root).resolve()
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_file = self.root / "postgres.log"
        self.port = port or free_port()
        self.fast_unsafe = fast_unsafe   # fsync off: a test/check cluster, thrown away afterwards
        self.bin = server_bin_dir()
        self.pid: int | None = None

    # -- lifecycle
    def start(self) -> "LocalPostgres":
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0 and not self._reachable_by_postgres(self.root):
            self._move_to_tmp()
        self.socket_dir.mkdir(exist_ok=True)
        if not (self.data_dir / "PG_VERSION").exists():
            self._own(self.root)
            self._run([self.bin / "initdb", "-D", self.data_dir, "-U", ROLE, "--auth=trust",
                       "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"])
        self._own(self.root)
        options = [f"-p {self.port}", f"-k {self.socket_dir}", "-c listen_addresses=127.0.0.1",
                   "-c max_connections=200"]
        if self.fast_unsafe:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run([self.bin / "pg_ctl", "-D", self.data_dir, "-l", self.log_file, "-w", "-t", "60",
                   "-o", " ".join(options), "start"])
        self.pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        return self

    def stop(self) -> None:
        """Fast shutdown; SIGKILL by PID if the postmaster is still there after 30 s."""
        if self.pid is None:
            return
        subprocess.run(self._as_owner([self.bin / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "-t", "30",
                                       "stop"]), capture_output=True)
        if _alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        self.pid = None

    @staticmethod
    def stop_leftover(root: Path) -> None:
        """End the postmaster a killed run left in `root` (SIGKILL by the PID in postmaster.pid)."""
        root = Path(root)
        if (root / "moved-to").exists():
            root = Path((root / "moved-to").read_text().strip())
        pid_file = root / "data" / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            return   # no file, or the process is gone already
        if "postgres" in cmdline and str(root / "data") in cmdline:   # never a PID reused by another program
            os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> "LocalPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases
    def url(self, database: str = "postgres", driver: str = "psycopg2") -> str:
        return f"postgresql+{driver}://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, drop_first: bool = True) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                if drop_first:
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    # -- helpers
    @staticmethod
    def _reachable_by_postgres(path: Path) -> bool:
        return subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(path)]).returncode == 0

    def _move_to_tmp(self) -> None:
        """The checkout lies under a folder the postgres user cannot enter (e.g. /root): the
        cluster goes to a private folder in /tmp instead, removed by whoever removes `root`."""
        import tempfile

        tmp = Path(tempfile.mkdtemp(prefix="yibao-postgres-"))
        tmp.chmod(0o755)
        (self.root / "moved-to").write_text(str(tmp))
        self.root, self.data_dir, self.socket_dir = tmp, tmp / "data", tmp / "run"
        self.log_file = tmp / "postgres.log"
        self.socket_dir.mkdir()

    def _as_owner(self, cmd: list) -> list[str]:
        cmd = [str(c) for c in cmd]
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def _run(self, cmd: list) -> None:
        done = subprocess.run(self._as_owner(cmd), capture_output=True, text=True)
        if done.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{Path(str(cmd[0])).name} failed ({done.returncode}): "
                               f"{done.stderr.strip() or done.stdout.strip()}\n{log}")

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(path)], check=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:   # it may be exiting right now
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.2)
    return True
