"""`yibao scrape` re-checks known articles (real clock, mirror dated relative to today):
an in-place revision of a 10-day-old article is one new version after a single scrape;
`--recheck` forces a cycle; `yibao sources` shows the last full cycle and the archived count."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from yibao.cli import main
from yibao.mirror.content import nhsa_site, old_records, shift_dates
from yibao.mirror.server import MirrorServer

OLD, NEW = "各地要确保12月底前全国统一切换上线。", "各地要确保11月底前全国统一切换上线。"


def today_cn() -> dt.date:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()


@pytest.fixture()
def mirror(yibao_db, monkeypatch):
    site = shift_dates(nhsa_site(), today_cn())
    with MirrorServer(sites=[site]) as server:
        monkeypatch.setenv("YIBAO_MIRROR_URL", server.base_url)
        monkeypatch.setenv("YIBAO_SOURCES", "nhsa")
        yield server, site


def scrape_json(capsys, *args) -> dict:
    assert main(["scrape", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_single_scrape_finds_the_in_place_revision_of_a_10_day_old_article(mirror, capsys):
    server, site = mirror
    target = next(d for d in site.column_documents("104")
                  if (today_cn() - dt.date.fromisoformat(d.publish_date)).days == 10)
    target.body += "\n" + OLD
    first = scrape_json(capsys)
    assert first["version_ids"] == [] and first["sources"][0]["baseline_versions"] > 60

    server.revise_in_place("nhsa", target.doc_id, OLD, NEW)  # list pages stay byte-identical
    second = scrape_json(capsys)
    assert len(second["version_ids"]) == 1 and len(second["change_ids"]) == 1  # announced: a material change
    assert second["sources"][0]["revised_in_place"] == second["version_ids"]

    from yibao.store import Change, open_session
    with open_session() as session:
        change = session.get(Change, second["change_ids"][0])
        assert change.document.title == target.title and change.kind == "revised"
        changed = [c for c in change.diff["changes"] if c.get("material")]
        assert len(changed) == 1
        assert OLD.rstrip("。") in changed[0]["old_text"] and NEW.rstrip("。") in changed[0]["new_text"]


def test_recheck_flag_forces_a_full_cycle_and_sources_shows_it(mirror, capsys):
    server, site = mirror
    scrape_json(capsys)
    assert main(["sources", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["last_full_recheck"] == "" and row["archived"] == 0

    forced = scrape_json(capsys, "--recheck", "all")
    src = forced["sources"][0]
    assert src["rechecked"] >= 80 and forced["version_ids"] == []
    assert src["recheck_not_modified"] == src["recheck_requests"]  # nothing changed: every answer a 304
    assert src["last_full_recheck"]

    for doc in old_records(site, "104", 2, dt.date(2021, 3, 1)):
        server.publish(doc)
    assert main(["scrape", "--deep"]) == 0
    out = capsys.readouterr().out
    assert "archived (2, published before the news window, not announced)" in out
    assert re.search(r"requests=\d+ \(list pages not modified: \d+\)", out)   # re-check 304s on their own line
    assert re.search(r"re-checked \d+ known article\(s\): \d+ request\(s\), \d+ answered 304", out)
    assert "changes to draft: none" in out

    assert main(["sources"]) == 0
    assert "archived: 2" in capsys.readouterr().out
    assert main(["sources", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["archived"] == 2 and row["last_full_recheck"]


def test_bad_recheck_value_is_a_clear_error(mirror, capsys):
    assert main(["scrape", "--recheck", "soon"]) == 2
    err = capsys.readouterr().err
    assert "--recheck expects 'all' or a number of days" in err and len(err.strip().splitlines()) == 1
