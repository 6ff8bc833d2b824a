from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import NOW, session_for, session_with_people  # noqa: E402

from yibao.delivery.service import unsubscribed_channels  # noqa: E402
from yibao.delivery.unsubscribes import (  # noqa: E402
    UnknownPerson, is_unsubscribed, list_unsubscribes, resubscribe, unsubscribe,
)
from yibao.store.models import Event, Person, Unsubscribe  # noqa: E402


@pytest.fixture()
def session(yibao_db):
    s = session_with_people(yibao_db)
    yield s
    s.close()


def test_second_unsubscribe_keeps_one_row_and_one_audit_event(session):
    person = session.get(Person, "zhang.wei")
    assert unsubscribe(session, person, "wecom:cardiology", now=NOW)
    assert not unsubscribe(session, person, "wecom:cardiology", now=NOW)
    session.commit()
    assert is_unsubscribed(session, "zhang.wei", "wecom:cardiology")
    assert not is_unsubscribed(session, "zhang.wei", "email")
    assert session.query(Unsubscribe).count() == 1
    assert session.query(Event).filter_by(stage="unsubscribe").count() == 1
    assert unsubscribed_channels(session) == {("zhang.wei", "wecom:cardiology")}


def test_a_concurrent_click_loses_on_the_unique_constraint(session, yibao_db, monkeypatch):
    person = session.get(Person, "zhang.wei")
    assert unsubscribe(session, person, "email", now=NOW)
    session.commit()
    other = session_for(yibao_db)
    import yibao.delivery.unsubscribes as module
    monkeypatch.setattr(module, "is_unsubscribed", lambda *args: False)   # it looked before we committed
    assert not unsubscribe(other, other.get(Person, "zhang.wei"), "email", now=NOW)
    other.commit()
    assert other.query(Unsubscribe).count() == 1
    other.close()


def test_resubscribe_removes_the_opt_out_and_leaves_an_audit_line(session):
    person = session.get(Person, "zhang.wei")
    unsubscribe(session, person, "email", now=NOW)
    unsubscribe(session, person, "wecom:cardiology", now=NOW)
    assert resubscribe(session, "zhang.wei", ["email"], actor="wang.fang", now=NOW) == ["email"]
    assert [u.channel for u in list_unsubscribes(session, "zhang.wei")] == ["wecom:cardiology"]
    assert resubscribe(session, "zhang.wei", now=NOW) == ["wecom:cardiology"]
    assert resubscribe(session, "zhang.wei", now=NOW) == []
    session.commit()
    assert unsubscribed_channels(session) == set()
    audit = session.query(Event).filter_by(stage="resubscribe").order_by(Event.id).all()
    assert [e.data["channel"] for e in audit] == ["email", "wecom:cardiology"]
    assert audit[0].data["actor"] == "wang.fang"
    with pytest.raises(UnknownPerson, match="nobody"):
        resubscribe(session, "nobody")


def test_planning_skips_the_opted_out_channel_until_resubscribed(session):
    from delivery_world import add_lessons

    from yibao.delivery.service import DeliveryReport, plan
    from yibao.store.models import Delivery

    add_lessons(session, ["doctor"])
    unsubscribe(session, session.get(Person, "zhang.wei"), "email", now=NOW)
    session.commit()

    def planned() -> set[tuple[str, str]]:
        plan(session, lesson_ids=None, now=NOW, config=None, report=DeliveryReport())
        session.commit()
        return {(d.person_id, d.channel) for d in session.query(Delivery)}

    first = planned()
    assert ("zhang.wei", "email") not in first and ("zhang.wei", "wecom:cardiology") in first
    resubscribe(session, "zhang.wei", ["email"], now=NOW)
    assert ("zhang.wei", "email") in planned()
