"""Words that name a role's own actors in a provision (its own provisions rank higher)."""
from __future__ import annotations

from yibao.lessons.config import load_config
from yibao.lessons.roles import role_id

ACTOR_WORDS: dict[str, tuple[str, ...]] = {
    "yibaoban": ("定点医疗机构", "定点医药机构", "医保管理", "医保办"),
    "doctor": ("医务人员", "医师", "医生", "执业医师", "处方", "诊疗", "病历"),
    "nurse": ("护士", "护理"),
    "cashier": ("收费", "结算", "挂号", "窗口", "费用清单", "票据", "退费"),
    "pharmacy": ("药师", "药品", "药店", "零售药店", "处方", "药剂", "追溯码"),
    "finance": ("财务", "基金", "拨付", "清算", "预付", "回款"),
    "management": ("定点医疗机构", "医疗机构", "考核", "协议", "负责人"),
    "agency": ("经办机构", "医保经办", "稽核", "审核"),
    "employer_hr": ("用人单位", "参保单位", "缴费", "参保登记"),
    "insured": ("参保人", "参保人员", "患者", "参保群众", "就医人员"),
}

# the document model's actor ids (config/actors.yaml) a role's own provisions bind
ROLE_ACTORS: dict[str, tuple[str, ...]] = {
    "yibaoban": ("medical_institution",), "doctor": ("medical_staff",), "nurse": ("nursing",),
    "cashier": ("billing",), "pharmacy": ("pharmacy",), "finance": ("finance",),
    "management": ("medical_institution",), "agency": ("agency",), "employer_hr": ("employer",),
    "insured": ("insured",),
}


def role_actors(role: str) -> tuple[str, ...]:
    return ROLE_ACTORS.get(role_id(role), ())


def actor_words(role: str) -> tuple[str, ...]:
    """The role's actor words plus its keywords from config/roles.yaml."""
    rid = role_id(role)
    extra = tuple((load_config("roles.yaml").get("keywords") or {}).get(rid) or ())
    return tuple(dict.fromkeys(ACTOR_WORDS.get(rid, ()) + extra))
