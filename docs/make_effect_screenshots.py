"""Screenshots of 效果评估 and 返工, from a real `airflow standalone` and the real CLI.

    apt-get install -y chromium fonts-wqy-microhei
    .venv/bin/python docs/make_effect_screenshots.py [--keep DIR]

Seeds the demo of yibao.review.sample_effect (eighteen staff, three policies, answers, one lesson
reworked and one flagged) into a throw-away store, starts the standalone, logs in with headless
Chromium and writes docs/control-room-charts.png (the control room's charts and 返工 table) and
docs/review-rework.png (a flagged lesson's page); then runs `yibao report --html` and writes
docs/report-html.png (screen) and docs/report-html-print.png (print media) from that file.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER, PASSWORD = "trainer1", "trainer1-pw"


def _shot(page, path: Path, selector: str | None = None) -> Path:
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    if "Internal Server Error" in text or "Traceback" in text or "Not authenticated" in text:
        raise SystemExit(f"{page.url} shows an error page:\n{text[:500]}")
    if selector:
        page.locator(selector).screenshot(path=str(path))
    else:
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
    work = args.keep or Path(tempfile.mkdtemp(prefix="yibao-effect-shots-"))
    work.mkdir(parents=True, exist_ok=True)
    from yibao.review.sample_effect import subscriptions_yaml

    subscriptions = work / "subscriptions.yaml"
    subscriptions.write_text(subscriptions_yaml(), encoding="utf-8")
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_SUBSCRIPTIONS_FILE": str(subscriptions)}
    os.environ.update(env)   # this process seeds the same store the standalone uses
    from playwright.sync_api import sync_playwright

    from yibao.review.queue import today_local
    from yibao.review.sample_effect import seed_effect
    from yibao.store.db import open_session
    from yibao.web.standalone import AirflowStandalone

    with open_session() as s:
        lessons = seed_effect(s, today_local())
    report = work / "月度培训效果报告.html"
    subprocess.run([str(Path(sys.executable).with_name("yibao")), "report", "--html", str(report)], check=True,
                   env={**os.environ, **env})
    shots = []
    with AirflowStandalone(work, {USER: PASSWORD}, extra_env=env, startup_timeout=180) as af, \
            sync_playwright() as p:
        print(f"airflow standalone at {af.base_url} (log: {af.log_path})")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.set_default_timeout(60_000)
        af.ui_login(page, USER)
        page.goto(f"{af.base_url}/yibao/control/")
        page.wait_for_selector("svg#chart-department g.bar")
        shots.append(_shot(page, args.out / "control-room-charts.png", "main"))
        page.goto(f"{af.base_url}/yibao/review/lessons/{lessons['C'][0]}")
        page.wait_for_selector("#rework")
        shots.append(_shot(page, args.out / "review-rework.png"))
        page.goto(report.as_uri())
        shots.append(_shot(page, args.out / "report-html.png"))
        page.emulate_media(media="print")
        shots.append(_shot(page, args.out / "report-html-print.png"))
        browser.close()
    return shots


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
