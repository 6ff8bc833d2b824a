"""`python -m yibao.testing.start_together GO_FILE ARGS…`: run `yibao ARGS…` the moment GO_FILE appears.

Race tests start several of these, wait until each has imported the CLI (it writes
GO_FILE.ready.<pid>), then create GO_FILE: the commands start within milliseconds of
each other instead of a process start-up (~1 s) apart.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    go_file, args = Path(argv[0]), argv[1:]
    import yibao.cli

    parser = yibao.cli.build_parser()   # imports every command module before the start signal
    del parser
    Path(f"{go_file}.ready.{os.getpid()}").touch()
    deadline = time.monotonic() + 120
    while not go_file.exists():
        if time.monotonic() > deadline:
            print("start_together: no start signal within 120 s", file=sys.stderr)
            return 2
        time.sleep(0.005)
    return yibao.cli.main(args)


def ready_count(go_file: Path) -> int:
    return len(list(go_file.parent.glob(go_file.name + ".ready.*")))


def launch(n: int, args: list[str], env: dict[str, str], work_dir: Path) -> list[subprocess.Popen]:
    """n processes running `yibao ARGS`, released at the same instant once all have started."""
    go = Path(work_dir) / f"go-{time.monotonic_ns()}"
    procs = [subprocess.Popen([sys.executable, "-m", __name__, str(go), *args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)]
    deadline = time.monotonic() + 120
    while ready_count(go) < n:
        failed = [p for p in procs if p.poll() is not None]
        if failed or time.monotonic() > deadline:
            for p in procs:
                p.kill()
            raise RuntimeError(f"workers did not start: {failed[0].communicate()[1][-2000:] if failed else 'timeout'}")
        time.sleep(0.05)
    go.touch()
    return procs


def json_output(proc: subprocess.Popen, timeout: float = 300) -> dict:
    """Wait for a `--json` command; its JSON report (after any log lines Airflow printed first)."""
    import json

    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {err[-3000:]}\n{out[-2000:]}")
    start = 0 if out.startswith("{") else out.index("\n{") + 1
    return json.loads(out[start:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
