"""Digests: one message per subscriber for several lessons, de-duplicated and
ordered by deadline, rendered once per distinct item set with placeholders that
the delivery code fills per person (`personalise`).

Placeholders: ⟦name⟧ ⟦read:<lesson_id>⟧ ⟦ack:<lesson_id>⟧ ⟦quiz:<lesson_id>⟧ ⟦unsubscribe⟧

Trainer text is data, never syntax: everything a trainer wrote passes through `protect()`
before it is rendered, which writes its ⟦ and ⟧ as private escape pairs; `personalise()`
fills the real placeholders and turns the pairs back into ⟦ ⟧ in the same single pass.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html as html_mod
import re
import zoneinfo
from dataclasses import dataclass, field

from . import facts
from .config import load_config
from .model import LessonDraft, LessonInputError
from .render import IM_LIMIT, environment, split_im
from .roles import ROLES

CN = zoneinfo.ZoneInfo("Asia/Shanghai")
PERIODS = ("immediate", "daily", "weekly")
SEND_AT = dt.time(9, 0)          # daily/weekly batches go out at 09:00 China time
WEEKLY_DAY = 0                   # Monday
# An item must arrive by 09:00 on the working day before its deadline (调休-aware), so
# staff keep one full working day to learn it. Email and IM delivery both use this rule.
_PLACEHOLDER = re.compile(r"⟦([^⟦⟧\s]+)⟧")
_ESC = "\ue000"                                  # a private-use character: never in real text
_PROTECT = {_ESC: _ESC + "e", "⟦": _ESC + "o", "⟧": _ESC + "c"}
_UNPROTECT = {v[1]: k for k, v in _PROTECT.items()}
_FILL = re.compile(r"⟦([^⟦⟧\s]+)⟧|" + _ESC + r"(.?)", re.S)


class PersonaliseError(KeyError):
    """A placeholder in a rendered digest has no value."""


@dataclass
class DigestEntry:
    lesson_ids: list[int]
    roles: list[str]
    draft: dict
    deadline: dt.date

    @property
    def lesson_id(self) -> int:
        return self.lesson_ids[0]

    @property
    def role_names(self) -> list[str]:
        return [ROLES.get(r, r) for r in self.roles]


@dataclass
class Digest:
    person_name: str
    entries: list[DigestEntry] = field(default_factory=list)

    @property
    def earliest_deadline(self) -> dt.date | None:
        return min((e.deadline for e in self.entries), default=None)

    @property
    def subject(self) -> str:
        n = len(self.entries)
        first = self.earliest_deadline
        when = f"（最早截止 {first.month}月{first.day}日）" if first else ""
        return f"【医保培训】{n}项政策变化待学习{when}"

    @property
    def cache_key(self) -> str:
        """Same key ⇒ same rendered text (before personalisation): render once per key."""
        ids = ",".join(str(i) for e in self.entries for i in e.lesson_ids)
        return hashlib.sha1(ids.encode()).hexdigest()[:16]

    def _context(self) -> dict:
        entries = []
        for e in self.entries:
            d = e.draft
            entries.append({
                "lesson_id": e.lesson_id, "lesson_ids": e.lesson_ids, "roles": e.role_names, "d": d,
                "lines": _summary_lines(d), "source_line": _source_line(d.get("source") or {}),
                "deadline_cn": facts.fmt_cn_date(e.deadline), "deadline_short": f"{e.deadline.month}月{e.deadline.day}日",
                "effective_note": (f"{facts.fmt_cn_date(dt.date.fromisoformat(d['effective_date']))}起施行"
                                   if d.get("effective_date") else "原文未写明施行日期"),
            })
        return {"entries": entries, "subject": self.subject, "count": len(entries)}

    def render(self, fmt: str) -> str:
        """text | html | im. The person's name and links stay as ⟦…⟧ placeholders."""
        if fmt not in ("text", "html", "im"):
            raise LessonInputError(f"unknown digest format {fmt!r}; use text, html or im")
        env = environment()
        ctx = self._context()
        if fmt != "im":
            return env.get_template(f"digest/digest.{fmt}.j2").render(**ctx).strip() + "\n"
        tpl = env.get_template("digest/digest.im.j2")
        for detail in (2, 1, 0):
            text = tpl.render(**ctx, detail=detail, shown=ctx["entries"]).strip() + "\n"
            if len(text.encode("utf-8")) <= IM_LIMIT:
                return text
        shown = list(ctx["entries"])
        while len(shown) > 1:  # keep the most urgent items, point to the rest
            shown.pop()
            text = tpl.render(**ctx, detail=0, shown=shown).strip() + "\n"
            if len(text.encode("utf-8")) <= IM_LIMIT:
                return text
        return split_im(text, IM_LIMIT)[0]


def _source_line(source: dict) -> str:
    title = source.get("title") or "原文"
    return f"{title}（{source['doc_number']}）" if source.get("doc_number") else title


def _check_draft(i: int, lesson_id: int, draft: object) -> None:
    """The fields a digest shows must be there; name what is missing."""
    if not isinstance(draft, dict):
        raise LessonInputError(f"digest item #{i} (lesson {lesson_id}): draft must be a LessonDraft dict")
    problems = [k for k in ("role", "headline") if not isinstance(draft.get(k), str) or not draft.get(k)]
    summary = draft.get("summary")
    if not isinstance(summary, list) or not all(isinstance(x, str) for x in summary):
        problems.append("summary (a list of lines)")
    if not isinstance(draft.get("source"), dict):
        problems.append("source")
    if problems:
        raise LessonInputError(f"digest item #{i} (lesson {lesson_id}): draft lacks {', '.join(problems)}")


def _summary_lines(draft: dict) -> list[str]:
    """The lines a digest shows under a headline: the summary after its intro line
    (at most two), or the intro itself when that is all there is."""
    summary = [s for s in draft.get("summary") or [] if s.strip()]
    return summary[1:3] or summary[:1]


def _role_rank(role: str | None) -> int:
    order = list(ROLES)
    return order.index(role) if role in order else len(order)


def _doc_key(draft: dict) -> str:
    src = draft.get("source") or {}
    return src.get("doc_number") or f"{src.get('title')}|{src.get('url')}"


def build_digest(person_name: str, items: list[dict]) -> Digest:
    """Merge items ({lesson_id, draft, deadline}) into one digest: the same lesson id once, the same
    document reached through several roles once (listing the roles), ordered by deadline."""
    by_id: dict[int, dict] = {}
    for i, item in enumerate(items):
        try:
            lid = int(item["lesson_id"])
            draft = item["draft"]
            deadline = item["deadline"]
        except (KeyError, TypeError, ValueError) as exc:
            raise LessonInputError(f"digest item #{i} needs lesson_id, draft and deadline: {exc}") from exc
        if isinstance(draft, LessonDraft):
            draft = draft.to_dict()
        _check_draft(i, lid, draft)
        if deadline is None:
            deadline = draft.get("deadline")
        if isinstance(deadline, str):
            deadline = dt.date.fromisoformat(deadline[:10])
        if isinstance(deadline, dt.datetime):
            deadline = deadline.date()
        if not isinstance(deadline, dt.date):
            raise LessonInputError(f"digest item #{i}: deadline must be a date")
        if lid in by_id:
            by_id[lid]["deadline"] = min(by_id[lid]["deadline"], deadline)
            continue
        by_id[lid] = {"lesson_id": lid, "draft": draft, "deadline": deadline}
    by_doc: dict[str, DigestEntry] = {}
    for lid, item in by_id.items():
        d = item["draft"]
        key = _doc_key(d)
        role = d.get("role")
        entry = by_doc.get(key)
        if entry is None:
            by_doc[key] = DigestEntry([lid], [role], d, item["deadline"])
            continue
        entry.lesson_ids.append(lid)
        if role not in entry.roles:
            entry.roles.append(role)
        entry.deadline = min(entry.deadline, item["deadline"])
        # the lesson of the role listed first in ROLES leads the entry
        if _role_rank(role) < _role_rank(entry.draft.get("role")):
            entry.draft = d
            entry.lesson_ids.remove(lid)
            entry.lesson_ids.insert(0, lid)
    for e in by_doc.values():
        e.roles.sort(key=_role_rank)
    entries = sorted(by_doc.values(), key=lambda e: (e.deadline, (e.draft.get("source") or {}).get("publish_date") or "", e.lesson_id))
    return Digest(person_name=person_name, entries=entries)


def protect(value):
    """Trainer content (a string, or dicts/lists of them) with ⟦ ⟧ escaped, so it can never form a
    placeholder; `personalise` restores the characters exactly."""
    if isinstance(value, str):
        return "".join(_PROTECT.get(ch, ch) for ch in value) if any(c in value for c in _PROTECT) else value
    if isinstance(value, dict):
        return {k: protect(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(protect(v) for v in value)
    return value


def personalise(rendered: str, values: dict[str, str], *, escape_html: bool = False) -> str:
    """Replace every ⟦key⟧ and restore protected trainer text in one regex pass; a key without a
    value raises PersonaliseError. Values are inserted as they are, never parsed again."""
    missing: set[str] = set()

    def sub(m: re.Match) -> str:
        key = m.group(1)
        if key is None:   # an escape pair from protect(); a pair cut by IM truncation is dropped
            return _UNPROTECT.get(m.group(2), "")
        if key not in values:
            missing.add(key)
            return m.group(0)
        val = str(values[key])
        return html_mod.escape(val) if escape_html else val

    out = _FILL.sub(sub, rendered)
    if missing:
        raise PersonaliseError(f"no value for placeholders: {', '.join(sorted(missing))}")
    return out


def placeholders(rendered: str) -> set[str]:
    return set(_PLACEHOLDER.findall(rendered))


def _as_cn(now: dt.datetime) -> dt.datetime:
    return now.replace(tzinfo=CN) if now.tzinfo is None else now.astimezone(CN)


def due_by(period: str, deadline: dt.date | None, now: dt.datetime) -> dt.datetime:
    """When a digest holding an item with this deadline must go out.

    immediate → now; daily → the next 09:00 (China time); weekly → the next Monday 09:00.
    A batch is pulled forward so the item arrives by 09:00 on the working day before its
    deadline (`latest_arrival`); an item already past that point goes out now.
    No deadline → no cap. Naive `now` is China time; the answer is in China time.
    """
    if period not in PERIODS:
        raise LessonInputError(f"unknown digest period {period!r}; use one of {', '.join(PERIODS)}")
    now_cn = _as_cn(now)
    if period == "immediate":
        scheduled = now_cn
    else:
        day = now_cn.date()
        if now_cn.timetz().replace(tzinfo=None) > SEND_AT:
            day += dt.timedelta(days=1)
        if period == "weekly":
            day += dt.timedelta(days=(WEEKLY_DAY - day.weekday()) % 7)
        scheduled = dt.datetime.combine(day, SEND_AT, CN)
    if deadline is not None:
        scheduled = min(scheduled, latest_arrival(deadline))
    return max(now_cn, scheduled)


def latest_arrival(deadline: dt.date) -> dt.datetime:
    """09:00 China time on the working day before the deadline."""
    from yibao.workdays import previous_workday
    return dt.datetime.combine(previous_workday(deadline), SEND_AT, CN)


def period_for_roles(roles: list[str]) -> str:
    """The most frequent period among a subscriber's roles (config/roles.yaml digest_period)."""
    cfg = load_config("roles.yaml").get("roles") or {}
    periods = [(cfg.get(r) or {}).get("digest_period", "daily") for r in roles] or ["daily"]
    for p in periods:
        if p not in PERIODS:
            raise LessonInputError(f"roles.yaml: bad digest_period {p!r}")
    return min(periods, key=PERIODS.index)


def digest_due(digest: Digest, period: str, now: dt.datetime) -> dt.datetime | None:
    """The send time of the whole digest: the earliest due_by of its items."""
    if not digest.entries:
        return None
    return min(due_by(period, e.deadline, now) for e in digest.entries)
