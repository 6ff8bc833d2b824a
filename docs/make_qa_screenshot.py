"""Screenshot of the 医保政策问答 page, from a real `airflow standalone` with the yibao plugin.

    .venv/bin/python docs/make_qa_screenshot.py [--keep DIR]

Stores the national policy texts of ../shared/corpus/nhsa-texts in a throw-away store, starts
the standalone, logs in with headless Chromium, asks a question as a 收费员 and writes docs/qa.png.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "nhsa-texts"
CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "trainer1", "trainer1-pw"
QUESTION, ROLE = "医院申请医保定点需要准备哪些材料", "收费员"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "qa.png")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="yibao-qa-shot-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {"YIBAO_HOME": str(work / "yibao")}
    os.environ.update(env)
    os.environ.pop("YIBAO_DATABASE_URL", None)
    from playwright.sync_api import sync_playwright

    from yibao.qa.corpus import load_folder
    from yibao.qa.index import QaIndex
    from yibao.store.db import open_session
    from yibao.web.standalone import AirflowStandalone

    with open_session() as session:
        load_folder(session, CORPUS)
        QaIndex().sync(session)
    with AirflowStandalone(work, {USER: PASSWORD}, extra_env=env, startup_timeout=300) as af:
        print(f"airflow standalone at {af.base_url} (log: {af.log_path})")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(60_000)
            af.ui_login(page, USER)
            page.goto(f"{af.base_url}/yibao/qa/")
            page.fill("input[name=q]", QUESTION)
            page.select_option("select[name=role]", ROLE)
            page.click("#ask button")
            page.wait_for_selector("#answer")
            page.screenshot(path=str(args.out), full_page=True)
            browser.close()
    print(f"wrote {args.out}")
    return args.out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
