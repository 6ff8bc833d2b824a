"""`python -m yibao.testing.start_together GO_FILE ARGS…`: run `yibao ARGS…` the moment GO_FILE appears.

Race tests start several of these, wait until each has imported the CLI (it writes
GO_FILE.ready.<pid>), then create GO_FILE: the commands start within milliseconds of
each other instead of a process start-up (~1 s) apart.
"""
from __future__ import annotations

import os
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
