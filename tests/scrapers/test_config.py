"""sources.yaml loader: validation names source and field; mirror/env overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.config import load_sources, parse_sources
from scrapers.errors import ConfigError

CONFIG = Path(__file__).resolve().parents[1] / "fixtures" / "scrapers" / "sources.yaml"
REPO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "sources.yaml"


def _src(**kw):
    d = {"id": "nhsa", "family": "hanweb", "base_url": "https://www.nhsa.gov.cn",
         "allowed_hosts": ["www.nhsa.gov.cn"], "columns": [{"id": "104", "path": "/col/col104/index.html"}]}
    d.update(kw)
    return {"sources": [d]}


def test_loads_fixture(monkeypatch):
    monkeypatch.delenv("YIBAO_MIRROR_URL", raising=False)
    monkeypatch.delenv("YIBAO_SOURCES", raising=False)
    nhsa = load_sources(CONFIG)[0]
    assert nhsa.id == "nhsa" and [c.id for c in nhsa.columns] == ["104", "105", "109", "113"]
    assert nhsa.poll.min_delay_s == 1.5 and nhsa.poll.max_catchup_pages == 10
    assert nhsa.url("/col/col104/index.html") == "https://www.nhsa.gov.cn/col/col104/index.html"


def test_repo_config_is_valid(monkeypatch):
    if not REPO_CONFIG.exists():
        pytest.skip("config/sources.yaml not written yet")
    monkeypatch.delenv("YIBAO_MIRROR_URL", raising=False)
    monkeypatch.delenv("YIBAO_SOURCES", raising=False)
    sources = {s.id: s for s in load_sources(REPO_CONFIG)}
    assert sources["nhsa"].enabled
    # every parser family has a site a hospital can switch on; provinces start disabled
    from scrapers.registry import families
    assert {s.family for s in sources.values()} >= set(families())
    assert not any(sources[p].enabled for p in ("gd_hsa", "sh_ybj", "zj_ybj", "sc_ybj", "js_ybj"))
    proposed = {s.id: s for s in load_sources(CONFIG.with_name("provincial_sources.yaml"))}
    for sid, src in proposed.items():   # the tested provincial entries and the shipped ones agree
        assert sources[sid].columns == src.columns and sources[sid].family == src.family


def test_mirror_url_and_only_overrides(monkeypatch):
    monkeypatch.setenv("YIBAO_MIRROR_URL", "http://127.0.0.1:8765/")
    monkeypatch.setenv("YIBAO_SOURCES", "js_ybj")
    srcs = {s.id: s for s in load_sources(CONFIG)}
    assert srcs["nhsa"].base_url == "http://127.0.0.1:8765/nhsa"
    assert srcs["nhsa"].allowed_hosts == ["127.0.0.1", "localhost"]
    assert not srcs["nhsa"].enabled and srcs["js_ybj"].enabled
    srcs = {s.id: s for s in load_sources(CONFIG, overrides={"nhsa": {"poll": {"min_delay_s": 0}}})}
    assert srcs["nhsa"].poll.min_delay_s == 0 and srcs["nhsa"].poll.timeout_s == 20


@pytest.mark.parametrize("change,needle", [
    ({"family": "wordpress"}, "sources[nhsa].family"),
    ({"base_url": "ftp://x"}, "sources[nhsa].base_url"),
    ({"allowed_hosts": ["other.gov.cn"]}, "sources[nhsa].allowed_hosts"),
    ({"columns": []}, "sources[nhsa].columns"),
    ({"columns": [{"id": "104"}]}, "sources[nhsa].columns[0].path"),
    ({"poll": {"min_delay_s": -1}}, "sources[nhsa].poll.min_delay_s"),
    ({"poll": {"timeout_s": "soon"}}, "sources[nhsa].poll.timeout_s"),
])
def test_validation_errors_name_source_and_field(change, needle):
    with pytest.raises(ConfigError) as err:
        parse_sources(_src(**change))
    assert needle in str(err.value)


def test_missing_file_and_unknown_override(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="no source with id"):
        load_sources(CONFIG, overrides={"gd": {"enabled": False}})
