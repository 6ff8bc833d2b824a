"""Airflow plugin: mounts the yibao web app at /yibao and adds its pages to the UI navigation.

The menu entries' addresses are relative ("yibao/review/"): Airflow's page resolves them against its
<base href>, so they work at the host root and when Airflow is published under a path (/airflow/)."""
from airflow.plugins_manager import AirflowPlugin

from yibao.web.app import create_app

URL_PREFIX = "/yibao"


class YibaoPlugin(AirflowPlugin):
    name = "yibao"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "yibao review"}]
    external_views = [
        {"name": "课程审核", "href": f"{URL_PREFIX.lstrip('/')}/review/", "url_route": "yibao-review",
         "destination": "nav", "category": "browse"},
        {"name": "医保时效看板", "href": f"{URL_PREFIX.lstrip('/')}/control/", "url_route": "yibao-control",
         "destination": "nav", "category": "browse"},
        {"name": "医保政策问答", "href": f"{URL_PREFIX.lstrip('/')}/qa/", "url_route": "yibao-qa",
         "destination": "nav", "category": "browse"},
    ]
