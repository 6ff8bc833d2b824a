"""A throw-away `airflow standalone` (LocalExecutor, SQLite) per test module in this folder.

The standalone's log is kept under pytest's tmp dir; when a test that used it fails,
the report gets the log's path, its problem lines and its tail.
"""
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()   # before anything imports Airflow
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402
from yibao.web.standalone import AirflowStandalone  # noqa: E402

USERS = {"trainer1": "trainer1-pw", "admin1": "admin1-pw"}   # admin1: an Airflow admin, not a trainer
DOCTOR_EMAIL = "zhang@hospital.example"
SUBSCRIPTIONS = f"""\
hospital: 测试医院
people:
  - id: p-doc-1
    name: 张医生
    department: 心内科
    roles: [doctor]
    email: {DOCTOR_EMAIL}
    channels: [email]
"""
PROBLEM_MARKERS = ("ERROR", "Traceback", "state mismatch", "Marking task as FAILED", "reported that the task instance",
                   "state=failed", "state=upstream_failed")
_log_paths: list[Path] = []


@dataclass
class Stack:
    af: AirflowStandalone
    smtp: CaptureSmtpServer
    lesson_ids: list[int]      # seeded lessons, one per test scenario, all for role "doctor"


def _seed_lessons(count: int) -> list[int]:
    from yibao.review.sample import seed
    from yibao.store.db import open_session

    ids: list[int] = []
    with open_session() as s:
        for n in range(count):
            ids += seed(s, published=dt.date.today(), roles=("doctor",), doc_number=f"医保发〔2026〕{12 + n}号",
                        title=f"关于修订门诊慢特病管理办法的通知（测试{n + 1}）")
    return ids


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    work = tmp_path_factory.mktemp("standalone")
    subscriptions = work / "subscriptions.yaml"
    subscriptions.write_text(SUBSCRIPTIONS, encoding="utf-8")
    smtp = CaptureSmtpServer().start()
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_SUBSCRIPTIONS_FILE": str(subscriptions),
           "YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(smtp.port),
           "YIBAO_SMTP_SECURITY": "plain", "YIBAO_SMTP_FROM": "yibao@hospital.example"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)   # the seed and the standalone share this store
    try:
        lesson_ids = _seed_lessons(4)
        af = AirflowStandalone(work, USERS, extra_env=env, startup_timeout=300)   # a busy shared 2-core box
        public = f"{af.base_url}/yibao"   # the links in mails point at this api-server
        old.setdefault("YIBAO_PUBLIC_URL", os.environ.get("YIBAO_PUBLIC_URL"))
        os.environ["YIBAO_PUBLIC_URL"] = af.env["YIBAO_PUBLIC_URL"] = public
        _log_paths.append(af.log_path)
        with af:
            api = af.api("trainer1")
            af.activate(api, ("yibao_review", "yibao_deliver"))
            yield Stack(af, smtp, lesson_ids)
    finally:
        smtp.stop()
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def standalone_log_report(path: Path, tail: int = 60) -> str:
    if not path.exists():
        return f"{path}: (no log written)"
    lines = path.read_text(errors="replace").splitlines()
    problems = [line for line in lines if any(m in line for m in PROBLEM_MARKERS)][-40:]
    return "\n".join([f"log: {path}", f"--- problem lines ({len(problems)}) ---", *problems,
                      f"--- last {tail} lines ---", *lines[-tail:]])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and "stack" in getattr(item, "fixturenames", ()) and _log_paths:
        report.sections.append(("airflow standalone log", standalone_log_report(_log_paths[-1])))
        stack = getattr(item, "funcargs", {}).get("stack")
        if stack is not None:
            try:
                runs = stack.af.runs_report(stack.af.api("trainer1"), ("yibao_review", "yibao_deliver"))
            except Exception as exc:  # noqa: BLE001 - a report of a failure must not fail
                runs = f"(could not list runs: {exc})"
            report.sections.append(("yibao DAG runs", runs))
