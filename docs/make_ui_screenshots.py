"""Screenshots of the trainer review pages and the control room, from a real `airflow standalone`.

    apt-get install -y chromium fonts-wqy-microhei
    .venv/bin/python docs/make_ui_screenshots.py [--keep DIR]

Seeds demo policies (yibao.review.sample.seed) into a throw-away store, hands three lessons to
the review DAG so they wait in Airflow's HITL state, approves one through the review API so it
is delivered (to a local SMTP sink), marks one source as failing, then logs in with headless
Chromium and writes docs/review-queue.png, docs/review-lesson.png and docs/control-room.png.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER, PASSWORD = "trainer1", "trainer1-pw"
SUBSCRIPTIONS = """\
hospital: 示例市第一人民医院
people:
  - id: zhang.wei
    name: 张伟
    department: 心内科
    roles: [doctor]
    email: zhangwei@hospital.example.cn
    channels: [email]
  - id: liu.yang
    name: 刘洋
    department: 收费处
    roles: [cashier]
    email: liuyang@hospital.example.cn
    channels: [email]
"""


def seed_demo(today: dt.date) -> dict[str, list[int]]:
    """Two sources (one failing) and two revised policies; returns lesson ids per policy."""
    from yibao.review.sample import seed
    from yibao.store.db import open_session

    with open_session() as s:
        national = seed(s, published=today, roles=("doctor", "cashier", "nurse"))
        provincial = seed(s, published=today - dt.timedelta(days=3), source_id="gdhsa",
                          doc_number="粤医保发〔2026〕8号", title="广东省门诊慢特病待遇认定管理办法（修订）",
                          roles=("doctor", "yibaoban"), source_health="error")
        from yibao.store.models import Source

        gd = s.get(Source, "gdhsa")
        gd.name, gd.consecutive_failures = "广东省医疗保障局", 3
        gd.health_detail = "列表页返回 403（疑似反爬验证），已连续失败 3 次"
        from yibao.store.models import Event
        s.add(Event(level="alert", stage="scrape", subject="数据源异常：广东省医疗保障局",
                    message="列表页返回 403（疑似反爬验证），已连续失败 3 次；请在浏览器中打开列表页确认。",
                    data={"kind": "alert"}))
    return {"national": national, "provincial": provincial}


def drive_pipeline(af, lessons: dict[str, list[int]]) -> None:
    """Hand all lessons to review, wait until they wait, approve one provincial lesson."""
    from yibao.web.standalone import wait_for

    api = af.api(USER)
    af.activate(api, ("yibao_review", "yibao_deliver"), timeout=180)
    all_ids = lessons["national"] + lessons["provincial"]
    af.emit_asset_event(api, "yibao_review_requests", {"lesson_ids": all_ids})

    def waiting() -> set[str]:
        details = api.get("/api/v2/dags/yibao_review/dagRuns/~/hitlDetails",
                          params={"response_received": False}).json()["hitl_details"]
        return {d["subject"] for d in details if d["task_instance"]["state"] == "awaiting_input"}
    wait_for(lambda: len(waiting()) >= len(all_ids), timeout=180, what="every lesson to wait for review")

    approved = lessons["provincial"][0]
    revision = api.get(f"/yibao/api/lessons/{approved}").json()["revision"]
    r = api.post(f"/yibao/api/lessons/{approved}/decision",
                 json={"action": "approve", "revision": revision, "comment": "已核对条款，同意发布"})
    r.raise_for_status()
    wait_for(lambda: [run for run in api.get("/api/v2/dags/yibao_deliver/dagRuns").json()["dag_runs"]
                      if run["state"] == "success"], timeout=180, what="the delivery of the approved lesson")


def take_screenshots(af, lessons: dict[str, list[int]], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.set_default_timeout(60_000)
        af.ui_login(page, USER)

        page.goto(f"{af.base_url}/yibao/review/")
        page.wait_for_selector(f"tr[data-lesson='{lessons['national'][0]}']")
        shots.append(_shot(page, out / "review-queue.png"))

        page.goto(f"{af.base_url}/yibao/review/lessons/{lessons['national'][0]}")
        page.wait_for_selector("#preview h1")
        page.frame_locator("iframe.diff-frame").locator("table").wait_for()
        page.fill("#comment", "第五条改为3年，已核对原文")
        shots.append(_shot(page, out / "review-lesson.png"))

        page.goto(f"{af.base_url}/yibao/control/")
        page.wait_for_selector("h1")
        shots.append(_shot(page, out / "control-room.png"))
        browser.close()
    return shots


def _shot(page, path: Path) -> Path:
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    if "Internal Server Error" in text or "Traceback" in text or "Not authenticated" in text:
        raise SystemExit(f"{page.url} shows an error page:\n{text[:500]}")
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB) from {page.url}")
    return path


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (logs, store)")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install -y chromium fonts-wqy-microhei")

    work = args.keep or Path(tempfile.mkdtemp(prefix="yibao-ui-shots-"))
    work.mkdir(parents=True, exist_ok=True)
    subscriptions = work / "subscriptions.yaml"
    subscriptions.write_text(SUBSCRIPTIONS, encoding="utf-8")
    from yibao.devservers.smtp import CaptureSmtpServer

    smtp = CaptureSmtpServer().start()
    trainers = work / "trainers.yaml"   # only trainers may approve (config/trainers.yaml names the demo's)
    trainers.write_text(f"trainers: [{USER}]\ntrainer_roles: []\n", encoding="utf-8")
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_SUBSCRIPTIONS_FILE": str(subscriptions),
           "YIBAO_TRAINERS_FILE": str(trainers),
           "YIBAO_SMTP_HOST": "127.0.0.1", "YIBAO_SMTP_PORT": str(smtp.port), "YIBAO_SMTP_SECURITY": "plain",
           "YIBAO_SMTP_FROM": "yibao@hospital.example.cn",
           "YIBAO_LINK_SECRET": os.environ.get("YIBAO_LINK_SECRET") or secrets.token_hex(32)}
    os.environ.update(env)   # this process seeds the same store the standalone uses
    from yibao.web.standalone import AirflowStandalone

    try:
        lessons = seed_demo(dt.date.today())
        with AirflowStandalone(work, {USER: PASSWORD}, extra_env=env, startup_timeout=180) as af:
            print(f"airflow standalone at {af.base_url} (log: {af.log_path})")
            drive_pipeline(af, lessons)
            return take_screenshots(af, lessons, args.out)
    finally:
        smtp.stop()


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
