"""`make run`: airflow standalone against the real configured sources (Ctrl-C stops it)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    from yibao.airflow_local import Standalone
    from yibao.pipeline.watch import configured_sources
    from yibao.store.db import migrate

    home = Path(os.environ["AIRFLOW_HOME"])
    migrate()
    sources = configured_sources()
    af = Standalone(home=home, port=int(os.environ.get("YIBAO_AIRFLOW_PORT", "8080")))
    print(f"watching: {', '.join(f'{s.id} ({s.name})' for s in sources)}")
    af.prepare()
    try:
        af.start()
        run_id = af.trigger("yibao_scrape")
        print(f"Airflow UI {af.url} (admin/admin); first poll started: {run_id}")
        print("the first poll of each source is a silent baseline; later polls announce what is new.")
        print("Ctrl-C stops every process started here.")
        while af.process and af.process.poll() is None:
            time.sleep(5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        af.stop()


if __name__ == "__main__":
    sys.exit(main())
