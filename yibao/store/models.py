"""The domain store: one schema for sources, documents, versions, changes,
lessons, reviews, subscriptions, deliveries and acknowledgements.

Uniqueness constraints carry the idempotency rules: a re-run of any stage
inserts nothing it already inserted (see the `uq_*` constraints).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, Index, false, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """An official site we watch (国家医保局, a provincial bureau …)."""
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[str] = mapped_column(String(32))
    base_url: Mapped[str] = mapped_column(String(500))
    region: Mapped[str] = mapped_column(String(32), default="national")
    health: Mapped[str] = mapped_column(String(16), default="unknown")  # ok|challenged|drifted|error|unknown
    health_detail: Mapped[str] = mapped_column(Text, default="")
    last_poll_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    crawl_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_full_recheck_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # every known article re-checked


class Document(Base):
    """One policy document, whatever URL or re-publication it comes under."""
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_id", "identity_key", name="uq_document_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    identity_key: Mapped[str] = mapped_column(String(500))  # "no:<发文字号>" or "url:<canonical url>"
    doc_number: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(Text)
    norm_title: Mapped[str] = mapped_column(Text, index=True)
    url: Mapped[str] = mapped_column(String(1000))
    issuer: Mapped[str | None] = mapped_column(String(300))
    publish_date: Mapped[dt.date | None] = mapped_column(Date)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    validity: Mapped[str | None] = mapped_column(String(16))
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    supersedes_reason: Mapped[str | None] = mapped_column(String(200))
    # first seen after the baseline but published before the news window: stored, not announced
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    possibly_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # its page answered 404 twice

    versions: Mapped[list["Version"]] = relationship(back_populates="document", order_by="Version.seq")
    source: Mapped[Source] = relationship()


class Version(Base):
    """A distinct content state of a document. Raw bytes live in the blob store."""
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "content_hash", name="uq_version_content"),
                      Index("uq_version_seq", "document_id", "seq", unique=True))   # 0007

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))   # normalised text + attachment hashes
    raw_sha256: Mapped[str] = mapped_column(String(64))     # blob key of the page bytes
    url: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="version")


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))  # blob key; None when not downloaded
    kind: Mapped[str] = mapped_column(String(16), default="unknown")
    status: Mapped[str] = mapped_column(String(24))          # ok|garbled|not_extracted|too_large|refused|error|skipped_host
    reason: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[list[Any]] = mapped_column(JSON, default=list)

    version: Mapped[Version] = relationship(back_populates="attachments")


class Change(Base):
    """A comparison result: NEW version against its prior version or predecessor document."""
    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("new_version_id", name="uq_change_new_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    old_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    new_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # new|revised|supersedes
    diff: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary_md: Mapped[str] = mapped_column(Text, default="")
    material_count: Mapped[int] = mapped_column(Integer, default=0)
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship()
    new_version: Mapped[Version] = relationship(foreign_keys=[new_version_id])
    old_version: Mapped[Version | None] = relationship(foreign_keys=[old_version_id])


class Lesson(Base):
    """One role's lesson for one change. `revision` is the optimistic-lock counter."""
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("change_id", "role", name="uq_lesson_change_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # draft → in_review → approved | rejected; regenerating; escalated
    title: Mapped[str] = mapped_column(Text)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)   # LessonDraft.to_dict()
    body_md: Mapped[str] = mapped_column(Text, default="")             # what gets delivered
    drafted_md: Mapped[str] = mapped_column(Text, default="")          # what the drafter wrote
    drafter: Mapped[str] = mapped_column(String(32), default="rules")
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    review_dag_run_id: Mapped[str | None] = mapped_column(String(250))

    change: Mapped[Change] = relationship()
    reviews: Mapped[list["Review"]] = relationship(back_populates="lesson", order_by="Review.id")


class Review(Base):
    """The audit trail of a lesson: every action by a person or the system."""
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(24))  # edit|approve|reject|regenerate|escalate|auto_approve
    comment: Mapped[str] = mapped_column(Text, default="")
    before_md: Mapped[str] = mapped_column(Text, default="")
    after_md: Mapped[str] = mapped_column(Text, default="")
    edit_diff: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # hash chain (yibao.store.audit_chain): sha256 per audited field, the previous row's hash, this row's hash
    field_hashes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    lesson: Mapped[Lesson] = relationship(back_populates="reviews")


class AuditChainHead(Base):
    """The single row (id 1) that serialises appends to the audit chain and holds its last hash."""
    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appends: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Person(Base):
    """A subscriber: staff member, HR contact or insured person."""
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # stable id from subscriptions.yaml
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(32), default="national")
    is_liaison: Mapped[bool] = mapped_column(Boolean, default=False)
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ["email", "wecom:dept-robot", …]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "role", name="uq_subscription"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16), default="immediate")  # immediate|daily|weekly


class Delivery(Base):
    """One message to one person on one channel: the exactly-once ledger row."""
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("person_id", "channel", "digest_key", name="uq_delivery"),
        Index("ix_delivery_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(64))   # email | wecom:<robot> | dingtalk:<robot> | feishu:<robot>
    target: Mapped[str] = mapped_column(String(500))
    digest_key: Mapped[str] = mapped_column(String(64))  # hash of the lesson ids in this message
    lesson_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    # pending|sending|sent|failed_retryable|failed_permanent|read|acknowledged
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    is_escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # when a failed_retryable row is due
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)       # last claim ("sending"); lease runs from it
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # parts of a split IM message the robot accepted so far: a retry resumes after them

    person: Mapped[Person] = relationship()
    items: Mapped[list["DeliveryItem"]] = relationship(back_populates="delivery")


class DeliveryItem(Base):
    """A lesson inside a delivery. Unique per (lesson, person, channel): never sent twice."""
    __tablename__ = "delivery_items"
    __table_args__ = (UniqueConstraint("lesson_id", "person_id", "channel", name="uq_delivery_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(64))

    delivery: Mapped[Delivery] = relationship(back_populates="items")


class Acknowledgement(Base):
    """A read or an acknowledgement (我已学习) with the quiz score, from a signed link."""
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("lesson_id", "person_id", "kind", name="uq_ack"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(8))  # read|ack
    quiz_score: Mapped[float | None] = mapped_column()   # ack: the first complete submission (score of record)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # ack: complete submissions
    last_score: Mapped[float | None] = mapped_column()   # ack: the latest submission (practice, not of record)
    via_channel: Mapped[str | None] = mapped_column(String(64))   # the channel whose link recorded it


class Unsubscribe(Base):
    """A person opted out of one channel (unsubscribe link); deleting the row resubscribes."""
    __tablename__ = "unsubscribes"
    __table_args__ = (UniqueConstraint("person_id", "channel", name="uq_unsubscribe"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))  # the message whose link was used


class RobotPost(Base):
    """One webhook POST to an IM group robot, so every sender process (each deliver run, the
    daily round, an alert) paces a robot against the posts of the others (20/min)."""
    __tablename__ = "robot_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    robot_key: Mapped[str] = mapped_column(String(80), index=True)   # ImTarget.limiter_key (no secret)
    process: Mapped[str] = mapped_column(String(120))                 # host:pid:limiter of the sender
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)    # wall clock, naive UTC


class Event(Base):
    """A line in the pipeline's own log: what happened and why (alerts included)."""
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    level: Mapped[str] = mapped_column(String(8), default="info")  # info|warning|alert
    stage: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class QuizAttempt(Base):
    """One submission of a lesson's quiz by one person, with every answer given.

    `attempt_no` counts this person's submissions of this lesson (1 = first attempt, the one
    the statistics use); `round` is the lesson's rework round at the time (0 = the original
    version, 1 = after the first rework …), so a reworked version gets its own first attempts."""
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("lesson_id", "person_id", "attempt_no", name="uq_quiz_attempt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    attempt_no: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)   # [{"question", "given", "correct"}, …]
    score: Mapped[float | None] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LessonRework(Base):
    """A lesson sent back to review (返工) because people did not learn it: the figures that
    triggered it, the text before, and — once the trainer approved the reworked version —
    who approved it, what changed, and to whom it went again."""
    __tablename__ = "lesson_reworks"
    __table_args__ = (UniqueConstraint("lesson_id", "round", name="uq_lesson_rework_round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)              # 1 for the first rework of this lesson
    state: Mapped[str] = mapped_column(String(16), default="flagged")   # flagged|approved
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)      # human-readable, Chinese
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # responses, pass rate, weakest questions
    body_before: Mapped[str] = mapped_column(Text, default="")
    quiz_before: Mapped[list[Any]] = mapped_column(JSON, default=list)
    flagged_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")      # what changed, sent with the reworked version
    redelivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
