from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import SUBSCRIPTIONS, session_for  # noqa: E402

from yibao.delivery.subscriptions import (  # noqa: E402
    SubscriptionFileError, load_subscriptions, parse_subscriptions, sync_people,
)
from yibao.store.models import Person, Subscription  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
ALL_SECRETS = lambda conn_id: True  # noqa: E731


def test_sample_file_is_valid_and_covers_every_role():
    cfg = load_subscriptions(REPO / "config" / "subscriptions.yaml", check_secret=ALL_SECRETS)
    assert cfg.errors == [] and cfg.warnings == []
    roles = {r for p in cfg.people for r in p.role_ids}
    assert roles == {"yibaoban", "doctor", "nurse", "cashier", "pharmacy", "finance", "management", "agency",
                     "employer_hr", "insured"}
    departments = {p.department for p in cfg.people}
    assert all(cfg.liaisons(d) for d in departments)
    assert cfg.alert_recipients == ["wang.fang"]
    assert cfg.robots["nursing"].conn_id == "yibao_im_nursing"


def test_roles_by_chinese_name_alias_and_period():
    cfg = parse_subscriptions(SUBSCRIPTIONS, check_secret=ALL_SECRETS)
    assert cfg.errors == []
    zhang = cfg.person("zhang.wei")
    assert zhang.role_ids == ["doctor"] and zhang.channels == ("email", "wecom:cardiology")
    assert cfg.person("sun.yu").region == "31"
    text = SUBSCRIPTIONS + "  - {id: li.x, name: 李, roles: [{role: 管理层, period: weekly}], email: l@h.example.cn}\n"
    li = parse_subscriptions(text, check_secret=ALL_SECRETS).person("li.x")
    assert li.roles[0].role == "management" and li.roles[0].period == "weekly"


def test_bad_entries_are_reported_with_their_line_and_skipped():
    text = """\
robots:
  ward: {platform: wecom}
people:
  - id: ok.person
    name: 好人
    roles: [doctor]
    email: ok@h.example.cn
  - id: bad.role
    name: 错角色
    roles: [外科大夫]
    email: br@h.example.cn
  - id: bad.mail
    name: 错邮箱
    roles: [nurse]
    email: not-an-address
    channels: [email, wecom:ward]
  - id: bad.robot
    name: 无机器人
    roles: [nurse]
    channels: [feishu:nowhere]
"""
    cfg = parse_subscriptions(text, "subs.yaml", check_secret=ALL_SECRETS)
    assert [p.id for p in cfg.people] == ["ok.person", "bad.mail"]
    assert cfg.person("bad.mail").channels == ("wecom:ward",)
    errors = "\n".join(cfg.errors)
    assert "subs.yaml:10: person 'bad.role': unknown role '外科大夫'" in errors
    assert "subs.yaml:15: person 'bad.mail': bad email address 'not-an-address'" in errors
    assert "subs.yaml:16: person 'bad.mail': channel 'email' needs a valid email" in errors
    assert "subs.yaml:20: person 'bad.robot': channel 'feishu:nowhere' names a robot that is not configured" in errors


def test_missing_secret_names_the_connection_and_skips_the_robot():
    text = "robots:\n  ward: {platform: dingtalk}\npeople:\n" \
           "  - {id: a, name: 甲, roles: [nurse], email: a@h.example.cn, channels: [email, dingtalk:ward]}\n"
    cfg = parse_subscriptions(text, "s.yaml", check_secret=lambda conn_id: False)
    assert "s.yaml:2: robot 'ward': missing secret — Airflow Connection 'yibao_im_ward' not found" in cfg.errors[0]
    assert "AIRFLOW_CONN_YIBAO_IM_WARD" in cfg.errors[0]
    assert cfg.person("a").channels == ("email",)


def test_secret_lookup_goes_through_airflow_basehook(monkeypatch):
    from yibao.delivery.subscriptions import airflow_connection_exists
    monkeypatch.setenv("AIRFLOW_CONN_YIBAO_IM_WARD", '{"conn_type": "http", "host": "https://x", '
                                                     '"extra": {"platform": "wecom"}}')
    assert airflow_connection_exists("yibao_im_ward")
    assert not airflow_connection_exists("yibao_im_absent")


def test_duplicate_ids_and_keys_and_unknown_fields():
    text = """\
people:
  - {id: a, name: 甲, roles: [nurse], email: a@h.example.cn, phone: 123}
  - {id: a, name: 乙, roles: [nurse], email: b@h.example.cn}
alerts:
  recipients: [a, ghost]
alerts: {}
"""
    cfg = parse_subscriptions(text, "s.yaml")
    errors = "\n".join(cfg.errors)
    assert "s.yaml:6: duplicate key 'alerts' (first at line 4)" in errors
    assert "s.yaml:2: person 'a': unknown field 'phone'" in errors
    assert "s.yaml:3: person id 'a' is used twice (first at line 2)" in errors
    assert "s.yaml:5: alerts.recipients: no (valid) person with id 'ghost'" in errors
    assert cfg.alert_recipients == ["a"] and cfg.person("a").name == "甲"


def test_invalid_yaml_and_missing_file_raise_a_clear_error(tmp_path):
    with pytest.raises(SubscriptionFileError, match=r"s.yaml:3: not valid YAML: expected the node content"):
        parse_subscriptions("people:\n  - {id: a, name: [\n", "s.yaml")
    with pytest.raises(SubscriptionFileError, match="subscriptions file not found"):
        load_subscriptions(tmp_path / "nope.yaml")


def test_sync_people_upserts_and_deactivates(yibao_db):
    session = session_for(yibao_db)
    cfg = parse_subscriptions(SUBSCRIPTIONS, check_secret=ALL_SECRETS)
    sync_people(session, cfg)
    session.commit()
    assert session.query(Person).filter_by(active=True).count() == 6
    assert session.get(Person, "chen.jing").channels == ["email", "dingtalk:nursing"]
    smaller = SUBSCRIPTIONS.replace("roles: [doctor], email: zhaomin", "roles: [doctor, 财务科], email: zhaomin")
    smaller = "\n".join(line for line in smaller.splitlines() if "sun.yu" not in line) + "\n"
    sync_people(session, parse_subscriptions(smaller, check_secret=ALL_SECRETS))
    session.commit()
    assert session.get(Person, "sun.yu").active is False
    roles = {s.role for s in session.query(Subscription).filter_by(person_id="zhao.min")}
    assert roles == {"doctor", "finance"}
    sync_people(session, parse_subscriptions(SUBSCRIPTIONS, check_secret=ALL_SECRETS))
    session.commit()
    assert session.get(Person, "sun.yu").active is True
    assert {s.role for s in session.query(Subscription).filter_by(person_id="zhao.min")} == {"doctor"}
    typo = SUBSCRIPTIONS.replace("roles: [护士]", "roles: [护土]")    # 土 for 士: the entry becomes invalid
    cfg = parse_subscriptions(typo, check_secret=ALL_SECRETS)
    assert cfg.person("chen.jing") is None and "chen.jing" in cfg.skipped_ids
    sync_people(session, cfg)
    session.commit()
    assert session.get(Person, "chen.jing").active is True           # kept as it was, not switched off
    session.close()


def test_subscribers_commands_validate_add_list(tmp_path, capsys):
    from yibao.cli import main
    path = tmp_path / "subs.yaml"
    path.write_text((REPO / "config" / "subscriptions.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["subscribers", "--file", str(path), "validate", "--no-secrets"]) == 0
    assert "10 people, 4 robots, 0 error(s)" in capsys.readouterr().out
    assert main(["subscribers", "--file", str(path), "add", "--id", "ma.li", "--name", "马丽", "--role", "护士",
                 "--department", "护理部", "--email", "mali@hospital.example.cn", "--liaison"]) == 0
    cfg = load_subscriptions(path, check_secret=None)
    assert cfg.person("ma.li").role_ids == ["nurse"] and cfg.alert_recipients == ["wang.fang"]
    assert "# Who receives" in path.read_text(encoding="utf-8")           # comments kept
    assert main(["subscribers", "--file", str(path), "add", "--id", "ma.li", "--name", "x", "--role", "nurse"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["subscribers", "--file", str(path), "add", "--id", "x.y", "--name", "某", "--role", "外科",
                 "--email", "x@h.example.cn"]) == 2
    assert "unknown role '外科'" in capsys.readouterr().err
    assert load_subscriptions(path, check_secret=None).person("x.y") is None
    assert main(["subscribers", "--file", str(path), "list", "--json"]) == 0
    assert '"ma.li"' in capsys.readouterr().out
    for pid in ("zhao.min", "ma.li"):      # one from the middle, one at the end of the list
        assert main(["subscribers", "--file", str(path), "remove", "--id", pid]) == 0
    after = load_subscriptions(path, check_secret=None)
    assert after.errors == [] and len(after.people) == 9 and after.person("zhao.min") is None
    assert after.person("sun.yu").email == "sunyu@hospital.example.cn"
    assert main(["subscribers", "--file", str(path), "remove", "--id", "nobody"]) == 2
    path.write_text("people:\n  - {id: a, name: 甲, roles: [外科], email: a@h.example.cn}\n", encoding="utf-8")
    assert main(["subscribers", "--file", str(path), "validate", "--no-secrets"]) == 1
    assert f"{path}:2: person 'a': unknown role" in capsys.readouterr().out
