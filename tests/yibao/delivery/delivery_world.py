"""Shared builders for the delivery tests: a store with lessons and a subscriptions file.

Imported by the tests in this folder via sys.path (pytest runs with importlib mode).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from yibao.lessons.model import LessonDraft, QuizItem
from yibao.store.db import get_engine
from yibao.store.models import Change, Document, Lesson, Source, Version

NOW = dt.datetime(2025, 12, 8, 2, 0)          # Monday 10:00 Beijing
PUBLISHED = dt.date(2025, 12, 7)              # Sunday; deadline 2025-12-16
DEADLINE = dt.date(2025, 12, 16)


def session_for(url: str) -> Session:
    return sessionmaker(get_engine(url), expire_on_commit=False)()


def session_with_people(url: str) -> Session:
    """A session on the store at `url` with the people of SUBSCRIPTIONS synced in."""
    from yibao.delivery.subscriptions import parse_subscriptions, sync_people

    s = session_for(url)
    sync_people(s, parse_subscriptions(SUBSCRIPTIONS, check_secret=lambda c: True))
    s.commit()
    return s


def draft(role: str, headline: str, deadline: dt.date = DEADLINE, doc_number: str = "医保发〔2025〕33号",
          title: str = "关于做好DRG/DIP支付方式改革工作的通知") -> dict:
    return LessonDraft(
        role=role, topics=["支付方式"], headline=headline,
        summary=["DRG/DIP 付费新规自 2026 年 1 月 1 日起执行。", "病案首页质量纳入考核。",
                 "高倍率病例需说明理由。"],
        changes=[{"kind": "modified", "clause": "第三条", "before": "按项目付费", "after": "按病种分值付费"}],
        actions=["核对病案首页主要诊断编码。", "出院结算前确认分组。"],
        effective_date=dt.date(2026, 1, 1), scenario={}, case={},
        quiz=[QuizItem(kind="choice", question="新规自何时起执行？", answer="2026年1月1日",
                       distractors=["2025年12月7日", "2026年7月1日"], ref="第五条"),
              QuizItem(kind="truefalse", question="病案首页质量纳入考核。", answer="正确",
                       distractors=["错误"], ref="第四条"),
              QuizItem(kind="numeric", question="培训须在发布后几个工作日内完成？", answer="7", ref="通知")],
        source={"title": title, "doc_number": doc_number,
                "issuer": "国家医疗保障局", "publish_date": PUBLISHED.isoformat(), "url": "https://www.nhsa.gov.cn/x"},
        deadline=deadline,
    ).to_dict()


def add_lessons(session: Session, roles: list[str], *, region: str = "national", status: str = "approved",
                deadline: dt.date = DEADLINE, tag: str = "") -> list[Lesson]:
    """One document (in a source of `region`) with one lesson per role."""
    source_id = f"src-{region}"
    if session.get(Source, source_id) is None:
        session.add(Source(id=source_id, name=f"医保局 {region}", family="hanweb",
                           base_url="https://example.gov.cn", region=region))
        session.flush()
    n = session.query(Document).count() + 1
    doc = Document(source_id=source_id, identity_key=f"no:test{n}{tag}", doc_number=f"医保发〔2025〕{n}号",
                   title=f"关于医保政策调整的通知{n}", norm_title=f"通知{n}", url=f"https://example.gov.cn/{n}",
                   publish_date=PUBLISHED, deadline=deadline)
    session.add(doc)
    session.flush()
    ver = Version(document_id=doc.id, seq=1, content_hash=f"h{n}", raw_sha256=f"r{n}", url=doc.url,
                  title=doc.title, text="第一条 ……")
    session.add(ver)
    session.flush()
    change = Change(document_id=doc.id, new_version_id=ver.id, kind="new")
    session.add(change)
    session.flush()
    lessons = []
    for role in roles:
        lesson = Lesson(change_id=change.id, role=role, status=status, title=f"{doc.title}（{role}）",
                        draft=draft(role, f"{doc.title}要点", deadline, doc.doc_number, doc.title), body_md=f"# {doc.title}\n\n本次调整要点：按病种分值付费。",
                        deadline=deadline, approved_at=NOW if status == "approved" else None)
        session.add(lesson)
        lessons.append(lesson)
    session.commit()
    return lessons


def add_revision(session: Session, lesson: Lesson, *, status: str = "approved") -> Lesson:
    """The bureau revised the lesson's document: a new version, its change, and the role's lesson on it."""
    old = lesson.change
    seq = session.query(Version).filter_by(document_id=old.document_id).count() + 1
    ver = Version(document_id=old.document_id, seq=seq, content_hash=f"h{old.document_id}.{seq}",
                  raw_sha256=f"r{old.document_id}.{seq}", url=old.new_version.url, title=old.new_version.title,
                  text="第一条 ……（修订）")
    session.add(ver)
    session.flush()
    change = Change(document_id=old.document_id, new_version_id=ver.id, old_version_id=old.new_version_id,
                    kind="revised")
    session.add(change)
    session.flush()
    newer = Lesson(change_id=change.id, role=lesson.role, status=status, title=f"{lesson.title}（修订）",
                   draft=dict(lesson.draft), body_md=lesson.body_md + "\n\n（修订后）", deadline=lesson.deadline,
                   approved_at=NOW if status == "approved" else None)
    session.add(newer)
    session.commit()
    return newer


SUBSCRIPTIONS = """\
hospital: 测试医院
defaults: {region: "44", period: immediate}
robots:
  cardiology: {platform: wecom, department: 心内科}
  nursing: {platform: dingtalk, department: 护理部}
  pharmacy: {platform: feishu, department: 药剂科}
people:
  - {id: wang.fang, name: 王芳, department: 医保办, roles: [医保办], email: wangfang@h.example.cn, liaison: true}
  - {id: zhang.wei, name: 张伟, department: 心内科, roles: [临床医生], email: zhangwei@h.example.cn,
     channels: [email, wecom:cardiology], liaison: true}
  - {id: zhao.min, name: 赵敏, department: 心内科, roles: [doctor], email: zhaomin@h.example.cn}
  - {id: chen.jing, name: 陈静, department: 护理部, roles: [护士], email: chenjing@h.example.cn,
     channels: [email, dingtalk:nursing], liaison: true}
  - {id: huang.li, name: 黄丽, department: 药剂科, roles: [药剂科], email: huangli@h.example.cn,
     channels: [email, feishu:pharmacy], liaison: true}
  - {id: sun.yu, name: 孙雨, department: 心内科, roles: [doctor], region: "31", email: sunyu@h.example.cn}
"""


def write_subscriptions(tmp_path: Path, monkeypatch, text: str = SUBSCRIPTIONS) -> Path:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("YIBAO_SUBSCRIPTIONS_FILE", str(path))
    return path


def robot_env(monkeypatch, im_server, robots: dict[str, tuple[str, str, str | None]]) -> None:
    """robots: name → (platform, key, secret); registers them on the dev server and sets
    AIRFLOW_CONN_YIBAO_IM_<NAME> the way an operator would outside Airflow."""
    for name, (platform, key, secret) in robots.items():
        im_server.add_robot(platform, key, secret=secret, per_minute=1000)
        extra = {"platform": platform}
        if secret:
            extra["secret"] = secret
        conn = {"conn_type": "http", "host": im_server.url_for(platform, key), "extra": extra}
        monkeypatch.setenv(f"AIRFLOW_CONN_YIBAO_IM_{name.upper()}", json.dumps(conn))
