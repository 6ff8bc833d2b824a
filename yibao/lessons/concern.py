"""Who a document concerns: per role core (full lesson), brief (short notice) or none (no lesson).

A role's concern comes from the provisions that bind its actors (config/roles.yaml `concern`):
a provision *binds* an actor when one of its sentences names the actor and carries an
obligation, prohibition or penalty. Topics can raise a role to at least brief.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import LessonConfigError
from .relevance import roles_config
from .roles import ROLES
from .binding import affected_actors

STRONG = ("prohibition", "obligation", "penalty")
LEVELS = ("none", "brief", "core")


@dataclass
class Concern:
    role: str
    level: str                       # core | brief | none
    reason: str                      # one line a trainer reads in the review queue
    actors: tuple[str, ...] = ()     # the role's actors (core first)
    brief_actors: tuple[str, ...] = ()
    bound: list[str] = field(default_factory=list)  # refs of the provisions binding the role
    affected: bool = False          # a duty naming the role's actors counts as binding them


def concern_config() -> dict:
    cfg = roles_config().get("concern")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("roles"), dict):
        raise LessonConfigError("roles.yaml: 'concern' must map 'roles' to their actors")
    return cfg


def binds(unit, actors: tuple[str, ...], together: tuple[str, ...] = (), affected: bool = False) -> bool:
    """A strong sentence of the unit binds one of the actors (see binding.bound_actors), naming
    also one of `together` when given (收费 only counts for the cashier with a patient in it).
    affected: naming the actor in a duty is enough."""
    return any((affected_actors(s) if affected else b) & set(actors)
               and (not together or set(s.actors) & set(together))
               for s, b in zip(unit.sentences, unit.bound))


def mentions(unit, actors: tuple[str, ...], together: tuple[str, ...] = ()) -> bool:
    """A sentence with a modal duty (应当, 不得, 罚款 …) names one of the actors (e.g. a bureau's duty
    that reaches the hospital); bare-verb directives do not count here: naming a party in an
    instruction to someone else is not enough to concern it."""
    named_in = [named for _, named, _, _ in unit.per_sentence] if unit.per_sentence else [set(s.actors) for s in unit.sentences]
    return any(s.modality in STRONG and not getattr(s, "directive", False) and named & set(actors)
               and (not together or named & set(together)) for s, named in zip(unit.sentences, named_in))


# named in nearly every 医保 text (定点医疗机构, 医保基金): saying them says nothing of whose work a text is about
_EVERYWHERE = {"medical_institution", "finance"}


def role_concerns(units: list, topics: list[str], outside: bool = False) -> dict[str, Concern]:
    """Concern for every role, from the document's teachable units (see selection.teachable_units).
    outside: the text is an agreement with a body outside the hospital (a 零售药店): its topics (药品目录,
    集采) are that body's work, so they raise a role to brief at most."""
    cfg = concern_config()
    core_min, brief_min = int(cfg.get("core_min", 2)), int(cfg.get("brief_min", 1))
    core_named = int(cfg.get("core_named", 3))
    out: dict[str, Concern] = {}
    for role in ROLES:
        spec = cfg["roles"].get(role) or {}
        actors = tuple(spec.get("core") or ())
        brief_actors = tuple(spec.get("brief") or ())
        together = tuple(spec.get("with") or ())
        affected = bool(spec.get("affected"))
        bound = [u.ref for u in units if binds(u, actors, together, affected)]
        named = [u.ref for u in units if mentions(u, actors, together)]
        brief_bound = [u.ref for u in units if binds(u, brief_actors, tuple(spec.get("brief_with") or ()))]
        if len(bound) >= int(spec.get("core_min", core_min)) or (bound and len(named) >= core_named):
            level, reason = "core", f"{len(bound)}处条款对{ROLES[role]}的工作提出要求（{'、'.join(bound[:3])}…）"
        elif bound or len(named) >= brief_min + 1 or brief_bound:
            refs = bound or named or brief_bound
            level, reason = "brief", f"文件涉及{ROLES[role]}的工作（{'、'.join(refs[:3])}），需知晓"
        else:
            level, reason = "none", f"没有条款约束{ROLES[role]}的工作"
        floor = max((LEVELS.index(v) for t, roles in (cfg.get("topics") or {}).items() if t in topics
                     for r, v in (roles or {}).items() if r == role and v in LEVELS), default=0)
        if outside:
            floor = min(floor, LEVELS.index("brief"))
        if floor > LEVELS.index(level):
            level, reason = LEVELS[floor], f"文件主题（{'、'.join(topics)}）与{ROLES[role]}的工作有关"
        specific = set(actors) - _EVERYWHERE
        spoken_of = [u.ref for u in units if any(set(s.actors) & specific for s in u.sentences)]
        if level == "brief" and specific and not outside and len(spoken_of) * 2 >= len(units):
            # half the text or more is about the role's work (a notice on 超量开药 and the 药剂科): a full lesson
            level, reason = "core", f"文件大部分条款（{len(spoken_of)}/{len(units)}）涉及{ROLES[role]}的工作"
        out[role] = Concern(role, level, reason, actors, brief_actors, bound, affected)
    for role, spec in cfg["roles"].items():   # the 医保办 coordinates the departments: it learns what any of them must
        others = [out[r] for r in spec.get("oversees") or () if r in out]
        top = max(others, key=lambda c: LEVELS.index(c.level), default=None)
        if role in out and top is not None and LEVELS.index(top.level) > LEVELS.index(out[role].level):
            c = out[role]
            out[role] = Concern(role, top.level, f"{ROLES[top.role]}须知晓的内容，{ROLES[role]}统筹落实",
                                c.actors, c.brief_actors + tuple(a for a in top.actors if a not in c.brief_actors),
                                c.bound, c.affected)
    return out
