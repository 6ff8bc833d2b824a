"""`make run`: airflow standalone against the real configured sources (Ctrl-C stops it).

Safe by default: the api-server listens on 127.0.0.1 (set YIBAO_AIRFLOW_HOST=0.0.0.0 to open
it to the network, behind TLS and a real auth manager); the `admin` password is generated on
first start, printed once, and kept in $AIRFLOW_HOME (under var/, not in git) with mode 600.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path

ADMIN = "admin"
PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"   # where Airflow's simple auth manager reads them


def admin_password(airflow_home: Path) -> tuple[str, bool]:
    """(password, created now). Reuses the stored one; else generates and stores it (mode 600)."""
    path = airflow_home / PASSWORDS_FILE
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8")).get(ADMIN)
        except (ValueError, AttributeError):
            stored = None
        if stored and stored != "admin":   # a left-over admin/admin from older versions is replaced
            path.chmod(0o600)
            return stored, False
    airflow_home.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps({ADMIN: password}), encoding="utf-8")
    return password, True


def link_secret_warning() -> str | None:
    from yibao.delivery.tokens import LinkSecretMissing, link_secret

    try:
        link_secret()
    except LinkSecretMissing as exc:
        return (f"WARNING: {exc}. Mailed links will show a 'not configured' page and the 医保办 is alerted "
                "until it is set.")
    return None


def main() -> int:
    from yibao.airflow_local import Standalone
    from yibao.pipeline.watch import configured_sources
    from yibao.store.db import migrate

    home = Path(os.environ["AIRFLOW_HOME"])
    migrate()
    sources = configured_sources()
    password, created = admin_password(home)
    af = Standalone(home=home, users={ADMIN: password}, port=int(os.environ.get("YIBAO_AIRFLOW_PORT", "8080")),
                    host=os.environ.get("YIBAO_AIRFLOW_HOST", "127.0.0.1"))
    if not os.environ.get("YIBAO_PUBLIC_URL", "").strip():   # links must reach this server, not a default
        os.environ["YIBAO_PUBLIC_URL"] = f"{af.url}/yibao"
        print(f"WARNING: YIBAO_PUBLIC_URL is not set; mailed links use {os.environ['YIBAO_PUBLIC_URL']}. "
              "Set it to the address staff reach Airflow at (https://…/yibao).")
    print(f"watching: {', '.join(f'{s.id} ({s.name})' for s in sources)}")
    if warning := link_secret_warning():
        print(warning)
    af.prepare()
    try:
        af.start()
        run_id = af.trigger("yibao_scrape")
        print(f"Airflow UI {af.url} (listening on {af.host} only); first poll started: {run_id}")
        if created:
            print(f"login: {ADMIN} / {password}   ← shown once; stored in {home / PASSWORDS_FILE} (mode 600)")
        else:
            print(f"login: {ADMIN} with the password printed at first start ({home / PASSWORDS_FILE})")
        print("decisions on lessons: add your Airflow username to config/trainers.yaml (see README, Security).")
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
