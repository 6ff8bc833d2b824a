"""Where yibao keeps its data and configuration.

Everything is taken from the environment so that Airflow workers, the CLI and the
tests all see the same settings without a file in git holding secrets.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PUBLIC_URL = "http://localhost:8080/yibao"


@dataclass(frozen=True)
class Settings:
    home: Path                 # data folder: SQLite store, blobs, captured mail
    database_url: str          # SQLAlchemy URL of the domain store
    config_dir: Path           # sources.yaml, topics.yaml, roles.yaml, subscriptions.yaml …
    public_url: str            # base URL for signed read/ack links in messages
    public_url_set: bool = True   # False: YIBAO_PUBLIC_URL unset, links point at DEFAULT_PUBLIC_URL

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"


def get_settings() -> Settings:
    home = Path(os.environ.get("YIBAO_HOME", REPO_ROOT / "var")).resolve()
    url = os.environ.get("YIBAO_DATABASE_URL") or f"sqlite:///{home / 'yibao.db'}"
    config_dir = Path(os.environ.get("YIBAO_CONFIG_DIR", REPO_ROOT / "config")).resolve()
    public_url = os.environ.get("YIBAO_PUBLIC_URL", "").strip()
    return Settings(home=home, database_url=url, config_dir=config_dir, public_url=public_url or DEFAULT_PUBLIC_URL,
                    public_url_set=bool(public_url))


def public_url_warning() -> str | None:
    """What to say when links would point at an address only this machine opens: the default, or
    any loopback host (localhost, 127.x, ::1) set on purpose."""
    settings = get_settings()
    example = "set it to the address staff reach Airflow at, e.g. https://airflow.hospital.cn/yibao"
    if not settings.public_url_set:
        return (f"YIBAO_PUBLIC_URL is not set: links in messages and reports point at {DEFAULT_PUBLIC_URL}, "
                f"which staff cannot open; {example}")
    if _is_loopback(settings.public_url):
        return (f"YIBAO_PUBLIC_URL is {settings.public_url}: a loopback address, so links in messages and reports "
                f"open only on this machine; {example}")
    return None


def _is_loopback(url: str) -> bool:
    """localhost, 127.x in any spelling (127.1), ::1, and 0.0.0.0 (a listening address, not one to visit)."""
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))   # 127.1, 0x7f.1 …
        except OSError:
            return False
    return address.is_loopback or address.is_unspecified
