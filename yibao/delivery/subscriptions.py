"""Who gets which lessons, on which channels: `config/subscriptions.yaml`.

The file (see the sample in config/) has five sections:

    hospital: 示例市第一人民医院          # shown in messages
    defaults: {region: "44", period: immediate}
    delivery:                           # reminder / escalation policy (see DeliveryPolicy)
      completion_threshold: 0.8
    robots:                             # group robots; key + secret live in an Airflow Connection
      cardiology: {platform: wecom, department: 心内科}      # conn id defaults to yibao_im_cardiology
    people:
      - {id: zhang.wei, name: 张伟, department: 心内科, roles: [临床医生], email: …, channels: [email, wecom:cardiology]}
    alerts: {recipients: [wang.fang]}   # optional; default: everyone with the 医保办 role

Validation happens on load. Every problem becomes one line in `SubscriptionConfig.errors`
naming file:line; the bad entry (a person, a robot, one channel) is skipped and the rest
is kept, so one typo never stops delivery to everybody else.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from yibao.delivery.yamlmarks import LinedDict, LinedList, YamlSyntaxError, line_of, load_lined
from yibao.lessons.roles import ROLES, UnknownRoleError, role_id
from yibao.settings import get_settings

log = logging.getLogger(__name__)

IM_PLATFORMS = ("wecom", "dingtalk", "feishu")
PERIODS = ("immediate", "daily", "weekly")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
REGION_RE = re.compile(r"^(national|\d{2}(\d{2}){0,2})$")
# GB/T 2260 province-level codes: a region is 'national' or a code starting with one of these
PROVINCE_CODES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                  "65", "71", "81", "82")
CHANNEL_FORMS = "'email' or '<wecom|dingtalk|feishu>:<robot>'"


def is_region(region: str) -> bool:
    return bool(REGION_RE.match(region)) and (region == "national" or region[:2] in PROVINCE_CODES)


def is_channel(channel: str) -> bool:
    """'email' or '<platform>:<robot>' (whether that robot is configured is checked elsewhere)."""
    platform, sep, robot = channel.partition(":")
    return channel == "email" or (bool(sep) and platform in IM_PLATFORMS and bool(ID_RE.match(robot)))


class SubscriptionFileError(ValueError):
    """The subscriptions file cannot be used at all (missing, not YAML, not a mapping)."""


@dataclass(frozen=True)
class RoleSubscription:
    role: str      # role id, e.g. "doctor"
    period: str    # immediate | daily | weekly


@dataclass(frozen=True)
class PersonEntry:
    id: str
    name: str
    department: str
    region: str
    roles: tuple[RoleSubscription, ...]
    email: str | None
    channels: tuple[str, ...]   # "email" | "<platform>:<robot>"
    is_liaison: bool
    line: int

    @property
    def role_ids(self) -> list[str]:
        return [r.role for r in self.roles]


@dataclass(frozen=True)
class RobotEntry:
    name: str
    platform: str
    conn_id: str
    department: str
    line: int

    @property
    def channel(self) -> str:
        return f"{self.platform}:{self.name}"


@dataclass(frozen=True)
class DeliveryPolicy:
    """The `delivery:` section: when reminders go out and when to escalate."""
    completion_threshold: float = 0.8          # departments below this completion rate are escalated
    remind_workdays_before_deadline: int = 3   # remind non-completers from this many working days before
    escalate_unapproved_workdays: int = 2      # lessons still unapproved this close to the deadline
    min_assigned_for_rate: int = 3             # don't judge a department's rate on fewer assignments
    send_lease_minutes: int = 15               # a row "sending" longer than this was left by a killed run
    max_attempts: int = 6                      # retryable failures become permanent after this many


@dataclass
class SubscriptionConfig:
    path: Path | None
    hospital: str = ""
    people: list[PersonEntry] = field(default_factory=list)
    robots: dict[str, RobotEntry] = field(default_factory=dict)
    alert_recipients: list[str] = field(default_factory=list)  # person ids
    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    errors: list[str] = field(default_factory=list)     # file:line — the entry was skipped
    warnings: list[str] = field(default_factory=list)   # usable, but worth fixing
    skipped_ids: set[str] = field(default_factory=set)  # people in the file whose entry is invalid

    @property
    def ok(self) -> bool:
        return not self.errors

    def person(self, person_id: str) -> PersonEntry | None:
        return next((p for p in self.people if p.id == person_id), None)

    def robot_for_channel(self, channel: str) -> RobotEntry | None:
        platform, _, name = channel.partition(":")
        robot = self.robots.get(name)
        return robot if robot and robot.platform == platform else None

    def liaisons(self, department: str) -> list[PersonEntry]:
        return [p for p in self.people if p.is_liaison and p.department == department]


def default_path() -> Path:
    env = os.environ.get("YIBAO_SUBSCRIPTIONS_FILE")
    return Path(env) if env else get_settings().config_dir / "subscriptions.yaml"


def default_conn_id(robot_name: str) -> str:
    return "yibao_im_" + re.sub(r"[^a-z0-9]+", "_", robot_name.lower()).strip("_")


def airflow_connection_exists(conn_id: str) -> bool:
    """True when the Airflow Connection can be found (env AIRFLOW_CONN_<ID> works outside Airflow)."""
    from airflow.sdk.bases.hook import BaseHook
    try:
        BaseHook.get_connection(conn_id)
        return True
    except Exception:  # AirflowNotFoundException, or no secrets backend reachable
        return False


def load_subscriptions(path: Path | str | None = None, *,
                       check_secret: Callable[[str], bool] | None = airflow_connection_exists,
                       ) -> SubscriptionConfig:
    """Read and validate the subscriptions file. Bad entries → `.errors` (file:line) and skipped.

    `check_secret(conn_id)` verifies each robot's Airflow Connection; pass None to skip it
    (e.g. when only listing people).
    """
    path = Path(path) if path else default_path()
    if not path.exists():
        raise SubscriptionFileError(f"{path}: subscriptions file not found "
                                    "(set YIBAO_SUBSCRIPTIONS_FILE or create config/subscriptions.yaml)")
    return parse_subscriptions(read_subscriptions_text(path), str(path), path=path, check_secret=check_secret)


def read_subscriptions_text(path: Path) -> str:
    """The file's text; a folder or a non-UTF-8 file (e.g. saved as GBK) is a SubscriptionFileError."""
    if path.is_dir():
        raise SubscriptionFileError(f"{path} is a folder, not a subscriptions file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubscriptionFileError(f"{path} is not UTF-8 text (save it as UTF-8, not GBK)") from None


def parse_subscriptions(text: str, where: str = "subscriptions.yaml", *, path: Path | None = None,
                        check_secret: Callable[[str], bool] | None = None) -> SubscriptionConfig:
    try:
        data, errors = load_lined(text, where)
    except YamlSyntaxError as exc:
        raise SubscriptionFileError(str(exc)) from exc
    if data is None:
        data = LinedDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, dict):
        raise SubscriptionFileError(f"{where}:{line_of(data, 1)}: the top level must be a mapping "
                                    "with people:, robots:, alerts:")
    cfg = SubscriptionConfig(path=path, errors=errors)
    v = _Validator(where, cfg)
    known = {"hospital", "defaults", "delivery", "robots", "people", "alerts"}
    for key in data:
        if key not in known:
            v.err(data.key_lines.get(key, data.line), f"unknown section {key!r} (expected one of {sorted(known)})")
    cfg.hospital = str(data.get("hospital") or "")
    defaults = v.mapping(data.get("defaults"), "defaults", data.key_lines.get("defaults", 1))
    default_region = str(defaults.get("region", "national"))
    default_period = str(defaults.get("period", "immediate"))
    cfg.policy = v.policy(data.get("delivery"), data.key_lines.get("delivery", 1))
    v.robots(data.get("robots"), data.key_lines.get("robots", 1), check_secret)
    v.people(data.get("people"), data.key_lines.get("people", 1), default_region, default_period)
    v.alerts(data.get("alerts"), data.key_lines.get("alerts", 1))
    return cfg   # the caller reports cfg.errors (the CLI on stderr, the DAG in its log): once


class _Validator:
    def __init__(self, where: str, cfg: SubscriptionConfig):
        self.where, self.cfg = where, cfg

    def err(self, line: int, message: str) -> None:
        self.cfg.errors.append(f"{self.where}:{line}: {message}")

    def mapping(self, value: Any, what: str, line: int) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.err(line_of(value, line), f"{what} must be a mapping")
            return {}
        return value

    def policy(self, value: Any, line: int) -> DeliveryPolicy:
        raw = self.mapping(value, "delivery", line)
        defaults = DeliveryPolicy()
        kwargs: dict[str, Any] = {}
        for key, val in raw.items():
            kline = raw.key_lines.get(key, line) if isinstance(raw, LinedDict) else line
            if not hasattr(defaults, key):
                self.err(kline, f"delivery: unknown setting {key!r}")
                continue
            want = type(getattr(defaults, key))
            try:
                parsed = want(val)
            except (TypeError, ValueError):
                self.err(kline, f"delivery.{key}: expected a {want.__name__}, got {val!r}")
                continue
            if key == "completion_threshold" and not 0 <= parsed <= 1:
                self.err(kline, f"delivery.completion_threshold must be between 0 and 1, got {val!r}")
                continue
            if want is int and parsed < 0:
                self.err(kline, f"delivery.{key} must be 0 or more")
                continue
            kwargs[key] = parsed
        return DeliveryPolicy(**kwargs)

    def robots(self, value: Any, line: int, check_secret: Callable[[str], bool] | None) -> None:
        raw = self.mapping(value, "robots", line)
        for name, spec in raw.items():
            rline = raw.key_lines.get(name, line) if isinstance(raw, LinedDict) else line
            name = str(name)
            if not ID_RE.match(name):
                self.err(rline, f"robot name {name!r} must be letters, digits, '.', '_' or '-'")
                continue
            if not isinstance(spec, dict):
                self.err(rline, f"robot {name!r}: expected a mapping with platform:, department:")
                continue
            platform = str(spec.get("platform", "")).lower()
            if platform not in IM_PLATFORMS:
                self.err(rline, f"robot {name!r}: platform {spec.get('platform')!r} is not one of "
                                f"{', '.join(IM_PLATFORMS)}")
                continue
            conn_id = str(spec.get("conn_id") or default_conn_id(name))
            if check_secret is not None and not check_secret(conn_id):
                self.err(rline, f"robot {name!r}: missing secret — Airflow Connection {conn_id!r} not found "
                                f"(create it, or set AIRFLOW_CONN_{conn_id.upper()} to its JSON); "
                                "this robot is skipped")
                continue
            self.cfg.robots[name] = RobotEntry(name=name, platform=platform, conn_id=conn_id,
                                               department=str(spec.get("department") or ""), line=rline)

    def people(self, value: Any, line: int, default_region: str, default_period: str) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.err(line_of(value, line), "people must be a list of persons")
            return
        seen: dict[str, int] = {}
        item_lines = value.item_lines if isinstance(value, LinedList) else [line] * len(value)
        for raw, pline in zip(value, item_lines):
            person = self.person(raw, pline, default_region, default_period)
            if person is None:
                if isinstance(raw, dict) and raw.get("id"):
                    self.cfg.skipped_ids.add(str(raw["id"]).strip())
                continue
            if person.id in seen:
                self.err(pline, f"person id {person.id!r} is used twice (first at line {seen[person.id]}); "
                                "second entry skipped")
                continue
            seen[person.id] = pline
            self.cfg.people.append(person)
        departments = {p.department for p in self.cfg.people}
        for dept in sorted(departments):
            if dept and not self.cfg.liaisons(dept):
                self.cfg.warnings.append(f"{self.where}: department {dept!r} has no 医保联络员 (liaison: true); "
                                       "its escalations go to the 医保办 only")

    def person(self, raw: Any, pline: int, default_region: str, default_period: str) -> PersonEntry | None:
        if not isinstance(raw, dict):
            self.err(pline, "a person must be a mapping with id:, name:, roles:, channels:")
            return None
        kl = raw.key_lines if isinstance(raw, LinedDict) else {}
        at = lambda key: kl.get(key, pline)  # noqa: E731
        pid = str(raw.get("id") or "").strip()
        label = f"person {pid or raw.get('name') or '?'!r}"
        if not ID_RE.match(pid):
            self.err(at("id"), f"{label}: id must be 1–64 letters, digits, '.', '_' or '-' (got {raw.get('id')!r}); "
                               "entry skipped")
            return None
        name = str(raw.get("name") or "").strip()
        if not name:
            self.err(pline, f"{label}: name is missing; entry skipped")
            return None
        allowed = {"id", "name", "department", "region", "roles", "period", "email", "channels", "liaison"}
        for key in raw:
            if key not in allowed:
                self.err(at(key), f"{label}: unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")
        region = str(raw.get("region", default_region)).strip()
        if not is_region(region):
            self.err(at("region"), f"{label}: region {region!r} must be 'national' or a 2/4/6-digit "
                                   "administrative code starting with a province code "
                                   f"({', '.join(PROVINCE_CODES)}), like '44'; entry skipped")
            return None
        period = str(raw.get("period", default_period))
        if period not in PERIODS:
            self.err(at("period"), f"{label}: period {period!r} is not one of {', '.join(PERIODS)}; "
                                   "using immediate")
            period = "immediate"
        roles = self.roles(raw.get("roles"), at("roles"), label, period)
        if not roles:
            self.err(at("roles"), f"{label}: no valid role; entry skipped")
            return None
        email = raw.get("email")
        email = str(email).strip() if email else None
        if email and not EMAIL_RE.match(email):
            self.err(at("email"), f"{label}: bad email address {email!r}; email channel skipped")
            email = None
        channels = self.channels(raw.get("channels", ["email"] if email else []), at("channels"), label, email)
        if not channels:
            self.err(pline, f"{label}: no usable channel; entry skipped")
            return None
        return PersonEntry(id=pid, name=name, department=str(raw.get("department") or "").strip(),
                           region=region, roles=tuple(roles), email=email, channels=tuple(channels),
                           is_liaison=bool(raw.get("liaison", False)), line=pline)

    def roles(self, value: Any, line: int, label: str, period: str) -> list[RoleSubscription]:
        items = value if isinstance(value, list) else ([value] if value else [])
        lines = value.item_lines if isinstance(value, LinedList) else [line] * len(items)
        out: dict[str, RoleSubscription] = {}
        for item, iline in zip(items, lines):
            role_period = period
            if isinstance(item, dict):
                role_period = str(item.get("period", period))
                item = item.get("role")
                if role_period not in PERIODS:
                    self.err(iline, f"{label}: period {role_period!r} is not one of {', '.join(PERIODS)}")
                    role_period = "immediate"
            try:
                rid = role_id(str(item or ""))
            except UnknownRoleError:
                self.err(iline, f"{label}: unknown role {item!r}; valid: "
                                + ", ".join(f"{k}（{v}）" for k, v in ROLES.items()))
                continue
            out[rid] = RoleSubscription(rid, role_period)
        return list(out.values())

    def channels(self, value: Any, line: int, label: str, email: str | None) -> list[str]:
        items = value if isinstance(value, list) else [value]
        lines = value.item_lines if isinstance(value, LinedList) else [line] * len(items)
        out: list[str] = []
        for item, iline in zip(items, lines):
            channel = str(item or "").strip()
            if channel == "email":
                if not email:
                    self.err(iline, f"{label}: channel 'email' needs a valid email: address; channel skipped")
                    continue
            else:
                platform, _, robot = channel.partition(":")
                if not is_channel(channel):
                    self.err(iline, f"{label}: channel {channel!r} must be {CHANNEL_FORMS}; channel skipped")
                    continue
                entry = self.cfg.robots.get(robot)
                if entry is None:
                    self.err(iline, f"{label}: channel {channel!r} names a robot that is not configured "
                                    "(or whose secret is missing); channel skipped")
                    continue
                if entry.platform != platform:
                    self.err(iline, f"{label}: robot {robot!r} is a {entry.platform} robot, not {platform}; "
                                    "channel skipped")
                    continue
            if channel not in out:
                out.append(channel)
        return out

    def alerts(self, value: Any, line: int) -> None:
        raw = self.mapping(value, "alerts", line)
        recipients = raw.get("recipients") or []
        if not isinstance(recipients, list):
            self.err(line_of(recipients, line), "alerts.recipients must be a list of person ids")
            return
        lines = recipients.item_lines if isinstance(recipients, LinedList) else [line] * len(recipients)
        known = {p.id for p in self.cfg.people}
        for pid, pline in zip(recipients, lines):
            if str(pid) not in known:
                self.err(pline, f"alerts.recipients: no (valid) person with id {pid!r}; skipped")
                continue
            self.cfg.alert_recipients.append(str(pid))


def sync_people(session, config: SubscriptionConfig) -> None:
    """Upsert Person + Subscription rows from the file; deactivate people no longer in it.

    A person whose entry is in the file but invalid (see config.errors) is left as it was in
    the store: a typo must not silently switch someone's training off."""
    from yibao.store.models import Person, Subscription

    in_file = {p.id: p for p in config.people}
    existing = {p.id: p for p in session.query(Person).all()}
    for pid, entry in in_file.items():
        row = existing.get(pid) or Person(id=pid)
        row.name, row.email, row.department = entry.name, entry.email, entry.department
        row.region, row.is_liaison, row.channels, row.active = entry.region, entry.is_liaison, list(entry.channels), True
        if pid not in existing:
            session.add(row)
    session.flush()
    for pid, row in existing.items():
        if pid not in in_file and pid not in config.skipped_ids and row.active:
            row.active = False
            log.info("subscriptions: %s is no longer in the file; deactivated", pid)
    subs = {(s.person_id, s.role): s for s in session.query(Subscription).all()}
    wanted = {(p.id, r.role): r for p in config.people for r in p.roles}
    for key, role_sub in wanted.items():
        row = subs.get(key)
        if row is None:
            session.add(Subscription(person_id=key[0], role=key[1], period=role_sub.period))
        else:
            row.period = role_sub.period
    for key, row in subs.items():
        if key not in wanted and key[0] in in_file:
            session.delete(row)
    session.flush()
