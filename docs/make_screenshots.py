"""Screenshots of one HTML lesson and one digest email (docs/lesson.png, docs/digest.png).

The lesson is the 临床医生 lesson on a real national regulation (国家医疗保障局令第2号); the digest
adds a national notice and real 青海 texts. All from ../shared/corpus, rendered by headless Chromium:
    apt-get install -y chromium fonts-wqy-microhei
    .venv/bin/python docs/make_screenshots.py
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "qinghai-texts"
DOCS = REPO / "docs"
NHSA = REPO.parent / "shared" / "corpus" / "nhsa-texts"


def _national(doc_id: str):
    """A national text of the labelled corpus as the pipeline would see it (metadata from its sidecar)."""
    from yibao.lessons import DocContext
    from yibao.lessons.model import response_deadline
    meta = json.loads((NHSA / f"{doc_id}.json").read_text(encoding="utf-8"))
    return DocContext(
        doc_id=None, title=meta["title"], doc_number=meta.get("doc_number"), issuer=meta.get("issuer"),
        publish_date=meta.get("written_date") or dt.date(2025, 6, 3), effective_date=meta.get("effective_date"),
        # staff answer within 7 working days of receiving the lesson (today), not of the 2020 成文日期
        deadline=response_deadline(dt.date.today()), url=f"https://www.nhsa.gov.cn/example/{doc_id}.html",
        source_name="国家医疗保障局",
        kind="new", predecessor_title=None, text=(NHSA / f"{doc_id}.txt").read_text(encoding="utf-8"))


def _doc(doc_id: str, kind: str = "new", predecessor: str | None = None):
    from yibao.lessons import DocContext
    meta = json.loads((CORPUS / f"{doc_id}.json").read_text(encoding="utf-8"))
    return DocContext(
        doc_id=None, title=meta["title"], doc_number=meta.get("doc_number"), issuer=meta.get("issuer"),
        publish_date=meta.get("publish_date") or dt.date(2025, 6, 3), effective_date=meta.get("effective_date"),
        deadline=None, url=f"https://ybj.qinghai.gov.cn/example/{doc_id}.html", source_name="青海省医疗保障局",
        kind=kind, predecessor_title=predecessor, text=(CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8"))


def build_pages() -> tuple[str, str]:
    from yibao.diff import compare_texts
    from yibao.lessons import draft_lessons
    from yibao.lessons.digest import build_digest, personalise, placeholders
    from yibao.lessons.render import render_lesson

    doctor = draft_lessons(_national("nhsa_ddyl_2020"), None, roles=["doctor"])[0]
    lesson_html = render_lesson(doctor, "html")
    notice = draft_lessons(_national("nhsa_clky_2025"), None, roles=["yibaoban"])[0]

    old, new = _doc("qh_yyxy_2025"), _doc("qh_yyxy_2025r", "revised", "青海省医疗保障定点医疗机构服务协议（2025版）")
    diff = compare_texts(old.text, new.text, truncated_tail=True).to_dict()
    agreement = draft_lessons(new, diff, roles=["yibaoban", "cashier"])
    rjss = draft_lessons(_doc("qh_rjss_2024"), None, roles=["yibaoban"])[0]
    items = [{"lesson_id": 101, "draft": doctor.to_dict(), "deadline": doctor.deadline},
             {"lesson_id": 105, "draft": notice.to_dict(), "deadline": notice.deadline},
             {"lesson_id": 102, "draft": agreement[0].to_dict(), "deadline": agreement[0].deadline},
             {"lesson_id": 103, "draft": agreement[1].to_dict(), "deadline": agreement[1].deadline},
             {"lesson_id": 104, "draft": rjss.to_dict(), "deadline": rjss.deadline}]
    digest = build_digest("张敏", items)
    rendered = digest.render("html")
    values = {k: f"https://lms.example-hospital.cn/{k.replace(':', '/')}" for k in placeholders(rendered)}
    values["name"] = "张敏"
    return lesson_html, personalise(rendered, values)


def screenshot(html: str, out: Path, size: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        sys.exit("chromium not found: apt-get install -y chromium fonts-wqy-microhei")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        f"--user-data-dir={tmp}/profile", f"--screenshot={out}", f"--window-size={size}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {out.relative_to(REPO)}")


def main() -> None:
    lesson_html, digest_html = build_pages()
    screenshot(lesson_html, DOCS / "lesson.png", "900,2400")
    screenshot(digest_html, DOCS / "digest.png", "800,1500")


if __name__ == "__main__":
    main()
