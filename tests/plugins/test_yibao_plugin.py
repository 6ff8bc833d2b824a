import importlib.util
from pathlib import Path

from yibao.review import testenv

testenv.configure()

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "yibao_plugin.py"


def load():
    spec = importlib.util.spec_from_file_location("yibao_plugin_under_test", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.YibaoPlugin


def test_plugin_mounts_app_and_two_nav_views():
    plugin = load()
    (app_entry,) = plugin.fastapi_apps
    assert app_entry["url_prefix"] == "/yibao"
    assert not any(app_entry["url_prefix"].startswith(p) for p in ("/api/v2", "/ui", "/execution", "/auth", "/pluginsv2"))
    names = {v["name"]: v for v in plugin.external_views}
    assert set(names) == {"课程审核", "医保时效看板", "医保政策问答"}
    assert all(v["destination"] == "nav" and v["href"].startswith("yibao/") for v in names.values())
    paths = {getattr(r, "path", "") for r in app_entry["app"].routes}
    assert {"/review/", "/control/", "/api/lessons/{lesson_id}/decision", "/api/audit"} <= paths


def test_user_dependency_is_a_real_annotation_not_a_query_param():
    """The `from __future__ import annotations` trap: `user` must not become a query parameter."""
    app = load().fastapi_apps[0]["app"]
    route = next(r for r in app.routes if getattr(r, "path", "") == "/api/queue")
    assert "user" not in {p.name for p in route.dependant.query_params}
