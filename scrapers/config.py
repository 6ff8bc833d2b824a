"""Load and validate config/sources.yaml.

``load_sources(path=None, *, overrides=None) -> list[SourceConfig]``

- path defaults to env ``YIBAO_SOURCES_FILE`` or ``<repo>/config/sources.yaml``;
- env ``YIBAO_MIRROR_URL=http://127.0.0.1:PORT`` (or ``overrides["mirror_url"]``)
  points every source at the local mirror: base_url becomes
  ``<mirror>/<source id>`` and allowed_hosts ``[127.0.0.1, localhost]``;
- env ``YIBAO_SOURCES=nhsa,js_ybj`` (or ``all``; or ``overrides["only"]``)
  enables exactly those sources for one run (overrides ``enabled``);
- other ``overrides`` keys are source ids mapping to field overrides, e.g.
  ``{"nhsa": {"enabled": False, "poll": {"min_delay_s": 0}}}``.

Every validation error is a ConfigError naming the source id and the field.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from scrapers.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO / "config" / "sources.yaml"
KNOWN_FAMILIES = ("hanweb", "gd_nfcms", "sh_static", "zj_jpaas", "sc_trs")
MIRROR_HOSTS = ["127.0.0.1", "localhost"]


@dataclass(frozen=True)
class ColumnConfig:
    id: str
    name: str
    path: str  # relative to base_url, e.g. "/col/col104/index.html"
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecheckConfig:
    """How often known articles are fetched again (conditional GET), by age since publication."""
    recent_days: int = 30          # published within: re-checked on every poll
    year_days: int = 365           # published within: at least every `year_period_days`
    year_period_days: float = 7
    older_period_days: float = 30  # anything older
    budget_per_poll: int = 60      # re-check requests per host per poll (articles + attachments), split among its sources

    def period_days(self, age_days: float) -> float:
        """Longest allowed gap between two checks of an article this old (0 = every poll)."""
        if age_days <= self.recent_days:
            return 0.0
        if age_days <= self.year_days:
            return float(self.year_period_days)
        return float(self.older_period_days)


@dataclass(frozen=True)
class PollConfig:
    schedule: str = "0 7,12,17 * * *"
    min_delay_s: float = 1.5
    # list pages read beyond page 0 on a column's first poll (the baseline) and when catching up;
    # 30 Hanweb groups = 1,350 records, 30 static pages = 300-600: more than two years on every bureau
    max_catchup_pages: int = 30
    timeout_s: float = 20.0
    retries: int = 2
    max_attachment_bytes: int = 50 * 1024 * 1024
    news_window_days: int = 30  # a document first seen after the baseline is news only if this recent
    recheck: RecheckConfig = field(default_factory=RecheckConfig)


@dataclass(frozen=True)
class SourceConfig:
    id: str
    name: str
    family: str
    region: str
    base_url: str  # no trailing slash
    allowed_hosts: list[str]
    columns: list[ColumnConfig]
    poll: PollConfig = field(default_factory=PollConfig)
    enabled: bool = True
    extra: dict = field(default_factory=dict)

    def column(self, column_id: str) -> ColumnConfig:
        for col in self.columns:
            if col.id == str(column_id):
                return col
        raise ConfigError(f"sources[{self.id}].columns: no column {column_id!r}")

    def url(self, path: str) -> str:
        """base_url + a site-relative path."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def host_allowed(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host in self.allowed_hosts


def _req(d: dict, key: str, where: str) -> Any:
    value = d.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(f"{where}.{key}: required field is missing or empty")
    return value


def _number(d: dict, key: str, where: str, default: float, *, integer: bool = False, minimum: float = 0) -> Any:
    value = d.get(key, default)
    try:
        value = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}.{key}: expected a number, got {value!r}") from None
    if value < minimum:
        raise ConfigError(f"{where}.{key}: must be >= {minimum}, got {value}")
    return value


def _parse_poll(d: Any, where: str) -> PollConfig:
    if d is None:
        return PollConfig()
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(d).__name__}")
    base = PollConfig()
    return PollConfig(
        schedule=str(d.get("schedule", base.schedule)),
        min_delay_s=_number(d, "min_delay_s", where, base.min_delay_s),
        max_catchup_pages=_number(d, "max_catchup_pages", where, base.max_catchup_pages, integer=True),
        timeout_s=_number(d, "timeout_s", where, base.timeout_s, minimum=0.1),
        retries=_number(d, "retries", where, base.retries, integer=True),
        max_attachment_bytes=_number(d, "max_attachment_bytes", where, base.max_attachment_bytes, integer=True, minimum=1),
        news_window_days=_number(d, "news_window_days", where, base.news_window_days, integer=True),
        recheck=_parse_recheck(d.get("recheck"), f"{where}.recheck"),
    )


def _parse_recheck(d: Any, where: str) -> RecheckConfig:
    if d is None:
        return RecheckConfig()
    if isinstance(d, RecheckConfig):
        return d
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(d).__name__}")
    unknown = set(d) - set(RecheckConfig.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
    base = RecheckConfig()
    return RecheckConfig(
        recent_days=_number(d, "recent_days", where, base.recent_days, integer=True),
        year_days=_number(d, "year_days", where, base.year_days, integer=True),
        year_period_days=_number(d, "year_period_days", where, base.year_period_days),
        older_period_days=_number(d, "older_period_days", where, base.older_period_days),
        budget_per_poll=_number(d, "budget_per_poll", where, base.budget_per_poll, integer=True, minimum=1),
    )


def _parse_column(d: Any, where: str) -> ColumnConfig:
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(d).__name__}")
    known = {"id", "name", "path"}
    return ColumnConfig(
        id=str(_req(d, "id", where)), name=str(d.get("name") or d["id"]), path=str(_req(d, "path", where)),
        extra={k: v for k, v in d.items() if k not in known},
    )


def parse_source(d: Any, index: int = 0) -> SourceConfig:
    """One source mapping -> SourceConfig (raises ConfigError)."""
    if not isinstance(d, dict):
        raise ConfigError(f"sources[{index}]: expected a mapping, got {type(d).__name__}")
    sid = str(d.get("id") or f"#{index}")
    where = f"sources[{sid}]"
    _req(d, "id", where)
    family = str(_req(d, "family", where))
    if family not in KNOWN_FAMILIES:
        raise ConfigError(f"{where}.family: unknown family {family!r}; expected one of {KNOWN_FAMILIES}")
    base_url = str(_req(d, "base_url", where)).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}.base_url: expected an http(s) URL, got {base_url!r}")
    hosts = d.get("allowed_hosts") or [parts.hostname]
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(f"{where}.allowed_hosts: expected a list of host names, got {hosts!r}")
    hosts = [h.lower() for h in hosts]
    if parts.hostname.lower() not in hosts:
        raise ConfigError(f"{where}.allowed_hosts: must include the base_url host {parts.hostname!r}")
    cols = d.get("columns")
    if not isinstance(cols, list) or not cols:
        raise ConfigError(f"{where}.columns: expected a non-empty list")
    columns = [_parse_column(c, f"{where}.columns[{i}]") for i, c in enumerate(cols)]
    ids = [c.id for c in columns]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{where}.columns: duplicate column id(s) {dupes}")
    known = {"id", "name", "family", "region", "base_url", "allowed_hosts", "columns", "poll", "enabled"}
    return SourceConfig(
        id=sid, name=str(d.get("name") or sid), family=family, region=str(d.get("region") or ""),
        base_url=base_url, allowed_hosts=hosts, columns=columns,
        poll=_parse_poll(d.get("poll"), f"{where}.poll"), enabled=bool(d.get("enabled", True)),
        extra={k: v for k, v in d.items() if k not in known},
    )


def parse_sources(data: Any) -> list[SourceConfig]:
    """The loaded YAML document -> validated sources."""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise ConfigError("sources.yaml: expected a top-level mapping with a 'sources' list")
    sources = [parse_source(d, i) for i, d in enumerate(data["sources"])]
    ids = [s.id for s in sources]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"sources: duplicate source id(s) {dupes}")
    return sources


def point_at_mirror(source: SourceConfig, mirror_url: str) -> SourceConfig:
    """Rewrite a source so it is fetched from the local mirror."""
    # the mirror is our own loopback server: no politeness delay needed
    return replace(source, base_url=f"{mirror_url.rstrip('/')}/{source.id}", allowed_hosts=list(MIRROR_HOSTS),
                   poll=replace(source.poll, min_delay_s=0.0))


def _apply_field_overrides(source: SourceConfig, fields: dict) -> SourceConfig:
    if not isinstance(fields, dict):
        raise ConfigError(f"overrides[{source.id}]: expected a mapping of fields")
    changes = dict(fields)
    if "poll" in changes:
        merged = {**source.poll.__dict__, **(changes["poll"] or {})}
        changes["poll"] = _parse_poll(merged, f"overrides[{source.id}].poll")
    unknown = set(changes) - set(SourceConfig.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"overrides[{source.id}]: unknown field(s) {sorted(unknown)}")
    return replace(source, **changes)


def load_sources(path: str | Path | None = None, *, overrides: dict | None = None) -> list[SourceConfig]:
    path = Path(path or os.environ.get("YIBAO_SOURCES_FILE") or DEFAULT_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    sources = parse_sources(data)
    overrides = dict(overrides or {})
    mirror_url = overrides.pop("mirror_url", None) or os.environ.get("YIBAO_MIRROR_URL")
    if mirror_url:
        sources = [point_at_mirror(s, mirror_url) for s in sources]
    only = overrides.pop("only", None) or os.environ.get("YIBAO_SOURCES")
    if only:
        wanted = [w.strip() for w in (only.split(",") if isinstance(only, str) else only) if w.strip()]
        if wanted != ["all"]:
            unknown = sorted(set(wanted) - {s.id for s in sources})
            if unknown:
                raise ConfigError(f"YIBAO_SOURCES: no source with id(s) {unknown}")
        sources = [replace(s, enabled=(wanted == ["all"] or s.id in wanted)) for s in sources]
    by_id = {s.id: s for s in sources}
    for sid, fields in overrides.items():
        if sid not in by_id:
            raise ConfigError(f"overrides: no source with id {sid!r}")
        by_id[sid] = _apply_field_overrides(by_id[sid], fields)
    return [by_id[s.id] for s in sources]
