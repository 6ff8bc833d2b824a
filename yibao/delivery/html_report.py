"""`yibao report --html FILE`: one self-contained HTML page for the 医保办's monthly meeting —
the completion table, the control room's charts (inline SVG) and tables, the 返工 lessons and
the lessons rejected in the period.
No scripts, fonts or stylesheets from elsewhere; prints on A4 (@media print)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from yibao import beijing
from yibao.delivery.effect import charts, effect
from yibao.delivery.report import COLUMNS, as_records, completion
from yibao.review.rejected import rejected_lessons

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
CSS = """body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:1100px;padding:16px;color:#1f2937;font-size:13px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px;border-left:4px solid #0f766e;padding-left:8px}
h2 small{font-weight:normal;color:#6b7280;font-size:12px}.muted{color:#6b7280}
table.grid{border-collapse:collapse;width:100%;margin:8px 0}
table.grid th,table.grid td{border:1px solid #d1d5db;padding:4px 6px;text-align:left;vertical-align:top}
table.grid th{background:#f3f4f6}tr.total td{font-weight:bold;background:#f9fafb}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:10px}
figure{margin:0;border:1px solid #e5e7eb;padding:6px;break-inside:avoid;page-break-inside:avoid}
details>summary{cursor:pointer;font-weight:bold;margin:8px 0}ol.weak{margin:0;padding-left:1.6em}
.status{font-size:12px;padding:1px 6px;border-radius:4px;background:#e5e7eb}.status.rework{background:#fde68a}
.status.approved{background:#bbf7d0}td.note{white-space:pre-line}a{color:inherit}
@media print{@page{size:A4;margin:12mm}body{max-width:none;padding:0;font-size:11px}
.charts{display:block}figure{margin:0 0 8px}details>summary{display:none}
table{page-break-inside:auto}tr{page-break-inside:avoid}h2{page-break-after:avoid}a{text-decoration:none}}"""


def render_html_report(session: Session, since: dt.date, until: dt.date | None = None, *,
                       today: dt.date | None = None, hospital: str = "", public_url: str = "") -> str:
    figures = effect(session, since, until, today)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.filters["beijing"] = beijing.shown
    title = f"医保政策培训效果报告（{figures['since']} 至 {figures['until']}）"
    return env.get_template("report.html").render(
        title=title, css=CSS, hospital=hospital, effect=figures, charts=charts(figures), open_tables=True,
        columns=COLUMNS, completion=as_records(completion(session, since, until, today)),
        link_base=public_url.rstrip("/"),
        rejected=rejected_lessons(session, dt.date.fromisoformat(figures["since"]),
                                  dt.date.fromisoformat(figures["until"])),
        generated=dt.datetime.now(beijing.BEIJING).strftime("%Y-%m-%d %H:%M"))
