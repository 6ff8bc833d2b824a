"""Several `yibao deliver` processes on one PostgreSQL store, against the real SMTP and IM dev servers.

Imported by the race tests in this folder via sys.path (like delivery_world).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

from delivery_world import add_lessons, session_for

from yibao.delivery.subscriptions import load_subscriptions, sync_people
from yibao.store.db import migrate
from yibao.store.models import Delivery
from yibao.testing.start_together import json_output, launch

ROBOTS = {"ward_a": ("wecom", "ward-a-key"), "ward_b": ("dingtalk", "ward-b-token"), "ward_c": ("feishu", "ward-c-hook")}
PEOPLE = 24
NAME = re.compile(r"医生(\d\d)")


def subscriptions_text() -> str:
    """24 doctors, each by email; three of every four also on a ward's group robot."""
    robots = "\n".join(f"  {name}: {{platform: {platform}, department: 病区{name[-1].upper()}}}"
                       for name, (platform, _key) in ROBOTS.items())
    people = []
    for i in range(PEOPLE):
        robot = list(ROBOTS)[i % 4] if i % 4 < 3 else None
        channels = f", channels: [email, {ROBOTS[robot][0]}:{robot}]" if robot else ""
        people.append(f"  - {{id: d{i:02d}, name: 医生{i:02d}, department: 心内科, roles: [doctor], "
                      f"email: d{i:02d}@h.example.cn{channels}}}")
    return ("hospital: 测试医院\ndefaults: {region: \"44\", period: immediate}\nrobots:\n" + robots
            + "\npeople:\n" + "\n".join(people) + "\n")


class RaceWorld:
    """A migrated store with approved lessons and people, and the env a `yibao deliver` needs."""

    def __init__(self, url: str, tmp_path: Path, smtp_server, im_server) -> None:
        self.url, self.tmp_path = url, tmp_path
        self.smtp_server, self.im_server = smtp_server, im_server
        migrate(url)
        sub_file = tmp_path / "subscriptions.yaml"
        sub_file.write_text(subscriptions_text(), encoding="utf-8")
        self.env = {**os.environ, "YIBAO_DATABASE_URL": url, "YIBAO_SUBSCRIPTIONS_FILE": str(sub_file),
                    "YIBAO_HOME": str(tmp_path),
                    "AIRFLOW_CONN_YIBAO_SMTP": json.dumps({
                        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_server.port,
                        "extra": {"security": "plain", "from_addr": "yibao@hospital.example.cn", "timeout_s": 10}})}
        for name, (platform, key) in ROBOTS.items():
            im_server.add_robot(platform, key, per_minute=1000)
            self.env[f"AIRFLOW_CONN_YIBAO_IM_{name.upper()}"] = json.dumps(
                {"conn_type": "http", "host": im_server.url_for(platform, key), "extra": {"platform": platform}})
        self.session = session_for(url)
        sync_people(self.session, load_subscriptions(sub_file, check_secret=None))
        self.session.commit()
        self.lessons = [lesson for _ in range(3) for lesson in add_lessons(self.session, ["doctor"])]

    # -- running workers
    def start_together(self, n: int, args: list[str], env: dict | None = None) -> list[subprocess.Popen]:
        """n processes running `yibao ARGS`, released at the same instant once all have started."""
        return launch(n, args, env or self.env, self.tmp_path)

    def deliver_args(self) -> list[str]:
        return ["deliver", "--json", *[a for lesson in self.lessons for a in ("--lesson", str(lesson.id))]]

    # -- what arrived and what the ledger says
    def mails_by_rcpt(self) -> Counter:
        return Counter(m.rcpt_tos[0] for m in self.smtp_server.messages)

    def im_people_per_robot(self) -> dict[str, Counter]:
        """robot key → how many accepted messages named each doctor."""
        seen: dict[str, Counter] = {}
        for request in self.im_server.accepted():
            names = set(NAME.findall(json.dumps(request.body, ensure_ascii=False)))
            seen.setdefault(request.key, Counter()).update(names)
        return seen

    def ledger(self) -> list[Delivery]:
        self.session.expire_all()
        return self.session.query(Delivery).order_by(Delivery.id).all()


def run_json(proc: subprocess.Popen, timeout: float = 180) -> dict:
    return json_output(proc, timeout)
