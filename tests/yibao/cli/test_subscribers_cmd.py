"""`yibao subscribers unsubscribed|resubscribe` on a real store."""
from __future__ import annotations

import datetime as dt

from yibao.cli import main
from yibao.delivery.unsubscribes import unsubscribe
from yibao.store.db import open_session
from yibao.store.models import Event, Person, Unsubscribe

AT = dt.datetime(2025, 12, 8, 2, 0)


def _opt_out(channels: list[str]) -> None:
    with open_session() as session:
        person = Person(id="zhang.wei", name="张伟", channels=["email", "wecom:cardiology"])
        session.add(person)
        session.flush()
        for channel in channels:
            unsubscribe(session, person, channel, now=AT)


def test_list_then_resubscribe_one_channel(yibao_db, capsys):
    _opt_out(["email", "wecom:cardiology"])
    assert main(["subscribers", "unsubscribed"]) == 0
    out = capsys.readouterr().out
    assert "zhang.wei" in out and "wecom:cardiology" in out and "2025-12-08 02:00" in out

    assert main(["subscribers", "resubscribe", "--id", "zhang.wei", "--channel", "email",
                 "--actor", "wang.fang"]) == 0
    assert "resubscribed zhang.wei to email" in capsys.readouterr().out
    with open_session() as session:
        assert [u.channel for u in session.query(Unsubscribe)] == ["wecom:cardiology"]
        audit = session.query(Event).filter_by(stage="resubscribe").one()
        assert audit.data == {"person_id": "zhang.wei", "channel": "email", "actor": "wang.fang"}


def test_resubscribe_without_an_opt_out_or_person_says_so(yibao_db, capsys):
    _opt_out([])
    assert main(["subscribers", "resubscribe", "--id", "zhang.wei"]) == 1
    assert "no opt-out" in capsys.readouterr().err
    assert main(["subscribers", "resubscribe", "--id", "nobody"]) == 2
    assert "no person 'nobody'" in capsys.readouterr().err
