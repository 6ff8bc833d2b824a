"""Who may decide on a lesson: trainers named in config/trainers.yaml, by Airflow username
or by an Airflow role the file names. Read on every call, so an edit takes effect at once."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yibao.settings import get_settings


class TrainersConfigError(ValueError):
    """trainers.yaml is malformed."""


@dataclass(frozen=True)
class Trainers:
    users: frozenset[str]
    roles: frozenset[str]
    source: Path


def trainers_file() -> Path:
    env = os.environ.get("YIBAO_TRAINERS_FILE")
    return Path(env) if env else get_settings().config_dir / "trainers.yaml"


def load_trainers(path: Path | None = None) -> Trainers:
    path = path or trainers_file()
    if not path.exists():   # nobody decides until a trainer is named
        return Trainers(frozenset(), frozenset(), path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise TrainersConfigError(f"{path}: expected a mapping with trainers: and trainer_roles:")
    users, roles = data.get("trainers") or [], data.get("trainer_roles") or []
    if not isinstance(users, list) or not isinstance(roles, list):
        raise TrainersConfigError(f"{path}: trainers and trainer_roles must be lists")
    return Trainers(frozenset(str(u).strip() for u in users if str(u).strip()),
                    frozenset(str(r).strip().lower() for r in roles if str(r).strip()), path)


def airflow_roles(user: Any) -> set[str]:
    """The user's Airflow role names, lower-case: simple auth manager (`role`) or FAB (`roles`)."""
    found: set[str] = set()
    role = getattr(user, "role", None)
    if role:
        found.add(str(getattr(role, "name", role)).lower())
    for r in getattr(user, "roles", None) or []:
        found.add(str(getattr(r, "name", r)).lower())
    return found


def user_name(user: Any) -> str:
    return str(user.get_name() or user.get_id())


def is_trainer(user: Any, trainers: Trainers | None = None) -> bool:
    trainers = trainers or load_trainers()
    return user_name(user) in trainers.users or bool(airflow_roles(user) & trainers.roles)


def refusal(user: Any, trainers: Trainers | None = None) -> str:
    trainers = trainers or load_trainers()
    return (f"只有培训审核人可以批准、驳回或重新生成课程；用户 {user_name(user)} 不在 {trainers.source.name} 的 "
            f"trainers 名单中，也没有 trainer_roles 所列的 Airflow 角色。"
            f" / Only trainers may approve, reject or redraft: user {user_name(user)} is not listed in "
            f"{trainers.source.name} (trainers) and holds none of its trainer_roles.")


def roles_of_name(name: str) -> set[str]:
    """An Airflow user's roles known from the name alone (outside a request, e.g. in a worker):
    the simple auth manager's `[core] simple_auth_manager_users` (name:role). Empty when unknown."""
    try:
        from airflow.api_fastapi.auth.managers.simple.simple_auth_manager import SimpleAuthManager
        from airflow.configuration import conf

        if "SimpleAuthManager" not in conf.get("core", "auth_manager", fallback=""):
            return set()
        return {str(u.role).lower() for u in SimpleAuthManager.get_users() if u.username == name and u.role}
    except Exception:  # noqa: BLE001 - no Airflow config here: the name alone decides
        return set()


def is_trainer_name(name: str, trainers: Trainers | None = None) -> bool:
    """Like is_trainer, for an answer that carries only the responder's name (Airflow's own HITL page)."""
    trainers = trainers or load_trainers()
    return name in trainers.users or bool(trainers.roles and roles_of_name(name) & trainers.roles)
