"""我已学习 through a group IM post: tell the person by mail.

A department robot posts each person's own signed link into a chat the whole department
reads, so a colleague could press 我已学习 for them. Staff have no login; what yibao can do
is keep the channel with the record (`Acknowledgement.via_channel`, in the attestation CSV)
and mail the person a notice they can object to ("如非本人操作，请联系医保办").
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery import ledger
from yibao.store.models import Acknowledgement, Event, Lesson, Person, Unsubscribe

EMAIL = "email"


def is_group_post(channel: str) -> bool:
    """Every channel but email is a department robot's group post."""
    return channel != EMAIL


def can_notify(session: Session, person: Person) -> bool:
    """The person gets training mail: an address, the email channel, not unsubscribed from it."""
    if EMAIL not in (person.channels or []) or not person.email:
        return False
    return session.scalar(select(Unsubscribe.id).where(Unsubscribe.person_id == person.id,
                                                       Unsubscribe.channel == EMAIL)) is None


def notify_person(session: Session, ack: Acknowledgement, person: Person, lesson: Lesson, channel_words: str,
                  now: dt.datetime) -> int | None:
    """Queue the notice mail (sent by the next delivery run, unless the person unsubscribed from
    mail meanwhile); its Delivery id, or None when the person gets no training mail."""
    if not can_notify(session, person):
        return None
    score = f"，首次测验得分 {ack.quiz_score:.0%}" if ack.quiz_score is not None else ""
    when = beijing.local(ack.at).strftime("%Y-%m-%d %H:%M")
    message = (f"您的医保政策培训「{lesson.title}」已于 {when}（北京时间）确认「我已学习」{score}。\n"
               f"这次确认来自{channel_words}里发给您的链接，群里的同事也能看到这条链接。\n"
               "如非本人操作，请联系医保办更正记录；本人操作则无需处理。")
    event = Event(at=now, level="info", stage="ack", subject=f"培训确认通知：{lesson.title}"[:200],
                  message=message, data={"kind": "group_ack", "person": person.id, "lesson": lesson.id})
    session.add(event)
    session.flush()
    row = ledger.plan_keyed(session, person_id=person.id, channel=EMAIL, target=person.email,
                            digest_key=f"event:{event.id}", now=now)
    return row.id if row is not None else None
