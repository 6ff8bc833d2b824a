"""Content-addressed storage of raw snapshots: the key is the SHA-256 of the bytes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from yibao.settings import get_settings


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or get_settings().blob_dir)

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        """Store bytes once; return their key. Writing the same bytes twice is a no-op."""
        key = sha256_hex(data)
        path = self.path_for(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        path = self.path_for(key)
        if not path.exists():
            raise KeyError(f"blob {key} is not in {self.root}")
        return path.read_bytes()

    def __contains__(self, key: str) -> bool:
        return self.path_for(key).exists()
