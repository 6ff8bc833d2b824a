"""The ten training audiences (role ids → display names) and name/id lookup."""
from __future__ import annotations

ROLES: dict[str, str] = {
    "yibaoban": "医保办",
    "doctor": "临床医生",
    "nurse": "护士",
    "cashier": "收费员",
    "pharmacy": "药剂科",
    "finance": "财务科",
    "management": "管理层",
    "agency": "医保经办",
    "employer_hr": "参保单位HR",
    "insured": "参保人",
}

# common alternative spellings trainers type
_ALIASES: dict[str, str] = {
    "医院医保办": "yibaoban", "医保办公室": "yibaoban", "医生": "doctor", "临床": "doctor",
    "护理": "nurse", "收费": "cashier", "收费处": "cashier", "药剂": "pharmacy", "药学部": "pharmacy",
    "财务": "finance", "物价": "finance", "管理": "management", "院领导": "management",
    "经办": "agency", "医保经办人员": "agency", "hr": "employer_hr", "HR": "employer_hr",
    "参保单位": "employer_hr", "患者": "insured", "群众": "insured",
}
_BY_NAME = {name: rid for rid, name in ROLES.items()}


class UnknownRoleError(ValueError):
    """A role name or id that is not one of ROLES."""


def role_id(name_or_id: str) -> str:
    """'doctor' or '临床医生' (or a common alias) → 'doctor'; anything else → UnknownRoleError."""
    key = (name_or_id or "").strip()
    if key in ROLES:
        return key
    if key.lower() in ROLES:
        return key.lower()
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key in _ALIASES:
        return _ALIASES[key]
    valid = ", ".join(f"{rid}（{name}）" for rid, name in ROLES.items())
    raise UnknownRoleError(f"unknown role {name_or_id!r}; valid roles: {valid}")


def role_name(rid: str) -> str:
    return ROLES[role_id(rid)]
