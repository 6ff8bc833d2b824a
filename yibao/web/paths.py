"""Where the yibao pages live as the browser sees them.

Airflow may be published at the host root (`/yibao/…`) or under a path (`/airflow/yibao/…`, with
AIRFLOW__API__BASE_URL). A mounted app's `root_path` holds the whole prefix, so pages build every
link and script address from it instead of from the host root."""
from __future__ import annotations

from starlette.requests import Request

MOUNT = "/yibao"   # the plugin's url_prefix (plugins/yibao_plugin.py)


def app_base(request: Request) -> str:
    """'/yibao', or '/airflow/yibao' under a base path: the prefix of every yibao page and API."""
    root = (request.scope.get("root_path") or "").rstrip("/")
    return root if root.endswith(MOUNT) else root + MOUNT


def airflow_base(request: Request) -> str:
    """'' at the host root, '/airflow' under a base path: the prefix of Airflow's own UI pages."""
    return app_base(request)[: -len(MOUNT)]


def add_to(templates) -> None:
    """Make both available to the templates: {{ app_base(request) }}."""
    templates.env.globals.update(app_base=app_base, airflow_base=airflow_base)
