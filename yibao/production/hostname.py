"""`[core] hostname_callable` for several Celery workers on one host: each names itself.

Airflow records the worker's hostname on every task instance. Two workers on one machine
would both be "this host"; with YIBAO_WORKER_NAME set per worker (worker-1, worker-2) the
task instances show which worker ran them. Without it: the host's FQDN, as by default.
"""
from __future__ import annotations

import os
import socket


def worker_hostname() -> str:
    return os.environ.get("YIBAO_WORKER_NAME") or socket.getfqdn()
