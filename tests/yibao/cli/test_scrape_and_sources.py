"""`yibao scrape` and `yibao sources` against the HTTP mirror."""
from __future__ import annotations

import json
import os

import pytest

from yibao.cli import main


@pytest.fixture(scope="module")
def mirror():
    from yibao.mirror.server import MirrorServer

    with MirrorServer() as server:
        yield server


@pytest.fixture()
def env(mirror, yibao_db, monkeypatch):
    monkeypatch.setenv("YIBAO_MIRROR_URL", mirror.base_url)
    monkeypatch.setenv("YIBAO_SOURCES", "nhsa")
    monkeypatch.setenv("YIBAO_USER_AGENT", "yibao-tests")
    return mirror


def test_scrape_baseline_then_revision_then_sources(env, capsys):
    from dataclasses import replace

    from yibao.mirror.content import demo_update

    assert main(["scrape", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["version_ids"] == [] and first["sources"][0]["baseline_versions"] > 10

    import datetime as dt

    today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()  # inside the news window
    env.publish(replace(demo_update(), publish_date=today.isoformat()))
    assert main(["scrape", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert len(second["version_ids"]) == 1 and len(second["change_ids"]) == 1

    assert main(["sources", "--json"]) == 0
    health = json.loads(capsys.readouterr().out)
    assert health[0]["id"] == "nhsa" and health[0]["health"] == "ok"
    assert main(["sources"]) == 0   # the 医保办 reads Beijing time, said so; JSON keeps the stored UTC
    from yibao.cli.sources_cmd import beijing

    text = capsys.readouterr().out
    assert "北京时间" in text and f"last ok: {beijing(health[0]['last_success'])}" in text
    assert beijing("2026-12-05 01:29:00.5") == "2026-12-05 09:29" and beijing("") == "—"


def test_challenged_source_is_red_and_exit_code_says_so(env, capsys):
    env.set_failure("nhsa", "challenge_412")
    try:
        assert main(["scrape"]) == 1
        assert main(["sources"]) == 1
        assert "challenged" in capsys.readouterr().out
    finally:
        env.set_failure("nhsa", None)


def test_unknown_source_is_a_clear_error(env, capsys):
    assert main(["scrape", "--source", "nope"]) == 2
    assert "unknown or disabled source" in capsys.readouterr().err


def test_sources_with_an_unknown_source_id_is_one_line(env, capsys, monkeypatch):
    monkeypatch.setenv("YIBAO_SOURCES", "bogus")
    assert main(["sources"]) == 2   # was a ConfigError traceback (scrape already said it in one line)
    err = capsys.readouterr().err
    assert "yibao sources: error: YIBAO_SOURCES: no source with id(s) ['bogus']" in err


def test_baseline_progress_lines_say_baseline_not_news(env, capsys):
    assert main(["scrape"]) == 0   # the first poll of this store: the whole column is history
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip().startswith("nhsa: ")]
    assert lines and all("baseline (history, not announced)" in line for line in lines), lines[:3]
