"""Plan and send lesson digests: approved lessons → people → ledger rows → email / IM.

`deliver()` is the Airflow task's body and `yibao deliver`'s. It is safe to re-run at
any time: planning skips what the ledger already holds, sending only picks rows that
are due (see yibao.delivery.ledger for the exactly-once rules).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yibao.delivery import ledger
from yibao.delivery.compose import ComposeError, Composer, LessonsWithdrawn, LinkMaker
from yibao.delivery.robot_pacing import SharedRobotLimiter
from yibao.delivery.subscriptions import (
    DeliveryPolicy, SubscriptionConfig, SubscriptionFileError, default_conn_id, load_subscriptions,
)
from yibao.lessons.digest import due_by as digest_due_by
from yibao.settings import get_settings, public_url_warning
from yibao.store.models import (
    Change, Delivery, DeliveryItem, Document, Lesson, Person, Source, Subscription, Unsubscribe, utcnow,
)

log = logging.getLogger(__name__)

EMAIL_CHUNK = 100          # rows claimed together; bounds what a killed run leaves "sending"
STALE_AFTER = dt.timedelta(days=30)  # lessons whose deadline passed this long ago are not delivered any more

Outcome = Callable[[Delivery, bool], None]


@dataclass
class ChannelCounts:
    planned: int = 0
    sent: int = 0
    failed_retryable: int = 0
    failed_permanent: int = 0
    skipped: int = 0


@dataclass
class DeliveryReport:
    planned: int = 0             # new ledger rows (messages) created by this run
    sent: int = 0
    failed_retryable: int = 0
    failed_permanent: int = 0
    skipped: int = 0             # person × channel × lesson combinations that could not be planned
    deferred: int = 0            # person × channel waiting for their daily/weekly digest
    resent_after_lease: int = 0  # rows a killed run left "sending", sent again
    per_channel: dict[str, ChannelCounts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # sent, but something to fix (links to a default address)
    dry_run: bool = False
    planned_rows: list[dict[str, Any]] = field(default_factory=list)
    queued_alerts: list[int] = field(default_factory=list, repr=False)  # ledger ids of alerts raised mid-run

    def channel(self, channel: str) -> ChannelCounts:
        kind = channel.split(":", 1)[0]
        return self.per_channel.setdefault(kind, ChannelCounts())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["per_channel"] = {k: asdict(v) for k, v in self.per_channel.items()}
        data.pop("queued_alerts", None)
        return data


def deliver(session: Session, *, lesson_ids: list[int] | None = None, now: dt.datetime | None = None,
            smtp: Any | None = None, config: SubscriptionConfig | None = None, dry_run: bool = False,
            on_outcome: Outcome | None = None) -> DeliveryReport:
    """Plan digests for approved lessons and send everything that is due.

    `config` supplies robot → Airflow connection ids (default: load the subscriptions file;
    robots then fall back to `yibao_im_<robot>`). `on_outcome(row, ok)` is called for each
    send result right after it is known and before it is recorded (heartbeats, fault tests).
    With `dry_run` nothing is written or sent; `planned_rows` shows what would go out.
    """
    now = now or utcnow()
    config = config if config is not None else load_config_quietly()
    report = DeliveryReport(dry_run=dry_run)
    plan(session, lesson_ids=lesson_ids, now=now, config=config, report=report)
    if dry_run:
        session.rollback()
        return report
    session.commit()
    send_due(session, now=now, smtp=smtp, config=config, report=report, on_outcome=on_outcome)
    return report


# ---------------------------------------------------------------- planning
def plan(session: Session, *, lesson_ids: list[int] | None, now: dt.datetime,
         config: SubscriptionConfig | None, report: DeliveryReport) -> None:
    _plan_reworked(session, lesson_ids, now, report)
    lessons = _approved_lessons(session, lesson_ids, now)
    if not lessons:
        return
    opted_out = unsubscribed_channels(session)
    ids = [lesson.id for lesson, _ in lessons]
    done: dict[tuple[str, str], set[int]] = {}
    for person_id, channel, lesson_id in session.execute(
            select(DeliveryItem.person_id, DeliveryItem.channel, DeliveryItem.lesson_id)
            .where(DeliveryItem.lesson_id.in_(ids))):
        done.setdefault((person_id, channel), set()).add(lesson_id)
    people = session.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.id)).all()
    periods: dict[str, dict[str, str]] = {}
    for sub in session.scalars(select(Subscription)):
        periods.setdefault(sub.person_id, {})[sub.role] = sub.period
    for person in people:
        roles = periods.get(person.id, {})
        matched = [(lesson, region) for lesson, region in lessons
                   if lesson.role in roles and region_applies(region, person.region)]
        if not matched:
            continue
        for channel in person.channels or []:
            if (person.id, channel) in opted_out:
                continue
            _plan_channel(session, person, channel, matched, roles, now, config, report,
                          done.get((person.id, channel), set()))


def _plan_reworked(session: Session, lesson_ids: list[int] | None, now: dt.datetime,
                   report: DeliveryReport) -> None:
    """A re-approved 返工 lesson goes again, with a note on what changed, only to those who
    failed their first attempt or never acknowledged (yibao.review.rework)."""
    from yibao.review.rework import plan_redelivery

    for row_id in plan_redelivery(session, lesson_ids=lesson_ids, now=now, opted_out=unsubscribed_channels(session)):
        row = session.get(Delivery, row_id)
        report.planned += 1
        report.channel(row.channel).planned += 1
        report.planned_rows.append({"person": row.person_id, "channel": row.channel, "lessons": row.lesson_ids,
                                    "delivery_id": row.id, "kind": "rework"})


def _plan_channel(session: Session, person: Person, channel: str, matched: list[tuple[Lesson, str]],
                  periods: dict[str, str], now: dt.datetime, config: SubscriptionConfig | None,
                  report: DeliveryReport, done: set[int]) -> None:
    todo = [lesson for lesson, _ in matched if lesson.id not in done]
    if not todo:
        return
    target = _target(person, channel, config)
    if target is None:
        report.skipped += len(todo)
        report.channel(channel).skipped += len(todo)
        report.errors.append(f"{person.id}: channel {channel!r} is not usable "
                             "(no email address, or robot not configured / secret missing); skipped")
        return
    # a lesson's batch time counts from when it became available (approval), not from this run
    if not any(due_by(periods.get(lesson.role, "immediate"), lesson.deadline, _available_at(lesson, now)) <= now
               for lesson in todo):
        report.deferred += 1
        return
    ids = [lesson.id for lesson in todo]
    if report.dry_run:
        report.planned_rows.append({"person": person.id, "channel": channel, "lessons": ids})
        report.planned += 1
        report.channel(channel).planned += 1
        return
    row = ledger.plan_lessons(session, person_id=person.id, channel=channel, target=target,
                              lesson_ids=ids, now=now, already=done)
    if row is not None:
        report.planned += 1
        report.channel(channel).planned += 1
        report.planned_rows.append({"person": person.id, "channel": channel, "lessons": row.lesson_ids,
                                    "delivery_id": row.id})


def _available_at(lesson: Lesson, now: dt.datetime) -> dt.datetime:
    """When the lesson became deliverable: its approval (else its last change, else now)."""
    return lesson.approved_at or lesson.updated_at or lesson.created_at or now


def _approved_lessons(session: Session, lesson_ids: list[int] | None,
                      now: dt.datetime) -> list[tuple[Lesson, str]]:
    query = (select(Lesson, Source.region).join(Change, Lesson.change_id == Change.id)
             .join(Document, Change.document_id == Document.id).join(Source, Document.source_id == Source.id)
             .where(Lesson.status == "approved").order_by(Lesson.id))
    if lesson_ids is not None:
        query = query.where(Lesson.id.in_(lesson_ids))
    else:
        oldest = (now - STALE_AFTER).date()
        query = query.where((Lesson.deadline.is_(None)) | (Lesson.deadline >= oldest))
    return [(lesson, region or "national") for lesson, region in session.execute(query)]


def approved_unsent(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Approved lessons, not yet stale, that someone subscribes to and nobody has been sent or
    planned yet."""
    readers = session.execute(select(Subscription.role, Person.region)
                              .join(Person, Subscription.person_id == Person.id).where(Person.active.is_(True))).all()
    ids = [lesson.id for lesson, region in _approved_lessons(session, None, now or utcnow())
           if any(role == lesson.role and region_applies(region, person_region) for role, person_region in readers)]
    planned = set(session.scalars(select(DeliveryItem.lesson_id).where(DeliveryItem.lesson_id.in_(ids))))
    return [i for i in ids if i not in planned]


def digest_waiting(session: Session, now: dt.datetime | None = None) -> list[tuple[str, int, dt.datetime]]:
    """(person, lesson, approved at) for approved lessons that wait in someone's daily or weekly
    digest: nothing planned for that person yet, but the digest will carry it. They are 应学 from
    the approval on, so the completion figures do not look better while digests wait."""
    now = now or utcnow()
    lessons = _approved_lessons(session, None, now)
    if not lessons:
        return []
    planned = set(session.execute(select(DeliveryItem.person_id, DeliveryItem.lesson_id)
                                  .where(DeliveryItem.lesson_id.in_([lesson.id for lesson, _ in lessons]))).all())
    opted_out = unsubscribed_channels(session)
    periods: dict[str, dict[str, str]] = {}
    for sub in session.scalars(select(Subscription).where(Subscription.period != "immediate")):
        periods.setdefault(sub.person_id, {})[sub.role] = sub.period
    people = session.scalars(select(Person).where(Person.active.is_(True), Person.id.in_(list(periods)))).all()
    out = []
    for person in people:
        if not any((person.id, channel) not in opted_out for channel in person.channels or []):
            continue
        for lesson, region in lessons:
            if (lesson.role in periods[person.id] and region_applies(region, person.region)
                    and (person.id, lesson.id) not in planned):
                out.append((person.id, lesson.id, _available_at(lesson, now)))
    return out


def region_applies(source_region: str, person_region: str) -> bool:
    """National documents reach everyone; a provincial one reaches people of that region
    (a person in '4401' 广州 gets documents of '44' 广东)."""
    return source_region in ("", "national") or person_region.startswith(source_region)


def _target(person: Person, channel: str, config: SubscriptionConfig | None) -> str | None:
    if channel == "email":
        return person.email or None
    if config is not None and config.robot_for_channel(channel) is None:
        return None
    return channel


def due_by(period: str, deadline: dt.date | None, available_at: dt.datetime) -> dt.datetime:
    """When a lesson that became available at `available_at` (naive UTC) must go out for this
    period: `yibao.lessons.digest.due_by`, the one rule for digests (naive UTC)."""
    return _naive_utc(digest_due_by(period, deadline, available_at.replace(tzinfo=dt.timezone.utc)))


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def unsubscribed_channels(session: Session) -> set[tuple[str, str]]:
    """(person_id, channel) pairs opted out through an unsubscribe link (table `unsubscribes`)."""
    return {(person_id, channel) for person_id, channel in
            session.execute(select(Unsubscribe.person_id, Unsubscribe.channel))}


# ---------------------------------------------------------------- sending
def send_due(session: Session, *, now: dt.datetime, smtp: Any | None = None,
             config: SubscriptionConfig | None = None, report: DeliveryReport | None = None,
             on_outcome: Outcome | None = None, ids: Iterable[int] | None = None,
             limiter: Any | None = None, links_optional: bool = False) -> DeliveryReport:
    """Send every due ledger row (lesson digests, reminders, alerts); record each outcome.
    `links_optional`: the rows carry no signed link (alerts), so a missing link secret is no reason
    not to send them (the alert may be about that very secret)."""
    report = report or DeliveryReport()
    policy = _retry_policy(config.policy if config else DeliveryPolicy())
    rows = ledger.due(session, now, ids=ids, lease=policy.lease)
    if not rows:
        return report
    settings = get_settings()
    warning = None if links_optional else public_url_warning()
    if warning and warning not in report.warnings:
        log.warning("%s", warning)
        report.warnings.append(warning)
    composer = Composer(session, LinkMaker(settings.public_url, _link_secret(optional=links_optional)),
                        config.hospital if config else "")
    email_rows = [r for r in rows if r.channel == "email"]
    im_rows = [r for r in rows if r.channel != "email"]
    if email_rows:
        _send_email(session, email_rows, now, smtp, composer, policy, report, on_outcome)
    if im_rows:
        _send_im(session, im_rows, now, config, composer, policy, report, on_outcome, limiter)
    queued, report.queued_alerts = report.queued_alerts, []
    if queued and ids is None:  # alerts raised during this run (e.g. a bad robot key): send them now
        send_due(session, now=now, smtp=smtp, config=config, report=report, ids=queued, limiter=limiter)
    return report


def _retry_policy(p: DeliveryPolicy) -> ledger.RetryPolicy:
    return ledger.RetryPolicy(lease=dt.timedelta(minutes=p.send_lease_minutes), max_attempts=p.max_attempts)


def _link_secret(optional: bool = False) -> bytes:
    from yibao.delivery.tokens import LinkSecretMissing, link_secret
    try:
        return link_secret()
    except LinkSecretMissing:
        if not optional:
            raise
        return b""   # signing a link with it raises LinkSecretMissing


def message_key(row: Delivery) -> str:
    """The email delivery id (→ Message-ID): stable for the row across every attempt."""
    import hashlib
    salt = hashlib.sha256(f"{row.person_id}|{row.channel}|{row.digest_key}".encode()).hexdigest()[:12]
    return f"d{row.id}-{salt}"


def resolve_smtp(smtp: Any | None) -> Any:
    """SMTP settings: given → Airflow connection yibao_smtp → YIBAO_SMTP_* env."""
    if smtp is not None:
        return smtp
    from yibao.delivery.email import EmailConfigError, SmtpSettings
    try:
        return SmtpSettings.from_airflow_connection("yibao_smtp")
    except Exception as exc:  # connection missing or incomplete: try the environment
        log.debug("no usable Airflow connection yibao_smtp (%s); trying YIBAO_SMTP_* env", exc)
    try:
        return SmtpSettings.from_env()
    except EmailConfigError as exc:
        raise EmailConfigError(f"no SMTP settings: create the Airflow connection 'yibao_smtp' "
                               f"or set YIBAO_SMTP_HOST/YIBAO_SMTP_FROM ({exc})") from exc


def _send_email(session: Session, rows: list[Delivery], now: dt.datetime, smtp: Any | None,
                composer: Composer, policy: ledger.RetryPolicy, report: DeliveryReport,
                on_outcome: Outcome | None) -> None:
    from yibao.delivery.email import OutgoingEmail, send_batch_sync

    try:
        settings = resolve_smtp(smtp)
    except Exception as exc:
        report.errors.append(f"email not sent ({len(rows)} messages stay pending): {exc}")
        log.error("email not sent: %s", exc)
        return
    for start in range(0, len(rows), EMAIL_CHUNK):
        batch = rows[start:start + EMAIL_CHUNK]
        resend_ids = {r.id for r in batch if ledger.is_lease_expired(r)}
        chunk, mails = [], []
        for row in ledger.claim(session, batch, now, policy):   # rows another worker took are skipped
            try:
                content = composer.compose(row)
            except LessonsWithdrawn as exc:
                _cancel(session, report, [row], str(exc))
                continue
            except ComposeError as exc:
                _count_failure(report, row, ledger.record_failure(
                    session, row, error=str(exc), permanent=True, now=now, policy=policy))
                continue
            if row.id in resend_ids:
                report.resent_after_lease += 1
            chunk.append(row)
            mails.append(OutgoingEmail(delivery_id=message_key(row), to_addr=row.target,
                                       to_name=row.person.name if row.person else None,
                                       subject=content.subject, text=content.text, html=content.html,
                                       unsubscribe_url=content.unsubscribe_url,
                                       headers={"X-Yibao-Delivery": str(row.id)}))
        if not chunk:
            continue
        by_key = {message_key(r): r for r in chunk}

        def on_result(result, by_key=by_key) -> None:  # noqa: ANN001
            row = by_key[result.delivery_id]
            if on_outcome is not None:
                on_outcome(row, result.ok)
            if result.ok:
                ledger.record_sent(session, row, result.provider_id, now)
                report.sent += 1
                report.channel(row.channel).sent += 1
            else:
                _count_failure(report, row, ledger.record_failure(
                    session, row, error=result.error or "send failed", permanent=result.permanent,
                    now=now, policy=policy))

        send_batch_sync(mails, settings, on_result=on_result)


def _cancel(session: Session, report: DeliveryReport, rows: list[Delivery], reason: str) -> None:
    for row in rows:
        ledger.cancel(session, row, reason)
        report.skipped += len(row.lesson_ids)
        report.channel(row.channel).skipped += len(row.lesson_ids)
    log.info("cancelled %d message(s): %s", len(rows), reason)


def requeue_failed(session: Session, *, person_ids: list[str] | None = None,
                   now: dt.datetime | None = None) -> int:
    """Retry permanently failed lesson digests and reminders (e.g. after an address was fixed):
    their target is refreshed from the person's current email; the next run sends them."""
    query = select(Delivery).where(Delivery.state == ledger.FAILED_PERMANENT)
    if person_ids:
        query = query.where(Delivery.person_id.in_(person_ids))
    rows = [r for r in session.scalars(query) if r.digest_key.startswith(("lessons:", "reminder:"))]
    for row in rows:
        if row.channel == "email" and row.person and row.person.email:
            row.target = row.person.email
    return ledger.requeue(session, rows, now or utcnow())


def _count_failure(report: DeliveryReport, row: Delivery, state: str) -> None:
    if state == ledger.FAILED_PERMANENT:
        report.failed_permanent += 1
        report.channel(row.channel).failed_permanent += 1
        report.errors.append(f"delivery {row.id} to {row.person_id} on {row.channel} failed permanently: "
                             f"{row.last_error}")
    elif state == ledger.FAILED_RETRYABLE:
        report.failed_retryable += 1
        report.channel(row.channel).failed_retryable += 1


_default_limiter: Any | None = None


def _shared_limiter() -> Any:
    global _default_limiter
    if _default_limiter is None:
        from yibao.delivery.ratelimit import RobotLimiter
        _default_limiter = RobotLimiter(per_minute=20)
    return _default_limiter


def _send_im(session: Session, rows: list[Delivery], now: dt.datetime, config: SubscriptionConfig | None,
             composer: Composer, policy: ledger.RetryPolicy, report: DeliveryReport,
             on_outcome: Outcome | None, limiter: Any | None) -> None:
    """Rows for the same group robot with the same content (digest_key) go out as ONE message
    listing each person's own link; a lone row gets the full personal digest."""
    from yibao.delivery.im import ImTarget

    limiter = SharedRobotLimiter(session, limiter or _shared_limiter())   # paces robots across runs
    targets: dict[str, Any] = {}
    throttled: set[str] = set()
    groups: dict[tuple[str, str, bool, int], list[Delivery]] = {}
    for row in rows:
        # rows at different parts of a split message cannot share one resumed message
        key = (row.channel, row.digest_key, ledger.is_lease_expired(row), parts_already_sent(row))
        groups.setdefault(key, []).append(row)
    for (channel, _key, resend, _parts), group in groups.items():
        if channel in throttled:
            continue  # the robot said "too fast": leave the rest for the next run
        robot = config.robot_for_channel(channel) if config else None
        conn_id = robot.conn_id if robot else default_conn_id(channel.partition(":")[2])
        if channel not in targets:
            try:
                targets[channel] = ImTarget.from_airflow_connection(conn_id)
            except Exception as exc:
                targets[channel] = exc
                report.queued_alerts += _alert_bad_robot(session, channel, conn_id,
                                                         f"{type(exc).__name__}: {exc}", now)
        target = targets[channel]
        if isinstance(target, Exception):
            for row in group:
                _count_failure(report, row, ledger.record_failure(
                    session, row, error=f"robot {channel}: connection {conn_id!r} unusable: {target}",
                    permanent=False, now=now, policy=policy))
            continue
        for part in _batches(group, IM_GROUP_MAX):
            if not _send_im_group(session, part, target, channel, conn_id, resend, now, composer, policy,
                                  report, on_outcome, limiter):
                throttled.add(channel)
                break


IM_GROUP_MAX = 30   # people per group-robot message (the transport splits long text into parts)


def _batches(rows: list[Delivery], size: int) -> list[list[Delivery]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def _send_im_group(session: Session, group: list[Delivery], target: Any, channel: str, conn_id: str, resend: bool,
                   now: dt.datetime, composer: Composer, policy: ledger.RetryPolicy, report: DeliveryReport,
                   on_outcome: Outcome | None, limiter: Any) -> bool:
    """Send one IM message for these rows and record the outcome on each. False when throttled."""
    from yibao.delivery.im import ImMessage, send_im

    group = ledger.claim(session, group, now, policy)   # rows another worker took are skipped
    if not group:
        return True
    try:
        if len(group) == 1:
            content = composer.compose(group[0], resend=resend)
            person = group[0].person
            markdown = f"@{person.name if person else group[0].person_id}\n{content.im_markdown}"
        else:
            content = composer.compose_group(group, resend=resend)
            markdown = content.im_markdown
    except LessonsWithdrawn as exc:
        _cancel(session, report, group, str(exc))
        return True
    except ComposeError as exc:
        for row in group:
            _count_failure(report, row, ledger.record_failure(
                session, row, error=str(exc), permanent=True, now=now, policy=policy))
        return True
    if resend:
        report.resent_after_lease += len(group)
    message = ImMessage(delivery_id="+".join(str(r.id) for r in group)[:200], title=content.im_title,
                        markdown=markdown, url=content.main_url)
    error = ""
    try:
        result = send_im(target, message, limiter=limiter, start_part=parts_already_sent(group[0]))
    except Exception as exc:  # a transport bug must not leave the rows claimed until the lease ends
        result = None
        error = f"{type(exc).__name__}: {exc}"
    ok = bool(result and result.ok)
    for row in group:
        if on_outcome is not None:
            on_outcome(row, ok)
        if result is not None:
            row.parts_sent = max(result.parts_sent, parts_already_sent(row))  # a retry resumes after these
        if ok:
            ledger.record_sent(session, row, _provider_id(result), now)
            report.sent += 1
            report.channel(row.channel).sent += 1
            continue
        if result is not None:
            error = f"{result.code}: {result.error}" if result.code is not None else str(result.error)
        state = ledger.record_failure(session, row, error=error, permanent=bool(result and result.permanent),
                                      now=now, policy=policy,
                                      retry_after_s=result.retry_after_s if result is not None else None)
        _count_failure(report, row, state)
    if result is not None and not result.ok and result.permanent:
        report.queued_alerts += _alert_bad_robot(session, channel, conn_id, error, now)
    return not (result is not None and result.retry_after_s)


def parts_already_sent(row: Delivery) -> int:
    """A long IM message goes out in parts; a retry resumes after the parts already accepted
    (`Delivery.parts_sent`, recorded after every attempt)."""
    return row.parts_sent or 0


def _provider_id(result: Any) -> str | None:
    response = getattr(result, "provider_response", None)
    if response is None:
        return None
    return response if isinstance(response, str) else str(response)


def _alert_bad_robot(session: Session, channel: str, conn_id: str, error: str, now: dt.datetime) -> list[int]:
    """Record (once a day) an alert to the 医保办; returns the ledger ids to send."""
    from yibao.delivery.alerts import record_alert
    try:
        return record_alert(session, subject=f"IM 机器人不可用：{channel}",
                            message=f"机器人 {channel}（Airflow 连接 {conn_id}）发送失败：{error}\n"
                                    "请检查 webhook key、加签密钥和关键词设置。",
                            level="alert", stage="deliver", now=now)
    except Exception:  # an alert must never break the delivery run
        log.exception("could not record the bad-robot alert for %s", channel)
        return []


def load_config_quietly() -> SubscriptionConfig | None:
    """The subscriptions file without the secret lookups, or None when there is no usable file."""
    try:
        return load_subscriptions(check_secret=None)
    except SubscriptionFileError as exc:
        log.warning("%s; robots use their default connection ids", exc)
        return None
