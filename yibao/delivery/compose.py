"""What a ledger row says: subject, text, HTML and IM markdown for one Delivery.

Everything is rebuilt from the ledger (lesson ids, digest_key, Event rows), so a re-run
that re-sends a row sends the same content. Lesson digests are rendered once per
distinct set of lessons (with ⟦…⟧ placeholders) and then personalised per row with the
person's name and signed links.

digest_key kinds:
  lessons:<hash>              a digest of lessons (yibao.lessons.digest)
  reminder:<day>:<hash>       "not yet completed" reminder for the lessons in lesson_ids
  rework:<rework id>          the reworked version of a 返工 lesson, with what changed
  event:<event id>            an alert / escalation recorded as an Event
"""
from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from yibao.delivery.tokens import sign_link
from yibao.delivery.unsubscribes import is_unsubscribed
from yibao.lessons.approved import approved_view
from yibao.lessons.digest import build_digest
from yibao.lessons.digest import personalise as fill_placeholders
from yibao.lessons.digest import protect
from yibao.lessons.model import LessonInputError
from yibao.store.models import Delivery, Event, Lesson, Person

log = logging.getLogger(__name__)
LINK_TTL = dt.timedelta(days=60)


class ComposeError(ValueError):
    """A ledger row cannot be turned into a message (unknown key kind, lessons deleted …)."""


class LessonsWithdrawn(ComposeError):
    """A planned lesson was deleted or is no longer approved: the message must not go out."""


class NoLongerWanted(LessonsWithdrawn):
    """The person unsubscribed from this channel after a notice to them was queued."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    im_markdown: str
    im_title: str
    main_url: str | None
    unsubscribe_url: str | None


@dataclass(frozen=True)
class LinkMaker:
    """Signed links: /l/<token> for a lesson (read, ack, quiz), /u/<token> to unsubscribe."""
    base_url: str
    secret: bytes
    ttl: dt.timedelta = LINK_TTL

    def lesson(self, action: str, delivery_id: int, lesson_id: int) -> str:
        return sign_link(self.base_url, action, f"{delivery_id}.{lesson_id}",  # type: ignore[arg-type]
                         secret=self.secret, ttl_s=int(self.ttl.total_seconds()))

    def unsubscribe(self, delivery_id: int) -> str:
        return sign_link(self.base_url, "unsubscribe", str(delivery_id), secret=self.secret,
                         ttl_s=int(self.ttl.total_seconds()))


def personalise(rendered: str, values: dict[str, str], *, escape_html: bool = False) -> str:
    """Fill ⟦…⟧ placeholders; a placeholder without a value is an error (never sent as is)."""
    try:
        return fill_placeholders(rendered, values, escape_html=escape_html)
    except KeyError as exc:
        raise ComposeError(str(exc)) from exc


class Composer:
    """Builds messages for ledger rows; caches one rendering per distinct lesson set."""

    def __init__(self, session: Session, links: LinkMaker, hospital: str = ""):
        self.session, self.links, self.hospital = session, links, hospital
        self._digests: dict[tuple[int, ...], dict[str, str]] = {}

    def compose(self, row: Delivery, *, resend: bool = False) -> Rendered:
        person = row.person or self.session.get(Person, row.person_id)
        kind = row.digest_key.split(":", 1)[0]
        if kind == "lessons":
            out = self._lessons(row, person)
        elif kind == "reminder":
            out = self._reminder(row, person)
        elif kind == "event":
            out = self._event(row, person)
        elif kind == "rework":
            out = self._rework(row, person)
        else:
            raise ComposeError(f"delivery {row.id}: unknown digest_key kind {kind!r}")
        if resend:  # IM has no idempotency key: say so rather than look like a new message
            out = Rendered(out.subject, out.text, out.html, "（补发，如已收到请忽略）\n" + out.im_markdown,
                           out.im_title + "（补发）", out.main_url, out.unsubscribe_url)
        return out

    def compose_group(self, rows: list[Delivery], *, resend: bool = False) -> Rendered:
        """One IM message for several people on the same group robot with the same content:
        the lessons once, then one line per person with their own signed link. (A group robot
        posts to the whole department group; one message per person would flood it.)"""
        first = rows[0]
        kind = first.digest_key.split(":", 1)[0]
        if kind == "event":
            single = self._event(first, first.person)
            names = " ".join(f"@{r.person.name}" for r in rows)
            return Rendered(single.subject, single.text, single.html, f"{names}\n{single.im_markdown}",
                            single.im_title, single.main_url, None)
        lessons = [self.session.get(Lesson, int(lid)) for lid in first.lesson_ids]
        if any(lesson is None or lesson.status != "approved" for lesson in lessons):
            raise LessonsWithdrawn(f"deliveries {[r.id for r in rows]}: lessons deleted or no longer approved")
        title = {"reminder": f"【提醒】{len(lessons)}项医保政策培训尚未完成",
                 "rework": f"【课程已修订】{lessons[0].title}"}.get(kind, f"【医保培训】{len(lessons)}项政策变化待学习")
        lines = [f"### {title}"]
        if kind == "rework":
            lines.append(self._rework_note(first))
        for lesson in sorted(lessons, key=lambda x: (x.deadline or dt.date.max, x.id)):
            due = f"｜截止 **{lesson.deadline.month}月{lesson.deadline.day}日**" if lesson.deadline else ""
            lines.append(f"- {lesson.title}{due}")
        lines.append("")
        lines.append("请点击**本人**链接学习、答题并确认「我已学习」（链接仅限本人使用）：")
        for row in rows:
            url = self.links.lesson("read", row.id, lessons[0].id)
            more = f"（共{len(lessons)}项，页面内可切换）" if len(lessons) > 1 else ""
            lines.append(f"- {row.person.name}：[学习并确认]({url}){more}")
        markdown = "\n".join(lines)
        if resend:
            markdown = "（补发，如已收到请忽略）\n" + markdown
            title += "（补发）"
        return Rendered(title, markdown, "", markdown, title, None, None)

    # ------------------------------------------------------------ lesson digests
    def _lessons(self, row: Delivery, person: Person) -> Rendered:
        ids = tuple(sorted(int(i) for i in row.lesson_ids))
        if not ids:
            raise ComposeError(f"delivery {row.id}: lesson digest without lessons")
        rendered = self._digests.get(ids)
        if rendered is None:
            rendered = self._render_digest(ids)
            self._digests[ids] = rendered
        values = {"name": person.name, "unsubscribe": self.links.unsubscribe(row.id)}
        for lid in ids:
            for action in ("read", "ack", "quiz"):
                values[f"{action}:{lid}"] = self.links.lesson(action, row.id, lid)
        fill: Callable[[str], str] = lambda s: personalise(s, values)  # noqa: E731
        return Rendered(subject=fill(rendered["subject"]), text=fill(rendered["text"]),
                        html=personalise(rendered["html"], values, escape_html=True), im_markdown=fill(rendered["im"]),
                        im_title=fill(rendered["subject"]), main_url=values[f"read:{ids[0]}"],
                        unsubscribe_url=values["unsubscribe"])

    def _render_digest(self, ids: tuple[int, ...]) -> dict[str, str]:
        lessons = [self.session.get(Lesson, lid) for lid in ids]
        missing = [lid for lid, lesson in zip(ids, lessons) if lesson is None or lesson.status != "approved"]
        if missing:  # withdrawn or sent back to review after planning: do not send stale content
            raise LessonsWithdrawn(f"lessons {missing} were deleted or are no longer approved; message not sent")
        if not all(lesson.draft for lesson in lessons):
            return _plain_digest(lessons)
        items = [{"lesson_id": lesson.id, "draft": protect(approved_view(lesson.draft, lesson.body_md)),
                  "deadline": lesson.deadline} for lesson in lessons]   # trainer text: data, not placeholders
        try:
            digest = build_digest("⟦name⟧", items)
            return {"subject": digest.subject, "text": digest.render("text"),
                    "html": digest.render("html"), "im": digest.render("im")}
        except LessonInputError as exc:  # a malformed draft must not stop delivery
            log.warning("lessons %s: %s; sending the plain digest instead", list(ids), exc)
        return _plain_digest(lessons)

    # ------------------------------------------------------------ reminders
    def _reminder(self, row: Delivery, person: Person) -> Rendered:
        lessons = [lesson for lid in row.lesson_ids if (lesson := self.session.get(Lesson, int(lid)))]
        if not lessons:
            raise ComposeError(f"delivery {row.id}: reminder without existing lessons")
        first_deadline = min((lesson.deadline for lesson in lessons if lesson.deadline), default=None)
        subject = f"【提醒】您有{len(lessons)}项医保政策培训尚未完成" + (
            f"（最早截止 {first_deadline.isoformat()}）" if first_deadline else "")
        lines, html_items, im_lines = [], [], []
        for lesson in lessons:
            url = self.links.lesson("read", row.id, lesson.id)
            due = f"截止 {lesson.deadline.isoformat()}" if lesson.deadline else ""
            lines.append(f"· {lesson.title}  {due}\n  学习并确认：{url}")
            html_items.append(f'<li><a href="{html.escape(url)}">{html.escape(lesson.title)}</a> '
                              f"<span style=\"color:#a61b1b\">{html.escape(due)}</span></li>")
            im_lines.append(f"- [{lesson.title}]({url}) {due}")
        greeting = f"{person.name}您好："
        intro = "以下培训您尚未点击「我已学习」确认，请在截止日期前完成："
        unsubscribe = self.links.unsubscribe(row.id)
        text = "\n".join([greeting, intro, "", *lines, "", f"退订：{unsubscribe}", _footer(self.hospital)])
        body = (f"<p>{html.escape(greeting)}</p><p>{html.escape(intro)}</p><ul>{''.join(html_items)}</ul>"
                + _html_footer(self.hospital, unsubscribe))
        return Rendered(subject, text, _page(subject, body), "\n".join([f"**{subject}**", greeting, *im_lines]),
                        subject, self.links.lesson("read", row.id, lessons[0].id), unsubscribe)

    # ------------------------------------------------------------ reworked lessons (返工)
    def _rework_note(self, row: Delivery) -> str:
        from yibao.store.models import LessonRework

        rework = self.session.get(LessonRework, int(row.digest_key.split(":", 1)[1]))
        if rework is None:
            raise ComposeError(f"delivery {row.id}: rework {row.digest_key} no longer exists")
        return rework.note or "课程已根据测验结果修订。"

    def _rework(self, row: Delivery, person: Person) -> Rendered:
        lesson = self.session.get(Lesson, int(row.lesson_ids[0])) if row.lesson_ids else None
        if lesson is None or lesson.status != "approved":
            raise LessonsWithdrawn(f"delivery {row.id}: the reworked lesson is deleted or no longer approved")
        note = self._rework_note(row)
        url = self.links.lesson("read", row.id, lesson.id)
        subject = f"【课程已修订】{lesson.title}"
        greeting = f"{person.name}您好："
        intro = ("根据全院测验结果，医保办修订了这门课程。您上次测验未通过或尚未确认学习，"
                 "请阅读修订后的课程，重新答题并确认「我已学习」：")
        due = f"截止 {lesson.deadline.isoformat()}" if lesson.deadline else ""
        unsubscribe = self.links.unsubscribe(row.id)
        text = "\n".join([greeting, intro, "", "本次修改：", note, "", f"{lesson.title}  {due}",
                          f"学习并确认：{url}", "", f"退订：{unsubscribe}", _footer(self.hospital)])
        body = (f"<p>{html.escape(greeting)}</p><p>{html.escape(intro)}</p><h3>本次修改</h3>"
                + "".join(f"<p>{html.escape(line)}</p>" for line in note.splitlines())
                + f'<p><a href="{html.escape(url)}">{html.escape(lesson.title)}</a> {html.escape(due)}</p>'
                + _html_footer(self.hospital, unsubscribe))
        im = "\n".join([f"**{subject}**", greeting, intro, note, f"[学习并确认]({url}) {due}"])
        return Rendered(subject, text, _page(subject, body), im, subject, url, unsubscribe)

    # ------------------------------------------------------------ alerts / escalations
    def _event(self, row: Delivery, person: Person) -> Rendered:
        event_id = int(row.digest_key.split(":", 1)[1])
        event = self.session.get(Event, event_id)
        if event is None:
            raise ComposeError(f"delivery {row.id}: event {event_id} no longer exists")
        if (event.data or {}).get("kind") == "group_ack" and is_unsubscribed(self.session, person.id, row.channel):
            raise NoLongerWanted(f"delivery {row.id}: {person.id} unsubscribed from {row.channel}")
        tag = {"alert": "告警", "warning": "提醒"}.get(event.level, "通知")
        subject = f"【医保培训·{tag}】{event.subject}"
        link = (event.data or {}).get("link")
        text = "\n".join([f"{person.name}您好：", event.message] + ([f"详情：{link}"] if link else [])
                         + ["", _footer(self.hospital)])
        body = (f"<p>{html.escape(person.name)}您好：</p>"
                + "".join(f"<p>{html.escape(p)}</p>" for p in event.message.split("\n") if p.strip())
                + (f'<p><a href="{html.escape(link)}">查看详情</a></p>' if link else "")
                + f"<p style=\"color:#666;font-size:12px\">{html.escape(_footer(self.hospital))}</p>")
        im = f"**{subject}**\n{event.message}" + (f"\n[查看详情]({link})" if link else "")
        return Rendered(subject, text, _page(subject, body), im, subject, link, None)


def _html_footer(hospital: str, unsubscribe_url: str) -> str:
    """The mail's small print with its 退订 link (mail only: a group IM post carries none)."""
    return (f"<p style=\"color:#666;font-size:12px\">{html.escape(_footer(hospital))} "
            f"<a href=\"{html.escape(unsubscribe_url)}\">退订</a></p>")


def _footer(hospital: str) -> str:
    who = f"{hospital}医保办" if hospital else "医保办"
    return f"本邮件由{who}政策培训平台自动发送。培训要求：政策发布后 7 个工作日内完成学习。"


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head>"
            "<body style=\"font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;"
            f"line-height:1.6;max-width:640px;margin:0 auto;padding:12px\">{body}</body></html>")


def _plain_digest(lessons: list[Lesson]) -> dict[str, str]:
    """A digest for lessons without a structured draft (title + first lines of body_md)."""
    subject = (f"【医保政策培训】{protect(lessons[0].title)}" if len(lessons) == 1
               else f"【医保政策培训】{len(lessons)}项新政策待学习")
    text_parts, html_parts, im_parts = ["⟦name⟧您好：", ""], ["<p>⟦name⟧您好：</p>"], [f"**{subject}**", "⟦name⟧您好："]
    for lesson in lessons:
        excerpt, title = protect(_excerpt(lesson.body_md)), protect(lesson.title)
        due = f"截止 {lesson.deadline.isoformat()}" if lesson.deadline else ""
        text_parts += [f"■ {title}  {due}", excerpt, f"学习：⟦read:{lesson.id}⟧",
                       f"答题并确认「我已学习」：⟦quiz:{lesson.id}⟧", ""]
        html_parts.append(f"<h3>{html.escape(title)}</h3><p>{html.escape(excerpt)}</p>"
                          f"<p>{html.escape(due)}</p><p><a href=\"⟦read:{lesson.id}⟧\">阅读课程</a> · "
                          f"<a href=\"⟦quiz:{lesson.id}⟧\">答题并确认「我已学习」</a></p>")
        im_parts.append(f"- [{title}](⟦read:{lesson.id}⟧) {due}")
    text_parts += ["退订：⟦unsubscribe⟧", _footer("")]
    html_parts.append(f"<p style=\"color:#666;font-size:12px\">{html.escape(_footer(''))} "
                      "<a href=\"⟦unsubscribe⟧\">退订</a></p>")
    return {"subject": subject, "text": "\n".join(text_parts), "html": _page(subject, "".join(html_parts)),
            "im": "\n".join(im_parts)}


def _excerpt(body_md: str, limit: int = 160) -> str:
    plain = re.sub(r"[#>*_`|\[\]]+", "", body_md or "").strip()
    plain = re.sub(r"\s+", " ", plain)
    return plain[:limit] + ("…" if len(plain) > limit else "")
